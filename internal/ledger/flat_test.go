package ledger

import (
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
