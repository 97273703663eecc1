package write

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestProgress holds the first call until Progress has reported twice, so the periodic reports
// are observed while the load runs; the last report must be the Stats Run returns.
func TestProgress(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	f := newFakeAPI(func(ctx context.Context, call int, _ []types.WriteRequest) ([]int, error) {
		if call == 1 {
			select {
			case <-release:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		return nil, nil
	})
	var (
		busy    sync.Mutex
		mu      sync.Mutex
		reports []Stats
	)
	o := testOptions(newFakeClock())
	o.Concurrency = 1
	o.ProgressInterval = time.Millisecond
	o.Progress = func(s Stats) {
		if !busy.TryLock() {
			t.Error("Progress called concurrently")
			return
		}
		defer busy.Unlock()
		mu.Lock()
		reports = append(reports, s)
		n := len(reports)
		mu.Unlock()
		if n == 2 {
			close(release)
		}
	}
	st, err := Run(context.Background(), f, feed(makeBatches(100, 25)), o)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reports) < 3 {
		t.Fatalf("%d progress reports, want two while running and one at the end", len(reports))
	}
	if reports[0].Requests != 0 || reports[1].Requests != 0 {
		t.Errorf("reports while the first call was held: %+v, %+v; want nothing written yet", reports[0], reports[1])
	}
	if last := reports[len(reports)-1]; last != st || st.Requests != 100 || st.Batches != 4 {
		t.Errorf("final report %+v, Run returned %+v; want the same, with 100 requests in 4 calls", last, st)
	}
}
