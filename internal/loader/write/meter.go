package write

import "time"

// Meter geometry: a sliding one-second window in ten slots, fine enough that a rate measured
// right after a cut is not dominated by what was sent before it.
const (
	meterSlots = 10
	meterSlot  = 100 * time.Millisecond
	meterSpan  = meterSlots * meterSlot
)

// meter measures a rate (WCU/s) over the last second. Not safe for concurrent use: the rate
// controller's mutex guards it.
type meter struct {
	slots     [meterSlots]float64
	idx       int
	slotStart time.Time // start of slots[idx]
	began     time.Time // first add, zero before
}

// add records v at now.
func (m *meter) add(now time.Time, v float64) {
	m.advance(now)
	m.slots[m.idx] += v
}

// advance moves the window to now, zeroing the slots that fell out of it.
func (m *meter) advance(now time.Time) {
	if m.began.IsZero() {
		m.began, m.slotStart = now, now
		return
	}
	if now.Sub(m.slotStart) >= meterSpan+meterSlot {
		m.slots = [meterSlots]float64{}
		m.slotStart = now
		return
	}
	for now.Sub(m.slotStart) >= meterSlot {
		m.idx = (m.idx + 1) % meterSlots
		m.slots[m.idx] = 0
		m.slotStart = m.slotStart.Add(meterSlot)
	}
}

// rate is the total over the window divided by the window's span (at least one slot, at most a
// second, never before the first add); 0 before anything was added.
func (m *meter) rate(now time.Time) float64 {
	if m.began.IsZero() {
		return 0
	}
	m.advance(now)
	var total float64
	for _, v := range m.slots {
		total += v
	}
	from := m.slotStart.Add(-(meterSlots - 1) * meterSlot)
	if from.Before(m.began) {
		from = m.began
	}
	span := max(now.Sub(from), meterSlot)
	return total / span.Seconds()
}

// full reports whether the window has covered a whole second since the first add.
func (m *meter) full(now time.Time) bool {
	return !m.began.IsZero() && now.Sub(m.began) >= meterSpan
}
