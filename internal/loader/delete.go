package loader

import (
	"context"
	"iter"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
)

// Delete removes the items with the given keys (each a map of the key attributes only) through
// the same writer pool as loads: batches of 25 DeleteRequests, retries, pacing. Deleting a
// missing item is not an error. The keys must be distinct.
func Delete(ctx context.Context, api write.API, table string, keyItems iter.Seq[record.Item], wo write.Options) (write.Stats, error) {
	wo.Table = table
	batches := make(chan write.Batch, max(wo.Concurrency, write.DefaultConcurrency))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(batches)
		var b write.Batch
		seq := uint64(0)
		for k := range keyItems {
			b = append(b, write.Request{Delete: k, WCU: 1, Seq: seq,
				Pos: record.Position{File: "keys to delete", Record: int(seq) + 1}})
			seq++
			if len(b) == ddbitem.MaxBatchItems {
				select {
				case batches <- b:
				case <-ctx.Done():
					return
				}
				b = nil
			}
		}
		if len(b) > 0 {
			select {
			case batches <- b:
			case <-ctx.Done():
			}
		}
	}()
	return write.Run(ctx, api, batches, wo)
}
