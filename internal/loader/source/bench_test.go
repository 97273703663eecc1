package source

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkReadJSONLines reads a generated file of typical items: a key, a sort key, exact
// numbers, a string with non-ASCII text, a boolean, a list and a nested map.
func BenchmarkReadJSONLines(b *testing.B) {
	const items = 20000
	var sb strings.Builder
	for i := range items {
		fmt.Fprintf(&sb, `{"pk":"customer#%d","sk":"order#%08d","total":%d.%02d,"qty":%d,"note":"größe — ok","paid":%t,"tags":["a","b","c"],"addr":{"city":"Zürich","zip":"80%02d","geo":[47.3769,8.5417]}}`+"\n",
			i%997, i, i*3, i%100, i%7, i%2 == 0, i%100)
	}
	dir := b.TempDir()
	path := filepath.Join(dir, "bench.jsonl")
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(sb.Len()))
	b.ReportAllocs()
	read := 0
	for b.Loop() {
		r, err := Open(Spec{Patterns: []string{path}})
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			read++
		}
		if err := r.Close(); err != nil {
			b.Fatal(err)
		}
	}
	if read != items*b.N {
		b.Fatalf("read %d items, want %d", read, items*b.N)
	}
	b.ReportMetric(float64(read)/b.Elapsed().Seconds(), "items/s")
}
