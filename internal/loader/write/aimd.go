package write

import (
	"math"
	"sync"
	"time"
)

// AIMD tuning. A cut keeps 70% of the rate, as the SDK's adaptive retry mode does; 100 ms is
// about ten round trips, long enough that one burst of throttled replies counts once.
const (
	aimdDecrease    = 0.7
	aimdCutInterval = 100 * time.Millisecond
	aimdGrowth      = 0.1 // slope after a cut: this fraction of the new rate, per second
	aimdMinRate     = 1.0 // WCU/s: the smallest provisioned table
	// aimdFloorShare bounds the cuts below by this share of the highest send rate measured:
	// UnprocessedItems can also come from faults that no slowdown cures (internal errors), and
	// an unbounded cascade of cuts would then stall a load at 1 WCU/s.
	aimdFloorShare = 0.1
	// An unprocessed fraction within this share of the one that caused the last cut (plus two
	// standard errors of the sample) counts as unchanged by the cut.
	partialSteadyBand = 0.25
	steadyGrowth      = 1.25 // per verdict while the unprocessed fraction stays steady
	aimdMinSlope      = 1.0  // WCU/s per second
	aimdMaxStep       = time.Second
	meterWindow       = time.Second
	meterMinSpan      = 100 * time.Millisecond
)

// aimd is the rate controller shared by all workers: multiplicative decrease on throttling,
// additive (linear in time) increase on clean calls, up to the cap. It drives the bucket.
type aimd struct {
	now    func() time.Time
	bucket *bucket

	mu       sync.Mutex
	max      float64 // MaxWriteUnitsPerSecond, +Inf without a cap
	rate     float64 // current allowed WCU/s, <= max; +Inf until the first throttle without a cap
	slope    float64 // WCU/s added per second of clean calls
	lastCut  time.Time
	lastGrow time.Time
	peak     float64 // highest send rate over a whole meter window, WCU/s

	// Partial throttling (some items unprocessed) is judged by its trend: the mean unprocessed
	// fraction since the last verdict, and the fraction that triggered the last cut.
	fracSum, fracN float64 // unprocessed and sent items since the last verdict
	fracAtCut      float64 // 0: no partial-throttling episode in progress

	// The send meter: WCU sent in the current window, and the rate of the previous window.
	winStart time.Time
	winWCU   float64
	prevRate float64
}

// newAIMD returns a controller for b, whose rate must start at capWCU (+Inf for 0).
func newAIMD(capWCU float64, now func() time.Time, b *bucket) *aimd {
	maxRate := math.Inf(1)
	if capWCU > 0 {
		maxRate = capWCU
	}
	return &aimd{now: now, bucket: b, max: maxRate, rate: maxRate, slope: aimdMinSlope}
}

// sent records wcu about to be sent.
func (a *aimd) sent(wcu int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	if a.winStart.IsZero() {
		a.winStart = now
	}
	if span := now.Sub(a.winStart); span >= meterWindow {
		a.prevRate = a.winWCU / span.Seconds()
		a.peak = max(a.peak, a.prevRate)
		a.winStart, a.winWCU = now, 0
	}
	a.winWCU += float64(wcu)
}

// measuredLocked is the recent send rate in WCU/s, 0 before anything was sent. A young window
// counts as at least meterMinSpan long: overestimating is cheap, cuts come every 100 ms.
func (a *aimd) measuredLocked(now time.Time) float64 {
	if a.winStart.IsZero() {
		return 0
	}
	span := max(now.Sub(a.winStart), meterMinSpan)
	return max(a.prevRate, a.winWCU/span.Seconds())
}

// throttled reports a call sent at sentAt that came back throttled.
func (a *aimd) throttled(sentAt time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	if !a.lastCut.IsZero() && (sentAt.Before(a.lastCut) || now.Sub(a.lastCut) < aimdCutInterval) {
		return // this throttle belongs to a burst that was already answered
	}
	// Cut from what is really being sent: the rate may have grown far above it.
	base := a.rate
	m := a.measuredLocked(now)
	if m > 0 && m < base {
		base = m
	}
	if math.IsInf(base, 1) {
		base = aimdMinRate / aimdDecrease
	}
	a.rate = min(a.max, max(aimdMinRate, aimdFloorShare*a.peak, base*aimdDecrease))
	a.slope = max(aimdMinSlope, aimdGrowth*a.rate)
	a.lastCut, a.lastGrow = now, now
	a.bucket.setLimit(a.rate, true)
}

// observe reports a finished call sent at sentAt and the fraction of its items that did not
// get in: 0 for a clean call, 1 for a whole-call throttling error, in between for
// UnprocessedItems. Once per aimdCutInterval the mean fraction is judged. Over capacity the
// fraction falls when the rate falls, so a rising or falling fraction means "cut"; a fraction
// that a cut left unchanged is not caused by the rate (internal errors, injected faults), and
// more cuts would only stall the load, so the controller then grows as if the calls were clean.
func (a *aimd) observe(sentAt time.Time, unprocessed, items int) {
	a.mu.Lock()
	if unprocessed <= 0 {
		a.growLocked()
	}
	a.fracSum += float64(unprocessed)
	a.fracN += float64(items)
	now := a.now()
	if !a.lastCut.IsZero() && (sentAt.Before(a.lastCut) || now.Sub(a.lastCut) < aimdCutInterval) {
		a.mu.Unlock()
		return
	}
	f, n := a.fracSum/a.fracN, a.fracN
	a.fracSum, a.fracN = 0, 0
	switch {
	case f == 0:
		a.fracAtCut = 0 // the episode is over
		a.mu.Unlock()
	case a.fracAtCut > 0 && math.Abs(f-a.fracAtCut) <= partialSteadyBand*a.fracAtCut+2*math.Sqrt(f*(1-f)/n):
		// Steady: the rate is not the cause. Win back what the cut took, quickly; if the rate
		// was the cause after all, the fraction rises and the next verdict cuts again.
		a.lastCut = now
		if !math.IsInf(a.rate, 1) {
			a.rate = min(a.max, a.rate*steadyGrowth)
			a.bucket.setLimit(a.rate, false)
		}
		a.mu.Unlock()
	default:
		a.fracAtCut = f
		a.mu.Unlock()
		a.throttled(sentAt)
	}
}

// clean reports a call that came back with everything processed.
func (a *aimd) clean() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.growLocked()
}

func (a *aimd) growLocked() {
	if math.IsInf(a.rate, 1) || a.rate >= a.max {
		return
	}
	now := a.now()
	// A long gap (backoff, an idle channel) is not evidence the table can take more.
	step := min(now.Sub(a.lastGrow), aimdMaxStep)
	a.lastGrow = now
	if step <= 0 {
		return
	}
	a.rate = min(a.max, a.rate+a.slope*step.Seconds())
	a.bucket.setLimit(a.rate, false)
}

// current is the allowed rate in WCU/s, +Inf for none.
func (a *aimd) current() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rate
}
