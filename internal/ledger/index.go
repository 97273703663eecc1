package ledger

import (
	"hash/maphash"
	"math/bits"
)

// index finds a KeyID's entry by hashing: validation looks up every record of a dataset in the
// previous ledger, and a binary search over a million keys compares strings twenty times a
// lookup.
type index struct {
	seed  maphash.Seed
	slots []uint32 // entry number + 1 at the slot its key hashes to (linear probing); 0: empty
	mask  uint64
}

// newIndex indexes every entry of l, in about 4 bytes per entry at most twice over.
func newIndex(l *Ledger) *index {
	n := l.Len()
	size := uint64(1) << bits.Len64(uint64(n)+uint64(n)/2) // a load factor of 1/3 to 2/3
	x := &index{seed: maphash.MakeSeed(), slots: make([]uint32, size), mask: size - 1}
	for i := range n {
		s := maphash.String(x.seed, l.key(i)) & x.mask
		for x.slots[s] != 0 {
			s = (s + 1) & x.mask
		}
		x.slots[s] = uint32(i + 1)
	}
	return x
}

// find returns the entry number of keyID in l, or -1.
func (x *index) find(l *Ledger, keyID string) int {
	s := maphash.String(x.seed, keyID) & x.mask
	for {
		e := x.slots[s]
		if e == 0 {
			return -1
		}
		if l.key(int(e-1)) == keyID {
			return int(e - 1)
		}
		s = (s + 1) & x.mask
	}
}
