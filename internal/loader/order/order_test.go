package order

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestPreserve(t *testing.T) {
	t.Parallel()
	in := sorted(5, 7)
	out := drain(t, New(&sliceIter{entries: in}, Options{Mode: Preserve, Window: 3}))
	if !slices.Equal(records(out), records(in)) {
		t.Fatalf("preserve changed the order: %v", records(out))
	}
}

func TestInterleaveExample(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		in     []string
		window int
		want   []int
	}{
		{"round robin", []string{"A", "A", "A", "B", "B", "C"}, 10, []int{1, 4, 6, 2, 5, 3}},
		{"default window", []string{"A", "A", "B", "B"}, 0, []int{1, 3, 2, 4}},
		{"window of two", []string{"A", "A", "A", "B", "B", "C"}, 2, []int{1, 2, 4, 3, 5, 6}},
		{"window of one is input order", []string{"A", "A", "B"}, 1, []int{1, 2, 3}},
		{"empty input", nil, 5, nil},
	} {
		out := drain(t, New(&sliceIter{entries: entries(tc.in...)}, Options{Window: tc.window}))
		if got := records(out); !slices.Equal(got, tc.want) {
			t.Errorf("%s: order %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestInterleaveProperties replays what the window holds before each output (the stage
// refills to Window first) and checks: a permutation of the input; per-key input order kept;
// never the same partition key twice in a row while the window holds another key.
func TestInterleaveProperties(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	var randomInput []Entry
	for range 3000 {
		randomInput = append(randomInput, entries(fmt.Sprintf("r%d", r.IntN(40)))...)
	}
	for i := range randomInput {
		randomInput[i].Rec.Pos.Record = i + 1
	}
	skewed := sorted(1, 500)
	for i, e := range entries("a", "b", "c", "d", "e", "a", "b") {
		e.Rec.Pos.Record = 501 + i
		skewed = append(skewed, e)
	}
	for _, tc := range []struct {
		name   string
		in     []Entry
		window int
	}{
		{"sorted, many keys per window", sorted(100, 20), 500},
		{"sorted, keys larger than the window", sorted(10, 100), 50},
		{"sorted, tiny window", sorted(50, 3), 2},
		{"sorted, whole input in window", sorted(7, 9), DefaultWindow},
		{"one hot key then a few", skewed, 64},
		{"random keys", randomInput, 100},
	} {
		out := drain(t, New(&sliceIter{entries: tc.in}, Options{Mode: Interleave, Window: tc.window}))
		checkPermutation(t, len(tc.in), out)

		lastPerKey := map[string]int{}
		held := map[string]int{}
		read := 0
		for k, e := range out {
			for ; read < len(tc.in) && read < tc.window+k; read++ {
				held[tc.in[read].Key.Partition]++
			}
			if k > 0 && len(held) > 1 && e.Key.Partition == out[k-1].Key.Partition {
				t.Fatalf("%s: outputs %d and %d share partition %q while the window held %d keys", tc.name, k-1, k, e.Key.Partition, len(held))
			}
			if held[e.Key.Partition] == 0 {
				t.Fatalf("%s: output %d (%q) was not in the window yet", tc.name, k, e.Key.Partition)
			}
			held[e.Key.Partition]--
			if held[e.Key.Partition] == 0 {
				delete(held, e.Key.Partition)
			}
			if prev := lastPerKey[e.Key.Partition]; e.Rec.Pos.Record < prev {
				t.Fatalf("%s: partition %q: record %d came after %d", tc.name, e.Key.Partition, e.Rec.Pos.Record, prev)
			}
			lastPerKey[e.Key.Partition] = e.Rec.Pos.Record
		}
		again := drain(t, New(&sliceIter{entries: tc.in}, Options{Window: tc.window}))
		if !slices.Equal(records(out), records(again)) {
			t.Errorf("%s: two runs over the same input differ", tc.name)
		}
	}
}

func TestShuffle(t *testing.T) {
	t.Parallel()
	in := sorted(20, 50)
	run := func(seed int64, window int) []int {
		return records(drain(t, New(&sliceIter{entries: in}, Options{Mode: Shuffle, Window: window, Seed: seed})))
	}
	a, b, c := run(42, 100), run(42, 100), run(43, 100)
	if !slices.Equal(a, b) {
		t.Error("the same seed gave different orders")
	}
	if slices.Equal(a, c) {
		t.Error("different seeds gave the same order")
	}
	if slices.Equal(a, records(in)) {
		t.Error("shuffle kept the input order")
	}
	for _, window := range []int{1, 7, 100, 5000} {
		out := run(7, window)
		if window == 1 && !slices.Equal(out, records(in)) {
			t.Errorf("window 1: order %v, want the input order", out)
		}
		// An entry is read at most window-1 outputs ahead, so it cannot come out sooner.
		for pos, rec := range out {
			if rec-1 > pos+window-1 {
				t.Fatalf("window %d: record %d came out at position %d", window, rec, pos)
			}
		}
		sortedOut := slices.Clone(out)
		slices.Sort(sortedOut)
		if !slices.Equal(sortedOut, records(in)) {
			t.Fatalf("window %d: output is not a permutation of the input", window)
		}
	}
}

// TestShuffleIsPinned guards reproducibility across releases and platforms: the same seed
// must give the same order everywhere.
func TestShuffleIsPinned(t *testing.T) {
	t.Parallel()
	got := records(drain(t, New(&sliceIter{entries: sorted(1, 10)}, Options{Mode: Shuffle, Window: 4, Seed: 1})))
	want := []int{1, 5, 4, 6, 8, 3, 10, 7, 9, 2}
	if !slices.Equal(got, want) {
		t.Fatalf("seed 1, window 4: %v, want %v", got, want)
	}
}

func TestInputErrorsPassThrough(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	for _, tc := range []struct {
		mode   Mode
		before int // entries out before the error
	}{
		{Interleave, 0}, // reads ahead, so the error surfaces on the first call
		{Shuffle, 0},
		{Preserve, 2},
	} {
		it := New(&sliceIter{entries: sorted(3, 3), errAt: map[int]error{2: boom}}, Options{Mode: tc.mode, Window: 100})
		var got []Entry
		for range tc.before {
			e, err := it.Next()
			if err != nil {
				t.Fatalf("%s: Next: %v", tc.mode, err)
			}
			got = append(got, e)
		}
		if _, err := it.Next(); !errors.Is(err, boom) {
			t.Fatalf("%s: Next = %v; want the input's error at once", tc.mode, err)
		}
		// The stage keeps its state: going on yields every entry once.
		got = append(got, drain(t, it)...)
		checkPermutation(t, 9, got)
	}
}

func TestModes(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Mode{"": Interleave, "interleave": Interleave, "shuffle": Shuffle, "preserve": Preserve} {
		if m, err := ParseMode(in); err != nil || m != want {
			t.Errorf("ParseMode(%q) = %q, %v; want %q", in, m, err, want)
		}
	}
	const msg = `unknown order mode "sorted"; use "interleave", "shuffle" or "preserve"`
	if _, err := ParseMode("sorted"); err == nil || err.Error() != msg {
		t.Errorf("ParseMode(sorted) error = %v", err)
	}
	if _, err := New(&sliceIter{}, Options{Mode: "sorted"}).Next(); err == nil || !strings.Contains(err.Error(), msg) {
		t.Errorf("New with an unknown mode: Next error = %v", err)
	}
}
