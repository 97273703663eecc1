package ledger

import (
	"cmp"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/hashing"
)

func userKey(i int) string {
	p := "S:user-" + strconv.Itoa(i)
	return strconv.Itoa(len(p)) + ":" + p
}

func TestSampleGolden(t *testing.T) {
	t.Parallel()
	// Pinned (and checked by hand in Python): every machine and release must pick the same
	// sample from the same ledger, or drift checks would compare different items.
	var b Builder
	for i := range 20 {
		p := "S:user-" + pad(i, 2)
		b.Add(strconv.Itoa(len(p))+":"+p, uint32(i))
	}
	want := []Entry{{"9:S:user-03", 3}, {"9:S:user-04", 4}, {"9:S:user-13", 13}, {"9:S:user-18", 18}}
	if got := b.Build().Sample(4); !slices.Equal(got, want) {
		t.Errorf("Sample(4) = %s, want %s", show(got), show(want))
	}
	if got, want := hashing.Mix64(1), uint64(0x5692161d100b05e5); got != want {
		t.Errorf("hashing.Mix64(1) = %#x, want %#x", got, want)
	}
	for _, s := range []string{"", "a", "3:S:a", "日本語", "\x00\xff"} {
		h := fnv.New64a()
		_, _ = h.Write([]byte(s))
		if got := hashing.FNV1a64(s); got != h.Sum64() {
			t.Errorf("fnv64a(%q) = %#x, hash/fnv says %#x", s, got, h.Sum64())
		}
	}
}

func TestSampleSize(t *testing.T) {
	t.Parallel()
	l := build(Entry{"c", 3}, Entry{"a", 1}, Entry{"b", 2})
	for _, tc := range []struct {
		n    int
		want int
	}{{-1, 0}, {0, 0}, {1, 1}, {2, 2}, {3, 3}, {10, 3}} {
		got := l.Sample(tc.n)
		if len(got) != tc.want {
			t.Errorf("Sample(%d) has %d entries, want %d", tc.n, len(got), tc.want)
		}
		if !slices.IsSortedFunc(got, func(a, b Entry) int { return cmp.Compare(a.KeyID, b.KeyID) }) {
			t.Errorf("Sample(%d) = %s, not in KeyID order", tc.n, show(got))
		}
	}
}

// TestSampleIsBottomK checks the sample against a brute-force ranking of every entry, and that
// it does not depend on the order entries were added in.
func TestSampleIsBottomK(t *testing.T) {
	t.Parallel()
	const n, k = 5000, 50
	es := make([]Entry, n)
	for i := range es {
		es[i] = Entry{userKey(i), uint32(i)}
	}
	ranked := slices.Clone(es)
	slices.SortFunc(ranked, func(a, b Entry) int { return cmp.Compare(hashing.String(a.KeyID), hashing.String(b.KeyID)) })
	want := ranked[:k]
	slices.SortFunc(want, func(a, b Entry) int { return cmp.Compare(a.KeyID, b.KeyID) })

	shuffled := slices.Clone(es)
	rand.New(rand.NewPCG(3, 4)).Shuffle(n, func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for name, l := range map[string]*Ledger{"in order": build(es...), "shuffled": build(shuffled...)} {
		if got := l.Sample(k); !slices.Equal(got, want) {
			t.Errorf("%s: Sample(%d) = %s, want the %d lowest ranks %s", name, k, show(got), k, show(want))
		}
	}
}

// TestSampleStability changes 1% of a ledger's items (removes some, adds new ones, changes the
// content of others): at least 90% of the sampled keys must stay sampled.
func TestSampleStability(t *testing.T) {
	t.Parallel()
	const n, k, changes = 20000, 200, 200 // 1% of n of each kind
	rng := rand.New(rand.NewPCG(5, 6))
	hashes := make(map[string]uint32, n)
	for i := range n {
		hashes[userKey(i)] = rng.Uint32()
	}
	before := ledgerOf(hashes)
	perm := rng.Perm(n)
	for _, i := range perm[:changes] {
		delete(hashes, userKey(i))
	}
	for _, i := range perm[changes : 2*changes] {
		hashes[userKey(i)]++
	}
	for i := range changes {
		hashes[userKey(n+i)] = rng.Uint32()
	}
	after := ledgerOf(hashes)

	was := make(map[string]bool, k)
	for _, e := range before.Sample(k) {
		was[e.KeyID] = true
	}
	kept := 0
	for _, e := range after.Sample(k) {
		if was[e.KeyID] {
			kept++
		}
		if h, _ := after.Lookup(e.KeyID); h != e.Hash {
			t.Errorf("sampled %q carries hash %d, the ledger has %d", e.KeyID, e.Hash, h)
		}
	}
	if kept < k*9/10 {
		t.Errorf("%d of %d sampled keys stayed sampled after a 1%% change, want at least 90%%", kept, k)
	}
}

func ledgerOf(hashes map[string]uint32) *Ledger {
	var b Builder
	for k, h := range hashes {
		b.Add(k, h)
	}
	return b.Build()
}
