package write

import (
	"math"
	"sync"
	"time"
)

// Controller tuning; docs/design/rate-control.md says why the controller works this way.
const (
	verdictPeriod      = 100 * time.Millisecond
	firstVerdictPeriod = 10 * time.Millisecond // the shortest period judged when throttling begins
	admittedShare      = 0.95                  // a cut sets the rate to this share of what the table admitted
	firstCutShare      = 0.5                   // the first cut, from an unlimited rate, keeps at most this share (TCP's slow-start exit)
	minCutShare        = 0.5                   // and any cut at least this share of the send rate
	fallingShare       = 0.5                   // an unprocessed fraction at most this share of the last one: the last cut works, hold
	probeStart         = 0.01                  // slope after a cut, or on passing the last capacity measured: this share of it per second
	probeDoubling      = 3 * time.Second
	probeMaxSlope      = 0.05 // the slope doubles every probeDoubling up to this share of the rate per second
	// residualVerdicts bounds the verdicts after a cut that may find items unprocessed without
	// cutting again (see residueLocked).
	residualVerdicts = 2
	maxGrowStep      = time.Second
	// sustainedUse is the least share of what the rate allowed between two episodes that must
	// have been sent for the mean send rate to count as the table's capacity.
	sustainedUse = 0.9
	minRate      = 1.0 // WCU/s: the smallest provisioned table
	// floorShare bounds the cuts below by this share of the highest send rate measured:
	// UnprocessedItems can also come from faults that no slowdown cures (internal errors), and
	// an unbounded cascade of cuts would then stall a load at 1 WCU/s. It stays well under
	// what a table may really take: the tail of a skewed load can reach only its hottest partition.
	floorShare = 0.05
)

// Faults that no slowdown cures are recognised by an unprocessed fraction that the cuts do not
// move: within partialSteadyBand of the fraction that caused the last cut (plus two standard
// errors of the sample) and nearer to it than to the fraction a full table would have given
// at the new send rate, in steadyVerdicts verdicts in a row, while the send rate moved by at
// least steadyMinMove, once the episode's cuts have taken the rate to steadyAfterShare of
// where it began (every cut lands under a table's real capacity well before that). The rate
// then grows by steadyGrowth per verdict.
const (
	partialSteadyBand = 0.25
	steadyVerdicts    = 2
	steadyMinMove     = 0.05
	steadyAfterShare  = 0.5
	// steadyAdmittedShare: a steady fraction is believed only while the table admits less than
	// this share of the capacity the last cut measured. Faults take the same share of whatever
	// is sent, so what gets in falls with the cuts; a full table keeps admitting its capacity.
	steadyAdmittedShare = 0.8
	steadyGrowth        = 1.25
)

// rateController sets the write rate shared by all workers: when calls come back throttled it
// cuts the rate to just under what the table admitted (not by a fixed factor, as AIMD would),
// and while they come back clean it probes upwards, never above the cap. It drives the bucket.
type rateController struct {
	now    func() time.Time
	bucket *bucket

	mu        sync.Mutex
	max       float64   // MaxWriteUnitsPerSecond, +Inf without a cap
	rate      float64   // current allowed WCU/s, <= max; +Inf until the first throttle without a cap
	capacity  float64   // what the table admitted when the last cut measured it; 0 before
	probeFrom time.Time // when the probe's slope last started over
	lastGrow  time.Time
	peak      float64 // highest send rate over a whole meter window, WCU/s
	sentM     meter   // WCU sent, re-sends included

	// The verdict period: since mark, the WCU sent and the unprocessed and answered items of
	// calls sent in it.
	mark           time.Time
	sentSinceMark  float64
	fracSum, fracN float64

	// The throttling episode: from the first throttled verdict to the first clean one.
	fracAtCut   float64 // the fraction that caused the last cut; 0: no episode in progress
	episodeRate float64 // the send rate when the episode began
	steadyRun   int     // consecutive verdicts that found the fraction steady
	refSent     float64 // the send rate of the period that caused the last cut or steady growth
	faultLike   bool    // the cuts left the fraction unchanged: not the rate's doing
	residualRun int     // verdicts since the last cut let off as its residue
	measured    bool    // the last cut set the rate from what the table admitted, not by halving
	// slowStart is true until the first episode ends: its cuts come from a rate that had no
	// limit, into a fresh table's burst capacity, which makes fractions erratic.
	slowStart bool

	// Since the last episode ended (zero before one has): its end, the WCU sent since and the
	// WCU the rate allowed up to allowedMark.
	episodeEnd          time.Time
	sentSinceEpisode    float64
	allowedSinceEpisode float64
	allowedMark         time.Time
}

// newRateController returns a controller for b, whose rate must start at capWCU (+Inf for 0).
func newRateController(capWCU float64, now func() time.Time, b *bucket) *rateController {
	maxRate := math.Inf(1)
	if capWCU > 0 {
		maxRate = capWCU
	}
	return &rateController{now: now, bucket: b, max: maxRate, rate: maxRate, slowStart: true}
}

// sent records wcu about to be sent.
func (c *rateController) sent(wcu int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.mark.IsZero() {
		c.mark = now
	}
	c.sentM.add(now, float64(wcu))
	c.sentSinceMark += float64(wcu)
	c.sentSinceEpisode += float64(wcu)
	if c.sentM.full(now) {
		c.peak = max(c.peak, c.sentM.rate(now))
	}
}

// observe reports a finished call sent at sentAt: how many of its items did not get in (all
// for a whole-call throttling error, some for UnprocessedItems, none for a clean call).
func (c *rateController) observe(sentAt time.Time, unprocessed, items int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if unprocessed <= 0 {
		c.growLocked()
	}
	if sentAt.Before(c.mark) {
		return // sent in an earlier period, at an older rate
	}
	c.fracSum += float64(unprocessed)
	c.fracN += float64(items)
	now := c.now()
	// The first throttled call of an episode is judged at once: every round trip of waiting
	// sends a full concurrency of calls into a table already full.
	age := now.Sub(c.mark)
	if age >= verdictPeriod || (unprocessed > 0 && c.fracAtCut == 0 && age >= firstVerdictPeriod) {
		c.verdictLocked(now, age)
	}
}

// verdictLocked judges the period that ends now. Over capacity the unprocessed fraction falls
// when the rate falls: a rising or lingering fraction means "cut", one that the last cut
// halved means "hold", and one that the cuts left unchanged is not the rate's doing.
func (c *rateController) verdictLocked(now time.Time, age time.Duration) {
	f, n := c.fracSum/c.fracN, c.fracN
	sentRate := c.sentSinceMark / age.Seconds()
	moved := c.refSent > 0 && math.Abs(sentRate/c.refSent-1) >= steadyMinMove
	c.mark, c.sentSinceMark, c.fracSum, c.fracN = now, 0, 0, 0

	switch {
	case f == 0:
		if c.fracAtCut > 0 { // the episode is over
			c.fracAtCut, c.steadyRun, c.faultLike, c.slowStart = 0, 0, false, false
			c.episodeEnd, c.sentSinceEpisode, c.allowedSinceEpisode, c.allowedMark = now, 0, 0, now
		}
	case c.fracAtCut > 0 && moved && (c.faultLike || c.rate <= c.steadyAfterLocked()*c.episodeRate) &&
		(c.faultLike || (1-f)*sentRate < steadyAdmittedShare*c.capacity) &&
		math.Abs(f-c.fracAtCut) <= partialSteadyBand*c.fracAtCut+2*math.Sqrt(f*(1-f)/n) &&
		math.Abs(f-c.fracAtCut) < math.Abs(f-c.fullTableFracLocked(sentRate)):
		// Steady. Once may be chance; after that, win back what the cuts took, quickly: if the
		// rate was the cause after all, the fraction rises and a verdict cuts again.
		c.steadyRun++
		if c.steadyRun < steadyVerdicts && !c.faultLike {
			return
		}
		c.faultLike, c.refSent = true, sentRate
		if !math.IsInf(c.rate, 1) {
			c.setRateLocked(now, min(c.max, c.rate*steadyGrowth), false)
		}
	case c.fracAtCut > 0 && (f <= fallingShare*c.fracAtCut || c.residueLocked(f, sentRate)):
		// The last cut works (the fraction halved, or it is the cut's residue): the throttling
		// dies down as the table's partitions refill, and another cut would only take the rate
		// under the capacity just measured.
		// Only cuts make a steady fraction telling: the next verdict cannot judge it.
		c.fracAtCut, c.steadyRun, c.refSent = f, 0, 0
	default:
		admitted := (1 - f) * sentRate
		if c.fracAtCut == 0 {
			c.episodeRate = sentRate
			admitted = min(admitted, c.sustainedLocked(now))
		}
		c.fracAtCut, c.steadyRun, c.residualRun, c.refSent = f, 0, 0, sentRate
		c.cutLocked(now, sentRate, admitted)
	}
}

// faultLikeThrottling reports whether the throttling episode in progress looks like faults that
// no slowdown cures: the cuts left the unprocessed share where it was.
func (c *rateController) faultLikeThrottling() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.faultLike
}

// residueLocked says whether a throttled verdict after a cut may be its residue, not a
// capacity smaller than measured: the cut left the partitions' banks empty, and the re-sends
// of what it refused land on the partitions that were full. That holds for a fraction that
// did not rise, from a send rate under the capacity the cut measured, for residualVerdicts
// verdicts after it. A cut that only halved the rate measured nothing.
func (c *rateController) residueLocked(f, sentRate float64) bool {
	if !c.measured || sentRate > c.capacity || f > c.fracAtCut || c.residualRun >= residualVerdicts {
		return false
	}
	c.residualRun++
	return true
}

// sustainedLocked is what the table took on average since the last episode ended, +Inf if
// unknown. That episode left the partitions' banks empty, and this one begins when they are
// empty again (that is what makes a table throttle), so what was sent in between is what the
// table took: a better measure than the first throttled period's, where partitions not yet
// drained still admit more than their share. It is unknown when the senders did not use what
// the rate allowed (a slow source, the end of the data): the mean then says nothing of the table.
func (c *rateController) sustainedLocked(now time.Time) float64 {
	since := now.Sub(c.episodeEnd)
	if c.episodeEnd.IsZero() || since <= 0 || c.sentSinceEpisode < sustainedUse*c.allowedLocked(now) {
		return math.Inf(1)
	}
	return c.sentSinceEpisode / since.Seconds()
}

// fullTableFracLocked is the unprocessed fraction at sentRate of a table that takes what it
// took in the period of the last cut, whatever is sent: what the rate's doing looks like.
func (c *rateController) fullTableFracLocked(sentRate float64) float64 {
	return max(0, 1-(1-c.fracAtCut)*c.refSent/sentRate)
}

// steadyAfterLocked is the share of the episode's starting rate the cuts must have reached
// before a steady fraction is believed: half, or a quarter leaving the slow start.
func (c *rateController) steadyAfterLocked() float64 {
	if c.slowStart {
		return steadyAfterShare / 2
	}
	return steadyAfterShare
}

// cutLocked lowers the rate given the send rate and the admitted rate of the period just
// judged. It cuts from what is really being sent (the rate may have grown far above it) to
// just under what the table admitted.
func (c *rateController) cutLocked(now time.Time, sentRate, admitted float64) {
	base := min(c.rate, sentRate)
	// A cut at most halves: with whole calls throttled nothing is admitted, which says the
	// table is full, not that its capacity is zero.
	measured := admittedShare * min(base, admitted)
	next := max(measured, minCutShare*base)
	if math.IsInf(c.rate, 1) {
		next = min(next, firstCutShare*base)
	}
	c.measured = next == measured
	c.capacity = max(admitted, next) // nothing admitted: the rate the cut left is all that is known
	c.setRateLocked(now, min(c.max, max(minRate, floorShare*c.peak, next)), true)
	c.probeFrom, c.lastGrow = now, now
}

// setRateLocked sets the rate and the bucket's limit (drain: empty the bucket), and keeps
// the account of what the rate allowed since the last episode.
func (c *rateController) setRateLocked(now time.Time, r float64, drain bool) {
	c.allowedLocked(now)
	c.rate = r
	c.bucket.setLimit(r, drain)
}

// allowedLocked brings allowedSinceEpisode up to now and returns it.
func (c *rateController) allowedLocked(now time.Time) float64 {
	if !c.allowedMark.IsZero() && !math.IsInf(c.rate, 1) {
		c.allowedSinceEpisode += c.rate * now.Sub(c.allowedMark).Seconds()
	}
	c.allowedMark = now
	return c.allowedSinceEpisode
}

// clean reports a call that came back with everything processed.
func (c *rateController) clean() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.growLocked()
}

func (c *rateController) growLocked() {
	if math.IsInf(c.rate, 1) || c.rate >= c.max {
		return
	}
	now := c.now()
	// A long gap (backoff, an idle channel) is not evidence the table can take more.
	step := min(now.Sub(c.lastGrow), maxGrowStep)
	c.lastGrow = now
	if step <= 0 {
		return
	}
	below := c.rate < c.capacity
	c.setRateLocked(now, min(c.max, c.rate+c.slopeLocked(now)*step.Seconds()), false)
	if below && c.rate >= c.capacity {
		c.probeFrom = now // past the capacity last measured: probe beyond it slowly again
	}
}

// slopeLocked is the probe's growth in WCU/s per second: probeStart of the rate at the last
// cut, doubling every probeDoubling, at most probeMaxSlope of the current rate.
func (c *rateController) slopeLocked(now time.Time) float64 {
	doublings := now.Sub(c.probeFrom).Seconds() / probeDoubling.Seconds()
	s := probeStart * max(c.capacity, minRate) * math.Exp2(min(doublings, 30))
	return max(minRate, min(s, probeMaxSlope*c.rate))
}

// current is the allowed rate in WCU/s, +Inf for none.
func (c *rateController) current() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rate
}
