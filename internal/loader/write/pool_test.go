package write

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// failFirst fails the first len(errs) calls of every batch with errs in order, then succeeds.
func failFirst(f **fakeAPI, errs ...error) reply {
	return func(_ context.Context, _ int, reqs []types.WriteRequest) ([]int, error) {
		if a := (*f).attempt(reqs); a < len(errs) {
			return nil, errs[a]
		}
		return nil, nil
	}
}

func TestRunOutcomes(t *testing.T) {
	t.Parallel()
	const items, size = 500, 25
	const batches = items / size
	connReset := &smithyhttp.RequestSendError{Err: &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}}

	cases := []struct {
		name string
		// reply builds the script; f is the fake it will run in.
		reply func(f **fakeAPI) reply
		// want are exact Stats, or nil to check the random case for consistency.
		want *Stats
	}{
		{
			name:  "all succeed",
			reply: func(**fakeAPI) reply { return nil },
			want:  &Stats{Batches: batches},
		},
		{
			name: "30% of items unprocessed at random",
			reply: func(**fakeAPI) reply {
				var mu sync.Mutex
				rnd := rand.New(newPCG(7))
				return func(_ context.Context, _ int, reqs []types.WriteRequest) ([]int, error) {
					mu.Lock()
					defer mu.Unlock()
					var unp []int
					for i := range reqs {
						if rnd.Float64() < 0.3 {
							unp = append(unp, i)
						}
					}
					return unp, nil
				}
			},
		},
		{
			name: "throttling exceptions",
			reply: func(f **fakeAPI) reply {
				return failFirst(f,
					sdkErr(400, &types.ProvisionedThroughputExceededException{Message: new("slow down")}),
					sdkErr(400, &types.ThrottlingException{Message: new("slow down")}),
					&retry.MaxAttemptsError{Attempt: 4, Err: sdkErr(400, &types.RequestLimitExceeded{})},
					errors.Join(sdkErr(400, apiErr("ThrottlingException")), ratelimit.QuotaExceededError{Available: 0, Requested: 5}))
			},
			want: &Stats{Batches: 5 * batches, Retries: 4 * batches, Throttled: 4 * batches},
		},
		{
			name: "5xx errors",
			reply: func(f **fakeAPI) reply {
				return failFirst(f,
					sdkErr(500, &types.InternalServerError{Message: new("oops")}),
					sdkErr(503, apiErr("ServiceUnavailable")),
					&retry.MaxAttemptsError{Attempt: 4, Err: sdkErr(502, errors.New("bad gateway"))})
			},
			want: &Stats{Batches: 4 * batches, Retries: 3 * batches},
		},
		{
			name: "connection errors",
			reply: func(f **fakeAPI) reply {
				return failFirst(f, connReset, io.ErrUnexpectedEOF, errors.New("read tcp 127.0.0.1:1: connection reset by peer"),
					&net.DNSError{Err: "timeout", IsTimeout: true})
			},
			want: &Stats{Batches: 5 * batches, Retries: 4 * batches},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var f *fakeAPI
			f = newFakeAPI(tc.reply(&f))
			clk := newFakeClock()
			a := newAcks()
			o := testOptions(clk)
			o.Concurrency = 4
			o.OnAck = a.OnAck
			st, err := Run(context.Background(), f, feed(makeBatches(items, size)), o)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			a.exactlyOnce(t, items)
			if len(f.table) != items {
				t.Errorf("table holds %d items, want %d", len(f.table), items)
			}
			wcu := int64(items) // every test item is under 1 KB
			if st.Requests != items || st.Written != items || st.Deleted != 0 || st.WCUEstimated != wcu || st.WCUConsumed != float64(wcu) {
				t.Errorf("counts = %+v, want %d puts and %d WCU estimated and consumed", st, items, wcu)
			}
			if st.Duration != clk.Now().Sub(newFakeClock().Now()) {
				t.Errorf("Duration = %s, want the fake time that passed, %s", st.Duration, clk.Now().Sub(newFakeClock().Now()))
			}
			if tc.want != nil {
				got := Stats{Batches: st.Batches, Retries: st.Retries, Throttled: st.Throttled, Unprocessed: st.Unprocessed}
				if got != *tc.want {
					t.Errorf("stats = %+v, want %+v", got, *tc.want)
				}
				return
			}
			// The random case: counts must agree with what the fake did.
			if f.unpItems == 0 {
				t.Fatal("the fake returned nothing unprocessed: the case tests nothing")
			}
			if st.Batches != int64(f.Calls()) || st.Batches != batches+st.Retries {
				t.Errorf("Batches %d, Retries %d, fake calls %d: want Batches = calls = %d + Retries", st.Batches, st.Retries, f.Calls(), batches)
			}
			if st.Throttled != int64(f.withUnp) || st.Unprocessed != int64(f.unpItems) {
				t.Errorf("Throttled %d, Unprocessed %d; the fake returned %d calls with %d unprocessed items",
					st.Throttled, st.Unprocessed, f.withUnp, f.unpItems)
			}
		})
	}
}

func TestFatalErrorStopsTheLoad(t *testing.T) {
	t.Parallel()
	validation := sdkErr(400, apiErr("ValidationException"))

	t.Run("one worker", func(t *testing.T) {
		t.Parallel()
		f := newFakeAPI(func(_ context.Context, call int, _ []types.WriteRequest) ([]int, error) {
			if call == 3 {
				return nil, validation
			}
			return nil, nil
		})
		ch := feed(makeBatches(250, 25))
		a := newAcks()
		o := testOptions(newFakeClock())
		o.Concurrency = 1
		o.OnAck = a.OnAck
		st, err := Run(context.Background(), f, ch, o)
		var be *BatchError
		if !errors.As(err, &be) {
			t.Fatalf("err = %v, want a *BatchError", err)
		}
		if be.Retryable || be.Pos.Line != 51 || be.Table != testTable || !errors.Is(err, validation) {
			t.Errorf("BatchError = %+v, want the third batch (line 51), not retryable, wrapping the cause", be)
		}
		for _, want := range []string{"data.jsonl:51", "ValidationException", `table "t"`} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %q", err, want)
			}
		}
		if f.Calls() != 3 || len(ch) != 7 {
			t.Errorf("%d calls made and %d batches left unread; want 3 and 7: nothing after the failure", f.Calls(), len(ch))
		}
		if a.count() != 50 || st.Requests != 50 || st.Batches != 3 {
			t.Errorf("%d acked, stats %+v; want the 50 requests of the first two batches", a.count(), st)
		}
	})

	t.Run("other workers are cancelled", func(t *testing.T) {
		t.Parallel()
		// Call 5 fails; every other call blocks until its context ends, so Run can only return
		// if the failure cancels the workers in flight.
		f := newFakeAPI(func(ctx context.Context, call int, _ []types.WriteRequest) ([]int, error) {
			if call == 5 {
				return nil, validation
			}
			<-ctx.Done()
			return nil, ctx.Err()
		})
		ch := feed(makeBatches(1000, 25))
		o := testOptions(newFakeClock())
		o.Concurrency = 8
		_, err := Run(context.Background(), f, ch, o)
		var be *BatchError
		if !errors.As(err, &be) || !errors.Is(err, validation) {
			t.Fatalf("err = %v, want the BatchError of the failed call", err)
		}
		if n := f.inflight.Load(); n != 0 {
			t.Errorf("%d calls still in flight after Run returned", n)
		}
		if f.Calls() > 8 || len(ch) < 40-8 {
			t.Errorf("%d calls made, %d batches left; want at most one call per worker", f.Calls(), len(ch))
		}
	})
}

func TestOptionsCheck(t *testing.T) {
	t.Parallel()
	for name, o := range map[string]Options{
		"no table":          {},
		"negative workers":  {Table: "t", Concurrency: -1},
		"too many workers":  {Table: "t", Concurrency: MaxConcurrency + 1},
		"negative cap":      {Table: "t", MaxWriteUnitsPerSecond: -1},
		"negative timeout":  {Table: "t", NoProgressTimeout: -1},
		"max below base":    {Table: "t", BaseDelay: 2e9, MaxDelay: 1e9},
		"negative progress": {Table: "t", ProgressInterval: -1},
	} {
		if _, err := Run(context.Background(), newFakeAPI(nil), feed(nil), o); err == nil || !strings.HasPrefix(err.Error(), "write options: ") {
			t.Errorf("%s: err = %v, want a write options error", name, err)
		}
	}
	o, err := Options{Table: "t"}.withDefaults()
	if err != nil || o.Concurrency != DefaultConcurrency || o.NoProgressTimeout != DefaultNoProgressTimeout ||
		o.BaseDelay != DefaultBaseDelay || o.MaxDelay != DefaultMaxDelay || o.ProgressInterval != DefaultProgressInterval {
		t.Errorf("defaults = %+v, %v", o, err)
	}
}

func TestBadBatchIsRejected(t *testing.T) {
	t.Parallel()
	bs := makeBatches(30, 30) // one batch of 30: more than BatchWriteItem takes
	both := makeBatches(1, 1)
	both[0][0].Delete = both[0][0].Put
	for name, b := range map[string]Batch{"31 requests": bs[0], "put and delete": both[0]} {
		f := newFakeAPI(nil)
		_, err := Run(context.Background(), f, feed([]Batch{b}), testOptions(newFakeClock()))
		var be *BatchError
		if !errors.As(err, &be) || be.Retryable || f.Calls() != 0 {
			t.Errorf("%s: err = %v after %d calls, want a BatchError before any call", name, err, f.Calls())
		}
	}
}
