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
	b.ReportAllocs()
	b.ResetTimer()
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
}
