package write

import (
	"math"
	"sync"
	"time"
)

// Controller tuning. Throttling is judged once per verdict period of aimdCutInterval (about
// ten round trips, so one burst of throttled replies counts once) from the calls sent in the
// period, except that the first throttled call of an episode ends its period at once. A cut
// settles just under what the table admitted in the period, or since the last episode if
// that is less (see sustainedLocked), which is its real capacity once its burst is spent,
// instead of far below it; the few throttles that follow a cut are its residue, not a reason
// for another (see residueLocked). The probe afterwards starts slow
// (the capacity was just measured) and speeds up the longer no throttling comes back (the
// capacity may have grown: auto scaling, on-demand, a GSI warming up).
const (
	aimdCutInterval = 100 * time.Millisecond
	aimdFirstLook   = 10 * time.Millisecond // the shortest period judged when throttling begins
	admittedShare   = 0.95                  // a cut sets the rate to this share of what the table admitted
	firstCutShare   = 0.5                   // the first cut, from an unlimited rate, keeps at most this share (TCP's slow-start exit)
	minCutShare     = 0.5                   // and any cut at least this share of the send rate
	fallingShare    = 0.5                   // an unprocessed fraction at most this share of the last one: the last cut works, hold
	probeStart      = 0.01                  // slope after a cut, or on passing the last capacity measured: this share of it per second
	probeDoubling   = 3 * time.Second
	probeMaxSlope   = 0.05 // the slope doubles every probeDoubling up to this share of the rate per second
	// residualVerdicts bounds the verdicts after a cut that may find items unprocessed without
	// cutting again (see residueLocked).
	residualVerdicts = 2
	aimdMaxStep      = time.Second
	// sustainedUse is the least share of what the rate allowed between two episodes that must
	// have been sent for the mean send rate to count as the table's capacity.
	sustainedUse = 0.9
	aimdMinRate  = 1.0 // WCU/s: the smallest provisioned table
	// aimdFloorShare bounds the cuts below by this share of the highest send rate measured:
	// UnprocessedItems can also come from faults that no slowdown cures (internal errors), and
	// an unbounded cascade of cuts would then stall a load at 1 WCU/s. It stays well under
	// what a table may really take: the tail of a skewed load can reach only its hottest partition.
	aimdFloorShare = 0.05
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
	steadyGrowth      = 1.25
)

// aimd is the rate controller shared by all workers: it cuts the rate when calls come back
// throttled and probes upwards while they come back clean, never above the cap. It drives
// the bucket.
type aimd struct {
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

// newAIMD returns a controller for b, whose rate must start at capWCU (+Inf for 0).
func newAIMD(capWCU float64, now func() time.Time, b *bucket) *aimd {
	maxRate := math.Inf(1)
	if capWCU > 0 {
		maxRate = capWCU
	}
	return &aimd{now: now, bucket: b, max: maxRate, rate: maxRate, slowStart: true}
}

// sent records wcu about to be sent.
func (a *aimd) sent(wcu int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	if a.mark.IsZero() {
		a.mark = now
	}
	a.sentM.add(now, float64(wcu))
	a.sentSinceMark += float64(wcu)
	a.sentSinceEpisode += float64(wcu)
	if a.sentM.full(now) {
		a.peak = max(a.peak, a.sentM.rate(now))
	}
}

// observe reports a finished call sent at sentAt: how many of its items did not get in (all
// for a whole-call throttling error, some for UnprocessedItems, none for a clean call).
func (a *aimd) observe(sentAt time.Time, unprocessed, items int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if unprocessed <= 0 {
		a.growLocked()
	}
	if sentAt.Before(a.mark) {
		return // sent in an earlier period, at an older rate
	}
	a.fracSum += float64(unprocessed)
	a.fracN += float64(items)
	now := a.now()
	// The first throttled call of an episode is judged at once: every round trip of waiting
	// sends a full concurrency of calls into a table already full.
	age := now.Sub(a.mark)
	if age >= aimdCutInterval || (unprocessed > 0 && a.fracAtCut == 0 && age >= aimdFirstLook) {
		a.verdictLocked(now, age)
	}
}

// verdictLocked judges the period that ends now. Over capacity the unprocessed fraction falls
// when the rate falls: a rising or lingering fraction means "cut", one that the last cut
// halved means "hold", and one that the cuts left unchanged is not the rate's doing.
func (a *aimd) verdictLocked(now time.Time, age time.Duration) {
	f, n := a.fracSum/a.fracN, a.fracN
	sentRate := a.sentSinceMark / age.Seconds()
	moved := a.refSent > 0 && math.Abs(sentRate/a.refSent-1) >= steadyMinMove
	a.mark, a.sentSinceMark, a.fracSum, a.fracN = now, 0, 0, 0

	switch {
	case f == 0:
		if a.fracAtCut > 0 { // the episode is over
			a.fracAtCut, a.steadyRun, a.faultLike, a.slowStart = 0, 0, false, false
			a.episodeEnd, a.sentSinceEpisode, a.allowedSinceEpisode, a.allowedMark = now, 0, 0, now
		}
	case a.fracAtCut > 0 && moved && (a.faultLike || a.rate <= a.steadyAfterLocked()*a.episodeRate) &&
		math.Abs(f-a.fracAtCut) <= partialSteadyBand*a.fracAtCut+2*math.Sqrt(f*(1-f)/n) &&
		math.Abs(f-a.fracAtCut) < math.Abs(f-a.fullTableFracLocked(sentRate)):
		// Steady. Once may be chance; after that, win back what the cuts took, quickly: if the
		// rate was the cause after all, the fraction rises and a verdict cuts again.
		a.steadyRun++
		if a.steadyRun < steadyVerdicts && !a.faultLike {
			return
		}
		a.faultLike, a.refSent = true, sentRate
		if !math.IsInf(a.rate, 1) {
			a.setRateLocked(now, min(a.max, a.rate*steadyGrowth), false)
		}
	case a.fracAtCut > 0 && (f <= fallingShare*a.fracAtCut || a.residueLocked(f, sentRate)):
		// The last cut works (the fraction halved, or it is the cut's residue): the throttling
		// dies down as the table's partitions refill, and another cut would only take the rate
		// under the capacity just measured.
		// Only cuts make a steady fraction telling: the next verdict cannot judge it.
		a.fracAtCut, a.steadyRun, a.refSent = f, 0, 0
	default:
		admitted := (1 - f) * sentRate
		if a.fracAtCut == 0 {
			a.episodeRate = sentRate
			admitted = min(admitted, a.sustainedLocked(now))
		}
		a.fracAtCut, a.steadyRun, a.residualRun, a.refSent = f, 0, 0, sentRate
		a.cutLocked(now, sentRate, admitted)
	}
}

// residueLocked says whether a throttled verdict after a cut may be its residue, not a
// capacity smaller than measured: the cut left the partitions' banks empty, and the re-sends
// of what it refused land on the partitions that were full. That holds for a fraction that
// did not rise, from a send rate under the capacity the cut measured, for residualVerdicts
// verdicts after it. A cut that only halved the rate measured nothing.
func (a *aimd) residueLocked(f, sentRate float64) bool {
	if !a.measured || sentRate > a.capacity || f > a.fracAtCut || a.residualRun >= residualVerdicts {
		return false
	}
	a.residualRun++
	return true
}

// sustainedLocked is what the table took on average since the last episode ended, +Inf if
// unknown. That episode left the partitions' banks empty, and this one begins when they are
// empty again (that is what makes a table throttle), so what was sent in between is what the
// table took: a better measure than the first throttled period's, where partitions not yet
// drained still admit more than their share. It is unknown when the senders did not use what
// the rate allowed (a slow source, the end of the data): the mean then says nothing of the table.
func (a *aimd) sustainedLocked(now time.Time) float64 {
	since := now.Sub(a.episodeEnd)
	if a.episodeEnd.IsZero() || since <= 0 || a.sentSinceEpisode < sustainedUse*a.allowedLocked(now) {
		return math.Inf(1)
	}
	return a.sentSinceEpisode / since.Seconds()
}

// fullTableFracLocked is the unprocessed fraction at sentRate of a table that takes what it
// took in the period of the last cut, whatever is sent: what the rate's doing looks like.
func (a *aimd) fullTableFracLocked(sentRate float64) float64 {
	return max(0, 1-(1-a.fracAtCut)*a.refSent/sentRate)
}

// steadyAfterLocked is the share of the episode's starting rate the cuts must have reached
// before a steady fraction is believed: half, or a quarter leaving the slow start.
func (a *aimd) steadyAfterLocked() float64 {
	if a.slowStart {
		return steadyAfterShare / 2
	}
	return steadyAfterShare
}

// cutLocked lowers the rate given the send rate and the admitted rate of the period just
// judged. It cuts from what is really being sent (the rate may have grown far above it) to
// just under what the table admitted.
func (a *aimd) cutLocked(now time.Time, sentRate, admitted float64) {
	base := min(a.rate, sentRate)
	// A cut at most halves: with whole calls throttled nothing is admitted, which says the
	// table is full, not that its capacity is zero.
	measured := admittedShare * min(base, admitted)
	next := max(measured, minCutShare*base)
	if math.IsInf(a.rate, 1) {
		next = min(next, firstCutShare*base)
	}
	a.measured = next == measured
	a.capacity = max(admitted, next) // nothing admitted: the rate the cut left is all that is known
	a.setRateLocked(now, min(a.max, max(aimdMinRate, aimdFloorShare*a.peak, next)), true)
	a.probeFrom, a.lastGrow = now, now
}

// setRateLocked sets the rate and the bucket's limit (drain: empty the bucket), and keeps
// the account of what the rate allowed since the last episode.
func (a *aimd) setRateLocked(now time.Time, r float64, drain bool) {
	a.allowedLocked(now)
	a.rate = r
	a.bucket.setLimit(r, drain)
}

// allowedLocked brings allowedSinceEpisode up to now and returns it.
func (a *aimd) allowedLocked(now time.Time) float64 {
	if !a.allowedMark.IsZero() && !math.IsInf(a.rate, 1) {
		a.allowedSinceEpisode += a.rate * now.Sub(a.allowedMark).Seconds()
	}
	a.allowedMark = now
	return a.allowedSinceEpisode
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
	below := a.rate < a.capacity
	a.setRateLocked(now, min(a.max, a.rate+a.slopeLocked(now)*step.Seconds()), false)
	if below && a.rate >= a.capacity {
		a.probeFrom = now // past the capacity last measured: probe beyond it slowly again
	}
}

// slopeLocked is the probe's growth in WCU/s per second: probeStart of the rate at the last
// cut, doubling every probeDoubling, at most probeMaxSlope of the current rate.
func (a *aimd) slopeLocked(now time.Time) float64 {
	doublings := now.Sub(a.probeFrom).Seconds() / probeDoubling.Seconds()
	s := probeStart * max(a.capacity, aimdMinRate) * math.Exp2(min(doublings, 30))
	return max(aimdMinRate, min(s, probeMaxSlope*a.rate))
}

// current is the allowed rate in WCU/s, +Inf for none.
func (a *aimd) current() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rate
}
