package order

import (
	"errors"
	"io"
)

var _ Iterator = (*interleave)(nil)

// interleave emits one entry per partition key in turn. Buckets take turns in the order they
// first entered the window; a bucket that just emitted goes to the back of the line only after
// the next refill, so any other key that arrived meanwhile comes first. That guarantees two
// consecutive entries share a partition key only when the window holds no other key.
//
// Entries live in one slot array of at most limits.entries elements; a bucket is a linked list
// of slot indexes. Memory is therefore fixed by the window's limits, however the keys are
// distributed, and a steady stream allocates nothing.
type interleave struct {
	in     Iterator
	limits limits
	held   int
	heldB  int // heldBytes of the entries held
	eof    bool

	slots    []Entry
	next     []int // next slot in the same bucket, or the next free slot; -1 ends a list
	freeSlot int

	buckets map[string]*bucket // by Key.Partition
	turns   queue[*bucket]     // buckets waiting for their turn (not last)
	last    *bucket            // emitted last; re-queued after the next refill
	spare   []*bucket          // recycled buckets
}

type bucket struct {
	partition  string
	head, tail int // slot indexes; -1 when empty
}

func newInterleave(in Iterator, l limits) *interleave {
	return &interleave{in: in, limits: l, freeSlot: -1, buckets: map[string]*bucket{}}
}

func (it *interleave) Next() (Entry, error) {
	for !it.eof && it.limits.room(it.held, it.heldB) {
		e, err := it.in.Next()
		if errors.Is(err, io.EOF) {
			it.eof = true
			break
		}
		if err != nil {
			return Entry{}, err
		}
		it.add(e)
	}
	if b := it.last; b != nil {
		it.last = nil
		if b.head >= 0 {
			it.turns.push(b)
		} else {
			delete(it.buckets, b.partition)
			b.partition = ""
			it.spare = append(it.spare, b)
		}
	}
	if it.held == 0 {
		return Entry{}, io.EOF
	}
	b := it.turns.pop()
	s := b.head
	e := it.slots[s]
	it.slots[s] = Entry{} // drop the item for the GC
	b.head = it.next[s]
	if b.head < 0 {
		b.tail = -1
	}
	it.next[s], it.freeSlot = it.freeSlot, s
	it.held--
	it.heldB -= heldBytes(&e)
	it.last = b
	return e, nil
}

func (it *interleave) add(e Entry) {
	b, ok := it.buckets[e.Key.Partition]
	if !ok {
		b = it.newBucket(e.Key.Partition)
		it.buckets[b.partition] = b
		it.turns.push(b)
	}
	// When b is last it is not in turns: it is re-queued after this refill.
	s := it.slot()
	it.slots[s] = e
	it.next[s] = -1
	if b.tail >= 0 {
		it.next[b.tail] = s
	} else {
		b.head = s
	}
	b.tail = s
	it.held++
	it.heldB += heldBytes(&e)
}

// slot returns a free slot index, growing the arrays (never beyond the window) when none is.
func (it *interleave) slot() int {
	if s := it.freeSlot; s >= 0 {
		it.freeSlot = it.next[s]
		return s
	}
	if len(it.slots) == cap(it.slots) {
		// Grow by doubling but stop at the window, so small inputs stay small and big ones
		// never hold more than Window entries of capacity.
		c := min(max(2*cap(it.slots), 64), it.limits.entries)
		slots := make([]Entry, len(it.slots), c)
		copy(slots, it.slots)
		next := make([]int, len(it.next), c)
		copy(next, it.next)
		it.slots, it.next = slots, next
	}
	it.slots = append(it.slots, Entry{})
	it.next = append(it.next, -1)
	return len(it.slots) - 1
}

func (it *interleave) newBucket(partition string) *bucket {
	if n := len(it.spare); n > 0 {
		b := it.spare[n-1]
		it.spare = it.spare[:n-1]
		b.partition, b.head, b.tail = partition, -1, -1
		return b
	}
	return &bucket{partition: partition, head: -1, tail: -1}
}
