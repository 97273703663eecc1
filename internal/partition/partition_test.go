package partition

import "testing"

func TestEstimate(t *testing.T) {
	t.Parallel()
	// The community worked example: 7,500 RCU, 4,000 WCU, 100 GB.
	if got := ForThroughput(7500, 4000); got != 7 {
		t.Errorf("ForThroughput = %d, want 7", got)
	}
	if got := ForStorage(100); got != 10 {
		t.Errorf("ForStorage = %d, want 10", got)
	}
	if got := Estimate(7500, 4000, 100); got != 10 {
		t.Errorf("Estimate = %d, want 10", got)
	}
	for _, tc := range []struct {
		rcu, wcu, gb float64
		want         int64
	}{
		{0, 0, 0, 1},
		{3000, 0, 0, 1},
		{3000, 1000, 0, 2},
		{0, 1000, 10, 1},
		{0, 1001, 0, 2},
		{0, 0, 10.5, 2},
	} {
		if got := Estimate(tc.rcu, tc.wcu, tc.gb); got != tc.want {
			t.Errorf("Estimate(%v, %v, %v) = %d, want %d", tc.rcu, tc.wcu, tc.gb, got, tc.want)
		}
	}
}

func TestRequiredShards(t *testing.T) {
	t.Parallel()
	// Two election candidates, 90/10, at 100,000 WCU: the hot one needs 90 shards.
	if got := RequiredShards(0.9, 0, 100000); got != 90 {
		t.Errorf("RequiredShards(0.9, 100k WCU) = %d, want 90", got)
	}
	if got := RequiredShards(0.1, 0, 100000); got != 10 {
		t.Errorf("RequiredShards(0.1, 100k WCU) = %d, want 10", got)
	}
	if got := RequiredShards(1, 9000, 0); got != 3 {
		t.Errorf("reads: RequiredShards(1, 9000 RCU) = %d, want 3", got)
	}
	if got := RequiredShards(0.0001, 0, 1000); got != 1 {
		t.Errorf("a cold key needs 1 shard, got %d", got)
	}
}
