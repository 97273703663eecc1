package ledger

import (
	"bytes"
	"strings"
)

// FromFlatLike is FromFlat for entries most of which the ledger like holds, as after an
// update: at[i] is the position in like of entry i's KeyID, or -1 where like lacks it. The
// entries like holds take its order and only the others are sorted, so the ledger of a small
// change to a million keys is built without sorting a million keys. If at does not match the
// keys, or two kept entries share a KeyID, it returns FromFlat's ledger.
func FromFlatLike(like *Ledger, at []int32, ids []byte, ends []int, hashes []uint32, keep func(i int) bool) *Ledger {
	if l, ok := fromFlatLike(like, at, ids, ends, hashes, keep); ok {
		return l
	}
	return FromFlat(ids, ends, hashes, keep)
}

// fromFlatLike is FromFlatLike, or false where it falls back to FromFlat.
func fromFlatLike(like *Ledger, at []int32, ids []byte, ends []int, hashes []uint32, keep func(i int) bool) (*Ledger, bool) {
	key := flatKey(ids, ends)
	slots := make([]int32, like.Len())
	for j := range slots {
		slots[j] = -1
	}
	var fresh []int32
	total := 0
	for i := range ends {
		if keep != nil && !keep(i) {
			continue
		}
		total += len(key(int32(i)))
		switch {
		case at[i] < 0:
			fresh = append(fresh, int32(i))
		case int(at[i]) >= len(slots) || slots[at[i]] >= 0:
			return nil, false
		default:
			slots[at[i]] = int32(i)
		}
	}
	sortByKey(fresh, key)
	order := make([]int32, 0, len(ends))
	for j, i := range slots {
		if i < 0 {
			continue
		}
		for len(fresh) > 0 && string(key(fresh[0])) < like.key(j) {
			order = append(order, fresh[0])
			fresh = fresh[1:]
		}
		order = append(order, i)
	}
	order = append(order, fresh...)

	// Built from the entries' own keys, each checked against the one before: a wrong at shows
	// as keys out of order.
	l := &Ledger{offsets: make([]int, 1, len(order)+1), hashes: make([]uint32, 0, len(order))}
	var keys strings.Builder
	keys.Grow(total)
	last := -1
	for _, i := range order {
		k := key(i)
		if last >= 0 && bytes.Compare(key(int32(last)), k) >= 0 {
			return nil, false
		}
		keys.Write(k)
		l.offsets = append(l.offsets, keys.Len())
		l.hashes = append(l.hashes, hashes[i])
		last = int(i)
	}
	l.keys = keys.String()
	return l, true
}

// flatKey reads KeyID i of the flat layout FromFlat describes.
func flatKey(ids []byte, ends []int) func(int32) []byte {
	return func(i int32) []byte {
		start := 0
		if i > 0 {
			start = ends[i-1]
		}
		return ids[start:ends[i]]
	}
}
