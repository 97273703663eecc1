// Package memlimit gives the processes that load data (the provider, and the tools that
// stand in for it) a soft memory limit.
package memlimit

import (
	"os"
	"runtime/debug"
)

// Default is the soft limit on the Go runtime's memory. A load's live heap is about 30 MB at
// the default order window and workers, whatever the dataset's size, but with Go's default
// GC target alone the heap can briefly grow well past twice that while the decoder
// allocates at full speed. 80 MiB trims those peaks at no measurable CPU cost (64 MiB cost
// 20% more CPU in garbage collection). The limit is soft: a process that really needs more
// memory still gets it.
const Default = 80 << 20

// Apply sets the soft limit unless GOMEMLIMIT already sets one, so an operator keeps the
// last word.
func Apply() {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(Default)
}
