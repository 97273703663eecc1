package converge

import (
	"context"
	"testing"
)

// TestApplyTakesThePreviewsVerdict: Terraform's apply plans again, then applies, in one
// process; the apply acts on the verdict of the plan just before it instead of looking every
// record up and reading the changed blocks back again, and writes exactly the changed items.
// A verdict made without reading back is not taken: the apply reads for itself. Not parallel:
// the memo is the process's, and another test's apply would take it.
func TestApplyTakesThePreviewsVerdict(t *testing.T) {
	const n = 5000
	want := Changes{Write: 10, Unchanged: n - 10, WriteUnits: 10}
	cases := []struct {
		name       string
		readAtPlan bool
		applyReads bool
	}{
		{"the plan read back", true, false},
		{"the plan could not read", false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, st := loaded(t, n)
			data := edited(n, 3, 700, 701, 1500, 2222, 2900, 3333, 4000, 4444, 4999)
			p := params(data, st)
			p.Cache = &Cache{Dir: t.TempDir()}
			if tc.readAtPlan {
				p.Reader = f
			}
			if _, _, err := Preview(context.Background(), p); err != nil {
				t.Fatal(err)
			}
			planReads := f.readItems
			p.Reader = nil // Apply reads with its API
			out, err := Apply(context.Background(), f, p)
			if err != nil || !out.Complete || out.Changes != want || out.Load.Stats.Written != 10 {
				t.Fatalf("apply: %+v, %v; want %+v", out.Changes, err, want)
			}
			if applyReads := f.readItems - planReads; (applyReads > 0) != tc.applyReads {
				t.Errorf("the apply read back %d items (the plan %d); want reads: %v", applyReads, planReads, tc.applyReads)
			}
			if !equal(f.contents(), wantContents(t, data)) {
				t.Fatal("the table is not the dataset")
			}
		})
	}
}

// TestVerdictTakenOnce: a kept verdict serves one apply of the same records, prior state and
// table, and only one.
func TestVerdictTakenOnce(t *testing.T) {
	var m verdictMemo
	seen := &records{}
	key := verdictFor{seen: seen, table: "t", read: true}
	v := &verdict{}
	m.keep(key, v)
	other := key
	other.table = "u"
	if m.take(other) != nil {
		t.Fatal("a verdict for another table was taken")
	}
	m.keep(key, v)
	if m.take(key) != v {
		t.Fatal("the kept verdict was not taken")
	}
	if m.take(key) != nil {
		t.Fatal("a verdict was taken twice")
	}
}
