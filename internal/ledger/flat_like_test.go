package ledger

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// flatOf lays keys out as FromFlat reads them, each with a random hash.
func flatOf(rng *rand.Rand, keys []string) (ids []byte, ends []int, hashes []uint32) {
	for _, k := range keys {
		ids = append(ids, k...)
		ends = append(ends, len(ids))
		hashes = append(hashes, rng.Uint32())
	}
	return ids, ends, hashes
}

// TestFromFlatLikeMatchesFromFlat: after random updates of a random ledger (keys kept,
// removed, added; the entries in any order; some filtered out), FromFlatLike builds FromFlat's
// ledger without falling back to it, and falls back (with the same result) when two kept
// entries share a key or at says like lacks a key it holds.
func TestFromFlatLikeMatchesFromFlat(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	built := map[bool]int{} // by whether fromFlatLike built the ledger itself
	for round := range 200 {
		var b Builder
		n := rng.IntN(400)
		for i := range n {
			b.Add(fmt.Sprintf("S:k%d", 2*i+rng.IntN(2)), rng.Uint32())
		}
		like := b.Build()
		var keys []string
		for e := range like.All() {
			if rng.IntN(10) > 0 {
				keys = append(keys, e.KeyID)
			}
		}
		for range rng.IntN(n/4 + 1) {
			keys = append(keys, fmt.Sprintf("S:k%d", rng.IntN(3*n+1)))
		}
		rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		keys = slices.Compact(keys) // duplicates only where the shuffle put them apart
		ids, ends, hashes := flatOf(rng, keys)
		at := make([]int32, len(ends))
		for i, k := range keys {
			at[i] = int32(like.Find(k))
		}
		keep := func(i int) bool { return (i+round)%5 != 0 }
		for _, filter := range []func(int) bool{nil, keep} {
			want := slices.Collect(FromFlat(ids, ends, hashes, filter).All())
			got, ok := fromFlatLike(like, at, ids, ends, hashes, filter)
			var kept []string
			for i, k := range keys {
				if filter == nil || filter(i) {
					kept = append(kept, k)
				}
			}
			unique := len(kept) == len(slices.Compact(slices.Sorted(slices.Values(kept))))
			built[ok]++
			switch {
			case ok != unique:
				t.Fatalf("round %d: fell back = %v, want %v (keys unique: %v)", round, !ok, !unique, unique)
			case ok && !slices.Equal(slices.Collect(got.All()), want):
				t.Fatalf("round %d: FromFlatLike = %v\nFromFlat     = %v", round, slices.Collect(got.All()), want)
			}
			if got := slices.Collect(FromFlatLike(like, at, ids, ends, hashes, filter).All()); !slices.Equal(got, want) {
				t.Fatalf("round %d: FromFlatLike = %v\nFromFlat     = %v", round, got, want)
			}
		}
		// An at that says like lacks a key it has: the ledger is still FromFlat's.
		if k := slices.Index(at, 0); k >= 0 {
			wrong := slices.Clone(at)
			wrong[k] = -1
			want := slices.Collect(FromFlat(ids, ends, hashes, nil).All())
			if _, ok := fromFlatLike(like, wrong, ids, ends, hashes, nil); ok {
				t.Fatalf("round %d: a key like holds, placed nowhere, did not fall back", round)
			}
			if got := slices.Collect(FromFlatLike(like, wrong, ids, ends, hashes, nil).All()); !slices.Equal(got, want) {
				t.Fatalf("round %d, key placed nowhere: FromFlatLike = %v\nFromFlat     = %v", round, got, want)
			}
		}
	}
	if built[true] < 50 || built[false] < 50 {
		t.Errorf("built %d ledgers, fell back for %d: want many of each", built[true], built[false])
	}
}
