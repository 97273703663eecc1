package write

import (
	"context"
	"testing"
	"time"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// TestBudget: batches wait until the ones before them are written when together they would
// exceed the budget; a batch heavier than the whole budget still goes, alone; every release
// makes room again.
func TestBudget(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := NewBudget(100 << 10) // 100 KB
	if err := b.Acquire(ctx, 60); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := b.Acquire(short, 60); err == nil {
		t.Fatal("a second 60 KB batch fitted into a 100 KB budget holding 60 KB")
	}
	b.release(Batch{{Put: record.Item{}, WCU: 60}})
	if err := b.Acquire(ctx, 1000); err != nil { // heavier than the budget: takes all of it
		t.Fatal(err)
	}
	short2, cancel2 := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel2()
	if err := b.Acquire(short2, 1); err == nil {
		t.Fatal("a batch fitted beside one that took the whole budget")
	}
	b.release(Batch{{Put: record.Item{}, WCU: 1000}})
	if err := b.Acquire(ctx, 100); err != nil {
		t.Fatal(err)
	}
}
