package ledger

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// randomLedger is a ledger of n random order-like keys with random hashes.
func randomLedger(r *rand.Rand, n int) []Entry {
	es := make([]Entry, n)
	for i := range es {
		es[i] = Entry{"12:S:cust-" + strconv.Itoa(r.IntN(1000)) + "S:order-" + strconv.Itoa(r.IntN(1_000_000)), r.Uint32(), true}
	}
	return es
}

// TestBlocksCoverEveryEntry checks that blocks are contiguous, cover every entry, begin where
// the keys say, and sum their items.
func TestBlocksCoverEveryEntry(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, 31, 100, 5000} {
		l := build(randomLedger(r, n)...)
		bs := l.Blocks()
		next := 0
		for b, bl := range bs {
			if bl.Lo != next || bl.Hi <= bl.Lo || !bl.Known {
				t.Fatalf("%d entries: block %d = %+v after entry %d", n, b, bl, next)
			}
			var sum uint32
			for i := bl.Lo; i < bl.Hi; i++ {
				if starts := startsBlock(l.key(i)); starts != (i == bl.Lo && b > 0) && i > 0 {
					t.Fatalf("%d entries: entry %d (%q) in block %+v, but startsBlock = %v", n, i, l.key(i), bl, starts)
				}
				h, _ := l.Hash(i)
				sum += ItemSum(l.key(i), h)
				if l.BlockOf(i) != b {
					t.Fatalf("BlockOf(%d) = %d, want %d", i, l.BlockOf(i), b)
				}
			}
			if sum != bl.Sum {
				t.Fatalf("block %d sums to %08x, want %08x", b, bl.Sum, sum)
			}
			next = bl.Hi
		}
		if next != l.Len() {
			t.Fatalf("%d entries: blocks end at %d", n, next)
		}
		if n == 5000 && (len(bs) < 5000/BlockSpan/2 || len(bs) > 5000/BlockSpan*2) {
			t.Errorf("%d blocks for 5,000 entries, want about %d", len(bs), 5000/BlockSpan)
		}
	}
}

// TestBlockSumsFollowChanges checks that a change to one item's content changes its block's
// sum and no other, and that adding a key leaves every other block as it was.
func TestBlockSumsFollowChanges(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	es := randomLedger(r, 3000)
	before := build(es...).Blocks()
	for range 50 {
		i := r.IntN(len(es))
		changed := slices.Clone(es)
		changed[i].Hash ^= 1 << r.IntN(32)
		l := build(changed...)
		j := l.Find(es[i].KeyID)
		after := l.Blocks()
		for b := range after {
			if same := after[b] == before[b]; same == (b == l.BlockOf(j)) {
				t.Fatalf("changing entry %q: block %d before %+v, after %+v", es[i].KeyID, b, before[b], after[b])
			}
		}
	}
	added := build(append(slices.Clone(es), Entry{"12:S:cust-5S:order-x", 1, true})...)
	was := keysOf(build(es...))
	changed := 0
	for _, b := range keysOf(added) {
		if !slices.Contains(was, b) {
			changed++
		}
	}
	if changed != 1 {
		t.Errorf("adding a key changed %d blocks, want 1", changed)
	}
}

// keysOf joins each block's keys and sum into one string, to compare blocks across ledgers.
func keysOf(l *Ledger) []string {
	var out []string
	for _, b := range l.Blocks() {
		s := ""
		for i := b.Lo; i < b.Hi; i++ {
			s += l.key(i) + "\x00"
		}
		out = append(out, s+strconv.FormatUint(uint64(b.Sum), 16)+strconv.FormatBool(b.Known))
	}
	return out
}

// TestUnknownEntries checks that an entry added unknown makes its block unknown, in memory and
// through an encoding, and that a later Add of its key makes it known again.
func TestUnknownEntries(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 10))
	es := randomLedger(r, 2000)
	var b Builder
	for _, e := range es {
		b.AddEntry(e)
	}
	unknown := map[string]bool{}
	for range 5 {
		k := es[r.IntN(len(es))].KeyID
		b.AddUnknown(k)
		unknown[k] = true
	}
	known := es[0].KeyID
	b.AddUnknown(known)
	b.Add(known, 7) // the last wins
	delete(unknown, known)
	l := b.Build()
	for i := range l.Len() {
		if _, ok := l.Hash(i); ok == unknown[l.key(i)] {
			t.Fatalf("entry %q: Hash known = %v", l.key(i), ok)
		}
	}
	dec, err := Decode(l.Encode())
	if err != nil || !sameLedger(dec, l) {
		t.Fatalf("round trip: %v", err)
	}
	for i, bl := range dec.Blocks() {
		hasUnknown := false
		for j := bl.Lo; j < bl.Hi; j++ {
			hasUnknown = hasUnknown || unknown[dec.key(j)]
			if _, ok := dec.Hash(j); ok {
				t.Fatalf("a decoded ledger knows the hash of entry %d", j)
			}
		}
		if bl.Known == hasUnknown {
			t.Fatalf("block %d: Known = %v, but holds an unknown entry: %v", i, bl.Known, hasUnknown)
		}
	}
}
