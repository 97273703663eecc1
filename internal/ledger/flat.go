package ledger

import (
	"bytes"
	"slices"
	"strings"
)

// FromFlat builds the ledger of entries i for which keep(i) holds (every entry if keep is
// nil), where entry i's KeyID is ids[ends[i-1]:ends[i]] (from 0 for the first) and its hash
// hashes[i]: the flat layout in which validation keeps a million keys without a string each.
// It sorts positions rather than strings, so building takes 4 bytes an entry on top of the
// result, where a Builder fed with these keys would take 32 bytes an entry and a copy of ids.
// Of equal KeyIDs the last wins, as with Builder.
func FromFlat(ids []byte, ends []int, hashes []uint32, keep func(i int) bool) *Ledger {
	key := func(i int32) []byte {
		start := 0
		if i > 0 {
			start = ends[i-1]
		}
		return ids[start:ends[i]]
	}
	perm := make([]int32, 0, len(ends))
	for i := range ends {
		if keep == nil || keep(i) {
			perm = append(perm, int32(i))
		}
	}
	slices.SortFunc(perm, func(a, b int32) int {
		if c := bytes.Compare(key(a), key(b)); c != 0 {
			return c
		}
		return int(a - b)
	})
	kept := perm[:0]
	total := 0
	for j, i := range perm {
		if j+1 < len(perm) && bytes.Equal(key(perm[j+1]), key(i)) {
			continue
		}
		kept = append(kept, i)
		total += len(key(i))
	}
	l := &Ledger{offsets: make([]int, 1, len(kept)+1), hashes: make([]uint32, 0, len(kept))}
	var keys strings.Builder
	keys.Grow(total)
	for _, i := range kept {
		keys.Write(key(i))
		l.offsets = append(l.offsets, keys.Len())
		l.hashes = append(l.hashes, hashes[i])
	}
	l.keys = keys.String()
	return l
}
