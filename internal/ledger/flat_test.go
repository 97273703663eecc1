package ledger

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestFromFlatMatchesBuilder: FromFlat gives the ledger a Builder gives for the same entries
// in the same order (sorted, last of equal keys wins), with and without a keep filter.
func TestFromFlatMatchesBuilder(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		n := rng.IntN(300)
		var ids []byte
		var ends []int
		var hashes []uint32
		for range n {
			// Few distinct keys, so that duplicates are common, and now and then one cut short
			// by a byte: a prefix of others.
			ids = fmt.Appendf(ids, "S:k%d", rng.IntN(n/2+1))
			if rng.IntN(20) == 0 {
				ids = ids[:len(ids)-1]
			}
			ends = append(ends, len(ids))
			hashes = append(hashes, rng.Uint32())
		}
		keep := func(i int) bool { return (i+round)%3 != 0 }
		for _, filter := range []func(int) bool{nil, keep} {
			var b Builder
			start := 0
			for i, end := range ends {
				if filter == nil || filter(i) {
					b.Add(string(ids[start:end]), hashes[i])
				}
				start = end
			}
			want := slices.Collect(b.Build().All())
			got := slices.Collect(FromFlat(ids, ends, hashes, filter).All())
			if !slices.Equal(got, want) {
				t.Fatalf("round %d (filter %v): FromFlat = %v\nBuilder  = %v", round, filter != nil, got, want)
			}
		}
	}
	if l := FromFlat(nil, nil, nil, nil); l.Len() != 0 {
		t.Fatalf("empty input: %d entries", l.Len())
	}
}

// TestFromFlatSortsLongKeys: keys that tie on many bytes at a time, end within them, differ
// only in trailing zero bytes or repeat still come out in the order of their bytes.
func TestFromFlatSortsLongKeys(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte{0, 1, 'a', 'b', 0xff}
	for round := range 200 {
		n := rng.IntN(200)
		stem := make([]byte, rng.IntN(30))
		for i := range stem {
			stem[i] = alphabet[rng.IntN(len(alphabet))]
		}
		var ids []byte
		var ends []int
		var hashes []uint32
		var b Builder
		for range n {
			k := append([]byte{}, stem[:rng.IntN(len(stem)+1)]...)
			for range rng.IntN(20) {
				k = append(k, alphabet[rng.IntN(2+round%4)])
			}
			ids = append(ids, k...)
			ends = append(ends, len(ids))
			h := rng.Uint32()
			hashes = append(hashes, h)
			b.Add(string(k), h)
		}
		want := slices.Collect(b.Build().All())
		got := slices.Collect(FromFlat(ids, ends, hashes, nil).All())
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: FromFlat = %v\nBuilder  = %v", round, got, want)
		}
	}
}

// TestFromFlatLongZeroKeys: keys of many zero bytes that differ only at their end, with the
// empty key and short runs of zeros among them, sort as their bytes do.
func TestFromFlatLongZeroKeys(t *testing.T) {
	t.Parallel()
	var ids []byte
	var ends []int
	var hashes []uint32
	var b Builder
	add := func(k []byte) {
		ids = append(ids, k...)
		ends = append(ends, len(ids))
		hashes = append(hashes, uint32(len(ends)))
		b.Add(string(k), uint32(len(ends)))
	}
	zeros := make([]byte, 300)
	for i := range 2000 {
		add(append(append([]byte{}, zeros...), byte(i>>8), byte(i)))
		if i%100 == 0 {
			add(zeros[:i/10]) // a run of zeros: a prefix of the long keys
		}
	}
	add(nil)
	want := slices.Collect(b.Build().All())
	got := slices.Collect(FromFlat(ids, ends, hashes, nil).All())
	if !slices.Equal(got, want) {
		t.Fatalf("FromFlat differs from Builder: %d and %d entries", len(got), len(want))
	}
}

// TestSortByKeyMatchesStableSort: sortByKey orders positions as a stable sort by key bytes
// does, for keys that share long prefixes, end inside each other and repeat, in sets large
// enough for the radix passes at every level; and it says keys may be equal whenever two are.
func TestSortByKeyMatchesStableSort(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte{0, 1, 'a', 0xff}
	for round := range 300 {
		n := rng.IntN(3000)
		if round%2 == 0 {
			n = rng.IntN(100)
		}
		stem := []byte("S:tenant-0042#")[:rng.IntN(15)]
		var ids []byte
		var ends []int
		for range n {
			ids = append(ids, stem...)
			for range rng.IntN(4 + round%20) {
				ids = append(ids, alphabet[rng.IntN(2+round%3)])
			}
			ends = append(ends, len(ids))
		}
		key := flatKey(ids, ends)
		perm := make([]int32, 0, n)
		for i := range n {
			if (i+round)%5 != 0 {
				perm = append(perm, int32(i))
			}
		}
		if round%3 == 0 {
			slices.Reverse(perm) // not in position order: sorted first
		}
		want := slices.Clone(perm)
		slices.Sort(want)
		slices.SortStableFunc(want, func(a, b int32) int { return bytes.Compare(key(a), key(b)) })
		equal := false
		for j := 1; j < len(want); j++ {
			equal = equal || bytes.Equal(key(want[j-1]), key(want[j]))
		}
		tied := sortByKey(perm, key)
		if !slices.Equal(perm, want) {
			t.Fatalf("round %d (%d keys): sortByKey differs from a stable sort", round, len(perm))
		}
		if equal && !tied {
			t.Fatalf("round %d: equal keys, but sortByKey says none can be", round)
		}
	}
}
