package converge

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/hashing"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
)

// TestPreviewTellsWhatApplyDoes: the changes Preview announces for a create, an update that
// adds, changes and removes items, and an apply after a stopped load, are what Apply then
// does.
// TestPreviewTellsWhatApplyDoes, with and without a validation cache: with one, Preview
// validates and Apply takes the records and removed keys from the entry Preview left.
func TestPreviewTellsWhatApplyDoes(t *testing.T) {
	t.Parallel()
	for _, cached := range []bool{false, true} {
		t.Run(fmt.Sprintf("cached=%t", cached), func(t *testing.T) {
			t.Parallel()
			var cache *Cache
			if cached {
				cache = &Cache{Dir: t.TempDir()}
			}
			previewTellsWhatApplyDoes(t, cache)
		})
	}
}

func previewTellsWhatApplyDoes(t *testing.T, cache *Cache) {
	f := newFakeTable()
	v1 := dataset(500, "v1")
	check := func(name, inline string, prior State, want Changes) State {
		t.Helper()
		p := params(inline, prior)
		p.Cache, p.Reader = cache, f
		_, got, err := Preview(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: Preview %+v, want %+v", name, got, want)
		}
		if cache != nil {
			if _, _, hit := cache.lookup(p); !hit {
				t.Fatalf("%s: the cache has no entry for the Preview", name)
			}
		}
		out, err := Apply(context.Background(), f, p)
		if err != nil {
			t.Fatal(err)
		}
		if !equal(f.contents(), wantContents(t, inline)) {
			t.Errorf("%s: the table does not hold exactly the dataset", name)
		}
		did := Changes{Write: out.Load.Stats.Written, Delete: out.Deleted, Unchanged: out.Load.Unchanged, Resumed: out.Load.Resumed,
			WriteUnits: out.Load.Stats.Written + out.Deleted} // every item here is one write unit
		if out.Changes != want || did != want {
			t.Errorf("%s: Apply announced %+v and did %+v, want %+v", name, out.Changes, did, want)
		}
		return viaState(t, out.State)
	}
	st := check("create", v1, State{}, Changes{Write: 500, WriteUnits: 500})

	// 10 items change, the last 5 go, 3 come.
	var b strings.Builder
	b.WriteString("[")
	for i := range 498 {
		if i > 0 {
			b.WriteString(",")
		}
		v := "v1"
		if i < 10 {
			v = "v2"
		}
		id := i
		if i >= 495 {
			id = 1000 + i
		}
		fmt.Fprintf(&b, `{"pk":"user-%d","sk":%d,"v":%q}`, id%13, id, v)
	}
	b.WriteString("]")
	st = check("update", b.String(), st, Changes{Write: 13, Delete: 5, Unchanged: 485, WriteUnits: 18})

	// A refresh found drift: everything is written again, nothing deleted.
	st.Drifted = true
	check("drifted", b.String(), st, Changes{Write: 498, WriteUnits: 498})
}

// TestPreviewAfterAStoppedLoad: the items a stopped load had acknowledged are resumed, those
// it sent without an answer written again.
func TestPreviewAfterAStoppedLoad(t *testing.T) {
	t.Parallel()
	f := newFakeTable()
	data := dataset(1000, "v1")
	st := interrupted(t, f, data, State{}, stops[0], 3)
	_, c, err := Preview(context.Background(), params(data, st))
	if err != nil {
		t.Fatal(err)
	}
	acked := int64(st.Resume.Acked.Len())
	if c.Resumed != acked || c.Write != 1000-acked || c.Delete != 0 || c.Unchanged != 0 {
		t.Fatalf("after a stop with %d acknowledged: %+v", acked, c)
	}
}

// TestResumeNeedsTheSameFiles: a resume point names records by their position in the files, so
// the same items in another order (the same content digest) resume nothing: the items the
// stopped load wrote are found in place through the ledger, every other item is written, and
// the table holds exactly the dataset.
func TestResumeNeedsTheSameFiles(t *testing.T) {
	t.Parallel()
	f := newFakeTable()
	data := dataset(1000, "v1")
	st := interrupted(t, f, data, State{}, stops[0], 3)
	if st.Resume == nil || st.Resume.Acked.Len() == 0 {
		t.Fatal("the stop left no resume point")
	}
	rev := reversed(1000, "v1")
	_, c, err := Preview(context.Background(), params(rev, st))
	if err != nil {
		t.Fatal(err)
	}
	acked := int64(st.Resume.Acked.Len())
	if c.Resumed != 0 || c.Unchanged != acked || c.Write != 1000-acked {
		t.Fatalf("the same items in another order, %d written before: %+v", acked, c)
	}
	converged(t, f, rev, st)
}

// reversed is dataset(n, version) with its items in the opposite order.
func reversed(n int, version string) string {
	var b strings.Builder
	b.WriteString("[")
	for i := n - 1; i >= 0; i-- {
		if i < n-1 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"pk":"user-%d","sk":%d,"v":%q}`, i%13, i, version)
	}
	b.WriteString("]")
	return b.String()
}

func TestRecordsKeySums(t *testing.T) {
	t.Parallel()
	var r records
	ks := []keys.Key{{Partition: "S:a", Sort: "N:1"}, {Partition: "S:abcdefghij", Sort: ""}, {Partition: "B:\x00:", Sort: "S:x"},
		{Partition: "S:" + strings.Repeat("p", 300), Sort: "S:" + strings.Repeat("s", 200)}}
	for _, k := range ks {
		r.add(k, 1, 1)
	}
	sums := r.keySums()
	if len(sums) != len(ks) {
		t.Fatalf("%d sums for %d records", len(sums), len(ks))
	}
	for i, k := range ks {
		if want := hashing.FNV1a64(k.ID()); sums[i] != want || keySum(k) != want {
			t.Errorf("record %d (%q): sum %x, keySum %x, want %x", i, k.ID(), sums[i], keySum(k), want)
		}
		for j, other := range ks {
			if got := sums[i] == keySum(other); got != (i == j) {
				t.Errorf("record %d (%q) matches %q: %v", i, k.ID(), other.ID(), got)
			}
		}
	}
	// The length prefix tells apart keys whose parts only split the same bytes otherwise.
	if keySum(keys.Key{Partition: "S:a", Sort: "N:12"}) == keySum(keys.Key{Partition: "S:aN", Sort: ":12"}) {
		t.Error("keys that split the same bytes otherwise have one sum")
	}
}

// TestExpectAsksForTheValidatedKey: the write pass's check passes batches of records with
// their own keys at their places, and names the first record of a batch with another
// record's key, a changed key or a place past the records.
func TestExpectAsksForTheValidatedKey(t *testing.T) {
	t.Parallel()
	const n = 100
	v, err := validate(context.Background(), nil, params(dataset(n, "v1"), State{}), judgeAfresh)
	if err != nil {
		t.Fatal(err)
	}
	key := func(i int) keys.Key {
		return keys.Key{Partition: fmt.Sprintf("S:user-%d", i%13), Sort: fmt.Sprintf("N:%d", i)}
	}
	// Batches as the stripes make them: places far apart, of every length up to past 32.
	for size := 1; size <= 70; size++ {
		seqs := make([]uint64, size)
		ks := make([]keys.Key, size)
		for j := range size {
			i := (j*37 + size) % n
			seqs[j], ks[j] = uint64(i), key(i)
		}
		if got := v.o.Expect(seqs, ks); got != -1 {
			t.Fatalf("batch of %d with their own keys: %d, want -1", size, got)
		}
		for _, bad := range []int{0, size / 2, size - 1} {
			for what, change := range map[string]func(){
				"another record's key": func() { ks[bad] = key((int(seqs[bad]) + 1) % n) },
				"a changed key":        func() { ks[bad].Sort += "0" },
				"a place past the end": func() { seqs[bad] = n },
				"a place far past":     func() { seqs[bad] = 1 << 40 },
			} {
				keep, keepK := seqs[bad], ks[bad]
				change()
				if got := v.o.Expect(seqs, ks); got != bad {
					t.Errorf("batch of %d, %s at %d: %d", size, what, bad, got)
				}
				seqs[bad], ks[bad] = keep, keepK
			}
		}
	}
}
