package write

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	quota := ratelimit.QuotaExceededError{Available: 0, Requested: 5}
	for _, tc := range []struct {
		name string
		err  error
		want errKind
	}{
		{"provisioned throughput exceeded", sdkErr(400, &types.ProvisionedThroughputExceededException{}), throttled},
		{"throttling exception", sdkErr(400, &types.ThrottlingException{}), throttled},
		{"request limit exceeded", sdkErr(400, &types.RequestLimitExceeded{}), throttled},
		{"throttling by code", sdkErr(400, apiErr("ProvisionedThroughputExceededException")), throttled},
		{"max attempts wrapping a throttle", &retry.MaxAttemptsError{Attempt: 3, Err: sdkErr(400, &types.ThrottlingException{})}, throttled},
		{"retry quota exceeded after a throttle", errors.Join(sdkErr(400, &types.ThrottlingException{}), quota), throttled},
		{"internal server error", sdkErr(500, &types.InternalServerError{}), retryable},
		{"503 by status", sdkErr(503, apiErr("ServiceUnavailable")), retryable},
		{"5xx without an API error", sdkErr(502, errors.New("bad gateway")), retryable},
		{"retry quota exceeded after a 500", errors.Join(sdkErr(500, &types.InternalServerError{}), quota), retryable},
		{"send error", &smithyhttp.RequestSendError{Err: errors.New("dial tcp: refused")}, retryable},
		{"net error", &net.OpError{Op: "dial", Err: errors.New("refused")}, retryable},
		{"unexpected EOF", fmt.Errorf("reading body: %w", io.ErrUnexpectedEOF), retryable},
		{"connection reset text", errors.New("read: connection reset by peer"), retryable},
		{"validation", sdkErr(400, apiErr("ValidationException")), fatal},
		{"resource not found", sdkErr(400, &types.ResourceNotFoundException{}), fatal},
		{"access denied", sdkErr(400, apiErr("AccessDeniedException")), fatal},
		{"item collection too big", sdkErr(400, &types.ItemCollectionSizeLimitExceededException{}), fatal},
		{"max attempts wrapping validation", &retry.MaxAttemptsError{Attempt: 1, Err: sdkErr(400, apiErr("ValidationException"))}, fatal},
		{"anything else", errors.New("boom"), fatal},
	} {
		if got := classify(tc.err); got != tc.want {
			t.Errorf("%s: classify = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestBackoffFullJitter(t *testing.T) {
	t.Parallel()
	b := newBackoff(50*time.Millisecond, 5*time.Second, newPCG(3))
	for attempt, ms := range []int64{50, 100, 200, 400, 800, 1600, 3200, 5000, 5000} {
		ceil := time.Duration(ms) * time.Millisecond
		var top time.Duration
		for range 2000 {
			d := b.delay(attempt)
			if d < 0 || d > ceil {
				t.Fatalf("attempt %d: delay %s outside [0, %s]", attempt, d, ceil)
			}
			top = max(top, d)
		}
		// Full jitter spreads over the whole range: 2000 draws come close to the ceiling.
		if top < ceil*9/10 {
			t.Errorf("attempt %d: largest of 2000 delays %s, want near %s", attempt, top, ceil)
		}
	}
	if d := b.delay(1000); d > 5*time.Second {
		t.Errorf("attempt 1000: delay %s above MaxDelay", d)
	}
}

func TestNoProgressTimeout(t *testing.T) {
	t.Parallel()
	allUnprocessed := func(_ context.Context, _ int, reqs []types.WriteRequest) ([]int, error) {
		unp := make([]int, len(reqs))
		for i := range unp {
			unp[i] = i
		}
		return unp, nil
	}
	alwaysThrottled := func(context.Context, int, []types.WriteRequest) ([]int, error) {
		return nil, sdkErr(400, &types.ProvisionedThroughputExceededException{})
	}
	for _, tc := range []struct {
		name  string
		reply reply
		cause string
	}{
		{"everything unprocessed", allUnprocessed, "25 requests came back in UnprocessedItems"},
		{"throttling exceptions", alwaysThrottled, "ProvisionedThroughputExceededException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := newFakeClock()
			start := clk.Now()
			f := newFakeAPI(tc.reply)
			a := newAcks()
			o := testOptions(clk)
			o.Concurrency = 1
			o.NoProgressTimeout = 30 * time.Second
			o.OnAck = a.OnAck
			st, err := Run(context.Background(), f, feed(makeBatches(50, 25)), o)
			var be *BatchError
			if !errors.As(err, &be) || !be.Retryable || !errors.Is(err, ErrNoProgress) {
				t.Fatalf("err = %v, want a retryable BatchError wrapping ErrNoProgress", err)
			}
			for _, want := range []string{"data.jsonl:1", "acknowledged", "NoProgressTimeout 30s", tc.cause} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			if waited := clk.Now().Sub(start); waited < 30*time.Second {
				t.Errorf("gave up after %s of fake time, before the 30s timeout", waited)
			}
			if a.count() != 0 || st.Requests != 0 || f.Calls() != be.Attempts || be.Attempts < 5 {
				t.Errorf("acked %d, stats %+v, %d calls, %d attempts: want many attempts, nothing acked, and the second batch never sent",
					a.count(), st, f.Calls(), be.Attempts)
			}
		})
	}

	t.Run("any progress resets the clock", func(t *testing.T) {
		t.Parallel()
		// One item per call is processed and the rest comes back; each gap is at most one
		// backoff (<= 1s) although the batch takes far longer than the 3s timeout.
		clk := newFakeClock()
		start := clk.Now()
		f := newFakeAPI(func(_ context.Context, _ int, reqs []types.WriteRequest) ([]int, error) {
			unp := make([]int, 0, len(reqs))
			for i := 1; i < len(reqs); i++ {
				unp = append(unp, i)
			}
			return unp, nil
		})
		a := newAcks()
		o := testOptions(clk)
		o.Concurrency = 1
		o.NoProgressTimeout = 3 * time.Second
		o.BaseDelay, o.MaxDelay = time.Second, time.Second
		o.OnAck = a.OnAck
		st, err := Run(context.Background(), f, feed(makeBatches(25, 25)), o)
		if err != nil {
			t.Fatal(err)
		}
		a.exactlyOnce(t, 25)
		if took := clk.Now().Sub(start); took <= 3*time.Second {
			t.Fatalf("the batch took %s of fake time, not longer than the timeout: the case tests nothing", took)
		}
		if st.Batches != 25 || st.Retries != 24 || st.Throttled != 24 || st.Unprocessed != 24*25/2 {
			t.Errorf("stats = %+v, want 25 calls, 24 re-sends and 300 unprocessed items re-sent", st)
		}
	})
}

// TestClassifyClosedConnectionAfterA200: the SDK can fail a 200 answer with "use of closed
// network connection" while decoding it (aws-sdk-go-v2 #2737). Should it reach the pool (SDK
// retries exhausted), the pool retries it: BatchWriteItem puts and deletes are idempotent.
func TestClassifyClosedConnectionAfterA200(t *testing.T) {
	t.Parallel()
	err := &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "BatchWriteItem",
		Err: &smithy.DeserializationError{Err: &net.OpError{Op: "read", Net: "tcp", Err: net.ErrClosed}}}
	if got := classify(err); got != retryable {
		t.Fatalf("classify(%v) = %v, want retryable", err, got)
	}
}
