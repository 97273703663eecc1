package gcpolicy

import (
	"math"
	"runtime/debug"
	"testing"
)

// restore puts the runtime's settings back after a test changed them.
func restore(t *testing.T) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})
}

func TestApplySetsThePolicy(t *testing.T) {
	restore(t)
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	if !Apply() {
		t.Fatal("Apply did nothing with GOGC and GOMEMLIMIT unset")
	}
	if got := debug.SetGCPercent(Percent); got != Percent {
		t.Errorf("GC percent %d, want %d", got, Percent)
	}
	if got := debug.SetMemoryLimit(-1); got != Budget {
		t.Errorf("memory limit %d, want %d", got, Budget)
	}
}

func TestApplyLeavesTheEnvironmentsSettings(t *testing.T) {
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			restore(t)
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			t.Setenv(env, "200")
			if Apply() {
				t.Fatalf("Apply changed the policy with %s set", env)
			}
			if got := debug.SetGCPercent(100); got != 100 {
				t.Errorf("GC percent %d, want 100 (untouched)", got)
			}
			if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
				t.Errorf("memory limit %d, want none (untouched)", got)
			}
		})
	}
}

// TestLimitFollowsTheLiveHeap: the limit is Budget until the live heap needs more room, so a
// load that keeps a large ledger does not make the collector run without pause.
func TestLimitFollowsTheLiveHeap(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		live uint64
		want int64
	}{
		{0, Budget},
		{10 << 20, Budget},
		{Budget / Headroom, Budget},
		{200 << 20, 400 << 20},
	} {
		if got := Limit(tc.live); got != tc.want {
			t.Errorf("Limit(%d) = %d, want %d", tc.live, got, tc.want)
		}
	}
}
