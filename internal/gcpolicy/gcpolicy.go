// Package gcpolicy sets the garbage collector's policy for the processes that run loads: the
// provider and the commands that measure the engine (ddbload-bench, memcheck), so that they
// measure what the provider does.
package gcpolicy

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The policy: between collections the heap may grow to five times the live heap, within a
// memory limit of Budget, or twice the live heap when that is more.
//
// A load's working set is small and does not grow with the file (the items in flight and the
// packed order window: 5-15 MB), but it allocates a few KB per item, so Go's default (collect
// when the heap doubles) collects every few MB; the larger growth spends less CPU on
// collection (BENCHMARKS.md). What a load keeps for the state does grow with the dataset (the
// keys and hashes of the ledger, about 75 bytes an item while it is built): a fixed limit below
// that would make the collector run without pause, so the limit follows the live heap.
const (
	Percent = 400
	Budget  = 80 << 20 // bytes
	// Headroom is the memory limit's multiple of the live heap once that passes Budget/Headroom.
	Headroom = 2
)

// every is how often the limit follows the live heap.
const every = 100 * time.Millisecond

// Apply sets the policy unless GOGC or GOMEMLIMIT is set in the environment: they are the
// user's to decide. It reports whether it did. The limit follows the live heap for the rest of
// the process's life.
func Apply() bool {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return false
	}
	debug.SetGCPercent(Percent)
	debug.SetMemoryLimit(Budget)
	go follow()
	return true
}

// follow keeps the memory limit at Limit(live heap).
func follow() {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	last := int64(Budget)
	for range time.Tick(every) {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return // the runtime does not say: keep the fixed limit
		}
		if l := Limit(sample[0].Value.Uint64()); l != last {
			debug.SetMemoryLimit(l)
			last = l
		}
	}
}

// Limit is the memory limit for a live heap of live bytes.
func Limit(live uint64) int64 {
	return max(int64(Budget), int64(live)*Headroom)
}
