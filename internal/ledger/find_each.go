package ledger

import "hash/maphash"

// findBatch is how many lookups FindEach has under way at once.
const findBatch = 32

// FindEach is Find for n KeyIDs, key(i) being the i-th, into at[i] (len(at) >= n). It looks a
// batch of keys up at a time, one step for all of them before the next (hash, probe, compare),
// so that the cache misses of a step overlap instead of following one another: an update looks
// every record of a million up in the prior ledger. key's result is read during the call only.
func (l *Ledger) FindEach(n int, key func(i int) []byte, at []int32) {
	if l.Len() == 0 {
		for i := range n {
			at[i] = -1
		}
		return
	}
	l.indexOnce.Do(func() { l.idx = newIndex(l) })
	x := l.idx
	var hs [findBatch]uint64
	var slot [findBatch]uint64
	for lo := 0; lo < n; lo += findBatch {
		m := min(findBatch, n-lo)
		for k := range m {
			hs[k] = maphash.Bytes(x.seed, key(lo+k))
		}
		for k := range m {
			slot[k] = x.slots[hs[k]&x.mask]
		}
		// The first probe's entry, where its hash bits agree: the usual case.
		for k := range m {
			at[lo+k] = -1
			if s := slot[k]; s != 0 && s&^(1<<32-1) == hs[k]&^(1<<32-1) {
				at[lo+k] = int32(uint32(s)) - 1
			}
		}
		for k := range m {
			i := lo + k
			switch e := int(at[i]); {
			case e >= 0 && string(key(i)) == l.key(e):
			case e < 0 && slot[k] == 0: // an empty first slot: not in the ledger
			default: // another key in the first slot: probe on
				at[i] = int32(x.find(l, string(key(i))))
			}
		}
	}
}
