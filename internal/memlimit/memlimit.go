// Package memlimit gives the processes that load data (the provider, and the tools that
// stand in for it) a soft memory limit.
package memlimit

import (
	"os"
	"runtime/debug"
)

// Default is the soft limit on the Go heap. A load's live heap is about 35-40 MB at the
// default order window and workers, whatever the dataset's size; with Go's default GC
// target alone the heap may grow to twice that while the decoder allocates at full speed.
// The limit makes the collector run before then, at a small CPU cost, and is soft: a
// process that really needs more memory still gets it.
const Default = 64 << 20

// Apply sets the soft limit unless GOMEMLIMIT already sets one, so an operator keeps the
// last word.
func Apply() {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(Default)
}
