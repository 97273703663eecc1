package write

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// newTestController returns a controller on fake time with the cap capWCU (0: none) and its
// bucket.
func newTestController(capWCU float64) (*fakeClock, *rateController) {
	clk := newFakeClock()
	limit := math.Inf(1)
	if capWCU > 0 {
		limit = capWCU
	}
	return clk, newRateController(capWCU, clk.Now, newBucket(limit, clk.Now, clk.Sleep))
}

// periods returns a function that sends wcu at once, lets a verdict period (100 ms) of fake
// time pass and reports the call: items of it, unprocessed of them came back. It returns when
// the call was sent.
func periods(clk *fakeClock, c *rateController) func(wcu int64, unprocessed, items int) time.Time {
	return func(wcu int64, unprocessed, items int) time.Time {
		sentAt := clk.Now()
		c.sent(wcu)
		clk.Advance(verdictPeriod)
		c.observe(sentAt, unprocessed, items)
		return sentAt
	}
}

// sendable is the WCU a sender sends in a verdict period at the current rate, or unlimited
// of them when the rate has no limit.
func sendable(c *rateController, unlimited int64) int64 {
	if r := c.current(); !math.IsInf(r, 1) {
		return int64(r * verdictPeriod.Seconds())
	}
	return unlimited
}

func TestRateController(t *testing.T) {
	t.Parallel()
	t.Run("with a cap", func(t *testing.T) {
		t.Parallel()
		clk, c := newTestController(1000)
		expect := func(step string, want float64) {
			t.Helper()
			if got, lim := c.current(), float64(c.bucket.lim.Limit()); math.Abs(got-want) > 0.5 || got != lim {
				t.Fatalf("%s: rate %.1f, bucket %.1f; want %.1f", step, got, lim, want)
			}
		}
		period := periods(clk, c)
		expect("starts at the cap", 1000)
		c.clean()
		expect("never above the cap", 1000)
		t0 := period(100, 10, 25)
		// 1,000 WCU/s sent, 60% of it admitted: 600 WCU/s is what the table takes.
		expect("first throttled verdict: 95% of what the table admitted", 570)
		c.observe(t0, 25, 25)
		expect("a call sent before the cut is not judged", 570)
		period(57, 1, 25)
		expect("the fraction fell to a tenth: the cut works, hold", 570)
		period(57, 1, 25)
		expect("sent under the capacity measured, a fraction that did not rise is the cut's residue: hold", 570)
		period(57, 1, 25)
		expect("still residue", 570)
		period(57, 1, 25)
		// 570 WCU/s sent, 96% admitted.
		capacity := 0.96 * 570
		expect("three verdicts after the cut the fraction is still there: cut", 0.95*capacity)

		// The probe: 1% of the capacity measured per second at first, the slope doubling every
		// 3 s, starting over on passing that capacity.
		probe := func(d time.Duration) float64 {
			before := c.current()
			for range d / (100 * time.Millisecond) {
				clk.Advance(100 * time.Millisecond)
				c.clean()
			}
			return c.current() - before
		}
		if got, want := probe(3*time.Second), 0.01*capacity*3/math.Ln2; math.Abs(got-want) > 0.5 {
			t.Fatalf("the first 3 s of clean calls added %.1f WCU/s, want about %.1f (a slow probe under the capacity just measured)", got, want)
		}
		probe(3 * time.Second)
		if c.current() < capacity {
			t.Fatalf("rate %.1f after 6 s of clean calls; want it past the capacity measured, %.1f", c.current(), capacity)
		}
		if g1, g2 := probe(3*time.Second), probe(3*time.Second); g2 < 1.9*g1 {
			t.Fatalf("the probe gained %.1f and then %.1f WCU/s in two 3 s spans; it must speed up", g1, g2)
		}
		before := c.current()
		clk.Advance(time.Hour)
		c.clean()
		if got, maxStep := c.current()-before, 0.1*before; got > maxStep+1e-9 {
			t.Fatalf("an idle hour added %.1f WCU/s; it counts as one second: at most %.1f", got, maxStep)
		}
		probe(60 * time.Second)
		expect("recovered to the cap", 1000)

		period(100, 0, 25)
		expect("a clean verdict ends the episode", 1000)
		period(100, 5, 25)
		expect("a later episode: 95% of what the table admitted", 0.95*800)
		period(76, 25, 25)
		expect("whole calls throttled, nothing admitted: half the rate, not the floor", 0.5*760)
	})

	t.Run("without a cap", func(t *testing.T) {
		t.Parallel()
		clk, c := newTestController(0)
		t0 := clk.Now()
		c.sent(1000)
		clk.Advance(100 * time.Millisecond)
		c.clean()
		if !math.IsInf(c.current(), 1) {
			t.Fatalf("rate %v before any throttle, want unlimited", c.current())
		}
		c.observe(t0, 5, 25)
		// 10,000 WCU/s sent and 8,000 admitted, but leaving the unlimited rate the table's
		// burst capacity flatters it: half of what was sent.
		if got := c.current(); math.Abs(got-5000) > 1e-6 || float64(c.bucket.lim.Limit()) != got {
			t.Fatalf("rate after the first throttle %v (bucket %v), want 0.5 × 10000", got, c.bucket.lim.Limit())
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

// TestRateControlKeepsThrottlingLow loads 20,000 one-WCU items into a simulated 1,000 WCU/s
// table with a client that could send 5,000 WCU/s (25 items per 5 ms call). Backoff alone
// leaves most calls throttled; the controlled rate must keep throttling rare while using the
// table well.
func TestRateControlKeepsThrottlingLow(t *testing.T) {
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
			// Backoff alone, without the controller, leaves most of this load's calls throttled.
			if throttledRatio > 0.02 || utilisation < 0.90 {
				t.Errorf("throttled %.1f%% of calls at %.0f%% utilisation; want at most 2%% and at least 90%%", 100*throttledRatio, 100*utilisation)
			}
		})
	}
}

// TestRateControlSteadyFaultsDoNotStall: a constant share of unprocessed items that does not
// change when the rate changes (internal errors, injected faults) must not cut the rate step
// after step until the load stalls: once the cuts have halved the rate and the share stayed
// the same, the controller takes the share as not the rate's doing and wins the rate back.
func TestRateControlSteadyFaultsDoNotStall(t *testing.T) {
	t.Parallel()
	clk, c := newTestController(0)
	// A sender that sends what the rate allows (2,500 WCU per 100 ms while it is unlimited),
	// and a table that takes 70% of every call whatever the rate.
	period := periods(clk, c)
	step := func(unprocessed int) { period(sendable(c, 2500), unprocessed, 1000) }
	step(300) // the first verdict cuts the unlimited rate
	first := c.current()
	if math.IsInf(first, 1) {
		t.Fatal("the first throttling verdict must cut the unlimited rate")
	}
	lowest := first
	for range 50 { // five seconds of the same 30%
		step(300)
		lowest = min(lowest, c.current())
	}
	if got := c.current(); got < 25000 || lowest < 0.1*25000 {
		t.Fatalf("after 5 s of a steady 30%% unprocessed share the rate is %.0f (lowest %.0f); want it back at the 25,000 WCU/s sent before the faults, and never near the floor", got, lowest)
	}

	// A share that rises is the rate's fault: cut.
	before := c.current()
	step(900)
	if got := c.current(); got >= before {
		t.Fatalf("rate %.1f after the unprocessed share rose to 90%%; want a cut below %.1f", got, before)
	}
}

// TestRateControlJudgesTheFirstThrottleAtOnce: the first throttled call of an episode cuts at
// once, not at the end of the verdict period, while every round trip sends more calls into a
// table that is already full.
func TestRateControlJudgesTheFirstThrottleAtOnce(t *testing.T) {
	t.Parallel()
	clk, c := newTestController(0)
	sentAt := clk.Now()
	c.sent(500)
	clk.Advance(20 * time.Millisecond)
	c.observe(sentAt, 0, 25)
	if !math.IsInf(c.current(), 1) {
		t.Fatalf("rate %v after a clean call; want still unlimited", c.current())
	}
	c.observe(sentAt, 2, 25)
	// 25,000 WCU/s sent over the 20 ms: half of it.
	if got := c.current(); math.Abs(got-12500) > 1e-6 {
		t.Fatalf("rate %v 20 ms into the period after the first throttled call; want 12500 at once", got)
	}
}

// TestRateControlHoldsAreNotSteadyFaults: after the unlimited start the throttling dies down
// over a few verdicts that hold the rate; small fractions that happen to be alike in two of
// them are the table refilling, not faults that no slowdown cures, and must not raise the
// rate.
func TestRateControlHoldsAreNotSteadyFaults(t *testing.T) {
	t.Parallel()
	clk, c := newTestController(0)
	period := periods(clk, c)
	period(4500, 14, 4500) // 45,000 WCU/s from the unlimited start, first throttles
	period(888, 81, 888)   // the banks are empty: 9% of 8,880 WCU/s come back; cut
	cut := c.current()
	for i, tc := range []struct {
		wcu               int64
		unprocessed, seen int
	}{{771, 23, 776}, {801, 27, 802}, {773, 5, 782}, {789, 6, 780}, {772, 4, 754}} {
		period(tc.wcu, tc.unprocessed, tc.seen)
		if got := c.current(); got > cut*1.01 {
			t.Fatalf("verdict %d (%.1f%% unprocessed, falling): rate %.0f, above the %.0f the last cut set", i+1, 100*float64(tc.unprocessed)/float64(tc.seen), got, cut)
		}
	}
}

// TestRateControlFollowsCapacityFarBelowThePeak: the tail of a skewed load sends only to its
// hottest partition, which takes a fifteenth of the rate the whole table took. The floor that
// stops cascades of cuts under steady faults must not hold the rate above that.
func TestRateControlFollowsCapacityFarBelowThePeak(t *testing.T) {
	t.Parallel()
	clk, c := newTestController(0)
	period := periods(clk, c)
	for range 15 { // 1.5 s at 15,000 WCU/s, every call processed
		period(1500, 0, 1500)
	}
	// Now only 1,000 WCU/s get in, whatever is sent.
	for range 50 {
		wcu := min(1500, sendable(c, 1500))
		admitted := min(wcu, 100)
		period(wcu, int(wcu-admitted), int(wcu))
	}
	// The probe may just be passing the capacity again: at most a tenth over it.
	if got := c.current(); got > 1100 {
		t.Fatalf("rate %.0f WCU/s after 5 s of a table taking 1,000; want it near 1,000 (at most 1,100)", got)
	}
}

// TestRateControlLetsACutsResidueDieDown: a cut that lands just under what the table admitted
// leaves the partitions' banks empty, and the re-sends of the items it refused land on the
// partitions that were full, so a few more calls come back throttled. Cutting again for them
// would take the rate far under the table's capacity; a fraction that rises, one from a send
// rate above the capacity measured, or one that lasts does call for a cut.
func TestRateControlLetsACutsResidueDieDown(t *testing.T) {
	t.Parallel()
	// afterCut returns a controller whose last cut measured the table: 5,000 WCU/s sent, 4,000
	// admitted, rate 3,800.
	afterCut := func(t *testing.T) (*rateController, func(wcu int64, unprocessed, items int) time.Time) {
		clk, c := newTestController(0)
		period := periods(clk, c)
		period(1000, 100, 1000) // leaving the unlimited start: half of 10,000, nothing measured
		period(500, 100, 500)
		if got := c.current(); math.Abs(got-3800) > 1e-6 {
			t.Fatalf("rate %.1f after 20%% of 5,000 WCU/s came back; want 95%% of the 4,000 admitted", got)
		}
		return c, period
	}
	expect := func(t *testing.T, c *rateController, step string, want float64) {
		t.Helper()
		if got := c.current(); math.Abs(got-want) > 1e-6 {
			t.Fatalf("%s: rate %.1f, want %.1f", step, got, want)
		}
	}
	t.Run("residue", func(t *testing.T) {
		t.Parallel()
		c, period := afterCut(t)
		period(380, 15, 380)
		expect(t, c, "the fraction fell from 20% to 4%: hold", 3800)
		period(380, 15, 380)
		expect(t, c, "4% again, sent under the capacity measured: residue, hold", 3800)
		period(380, 14, 380)
		expect(t, c, "a little less: residue, hold", 3800)
		period(380, 14, 380)
		expect(t, c, "still there three verdicts after the cut: cut", 0.95*3660)
	})
	// After the hold, verdicts that call for a cut.
	for _, tc := range []struct {
		name        string
		wcu         int64
		unprocessed int
		want        float64
	}{
		{"the fraction rose under the capacity measured: the capacity is smaller", 380, 20, 0.95 * 3600},
		// 4,100 WCU/s, e.g. a burst of re-sends through a full bucket.
		{"more sent than the table admitted at the cut: no residue", 410, 15, 0.95 * 3800},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, period := afterCut(t)
			period(380, 15, 380)
			period(tc.wcu, tc.unprocessed, int(tc.wcu))
			expect(t, c, tc.name+": cut", tc.want)
		})
	}
}

// TestRateControlCutsToWhatTheTableSustained: an episode of throttling begins when the
// partitions' banks run dry, and they were dry when the last one ended, so the table took what
// was sent in between. The first throttled period alone flatters the table: partitions not yet
// dry still admit everything, while the probe has taken the rate past what it sustains.
func TestRateControlCutsToWhatTheTableSustained(t *testing.T) {
	t.Parallel()
	clk, c := newTestController(1000)
	period := periods(clk, c)
	period(100, 10, 100) // the first episode: 900 admitted, cut to 855
	period(85, 0, 85)    // and over
	// 10 s of clean calls, each period sending what the rate allows while the probe raises it.
	var sent int64
	for range 100 {
		w := sendable(c, 0)
		sent += w
		period(w, 0, int(w))
	}
	w := sendable(c, 0)
	sent += w
	period(w, 1, int(w))
	sustained, flattering := float64(sent)/10.1, (1-1/float64(w))*float64(w)*10
	if sustained > 0.97*flattering {
		t.Fatalf("test setup: the mean sent (%.0f WCU/s) must be well under the last period's admitted rate (%.0f)", sustained, flattering)
	}
	if got, want := c.current(), 0.95*sustained; math.Abs(got-want) > 1e-6 {
		t.Fatalf("rate %.1f after the next episode's first throttled period; want %.1f, 95%% of what the table took since the last (not of the %.0f the period admitted)", got, want, flattering)
	}

	// Senders that did not use what the rate allowed (a slow source) say nothing of the table:
	// the period's own admitted rate decides.
	period(sendable(c, 0), 0, 1) // the episode is over
	for range 30 {
		period(sendable(c, 0)/2, 0, 1)
	}
	w = sendable(c, 0)
	period(w, 1, 10)
	if got, want := c.current(), 0.95*0.9*float64(w)*10; math.Abs(got-want) > 1e-6 {
		t.Fatalf("rate %.1f after an episode that follows 3 s at half the rate; want %.1f, 95%% of what the period admitted", got, want)
	}
}

// TestRateControlFullTableIsNotFaultLike: a table that keeps admitting about the capacity the
// last cut measured is full, even when the share of items it refuses does not follow small
// changes of the send rate (a hot partition refusing its excess). Taking that share for faults
// would raise the rate, and the workers would re-send without backing off, into a full table.
func TestRateControlFullTableIsNotFaultLike(t *testing.T) {
	t.Parallel()
	clk, c := newTestController(0)
	period := periods(clk, c)
	period(4500, 3700, 4500) // 45,000 WCU/s from the unlimited start; the table took 8,000
	// The table takes 8,000 WCU/s whatever is sent, until the rate is down to it.
	for range 20 {
		wcu := sendable(c, 4500)
		period(wcu, int(max(0, wcu-800)), int(wcu))
	}
	capacity := c.current()
	if capacity > 8500 || capacity < 5000 {
		t.Fatalf("rate %.0f WCU/s after 2 s of a table taking 8,000; want it cut near 8,000", capacity)
	}
	// Now a tenth of every call comes back (the hot partition's excess), while the senders
	// send the full rate or a tenth less in turn: what gets in stays near the capacity.
	for i := range 30 {
		wcu := sendable(c, 4500)
		if i%2 == 1 {
			wcu = wcu * 9 / 10
		}
		period(wcu, int(wcu/10), int(wcu))
		if c.faultLikeThrottling() {
			t.Fatalf("verdict %d: a table admitting %.0f WCU/s after a cut to %.0f was judged fault-like", i+1, float64(wcu)*9, capacity)
		}
	}
}
