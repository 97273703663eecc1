package write

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// bucket is the token bucket, in write units, that every call is charged to before it is sent.
// Its rate is min(MaxWriteUnitsPerSecond, the controlled rate), rate.Inf while neither limits;
// its burst is one second of that rate but never less than the largest charge seen, so a
// single batch of big items always fits.
type bucket struct {
	now   func() time.Time
	sleep func(context.Context, time.Duration) error

	mu        sync.Mutex // keeps limit, burst and a reservation consistent
	lim       *rate.Limiter
	maxCharge int
}

// newBucket returns a full bucket of limit WCU/s (+Inf for none).
func newBucket(limit float64, now func() time.Time, sleep func(context.Context, time.Duration) error) *bucket {
	// A new rate.Limiter fills up on first use; a later SetLimit/SetBurst would not.
	lim := rate.NewLimiter(rate.Inf, 1)
	if !math.IsInf(limit, 1) {
		lim = rate.NewLimiter(rate.Limit(limit), max(1, int(math.Ceil(limit))))
	}
	return &bucket{now: now, sleep: sleep, lim: lim}
}

// setLimit changes the rate (WCU/s; +Inf for none). With drain it also empties the bucket:
// after throttling, tokens saved up at the old rate would only buy more throttled calls.
func (b *bucket) setLimit(limit float64, drain bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if math.IsInf(limit, 1) {
		b.lim.SetLimitAt(now, rate.Inf)
	} else {
		b.lim.SetLimitAt(now, rate.Limit(limit))
	}
	b.setBurstLocked(now)
	if tokens := int(b.lim.TokensAt(now)); drain && tokens > 0 && !math.IsInf(limit, 1) {
		b.lim.ReserveN(now, tokens)
	}
}

func (b *bucket) setBurstLocked(now time.Time) {
	burst := b.maxCharge
	if l := float64(b.lim.Limit()); !math.IsInf(l, 1) {
		burst = max(burst, int(math.Ceil(l)))
	}
	if burst = max(burst, 1); burst != b.lim.Burst() {
		b.lim.SetBurstAt(now, burst)
	}
}

// take charges wcu and waits until the bucket allows it; it returns how long it waited.
func (b *bucket) take(ctx context.Context, wcu int64) (time.Duration, error) {
	if wcu <= 0 {
		return 0, nil
	}
	n := int(wcu)
	b.mu.Lock()
	now := b.now()
	if n > b.maxCharge {
		b.maxCharge = n
		b.setBurstLocked(now)
	}
	// n <= burst, and rate.Limiter allows any wait: the reservation always succeeds.
	d := b.lim.ReserveN(now, n).DelayFrom(now)
	b.mu.Unlock()
	if d <= 0 {
		return 0, nil
	}
	return d, b.sleep(ctx, d)
}

// correct settles a call charged estimated WCU that DynamoDB says consumed consumed: it waits
// for the excess (returning how long), or refunds the difference without filling the bucket
// beyond its burst.
func (b *bucket) correct(ctx context.Context, estimated int64, consumed float64) (time.Duration, error) {
	diff := consumed - float64(estimated)
	if diff >= 1 {
		return b.take(ctx, int64(math.Ceil(diff)))
	}
	refund := int(math.Floor(-diff))
	if refund <= 0 {
		return 0, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if math.IsInf(float64(b.lim.Limit()), 1) {
		return 0, nil
	}
	now := b.now()
	room := float64(b.lim.Burst()) - b.lim.TokensAt(now)
	if refund = min(refund, int(math.Floor(room))); refund > 0 {
		// A negative reservation puts tokens back; rate.Limiter has no other way to add them.
		b.lim.ReserveN(now, -refund)
	}
	return 0, nil
}

// tokens is the bucket's content now, for tests.
func (b *bucket) tokens() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lim.TokensAt(b.now())
}
