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
// numbers, a string with non-ASCII text, a boolean, a list and a nested map; as plain JSON
// Lines and as DynamoDB JSON (S3-export lines).
func BenchmarkReadJSONLines(b *testing.B) {
	const items = 20000
	for _, format := range []struct {
		name, line string
		spec       Format
	}{
		{"plain", `{"pk":"customer#%d","sk":"order#%08d","total":%d.%02d,"qty":%d,"note":"größe — ok","paid":%t,"tags":["a","b","c"],"addr":{"city":"Zürich","zip":"80%02d","geo":[47.3769,8.5417]}}`, FormatJSONLines},
		{"dynamodb", `{"Item":{"pk":{"S":"customer#%d"},"sk":{"S":"order#%08d"},"total":{"N":"%d.%02d"},"qty":{"N":"%d"},"note":{"S":"größe — ok"},"paid":{"BOOL":%t},"tags":{"L":[{"S":"a"},{"S":"b"},{"S":"c"}]},"addr":{"M":{"city":{"S":"Zürich"},"zip":{"S":"80%02d"},"geo":{"L":[{"N":"47.3769"},{"N":"8.5417"}]}}}}}`, FormatDynamoDBJSON},
	} {
		b.Run(format.name, func(b *testing.B) {
			var sb strings.Builder
			for i := range items {
				fmt.Fprintf(&sb, format.line+"\n", i%997, i, i*3, i%100, i%7, i%2 == 0, i%100)
			}
			path := filepath.Join(b.TempDir(), "bench.jsonl")
			if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(sb.Len()))
			b.ReportAllocs()
			read := 0
			for b.Loop() {
				r, err := Open(Spec{Patterns: []string{path}, Format: format.spec})
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
		})
	}
}

// BenchmarkReadJSONLinesSkipping reads a generated JSON Lines file decoding every record, then
// passing every record over: what an update that leaves every item in place reads.
func BenchmarkReadJSONLinesSkipping(b *testing.B) {
	const items = 20000
	var sb strings.Builder
	for i := range items {
		fmt.Fprintf(&sb, `{"pk":"cust-%05d","sk":"order-%08d","total":12.50,"qty":3,"status":"shipped","note":"order ok","tags":["a","b"]}`+"\n", i%997, i)
	}
	path := filepath.Join(b.TempDir(), "bench.jsonl")
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	for _, skip := range []bool{false, true} {
		b.Run(fmt.Sprintf("skip=%v", skip), func(b *testing.B) {
			b.SetBytes(int64(sb.Len()))
			b.ReportAllocs()
			for b.Loop() {
				r, err := OpenSkipping(Spec{Patterns: []string{path}}, func(uint64) bool { return skip })
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					rec, err := r.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil || rec.Skipped != skip {
						b.Fatalf("record %d: skipped %v, %v", n, rec.Skipped, err)
					}
					n++
				}
				if n != items || r.Fingerprint() == ([32]byte{}) {
					b.Fatalf("read %d records, want %d, and a fingerprint", n, items)
				}
				if err := r.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
