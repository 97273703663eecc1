package write

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestAIMDController(t *testing.T) {
	t.Parallel()
	t.Run("with a cap", func(t *testing.T) {
		t.Parallel()
		clk := newFakeClock()
		b := newBucket(1000, clk.Now, clk.Sleep)
		a := newAIMD(1000, clk.Now, b)
		expect := func(step string, want float64) {
			t.Helper()
			if got, lim := a.current(), float64(b.lim.Limit()); math.Abs(got-want) > 0.5 || got != lim {
				t.Fatalf("%s: rate %.1f, bucket %.1f; want %.1f", step, got, lim, want)
			}
		}
		expect("starts at the cap", 1000)
		a.clean()
		expect("never above the cap", 1000)
		t0 := clk.Now()
		a.sent(2000)
		clk.Advance(10 * time.Millisecond)
		a.throttled(t0)
		expect("first throttle", 700)
		clk.Advance(50 * time.Millisecond)
		a.throttled(clk.Now())
		expect("same burst: within 100ms", 700)
		clk.Advance(100 * time.Millisecond)
		a.throttled(t0)
		expect("a call sent before the cut, 150ms later", 700)
		a.throttled(clk.Now())
		expect("second cut", 490)
		for range 50 {
			clk.Advance(100 * time.Millisecond)
			a.clean()
		}
		expect("5s of clean calls add 5 × 10% of 490", 490+5*49)
		clk.Advance(time.Hour)
		a.clean()
		expect("an idle hour counts as one second", 490+6*49)
		for range 100 {
			clk.Advance(100 * time.Millisecond)
			a.clean()
		}
		expect("recovered to the cap", 1000)
	})

	t.Run("without a cap", func(t *testing.T) {
		t.Parallel()
		clk := newFakeClock()
		b := newBucket(math.Inf(1), clk.Now, clk.Sleep)
		a := newAIMD(0, clk.Now, b)
		a.sent(300)
		clk.Advance(time.Second)
		a.sent(300)
		a.clean()
		if !math.IsInf(a.current(), 1) {
			t.Fatalf("rate %v before any throttle, want unlimited", a.current())
		}
		clk.Advance(500 * time.Millisecond)
		a.throttled(clk.Now())
		// The meter saw 300 WCU in the last second and 300 in the last 0.5s: 600 WCU/s.
		if got := a.current(); math.Abs(got-420) > 1e-6 || float64(b.lim.Limit()) != got {
			t.Fatalf("rate after the first throttle %v (bucket %v), want 0.7 × 600", got, b.lim.Limit())
		}
	})
}

// simTable is a provisioned table on fake time: a token bucket of capacity WCU/s holding at
// most one second of capacity. Items beyond its tokens come back unprocessed; a call with
// nothing processed fails with ProvisionedThroughputExceededException, as DynamoDB does.
type simTable struct {
	clk      *fakeClock
	capacity float64
	tokens   float64
	last     time.Time
}

func (s *simTable) reply(_ context.Context, _ int, reqs []types.WriteRequest) ([]int, error) {
	now := s.clk.Now()
	if !s.last.IsZero() {
		s.tokens = min(s.capacity, s.tokens+s.capacity*now.Sub(s.last).Seconds())
	}
	s.last = now
	var unp []int
	for i := range reqs {
		if s.tokens >= 1 {
			s.tokens--
		} else {
			unp = append(unp, i)
		}
	}
	if len(unp) == len(reqs) {
		return nil, sdkErr(400, &types.ProvisionedThroughputExceededException{})
	}
	return unp, nil
}

// TestAIMDKeepsThrottlingLow loads 20,000 one-WCU items into a simulated 1,000 WCU/s table
// with a client that could send 5,000 WCU/s (25 items per 5 ms call). Backoff alone leaves
// most calls throttled; the AIMD rate must keep throttling rare while using the table well.
func TestAIMDKeepsThrottlingLow(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		capWCU float64
	}{
		{"no cap", 0},
		{"a cap above what the table takes", 3000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := newFakeClock()
			table := &simTable{clk: clk, capacity: 1000, tokens: 1000}
			f := newFakeAPI(table.reply)
			f.onCall = func() { clk.Advance(5 * time.Millisecond) }
			o := testOptions(clk)
			o.Concurrency = 1 // fake time is one timeline: one worker keeps it true
			o.MaxWriteUnitsPerSecond = tc.capWCU
			a := newAcks()
			o.OnAck = a.OnAck
			st, err := Run(context.Background(), f, feed(makeBatches(20000, 25)), o)
			if err != nil {
				t.Fatal(err)
			}
			a.exactlyOnce(t, 20000)
			throttledRatio := float64(st.Throttled) / float64(st.Batches)
			utilisation := float64(st.Requests) / st.Duration.Seconds() / table.capacity
			t.Logf("calls %d, throttled %d (%.1f%%), table utilisation %.0f%% over %s", st.Batches, st.Throttled, 100*throttledRatio, 100*utilisation, st.Duration)
			// Without the AIMD rate (backoff only) this load runs 37% of its calls throttled.
			if throttledRatio > 0.10 || utilisation < 0.80 {
				t.Errorf("throttled %.1f%% of calls at %.0f%% utilisation; want at most 10%% and at least 80%%", 100*throttledRatio, 100*utilisation)
			}
		})
	}
}

// TestAIMDSteadyFaultsDoNotStall: a constant share of unprocessed items that does not change
// when the rate changes (internal errors, injected faults) must not cut the rate step after
// step until the load stalls: after the first cut the controller sees the share is steady
// and wins the rate back.
func TestAIMDSteadyFaultsDoNotStall(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	b := newBucket(math.Inf(1), clk.Now, clk.Sleep)
	a := newAIMD(0, clk.Now, b)
	a.sent(2500)
	clk.Advance(100 * time.Millisecond)
	a.observe(clk.Now(), 300, 1000) // 30% unprocessed: the first cut
	first := a.current()
	if math.IsInf(first, 1) {
		t.Fatal("the first throttling verdict must cut the unlimited rate")
	}
	for range 50 { // five seconds of the same 30%
		clk.Advance(100 * time.Millisecond)
		a.sent(250)
		a.observe(clk.Now(), 300, 1000)
	}
	if got := a.current(); got < first*2 {
		t.Fatalf("rate %.1f after 5 s of a steady 30%% unprocessed share; it fell or stalled from %.1f", got, first)
	}

	// A share that keeps rising is the rate's fault: cut again.
	before := a.current()
	clk.Advance(100 * time.Millisecond)
	a.observe(clk.Now(), 900, 1000)
	if got := a.current(); got >= before {
		t.Fatalf("rate %.1f after the unprocessed share rose to 90%%; want a cut below %.1f", got, before)
	}
}
