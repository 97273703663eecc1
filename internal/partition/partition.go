package partition

import "math"

// Per-partition limits: a partition serves at most this much, and a single partition-key
// value cannot plan on more (split for heat is not guaranteed, and never happens with an LSI
// or an ever-increasing sort key).
const (
	PartitionWCU     = 1000.0
	PartitionRCU     = 3000.0
	PartitionBytes   = 10 * 1000 * 1000 * 1000 // about 10 GB
	CollectionLimitB = PartitionBytes          // item collection cap with an LSI
)

// ForThroughput is ceil(RCU/3000 + WCU/1000), at least 1.
func ForThroughput(rcu, wcu float64) int64 {
	return atLeastOne(math.Ceil(rcu/PartitionRCU + wcu/PartitionWCU - 1e-9))
}

// ForStorage is ceil(GB/10), at least 1.
func ForStorage(gb float64) int64 {
	return atLeastOne(math.Ceil(gb/10 - 1e-9))
}

// Estimate is max(ForThroughput, ForStorage).
func Estimate(rcu, wcu, gb float64) int64 {
	return max(ForThroughput(rcu, wcu), ForStorage(gb))
}

// RequiredShards is how many write shards (distinct partition-key values) one logical key
// needs so that no shard gets more than one partition's throughput: the key's share of the
// table's write and read rates, divided by the per-partition limits, rounded up. At least 1.
func RequiredShards(share, rcu, wcu float64) int64 {
	if share <= 0 {
		return 1
	}
	return atLeastOne(math.Max(math.Ceil(share*wcu/PartitionWCU-1e-9), math.Ceil(share*rcu/PartitionRCU-1e-9)))
}

func atLeastOne(x float64) int64 {
	if x < 1 || math.IsNaN(x) {
		return 1
	}
	if x > math.MaxInt64/2 {
		return math.MaxInt64 / 2
	}
	return int64(x)
}
