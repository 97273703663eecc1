package write

import (
	"strings"
	"testing"
	"time"
)

func TestStalled(t *testing.T) {
	t.Parallel()
	t0 := newFakeClock().Now()
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	for _, tc := range []struct {
		name    string
		s       stall
		poolAck time.Time // zero: nothing acknowledged yet
		now     time.Time
		why     string // empty: keep trying
	}{
		{"young batch", stall{since: at(0)}, time.Time{}, at(59), ""},
		{"refused for the whole timeout", stall{since: at(0)}, at(50), at(60), "no request of the batch acknowledged in 1m0s of retrying"},
		{"mostly queued for the write rate while others progress", stall{since: at(0), paced: 50 * time.Second}, at(55), at(70), ""},
		{"queued, but the whole pool is stuck", stall{since: at(0), paced: 50 * time.Second}, at(5), at(70), "no request acknowledged by any worker for 1m5s"},
		{"a pool idle before the batch started does not count", stall{since: at(100), paced: 30 * time.Second}, at(5), at(150), ""},
		{"own acknowledgment restarted the clock", stall{since: at(100)}, at(100), at(159), ""},
	} {
		p := &pool{o: Options{NoProgressTimeout: time.Minute}}
		if !tc.poolAck.IsZero() {
			p.noteAck(tc.poolAck)
		}
		why, stalled := p.stalled(tc.s, tc.now)
		if stalled != (tc.why != "") || !strings.Contains(why, tc.why) {
			t.Errorf("%s: stalled = %v, %q; want %q", tc.name, stalled, why, tc.why)
		}
	}
	p := &pool{}
	p.noteAck(at(10))
	p.noteAck(at(5)) // a slower worker reporting late must not move the clock back
	if got := time.Unix(0, p.lastAck.Load()); !got.Equal(at(10)) {
		t.Errorf("last ack %s, want %s", got, at(10))
	}
}
