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
	aimdMinSlope    = 1.0 // WCU/s per second
	aimdMaxStep     = time.Second
	meterWindow     = time.Second
	meterMinSpan    = 100 * time.Millisecond
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
	if m := a.measuredLocked(now); m > 0 && m < base {
		base = m
	}
	if math.IsInf(base, 1) {
		base = aimdMinRate / aimdDecrease
	}
	a.rate = max(aimdMinRate, base*aimdDecrease)
	a.slope = max(aimdMinSlope, aimdGrowth*a.rate)
	a.lastCut, a.lastGrow = now, now
	a.bucket.setLimit(a.rate, true)
}

// clean reports a call that came back with everything processed.
func (a *aimd) clean() {
	a.mu.Lock()
	defer a.mu.Unlock()
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
