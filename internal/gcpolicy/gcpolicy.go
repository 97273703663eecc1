// Package gcpolicy sets the garbage collector's policy for the processes that run loads: the
// provider and the commands that measure the engine (ddbload-bench, memcheck), so that they
// measure what the provider does.
package gcpolicy

import (
	"os"
	"runtime/debug"
)

// The policy: between collections the heap may grow to five times the live heap, but the
// runtime's memory stays under Budget.
//
// A load's live heap is small and does not grow with the file (the items in flight and the
// packed order window: 5-15 MB), but it allocates a few KB per item (the SDK's attribute
// maps, decoded once in the validation pass and again in the write pass, and its request
// serialisation). With Go's default (collect when the heap doubles) a 150,000-item load
// collects every few MB. Under this policy such a load through the SDK takes about a fifth
// less time (1.98 against 2.44 s, four alternating runs each) and memcheck 12% less, at a peak
// RSS under 90 MB (BENCHMARKS.md).
const (
	Percent = 400
	Budget  = 80 << 20 // bytes
)

// Apply sets the policy unless GOGC or GOMEMLIMIT is set in the environment: they are the
// user's to decide. It reports whether it did.
func Apply() bool {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return false
	}
	debug.SetGCPercent(Percent)
	debug.SetMemoryLimit(Budget)
	return true
}
