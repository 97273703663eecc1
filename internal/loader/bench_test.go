package loader

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/order"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// The benchmarks load benchItems generated items of about 200 bytes, sorted by partition key
// as an export would be, benchPerKey items per key (5,000 partition keys).
const (
	benchItems  = 100_000
	benchPerKey = 20
)

// nullWriter is a BatchWriteItem that acknowledges every request at once and only counts the
// puts, so a benchmark measures the loader and can still check that nothing was lost.
type nullWriter struct {
	puts atomic.Int64
}

func (w *nullWriter) BatchWriteItem(_ context.Context, in *dynamodb.BatchWriteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	var n int64
	for _, reqs := range in.RequestItems {
		for i := range reqs {
			if reqs[i].PutRequest != nil {
				n++
			}
		}
	}
	w.puts.Add(n)
	return &dynamodb.BatchWriteItemOutput{}, nil
}

// benchDataset writes the benchmark's JSON Lines file into a fresh temporary directory and
// returns a Spec reading it.
func benchDataset(b *testing.B) source.Spec {
	b.Helper()
	dir := b.TempDir()
	f, err := os.Create(filepath.Join(dir, "bench.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for i := range benchItems {
		fmt.Fprintf(w, `{"pk":"customer#%06d","sk":%d,"total":%d.%02d,"qty":%d,"status":"shipped","note":"größe — order %08d ok","paid":%t,"tags":["a","b","c"],"addr":{"city":"Zürich","zip":"80%02d","geo":[47.3769,8.5417]}}`+"\n",
			i/benchPerKey, i, i%5000, i%100, i%7, i, i%2 == 0, i%100)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return source.Spec{BaseDir: dir, Patterns: []string{"bench.jsonl"}}
}

func benchSchema() keys.Schema {
	return keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "S"}, SortKey: &keys.Attr{Name: "sk", Type: "N"}}
}

// cpuTime is the CPU time (user + system) the process has used so far, all threads.
func cpuTime(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs one pass (a load or a validation of benchItems items) per iteration and reports
// items/s (wall time), allocs/item and CPU seconds per 100k items (all threads, GC included).
func measure(b *testing.B, pass func() int64) {
	b.Helper()
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := cpuTime(b)
	var items int64
	for b.Loop() {
		items += pass()
	}
	cpu := cpuTime(b) - cpu0
	runtime.ReadMemStats(&after)
	if items == 0 {
		return
	}
	n := float64(items)
	b.ReportMetric(n/b.Elapsed().Seconds(), "items/s")
	// allocs/op is per pass; per item is the number that compares across dataset sizes.
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/item")
	b.ReportMetric(cpu.Seconds()/n*100_000, "cpu-s/100k")
}

// BenchmarkLoadPipeline measures a whole Load (validation pass, then read, key, order, batch
// and write pass with the default 16 workers) into a BatchWriteItem that costs nothing, per
// order mode. One op is one load of benchItems items.
func BenchmarkLoadPipeline(b *testing.B) {
	spec := benchDataset(b)
	for _, mode := range []order.Mode{order.Interleave, order.Shuffle, order.Preserve} {
		b.Run(string(mode), func(b *testing.B) {
			w := &nullWriter{}
			o := Options{Source: spec, Order: order.Options{Mode: mode, Seed: 1}}
			measure(b, func() int64 {
				before := w.puts.Load()
				res, err := Load(context.Background(), w, "bench", benchSchema(), o)
				if err != nil {
					b.Fatal(err)
				}
				if got := w.puts.Load() - before; got != benchItems || res.Stats.Written != benchItems || res.Acked.Len() != benchItems {
					b.Fatalf("wrote %d items (stats %d, acked %d); want %d", got, res.Stats.Written, res.Acked.Len(), benchItems)
				}
				return benchItems
			})
		})
	}
}

// BenchmarkValidate measures the validate-only pass (read, convert, key stage, size checks,
// duplicate detection, digest, key statistics). One op is one pass over benchItems items.
func BenchmarkValidate(b *testing.B) {
	spec := benchDataset(b)
	o := Options{Source: spec}
	measure(b, func() int64 {
		v, err := Validate(context.Background(), benchSchema(), o)
		if err != nil {
			b.Fatal(err)
		}
		if v.Items != benchItems || v.Keys.DistinctPartitionKeys != benchItems/benchPerKey {
			b.Fatalf("validated %d items, %d partition keys; want %d, %d", v.Items, v.Keys.DistinctPartitionKeys, benchItems, benchItems/benchPerKey)
		}
		return benchItems
	})
}
