package ledger

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestFindEachMatchesFind: for ledgers of every size up to a few thousand keys, FindEach gives
// Find's answer for keys the ledger has, keys it lacks (which probe past full slots) and
// prefixes of its keys, in batches that end anywhere.
func TestFindEachMatchesFind(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	found, missing := 0, 0
	for round := range 60 {
		var b Builder
		n := rng.IntN(3000)
		for i := range n {
			b.Add(fmt.Sprintf("S:k%d", 3*i), rng.Uint32())
		}
		l := b.Build()
		var keys [][]byte
		for range rng.IntN(2*findBatch*3 + 1) {
			k := fmt.Sprintf("S:k%d", rng.IntN(3*n+3))
			if rng.IntN(10) == 0 {
				k = k[:len(k)-1]
			}
			keys = append(keys, []byte(k))
		}
		at := make([]int32, len(keys)+1)
		at[len(keys)] = 42 // past n: left alone
		l.FindEach(len(keys), func(i int) []byte { return keys[i] }, at)
		for i, k := range keys {
			want := l.Find(string(k))
			if int(at[i]) != want {
				t.Fatalf("round %d: FindEach(%q) = %d, Find = %d", round, k, at[i], want)
			}
			if want >= 0 {
				found++
			} else {
				missing++
			}
		}
		if at[len(keys)] != 42 {
			t.Fatalf("round %d: FindEach wrote past n", round)
		}
	}
	if found < 1000 || missing < 1000 {
		t.Errorf("%d keys found, %d missing: want many of each", found, missing)
	}
}
