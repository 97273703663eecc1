package ledger

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSampleBlocksHoldsN checks the sample's size: blocks until n entries, all known blocks
// when they hold fewer, none for n <= 0; in increasing order, without unknown blocks.
func TestSampleBlocksHoldsN(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(11, 12))
	es := randomLedger(r, 3000)
	var b Builder
	for i, e := range es {
		if i%500 == 0 {
			b.AddUnknown(e.KeyID)
		} else {
			b.AddEntry(e)
		}
	}
	l := b.Build()
	bs := l.Blocks()
	knownEntries := 0
	for _, bl := range bs {
		if bl.Known {
			knownEntries += bl.Hi - bl.Lo
		}
	}
	for _, n := range []int{-1, 0, 1, 100, 1000, knownEntries, l.Len() + 1} {
		got := l.SampleBlocks(n)
		items, last := 0, 0
		for k, b := range got {
			if !bs[b].Known || (k > 0 && b <= got[k-1]) {
				t.Fatalf("SampleBlocks(%d) = %v: an unknown block or out of order", n, got)
			}
			items += bs[b].Hi - bs[b].Lo
			last = bs[b].Hi - bs[b].Lo
		}
		switch {
		case n <= 0 && len(got) > 0:
			t.Errorf("SampleBlocks(%d) = %v, want none", n, got)
		case n > 0 && items < min(n, knownEntries):
			t.Errorf("SampleBlocks(%d) holds %d entries, want at least %d", n, items, min(n, knownEntries))
		case n > 0 && items-last >= n:
			t.Errorf("SampleBlocks(%d) holds %d entries: one block fewer would do", n, items)
		}
	}
}

// TestSampleBlocksIsBottomK checks that the sample is the known blocks of lowest rank, which
// depends on each block's first key alone.
func TestSampleBlocksIsBottomK(t *testing.T) {
	t.Parallel()
	l := build(randomLedger(rand.New(rand.NewPCG(13, 14)), 4000)...)
	bs := l.Blocks()
	got := l.SampleBlocks(300)
	var worst uint64
	for _, b := range got {
		worst = max(worst, blockRank(l.key(bs[b].Lo)))
	}
	for b, bl := range bs {
		if blockRank(l.key(bl.Lo)) < worst && !slices.Contains(got, b) {
			t.Fatalf("block %d ranks below the sample's worst but is not sampled", b)
		}
	}
}

// TestSampleBlocksStability checks that a small update keeps most of the sample: blocks are
// ranked by their own first keys, so changing a few items moves only their blocks.
func TestSampleBlocksStability(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(15, 16))
	es := randomLedger(r, 20_000)
	before := build(es...)
	for i := range 10 {
		es[r.IntN(len(es))].Hash ^= uint32(i + 1)
	}
	es = append(es, randomLedger(r, 10)...)
	after := build(es...)
	firsts := func(l *Ledger) []string {
		var out []string
		for _, b := range l.SampleBlocks(500) {
			out = append(out, l.key(l.Blocks()[b].Lo))
		}
		return out
	}
	was, now := firsts(before), firsts(after)
	kept := 0
	for _, k := range now {
		if slices.Contains(was, k) {
			kept++
		}
	}
	if kept < len(was)*3/4 {
		t.Errorf("a 20-item change kept %d of %d sampled blocks", kept, len(was))
	}
}
