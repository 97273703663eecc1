package write

import (
	"context"
	"math"
	"testing"
	"time"
)

// TestRateCapChargesEstimatedWCU loads 1,000 one-WCU items under a 100 WCU/s cap on fake time:
// the pool must ask to wait for everything beyond the full bucket's 100 WCU at 100 WCU/s,
// corrected by what DynamoDB reports as consumed.
func TestRateCapChargesEstimatedWCU(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		ratio float64 // consumed / estimated, as the fake reports it
		// charged is the WCU the waits pay for: everything charged up to the last charge
		// (40 batches of 25 WCU, corrections included) minus the first full bucket.
		charged float64
	}{
		{"consumed as estimated", 1, 1000 - 100},
		{"consumed twice the estimate (a GSI)", 2, 2000 - 100},
		// Refunds are whole units (12 of 12.5 per batch); the last one comes after the last
		// charge and buys nothing.
		{"consumed half the estimate", 0.5, 1000 - 39*12 - 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := newFakeClock()
			f := newFakeAPI(nil)
			f.consumedRatio = tc.ratio
			o := testOptions(clk)
			o.Concurrency = 1
			o.MaxWriteUnitsPerSecond = 100
			st, err := Run(context.Background(), f, feed(makeBatches(1000, 25)), o)
			if err != nil {
				t.Fatal(err)
			}
			want := time.Duration(tc.charged / 100 * float64(time.Second))
			if got := clk.Slept(); math.Abs(float64(got-want)) > float64(time.Millisecond) {
				t.Errorf("waited %s in total, want %s", got, want)
			}
			if st.WCUEstimated != 1000 || st.WCUConsumed != 1000*tc.ratio || st.Duration != clk.Slept() {
				t.Errorf("stats = %+v, want 1000 WCU estimated, %v consumed, Duration = the waits", st, 1000*tc.ratio)
			}
		})
	}
}

func TestBucket(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := newFakeClock()
	b := newBucket(100, clk.Now, clk.Sleep)
	check := func(step string, want float64, slept time.Duration) {
		t.Helper()
		if got := b.tokens(); math.Abs(got-want) > 1e-9 || clk.Slept() != slept {
			t.Fatalf("%s: %v tokens after %s of waits, want %v after %s", step, got, clk.Slept(), want, slept)
		}
	}
	check("new bucket is full", 100, 0)
	_, _ = b.correct(ctx, 50, 0)
	check("refund into a full bucket", 100, 0)
	_, _ = b.take(ctx, 60)
	check("take", 40, 0)
	_, _ = b.correct(ctx, 60, 0)
	check("refund up to the burst", 100, 0)
	_, _ = b.correct(ctx, 10, 30.2)
	check("excess consumption is charged", 79, 0)
	_, _ = b.take(ctx, 250)
	// A charge above the burst grows the burst instead of failing; it waits for the deficit.
	check("charge above the burst", 0, 1710*time.Millisecond)
	clk.Advance(time.Second)
	check("refilled at 100 WCU/s", 100, 1710*time.Millisecond)
	b.setLimit(50, true)
	check("a cut drains the bucket", 0, 1710*time.Millisecond)
	b.setLimit(math.Inf(1), false)
	_, _ = b.take(ctx, 1e6)
	check("no limit", b.tokens(), 1710*time.Millisecond)
}
