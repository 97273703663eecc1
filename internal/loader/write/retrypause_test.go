package write

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// TestFaultsReachThePool: with a client whose SDK retryer would retry throttling, server errors
// and broken connections itself (as the provider's does), every such answer still reaches the
// pool after one attempt, so throttling moves the rate at once and a fault costs the pool's
// short pause, not the SDK's backoff.
func TestFaultsReachThePool(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		fail      func(w http.ResponseWriter)
		throttled int64
	}{
		{"throttling exception", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"}`)
		}, 1},
		{"internal server error", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"oops"}`)
		}, 0},
		{"reset connection", func(w http.ResponseWriter) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				if calls.Add(1) == 1 {
					tc.fail(w)
					return
				}
				w.Header().Set("Content-Type", "application/x-amz-json-1.0")
				_, _ = io.WriteString(w, `{"UnprocessedItems":{}}`)
			}))
			defer srv.Close()
			client := dynamodb.New(dynamodb.Options{
				Region:       "us-east-1",
				BaseEndpoint: aws.String(srv.URL),
				Credentials:  credentials.NewStaticCredentialsProvider("k", "s", ""),
				Retryer:      retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 6 }),
			})
			req := Request{Put: record.Item{"pk": &types.AttributeValueMemberS{Value: "a"}}, WCU: 1, Pos: record.Position{File: "f", Line: 1}}
			st, err := Run(context.Background(), client, feed([]Batch{{req}}), Options{Table: "t", Concurrency: 1, MaxDelay: time.Millisecond, BaseDelay: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			if n := calls.Load(); n != 2 {
				t.Errorf("the server got %d calls, want 2: one failed attempt, then the pool's re-send", n)
			}
			if st.Written != 1 || st.Retries != 1 || st.Throttled != tc.throttled {
				t.Errorf("stats %+v; want 1 written, 1 retry, %d throttled", st, tc.throttled)
			}
		})
	}
}

// TestPause: a fault's first re-send follows within the base delay however often the batch was
// throttled before; throttling backs off exponentially, a whole-call throttle from a higher
// start than unprocessed items, until the rate controller finds it fault-like, and then every
// re-send follows within the base delay too.
func TestPause(t *testing.T) {
	t.Parallel()
	const base = 10 * time.Millisecond
	_, c := newTestController(0)
	p := &pool{backoff: newBackoff(base, 10*time.Second, newPCG(7)), control: c}
	longest := func(faults, throttles int, refused bool) time.Duration {
		var m time.Duration
		for range 200 {
			m = max(m, p.pause(faults, throttles, refused))
		}
		return m
	}
	if d := longest(1, 6, true); d > base {
		t.Errorf("a first fault after 6 throttled rounds waits up to %s; want at most %s", d, base)
	}
	if d := longest(0, 6, false); d <= 4*base {
		t.Errorf("the 6th throttled round waits at most %s; want exponential backoff beyond %s", d, 4*base)
	}
	if d := longest(0, 1, false); d > 2*base {
		t.Errorf("the first round of unprocessed items waits up to %s; want at most %s", d, 2*base)
	}
	if d := longest(0, 1, true); d <= 2*base {
		t.Errorf("a first whole-call throttle waits at most %s; want a longer backoff than unprocessed items (beyond %s)", d, 2*base)
	}
	c.faultLike = true
	if d := longest(0, 6, false); d > base {
		t.Errorf("with fault-like throttling the 6th round waits up to %s; want at most %s", d, base)
	}
}
