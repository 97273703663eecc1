package write

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// okAPI acknowledges everything at once, like a table that never throttles, at no cost.
type okAPI struct{ out dynamodb.BatchWriteItemOutput }

func (a *okAPI) BatchWriteItem(context.Context, *dynamodb.BatchWriteItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	return &a.out, nil
}

// BenchmarkRun measures the pool's own overhead per item (one op = one item) with 16 workers.
func BenchmarkRun(b *testing.B) {
	units := 25.0
	api := &okAPI{out: dynamodb.BatchWriteItemOutput{ConsumedCapacity: []types.ConsumedCapacity{{CapacityUnits: &units}}}}
	item := putItem(1)
	batch := make(Batch, 25)
	for i := range batch {
		batch[i] = Request{Put: item, WCU: 1, Seq: uint64(i)}
	}
	batches := max(1, b.N/25)
	ch := make(chan Batch, batches)
	for range batches {
		ch <- batch
	}
	close(ch)
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	start := time.Now()
	if _, err := Run(context.Background(), api, ch, Options{Table: testTable}); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	runtime.ReadMemStats(&after)
	items := float64(batches * 25)
	b.ReportMetric(items/elapsed.Seconds(), "items/s")
	// allocs/op rounds to whole numbers; per-call allocations spread over 25 items do not.
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/items, "allocs/item")
}
