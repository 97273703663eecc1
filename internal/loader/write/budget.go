package write

import (
	"context"

	"golang.org/x/sync/semaphore"
)

// DefaultBudgetBytes bounds the batches on their way to DynamoDB: one call's largest payload
// (16 MB), so items near the 400 KB limit cannot fill every writer and the queue before them,
// while batches of small items never wait on it.
const DefaultBudgetBytes = 16 << 20

// Budget bounds the bytes of the batches that a producer has built and the pool has not yet
// finished writing. A batch weighs its write units in KB (at least its size); one heavier than
// the whole budget takes all of it.
type Budget struct {
	sem  *semaphore.Weighted
	size int64
}

// NewBudget returns a budget of bytes (DefaultBudgetBytes if bytes < 1).
func NewBudget(bytes int64) *Budget {
	if bytes < 1 {
		bytes = DefaultBudgetBytes
	}
	return &Budget{sem: semaphore.NewWeighted(bytes), size: bytes}
}

// Acquire waits until a batch of wcu write units fits, or ctx ends.
func (b *Budget) Acquire(ctx context.Context, wcu int64) error {
	return b.sem.Acquire(ctx, b.weight(wcu))
}

func (b *Budget) release(batch Batch) { b.sem.Release(b.weight(totalCost(batch))) }

func (b *Budget) weight(wcu int64) int64 { return min(max(wcu, 1)<<10, b.size) }
