package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

// build makes a ledger from entries, added in the order given.
func build(entries ...Entry) *Ledger {
	var b Builder
	for _, e := range entries {
		b.Add(e.KeyID, e.Hash)
	}
	return b.Build()
}

func entries(l *Ledger) []Entry { return slices.Collect(l.All()) }

// lookup is keyID's hash in l, and whether l has the key with a known hash.
func lookup(l *Ledger, keyID string) (uint32, bool) {
	i := l.Find(keyID)
	if i < 0 {
		return 0, false
	}
	return l.Hash(i)
}

// keyIDs are l's keys in order.
func keyIDs(l *Ledger) []string {
	var ids []string
	for e := range l.All() {
		ids = append(ids, e.KeyID)
	}
	return ids
}

// sameLedger tells whether a and b hold the same keys in the same blocks with the same sums:
// all that an encoding keeps.
func sameLedger(a, b *Ledger) bool {
	return slices.Equal(keyIDs(a), keyIDs(b)) && slices.Equal(a.Blocks(), b.Blocks())
}

// show formats entries for messages, quoting keys (which may hold any bytes).
func show(es []Entry) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = fmt.Sprintf("%q=%d", e.KeyID, e.Hash)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func TestContentHash(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "abc", "{\x01\x02pkS\x01a"} {
		sum := sha256.Sum256([]byte(in))
		if got, want := ContentHash([]byte(in)), binary.BigEndian.Uint32(sum[:]); got != want {
			t.Errorf("ContentHash(%q) = %08x, want %08x (SHA-256's first 4 bytes)", in, got, want)
		}
	}
	// Pinned: ledgers in existing state must keep matching.
	if got, want := ContentHash([]byte("abc")), uint32(0xba7816bf); got != want {
		t.Errorf(`ContentHash("abc") = %08x, want %08x`, got, want)
	}
}

func TestBuild(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		add  []Entry
		want []Entry
	}{
		{"empty", nil, nil},
		{"one entry", []Entry{{"3:S:a", 1, true}}, []Entry{{"3:S:a", 1, true}}},
		{
			"sorted bytewise, not by rune or number",
			[]Entry{{"b", 1, true}, {"\xff", 2, true}, {"B", 3, true}, {"é", 4, true}, {"10", 5, true}, {"9", 6, true}, {"", 7, true}},
			[]Entry{{"", 7, true}, {"10", 5, true}, {"9", 6, true}, {"B", 3, true}, {"b", 1, true}, {"é", 4, true}, {"\xff", 2, true}},
		},
		{
			"the last of duplicates wins",
			[]Entry{{"k", 1, true}, {"j", 9, true}, {"k", 2, true}, {"k", 3, true}, {"j", 8, true}},
			[]Entry{{"j", 8, true}, {"k", 3, true}},
		},
		{
			"prefixes",
			[]Entry{{"abc", 3, true}, {"a", 1, true}, {"ab", 2, true}, {"abd", 4, true}},
			[]Entry{{"a", 1, true}, {"ab", 2, true}, {"abc", 3, true}, {"abd", 4, true}},
		},
	} {
		l := build(tc.add...)
		if got := entries(l); !slices.Equal(got, tc.want) {
			t.Errorf("%s: entries = %s, want %s", tc.name, show(got), show(tc.want))
		}
		if l.Len() != len(tc.want) {
			t.Errorf("%s: Len = %d, want %d", tc.name, l.Len(), len(tc.want))
		}
	}
}

func TestBuilderReuse(t *testing.T) {
	t.Parallel()
	var b Builder
	b.Add("b", 1)
	b.Add("a", 2)
	first := b.Build()
	b.Add("b", 3)
	b.Add("c", 4)
	second := b.Build()
	if got, want := entries(first), []Entry{{"a", 2, true}, {"b", 1, true}}; !slices.Equal(got, want) {
		t.Errorf("first Build = %s, want %s (a later Add must not change it)", show(got), show(want))
	}
	if got, want := entries(second), []Entry{{"a", 2, true}, {"b", 3, true}, {"c", 4, true}}; !slices.Equal(got, want) {
		t.Errorf("second Build = %s, want %s", show(got), show(want))
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	l := build(Entry{"5:S:abcN:1", 10, true}, Entry{"3:S:a", 11, true}, Entry{"4:S:ab", 12, true}, Entry{"3:B:\x00", 13, true})
	for _, tc := range []struct {
		key  string
		hash uint32
		ok   bool
	}{
		{"3:S:a", 11, true},
		{"4:S:ab", 12, true},
		{"5:S:abcN:1", 10, true},
		{"3:B:\x00", 13, true},
		{"", 0, false},
		{"3:S:", 0, false},
		{"3:S:b", 0, false},
		{"5:S:abc", 0, false},
		{"\xff", 0, false},
	} {
		if h, ok := lookup(l, tc.key); h != tc.hash || ok != tc.ok {
			t.Errorf("Lookup(%q) = %d, %v; want %d, %v", tc.key, h, ok, tc.hash, tc.ok)
		}
	}
}

// TestFind checks the index against the entries' order for enough keys to collide in it, with
// lookups from several goroutines racing to build it.
func TestFind(t *testing.T) {
	t.Parallel()
	var b Builder
	for i := range 5000 {
		b.Add(fmt.Sprintf("%d:S:k%d", len(fmt.Sprint(i))+3, i), uint32(i))
	}
	l := b.Build()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			i := 0
			for e := range l.All() {
				if got := l.Find(e.KeyID); got != i {
					t.Errorf("goroutine %d: Find(%q) = %d, want %d", g, e.KeyID, got, i)
					return
				}
				i++
			}
		})
	}
	wg.Wait()
	for _, missing := range []string{"", "4:S:k", "5:S:k10x", "9:S:k99999"} {
		if got := l.Find(missing); got != -1 {
			t.Errorf("Find(%q) = %d, want -1", missing, got)
		}
	}
	var empty *Ledger
	if got := empty.Find("x"); got != -1 {
		t.Errorf("nil ledger: Find = %d, want -1", got)
	}
}

func TestNilLedgerIsEmpty(t *testing.T) {
	t.Parallel()
	var l *Ledger
	if l.Len() != 0 || len(entries(l)) != 0 || l.SampleBlocks(3) != nil || l.Blocks() != nil {
		t.Errorf("nil ledger: Len %d, entries %s, SampleBlocks %v, Blocks %v; want it empty", l.Len(), show(entries(l)), l.SampleBlocks(3), l.Blocks())
	}
	if l.Find("3:S:a") >= 0 {
		t.Error("nil ledger: Find found a key")
	}
	got, err := Decode(l.Encode())
	if err != nil || got.Len() != 0 {
		t.Errorf("nil ledger round trip = %v entries, %v; want 0, nil", got.Len(), err)
	}
}

func TestAllStopsEarly(t *testing.T) {
	t.Parallel()
	l := build(Entry{"a", 1, true}, Entry{"b", 2, true}, Entry{"c", 3, true})
	var seen []string
	for e := range l.All() {
		seen = append(seen, e.KeyID)
		if e.KeyID == "b" {
			break
		}
	}
	if !slices.Equal(seen, []string{"a", "b"}) {
		t.Errorf("All with break saw %q, want [a b]", seen)
	}
}
