package write

import (
	"fmt"
	"time"
)

// stall is how long a batch has gone without progress: since its start or its last
// acknowledgment, of which paced was spent queueing for the shared write rate.
type stall struct {
	since time.Time
	paced time.Duration
}

// stalled decides whether a refused batch gives up. It does when it has been refused for
// NoProgressTimeout of its own trying, or when no worker at all had a request acknowledged for
// NoProgressTimeout while the batch was pending. Time queueing for the shared write rate is not
// the batch's own trying: on a small table, 16 workers can queue behind each other for longer
// than the timeout while the load moves fine; a table that accepts nothing trips the second rule.
func (p *pool) stalled(s stall, now time.Time) (why string, ok bool) {
	limit := p.o.NoProgressTimeout
	if own := now.Sub(s.since) - s.paced; own >= limit {
		return fmt.Sprintf("no request of the batch acknowledged in %s of retrying (%s waiting for the write rate not counted)",
			own.Round(time.Millisecond), s.paced.Round(time.Millisecond)), true
	}
	last := s.since
	if t := time.Unix(0, p.lastAck.Load()); t.After(last) {
		last = t
	}
	if idle := now.Sub(last); idle >= limit {
		return fmt.Sprintf("no request acknowledged by any worker for %s", idle.Round(time.Millisecond)), true
	}
	return "", false
}

// noteAck records an acknowledgment at now for the pool-wide rule.
func (p *pool) noteAck(now time.Time) {
	n := now.UnixNano()
	for {
		old := p.lastAck.Load()
		if n <= old || p.lastAck.CompareAndSwap(old, n) {
			return
		}
	}
}
