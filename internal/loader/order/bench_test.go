package order

import (
	"errors"
	"io"
	"testing"
)

// BenchmarkInterleaveBatch measures the order stage plus batcher over sorted input (1,000
// partition keys × 100 entries), the worst case for interleaving.
func BenchmarkInterleaveBatch(b *testing.B) {
	in := sorted(1000, 100)
	for _, mode := range []Mode{Interleave, Shuffle, Preserve} {
		b.Run(string(mode), func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				it := Batches(New(&sliceIter{entries: in}, Options{Mode: mode, Seed: 1}), 25, 0)
				for {
					batch, err := it.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n += len(batch)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}
