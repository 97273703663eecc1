package write

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestCancellation cancels a load blocked in each place a worker can wait. Run must return
// ctx's error and leave no goroutine behind. Not parallel: it counts the process's goroutines,
// which other running tests would change.
func TestCancellation(t *testing.T) {
	blockInCall := func(blocked chan<- struct{}) reply {
		return func(ctx context.Context, _ int, _ []types.WriteRequest) ([]int, error) {
			blocked <- struct{}{}
			<-ctx.Done()
			return nil, ctx.Err()
		}
	}
	cases := []struct {
		name string
		// setup returns the fake's script and adjusts the options; it signals blocked once a
		// worker is about to block.
		setup func(o *Options, blocked chan<- struct{}) reply
		open  bool // keep the channel open and empty
	}{
		{"in a call", func(_ *Options, blocked chan<- struct{}) reply { return blockInCall(blocked) }, false},
		{"in backoff", func(o *Options, blocked chan<- struct{}) reply {
			o.BaseDelay, o.MaxDelay = time.Hour, time.Hour
			o.Sleep = func(ctx context.Context, d time.Duration) error {
				blocked <- struct{}{}
				return sleep(ctx, d)
			}
			o.Rand = constSource(^uint64(0)) // the longest delay, not a lucky zero
			return func(context.Context, int, []types.WriteRequest) ([]int, error) {
				return nil, sdkErr(500, &types.InternalServerError{})
			}
		}, false},
		{"waiting for the rate cap", func(o *Options, blocked chan<- struct{}) reply {
			o.MaxWriteUnitsPerSecond = 0.001
			o.Sleep = func(ctx context.Context, d time.Duration) error {
				blocked <- struct{}{}
				return sleep(ctx, d)
			}
			return nil
		}, false},
		{"waiting for batches", func(_ *Options, blocked chan<- struct{}) reply {
			close(blocked)
			return nil
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			blocked := make(chan struct{}, MaxConcurrency)
			// A Progress callback adds the reporting goroutine to what must stop.
			o := Options{Table: testTable, Concurrency: 4, Rand: newPCG(1), Progress: func(Stats) {}, ProgressInterval: time.Millisecond}
			f := newFakeAPI(tc.setup(&o, blocked))
			ch := feed(makeBatches(1000, 25))
			if tc.open {
				ch = make(chan Batch)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				<-blocked
				cancel()
			}()
			_, err := Run(ctx, f, ch, o)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if n := f.inflight.Load(); n != 0 {
				t.Errorf("%d calls in flight after Run returned", n)
			}
			// Only the helper goroutine above may still be finishing: wait for it to go.
			for i := 0; runtime.NumGoroutine() > before; i++ {
				if i == 500 {
					buf := make([]byte, 1<<16)
					t.Fatalf("%d goroutines before Run, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

// constSource always returns the same number.
type constSource uint64

func (c constSource) Uint64() uint64 { return uint64(c) }
