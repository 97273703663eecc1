package ledger

import (
	"bytes"
	"strings"
)

// FromFlatLike is FromFlat for entries most of which the ledger like holds, as after an
// update: at[i] is the position in like of entry i's KeyID (as like.Find gives it), or -1
// where like lacks it. The entries like holds take its order and its copy of their keys,
// read in order, and only the others are sorted: the ledger of a small change to a million
// keys is built without sorting a million keys or gathering them from the flat layout. It
// returns FromFlat's ledger where two kept entries share a KeyID.
func FromFlatLike(like *Ledger, at []int32, ids []byte, ends []int, hashes []uint32, keep func(i int) bool) *Ledger {
	if like.Len() == 0 {
		return FromFlat(ids, ends, hashes, keep) // a create: every key is new
	}
	if l, ok := fromFlatLike(like, at, ids, ends, hashes, keep); ok {
		return l
	}
	return FromFlat(ids, ends, hashes, keep)
}

// fromFlatLike is FromFlatLike, or false where it falls back to FromFlat.
func fromFlatLike(like *Ledger, at []int32, ids []byte, ends []int, hashes []uint32, keep func(i int) bool) (*Ledger, bool) {
	key := flatKey(ids, ends)
	slots := make([]int32, like.Len()) // the entry at each of like's positions, or -1
	for j := range slots {
		slots[j] = -1
	}
	var fresh []int32
	filled, freshBytes := 0, 0
	for i := range ends {
		if keep != nil && !keep(i) {
			continue
		}
		switch j := at[i]; {
		case j < 0:
			fresh = append(fresh, int32(i))
			freshBytes += len(key(int32(i)))
		case int(j) >= len(slots) || slots[j] >= 0:
			return nil, false
		default:
			slots[j] = int32(i)
			filled++
		}
	}
	sortByKey(fresh, key)
	for k, i := range fresh {
		if k > 0 && bytes.Equal(key(fresh[k-1]), key(i)) || like.Len() > 0 && like.Find(string(key(i))) >= 0 {
			return nil, false // two entries share a key, or like has it after all: at is not Find's
		}
	}
	if len(fresh) == 0 && filled == len(slots) {
		// The same keys: like's (a ledger is never modified), with the entries' hashes.
		l := &Ledger{keys: like.keys, offsets: like.offsets, hashes: make([]uint32, len(slots))}
		for j, i := range slots {
			l.hashes[j] = hashes[i]
		}
		return l, true
	}

	l := &Ledger{offsets: make([]int, 1, filled+len(fresh)+1), hashes: make([]uint32, 0, filled+len(fresh))}
	var keys strings.Builder
	keys.Grow(like.KeyBytes() + freshBytes)
	for j, i := range slots {
		if i < 0 {
			continue
		}
		k := like.key(j)
		for len(fresh) > 0 && string(key(fresh[0])) < k {
			keys.Write(key(fresh[0]))
			l.offsets = append(l.offsets, keys.Len())
			l.hashes = append(l.hashes, hashes[fresh[0]])
			fresh = fresh[1:]
		}
		keys.WriteString(k)
		l.offsets = append(l.offsets, keys.Len())
		l.hashes = append(l.hashes, hashes[i])
	}
	for _, i := range fresh {
		keys.Write(key(i))
		l.offsets = append(l.offsets, keys.Len())
		l.hashes = append(l.hashes, hashes[i])
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
