package ledger

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"
	"strings"
)

// FromFlat builds the ledger of entries i for which keep(i) holds (every entry if keep is
// nil), where entry i's KeyID is ids[ends[i-1]:ends[i]] (from 0 for the first) and its hash
// hashes[i]: the flat layout in which validation keeps a million keys without a string each.
// It sorts positions rather than strings, so building takes 20 bytes an entry on top of the
// result while it sorts (4 once sorted), where a Builder fed with these keys would take 32
// bytes an entry and a copy of ids.
// Of equal KeyIDs the last wins, as with Builder.
func FromFlat(ids []byte, ends []int, hashes []uint32, keep func(i int) bool) *Ledger {
	key := flatKey(ids, ends)
	perm := make([]int32, 0, len(ends))
	for i := range ends {
		if keep == nil || keep(i) {
			perm = append(perm, int32(i))
		}
	}
	tied := sortByKey(perm, key)
	kept := perm[:0]
	total := 0
	for j, i := range perm {
		if tied && j+1 < len(perm) && bytes.Equal(key(perm[j+1]), key(i)) {
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

// sortByKey sorts perm by key, then by position. It sorts eight bytes of each key at a time
// as one integer (taken after the prefix all keys share, such as "S:user-"), and only the runs
// that tie on them by the next eight: string comparisons through perm cost a cache miss or two
// each, integers side by side none. It takes 32 bytes an entry while it sorts. It tells whether
// two keys may be equal: where none can, the caller need not compare neighbours.
func sortByKey(perm []int32, key func(int32) []byte) (tied bool) {
	if !slices.IsSorted(perm) {
		slices.Sort(perm) // sortRanked keeps the order of ties
	}
	rs := make([]prefixed, len(perm))
	for j, i := range perm {
		rs[j].i = i
	}
	tied = sortRanked(rs, make([]prefixed, len(rs)), key, 0)
	for j := range rs {
		perm[j] = rs[j].i
	}
	return tied
}

type prefixed struct {
	rank uint64 // eight bytes of the key from some offset, big-endian, zero-padded
	i    int32
}

// sortRanked sorts rs, in position order and whose keys agree on their first from bytes
// (zero-padded), by key, keeping the order of equal keys; scratch is as long as rs. Each
// level either splits a run or moves past the bytes its keys share, so it recurses at most
// once per eight bytes of the longest key. It tells whether two keys may be equal.
func sortRanked(rs, scratch []prefixed, key func(int32) []byte, from int) (tied bool) {
	if len(rs) < 2 {
		return false
	}
	// A key no longer than from is a prefix of every longer key here (they agree on from
	// bytes, zero-padded), and of the short ones the shorter is a prefix of the longer: they
	// go first by length. The rest then share a true prefix, which the ranks skip.
	short, long := 0, 0
	for _, r := range rs {
		if len(key(r.i)) <= from {
			rs[short] = r
			short++
		} else {
			scratch[long] = r
			long++
		}
	}
	if short > 0 {
		copy(rs[short:], scratch[:long])
		slices.SortStableFunc(rs[:short], func(a, b prefixed) int { return cmp.Compare(len(key(a.i)), len(key(b.i))) })
		rest := sortRanked(rs[short:], scratch[short:], key, from)
		return short > 1 || rest
	}
	first := key(rs[0].i)[from:]
	shared := len(first)
	for _, r := range rs[1:] {
		shared = commonPrefix(first[:shared], key(r.i)[from:])
	}
	skip := from + shared
	for j := range rs {
		var b [8]byte
		copy(b[:], key(rs[j].i)[skip:])
		rs[j].rank = binary.BigEndian.Uint64(b[:])
	}
	// A key that is a prefix of another pads with zeros, so ranks order as the keys do.
	sortByRank(rs, scratch)
	for lo := 0; lo < len(rs); {
		hi, longer := lo+1, len(key(rs[lo].i)) > skip+8
		for hi < len(rs) && rs[hi].rank == rs[lo].rank {
			longer = longer || len(key(rs[hi].i)) > skip+8
			hi++
		}
		if longer {
			tied = sortRanked(rs[lo:hi], scratch[lo:hi], key, skip+8) || tied
		} else if hi-lo > 1 {
			// The keys end within the ranked bytes: they are equal, or differ only in trailing
			// zero bytes, which only the whole keys tell apart.
			slices.SortStableFunc(rs[lo:hi], func(a, b prefixed) int { return bytes.Compare(key(a.i), key(b.i)) })
			tied = true
		}
		lo = hi
	}
	return tied
}

// sortByRank sorts rs by rank, keeping the order of equal ranks: a byte at a time from the
// lowest (a radix sort), skipping the bytes every rank shares, through scratch (as long as
// rs). A comparison sort of a million ranks costs several times as much.
func sortByRank(rs, scratch []prefixed) {
	if len(rs) <= 32 {
		for i := 1; i < len(rs); i++ {
			for j := i; j > 0 && rs[j].rank < rs[j-1].rank; j-- {
				rs[j], rs[j-1] = rs[j-1], rs[j]
			}
		}
		return
	}
	every, some := ^uint64(0), uint64(0) // the bits every rank has, and some rank has
	for _, r := range rs {
		every &= r.rank
		some |= r.rank
	}
	src, dst := rs, scratch[:len(rs)]
	for shift := 0; shift < 64; shift += 8 {
		if (every^some)>>shift&0xff == 0 {
			continue // every rank has this byte
		}
		var at [256]int
		for _, r := range src {
			at[r.rank>>shift&0xff]++
		}
		n := 0
		for b, c := range &at {
			at[b] = n
			n += c
		}
		for _, r := range src {
			b := r.rank >> shift & 0xff
			dst[at[b]] = r
			at[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &rs[0] {
		copy(rs, src)
	}
}
