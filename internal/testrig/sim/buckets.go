package sim

import (
	"math"
	"time"
)

// bucket is a token bucket of write units: it refills continuously at rate per second and
// holds at most capacity.
type bucket struct {
	rate, capacity, tokens float64
	last                   time.Time
}

// newBucket starts full with one second of capacity. With burst it may then save up to
// burstSeconds of unused capacity: a new table has no savings yet.
func newBucket(rate float64, burst bool, now time.Time) *bucket {
	capacity := rate
	if burst {
		capacity = rate * burstSeconds
	}
	return &bucket{rate: rate, capacity: capacity, tokens: rate, last: now}
}

func (b *bucket) refill(now time.Time) {
	if now.After(b.last) {
		b.tokens = math.Min(b.capacity, b.tokens+b.rate*now.Sub(b.last).Seconds())
		b.last = now
	}
}

// fits says whether n units can be taken now. A full bucket admits even a write larger than
// its capacity (and goes into debt), so an oversized item is slowed, never starved forever.
func (b *bucket) fits(n float64) bool {
	return b.tokens >= n || b.tokens >= b.capacity
}

// tableState is the simulator's model of one table: partition buckets, the table cap and
// warm throughput. Sim.mu guards it.
type tableState struct {
	name    string
	cfg     TableConfig
	parts   []*bucket
	table   *bucket // nil without a table cap
	warm    warmState
	gsiWarm map[string]*warmState
	// pendingParts is the partition count a warm-throughput update in progress will bring.
	pendingParts int
}

// Throttling reasons (the SDK's ThrottlingReason.Reason format: Resource+Operation+Limit).
const (
	reasonKeyRange    = "TableWriteKeyRangeThroughputExceeded"
	reasonProvisioned = "TableWriteProvisionedThroughputExceeded"
	reasonMaxOnDemand = "TableWriteMaxOnDemandThroughputExceeded"
)

func withDefaults(c TableConfig) TableConfig {
	if c.PartitionWCU == 0 {
		c.PartitionWCU = DefaultPartitionWCU
	}
	if c.PartitionRCU == 0 {
		c.PartitionRCU = DefaultPartitionRCU
	}
	if c.Partitions == 0 {
		c.Partitions = DerivePartitions(c.TableRCU, c.TableWCU, c.PartitionRCU, c.PartitionWCU)
	}
	if c.WarmUpdateDelay == 0 {
		c.WarmUpdateDelay = DefaultWarmUpdateDelay
	}
	return c
}

// DerivePartitions is the heuristic partition count ceil(rcu/partitionRCU +
// wcu/partitionWCU), at least 1 (an estimate: AWS does not document the formula).
func DerivePartitions(rcu, wcu, partitionRCU, partitionWCU float64) int {
	// The epsilon keeps float noise (0.7+0.3 = 1.0000000000000002) from adding a partition.
	return max(1, int(math.Ceil(rcu/partitionRCU+wcu/partitionWCU-1e-9)))
}

func newTableState(name string, cfg TableConfig, now time.Time) *tableState {
	t := &tableState{name: name, cfg: cfg, gsiWarm: map[string]*warmState{}}
	t.grow(cfg.Partitions, now)
	if cfg.TableWCU > 0 {
		t.table = newBucket(cfg.TableWCU, cfg.Burst, now)
	}
	t.warm = t.baselineWarm()
	return t
}

// grow adds partitions up to n; partitions are never merged (DynamoDB splits, it does not merge).
func (t *tableState) grow(n int, now time.Time) {
	for len(t.parts) < n {
		t.parts = append(t.parts, newBucket(t.cfg.PartitionWCU, t.cfg.Burst, now))
	}
}

// admit takes wcu from partition p and from the table cap if both have it; otherwise it
// returns the throttling reason.
func (t *tableState) admit(p int, wcu float64, now time.Time) (bool, string) {
	pb := t.parts[p]
	pb.refill(now)
	if !pb.fits(wcu) {
		return false, reasonKeyRange
	}
	if t.table != nil {
		t.table.refill(now)
		if !t.table.fits(wcu) {
			if t.cfg.OnDemand {
				return false, reasonMaxOnDemand
			}
			return false, reasonProvisioned
		}
		t.table.tokens -= wcu
	}
	pb.tokens -= wcu
	return true, ""
}
