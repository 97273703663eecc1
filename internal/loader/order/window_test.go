package order

import (
	"fmt"
	"strings"
	"testing"
)

// heldCounter wraps an iterator and tracks how many bytes of its entries the stage above has
// taken but not yet emitted, given what that stage emitted.
type heldCounter struct {
	in       Iterator
	taken    int
	maxAhead int
	emitted  *int
}

func (h *heldCounter) Next() (Entry, error) {
	e, err := h.in.Next()
	if err == nil {
		h.taken += heldBytes(&e)
		h.maxAhead = max(h.maxAhead, h.taken-*h.emitted)
	}
	return e, err
}

// TestWindowBoundedInBytes: whatever the item size, the interleave and shuffle windows hold at
// most WindowBytes (plus the one entry that crosses it), still emit every entry exactly once,
// and hold an entry larger than the whole budget on its own.
func TestWindowBoundedInBytes(t *testing.T) {
	t.Parallel()
	for _, mode := range []Mode{Interleave, Shuffle} {
		for _, size := range []int{200, 50_000, 400_000} {
			t.Run(fmt.Sprintf("%s/%d", mode, size), func(t *testing.T) {
				t.Parallel()
				const budget = 1 << 20
				in := sorted(20, 30) // 600 entries, sorted by key
				for i := range in {
					in[i].Packed = strings.Repeat("x", size)
					in[i].Size = size
				}
				emitted := 0
				h := &heldCounter{in: &sliceIter{entries: in}, emitted: &emitted}
				it := New(h, Options{Mode: mode, Window: 10000, WindowBytes: budget, Seed: 1})
				seen := map[int]bool{}
				for {
					e, err := it.Next()
					if err != nil {
						break
					}
					emitted += heldBytes(&e)
					seen[e.Rec.Pos.Record] = true
				}
				if len(seen) != len(in) {
					t.Fatalf("emitted %d distinct entries of %d", len(seen), len(in))
				}
				if limit := budget + heldBytes(&in[0]); h.maxAhead > limit {
					t.Errorf("held up to %d bytes; want at most %d", h.maxAhead, limit)
				}
			})
		}
	}
}

// TestWindowBytesKeepInterleaving: items small enough that the entry limit binds first are
// interleaved as before: consecutive entries of sorted input never share a partition key while
// the window holds another.
func TestWindowBytesKeepInterleaving(t *testing.T) {
	t.Parallel()
	in := sorted(10, 50)
	out := drain(t, New(&sliceIter{entries: in}, Options{Mode: Interleave, Window: 100}))
	for i := 1; i < 400; i++ {
		if out[i].Key.Partition == out[i-1].Key.Partition {
			t.Fatalf("entries %d and %d share partition %s", i-1, i, out[i].Key.Partition)
		}
	}
}
