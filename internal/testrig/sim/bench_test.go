package sim

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkBatchWriteSink measures the simulator's own cost per BatchWriteItem of 25 1-KB
// items into the in-memory sink, without the network: the ceiling of any benchmark run
// through it.
func BenchmarkBatchWriteSink(b *testing.B) {
	s, err := New(Config{Tables: map[string]TableConfig{"tbl": {Partitions: 64, PartitionWCU: 1e12, PartitionKey: "pk"}}})
	if err != nil {
		b.Fatal(err)
	}
	pad := strings.Repeat("x", 1000)
	bodies := make([][]byte, 64)
	for i := range bodies {
		var buf bytes.Buffer
		buf.WriteString(`{"RequestItems":{"tbl":[`)
		for j := range 25 {
			if j > 0 {
				buf.WriteByte(',')
			}
			fmt.Fprintf(&buf, `{"PutRequest":{"Item":{"pk":{"S":"k%d-%d"},"pad":{"S":%q}}}}`, i, j, pad)
		}
		buf.WriteString(`]}}`)
		bodies[i] = buf.Bytes()
	}
	serveBatchWrites(b, s, bodies)
}

// BenchmarkBatchWriteSinkRealistic is BenchmarkBatchWriteSink with the items of the speed
// benchmark's datasets: ~200 bytes, 9 attributes of most types, every key distinct, so the
// sink grows as in a real load.
func BenchmarkBatchWriteSinkRealistic(b *testing.B) {
	s, err := New(Config{Tables: map[string]TableConfig{"tbl": {Partitions: 1, PartitionWCU: 1e12, PartitionKey: "pk", SortKey: "sk"}}})
	if err != nil {
		b.Fatal(err)
	}
	bodies := make([][]byte, b.N)
	for i := range bodies {
		var buf bytes.Buffer
		buf.WriteString(`{"RequestItems":{"tbl":[`)
		for j := range 25 {
			n := i*25 + j
			if j > 0 {
				buf.WriteByte(',')
			}
			fmt.Fprintf(&buf, `{"PutRequest":{"Item":{"pk":{"S":"cust-%05d"},"sk":{"S":"order-%08d"},"total":{"N":"%d.%02d"},`+
				`"qty":{"N":"%d"},"status":{"S":"shipped"},"note":{"S":"größe — order %08d ok"},"paid":{"BOOL":%v},`+
				`"tags":{"L":[{"S":"a"},{"S":"b"},{"S":"c"}]},"addr":{"M":{"city":{"S":"Zürich"},"zip":{"S":"%d"}}}}}}`,
				n*7919%20000, n, n%100, n%100, n%10+1, n, n%2 == 0, 8000+n%100)
		}
		buf.WriteString(`]}}`)
		bodies[i] = buf.Bytes()
	}
	serveBatchWrites(b, s, bodies)
}

// serveBatchWrites serves b.N BatchWriteItem calls of 25 items, cycling through bodies, and
// reports items/s and CPU time per item. CPU time (all threads, GC included) is what the
// simulator takes from a shared machine, and unlike wall time it holds up when other
// processes compete for the cores.
func serveBatchWrites(b *testing.B, s *Sim, bodies [][]byte) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for i := range b.N {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(bodies[i%len(bodies)]))
		req.Header.Set("X-Amz-Target", "DynamoDB_20120810.BatchWriteItem")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("HTTP %d: %s", w.Code, w.Body)
		}
	}
	b.ReportMetric(float64(b.N*25)/b.Elapsed().Seconds(), "items/s")
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N*25), "cpu-ns/item")
}
