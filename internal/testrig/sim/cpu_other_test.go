//go:build !unix

package sim

import "time"

// processCPU is not measured here: cpu-ns/item reads 0.
func processCPU() time.Duration { return 0 }
