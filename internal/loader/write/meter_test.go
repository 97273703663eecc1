package write

import (
	"math"
	"testing"
	"time"
)

func TestMeter(t *testing.T) {
	t.Parallel()
	var m meter
	t0 := time.Unix(1000, 0)
	if got := m.rate(t0); got != 0 {
		t.Fatalf("empty meter: rate %v, want 0", got)
	}
	m.add(t0, 100)
	if got := m.rate(t0); got != 1000 {
		t.Fatalf("100 WCU just now: rate %v, want 1000 (a young window counts as one 100 ms slot)", got)
	}
	if m.full(t0.Add(999 * time.Millisecond)) {
		t.Fatal("full before a second")
	}
	for i := 1; i < 20; i++ { // 100 WCU every 100 ms for two seconds
		m.add(t0.Add(time.Duration(i)*100*time.Millisecond), 100)
	}
	now := t0.Add(1950 * time.Millisecond)
	if !m.full(now) {
		t.Fatal("not full after two seconds")
	}
	// The window holds the slots from 1.0 s to 1.9 s (ten adds of 100), spanning 0.95 s.
	if got, want := m.rate(now), 1000/0.95; math.Abs(got-want) > 1e-6 {
		t.Fatalf("steady 1,000 WCU/s: rate %v, want %v", got, want)
	}
	if got := m.rate(now.Add(5 * time.Second)); got != 0 {
		t.Fatalf("after 5 idle seconds: rate %v, want 0", got)
	}
	m.add(now.Add(5*time.Second), 50)
	// The gap reset the window: 50 WCU over the 0.9 s from the window's start to now.
	if got, want := m.rate(now.Add(5*time.Second+500*time.Millisecond)), 50/0.9; math.Abs(got-want) > 1e-6 {
		t.Fatalf("50 WCU after a long gap, read 0.5 s later: rate %v, want %v", got, want)
	}
}
