package ledger

import (
	"sort"

	"github.com/ddbload/terraform-provider-ddbload/internal/hashing"
)

// BlockSpan is the average number of keys in a block. A ledger keeps one 4-byte sum per block
// rather than a hash per item, and an update whose block sums disagree reads back that
// block's items to find the changed ones: the span trades the state's size against those
// reads.
const BlockSpan = 32

// startsBlock tells whether keyID begins a block. Block boundaries come from the keys
// themselves, not from positions, so adding or removing a key changes only its own block.
func startsBlock(keyID string) bool { return hashing.String(keyID)%BlockSpan == 0 }

// ItemSum is an item's share of its block's sum: its key and content hash mixed, so that a
// block's sum changes when any of its items changes content, whichever items the block holds.
// Sums add modulo 2^32, so the sum over the items a dataset still has can be compared with a
// block's recorded sum whatever order they come in.
func ItemSum[K ~string | ~[]byte](keyID K, hash uint32) uint32 {
	return uint32(hashing.Mix64(hashing.FNV1a64(keyID)^uint64(hash)*0x9e3779b97f4a7c15) >> 32)
}

// Block is a run of entries, Lo to Hi-1 in KeyID order, and the sum of their ItemSums. Known
// is false when the content of one of its items is not known (a stopped load may or may not
// have replaced it): its sum then means nothing.
type Block struct {
	Lo, Hi int
	Sum    uint32
	Known  bool
}

// Blocks returns the ledger's blocks in KeyID order. They cover every entry; the first starts
// at entry 0 whether or not its key starts a block.
func (l *Ledger) Blocks() []Block {
	if l.Len() == 0 {
		return nil
	}
	l.blocksOnce.Do(func() {
		if l.blocks == nil {
			l.blocks = l.sumBlocks(l.blockStarts())
		}
	})
	return l.blocks
}

// BlockOf is the position in Blocks of the block that holds entry i.
func (l *Ledger) BlockOf(i int) int {
	bs := l.Blocks()
	return sort.Search(len(bs), func(b int) bool { return bs[b].Hi > i })
}

// blockStarts is where each block begins.
func (l *Ledger) blockStarts() []int {
	if l.Len() == 0 {
		return nil
	}
	starts := make([]int, 1, l.Len()/BlockSpan+1)
	for i := 1; i < l.Len(); i++ {
		if startsBlock(l.key(i)) {
			starts = append(starts, i)
		}
	}
	return starts
}

// sumBlocks sums the items' hashes into the blocks starting at starts.
func (l *Ledger) sumBlocks(starts []int) []Block {
	bs := make([]Block, len(starts))
	for b, lo := range starts {
		hi := l.Len()
		if b+1 < len(starts) {
			hi = starts[b+1]
		}
		bs[b] = Block{Lo: lo, Hi: hi, Known: true}
		for i := lo; i < hi; i++ {
			h, ok := l.Hash(i)
			if !ok {
				bs[b] = Block{Lo: lo, Hi: hi}
				break
			}
			bs[b].Sum += ItemSum(l.key(i), h)
		}
	}
	return bs
}

// Hash is entry i's content hash, if the ledger knows it: one built from items does (unless it
// was added unknown); one decoded from block sums knows none.
func (l *Ledger) Hash(i int) (uint32, bool) {
	if l.hashes == nil || l.unknown.Has(i) {
		return 0, false
	}
	return l.hashes[i], true
}

// bitset is a set of small non-negative integers; nil is empty.
type bitset []uint64

func (s bitset) Has(i int) bool { return i/64 < len(s) && s[i/64]&(1<<(i%64)) != 0 }

func (s *bitset) set(i int) {
	for i/64 >= len(*s) {
		*s = append(*s, 0)
	}
	(*s)[i/64] |= 1 << (i % 64)
}
