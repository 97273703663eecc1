package source

import (
	"crypto/sha256"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// reading is what one pass over a spec gave: the records, the sequence numbers the skip
// predicate was asked about, and the fingerprint.
type reading struct {
	recs  []record.Record
	asked []uint64
	sum   [sha256.Size]byte
}

// readSkipping reads spec to its end with skip (nil: Open), failing the test on any error.
func readSkipping(t *testing.T, spec Spec, skip func(uint64) bool) reading {
	t.Helper()
	var got reading
	var pred func(uint64) bool
	if skip != nil {
		pred = func(seq uint64) bool {
			got.asked = append(got.asked, seq)
			return skip(seq)
		}
	}
	r, err := OpenSkipping(spec, pred)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got.recs = append(got.recs, rec)
	}
	got.sum = r.Fingerprint()
	return got
}

// TestSkipPassesOverLinesUnread: in line formats a skipped record keeps its place, position
// and number, has no item, and its bytes still count in the fingerprint; the others decode as
// without skipping. Numbering runs on across files and blank lines take no number.
func TestSkipPassesOverLinesUnread(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"a.jsonl":     "{\"pk\":\"a1\",\"n\":1}\r\n\n   \n{\"pk\":\"a2\"}\n{\"pk\":\"a3\",\"l\":[1,\"x\"]}\n",
		"b.ddb.jsonl": "\n" + `{"Item":{"pk":{"S":"b1"}}}` + "\n\n" + `{"Item":{"pk":{"S":"b2"},"n":{"N":"2.50"}}}`,
		"c.jsonl.gz":  gzipped(t, "{\"pk\":\"c1\"}\n\n{\"pk\":\"c2\",\"b\":true}\n"),
	})
	spec := Spec{BaseDir: dir, Patterns: []string{"*"}}
	base := readSkipping(t, spec, nil)
	if len(base.recs) != 7 || base.sum == ([sha256.Size]byte{}) {
		t.Fatalf("baseline: %d records, fingerprint %x; want 7 and one", len(base.recs), base.sum)
	}
	for name, skip := range map[string]func(uint64) bool{
		"none":         func(uint64) bool { return false },
		"all":          func(uint64) bool { return true },
		"even":         func(seq uint64) bool { return seq%2 == 0 },
		"odd":          func(seq uint64) bool { return seq%2 == 1 },
		"across files": func(seq uint64) bool { return seq == 2 || seq == 3 || seq == 6 },
	} {
		got := readSkipping(t, spec, skip)
		if len(got.recs) != len(base.recs) || got.sum != base.sum {
			t.Fatalf("%s: %d records, fingerprint %x; want %d and %x", name, len(got.recs), got.sum, len(base.recs), base.sum)
		}
		if want := []uint64{0, 1, 2, 3, 4, 5, 6}; !slices.Equal(got.asked, want) {
			t.Errorf("%s: asked about %v, want %v", name, got.asked, want)
		}
		for i, rec := range got.recs {
			if rec.Pos != base.recs[i].Pos {
				t.Errorf("%s: record %d at %v, want %v", name, i, rec.Pos, base.recs[i].Pos)
			}
			switch {
			case rec.Skipped != skip(uint64(i)):
				t.Errorf("%s: record %d (%v): Skipped = %v", name, i, rec.Pos, rec.Skipped)
			case rec.Skipped && rec.Item != nil:
				t.Errorf("%s: skipped record %d has an item", name, i)
			case !rec.Skipped && show(rec) != show(base.recs[i]):
				t.Errorf("%s: record %d = %s, want %s", name, i, show(rec), show(base.recs[i]))
			}
		}
	}
}

// TestSkipDoesNotCheckTheLine: a skipped line is not decoded, so not checked either; a line
// that fails to decode takes no number, like every error.
func TestSkipDoesNotCheckTheLine(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"a.jsonl": "{\"pk\":\"a\"}\nnot json\n{\"pk\":\"c\"}\n"})
	spec := Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}
	got := readSkipping(t, spec, func(seq uint64) bool { return seq == 1 })
	if len(got.recs) != 3 || !got.recs[1].Skipped || got.recs[1].Pos.Line != 2 || got.recs[2].Skipped {
		t.Fatalf("records %+v; want the bad line 2 passed over", got.recs)
	}

	var asked []uint64
	r, err := OpenSkipping(spec, func(seq uint64) bool { asked = append(asked, seq); return false })
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i, want := range []string{"", "a.jsonl:2", ""} {
		rec, err := r.Next()
		if (err != nil) != (want != "") || rec.Skipped || (err != nil && !errorAt(err, want)) {
			t.Fatalf("Next %d: %+v, %v; want an error at %q", i, rec, err, want)
		}
	}
	if want := []uint64{0, 1, 1}; !slices.Equal(asked, want) {
		t.Errorf("asked about %v, want %v: the bad line takes no number", asked, want)
	}
}

func errorAt(err error, pos string) bool {
	var ie *record.InputError
	return errors.As(err, &ie) && ie.Pos.String() == pos
}

// TestSkipIsIgnoredWhereRecordsSpanLines: formats whose records need decoding to find their
// end decode every record whatever skip says, and numbering still counts their records.
func TestSkipIsIgnoredWhereRecordsSpanLines(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"a.csv":      "pk,n\nx,1\n\"y\nz\",2\n",
		"b.json":     "[{\"pk\":\"b1\"},\n {\"pk\":\"b2\",\"n\":2}]",
		"c.ddb.json": `[{"Item":{"pk":{"S":"c1"}}}]`,
		"d.jsonl":    "{\"pk\":\"d1\"}\n{\"pk\":\"d2\"}\n",
	})
	for _, tc := range []struct {
		name  string
		spec  Spec
		asked []uint64 // the numbers of the line-format records
	}{
		{"csv", Spec{BaseDir: dir, Patterns: []string{"a.csv"}}, nil},
		{"json array", Spec{BaseDir: dir, Patterns: []string{"b.json"}}, nil},
		{"dynamodb json array", Spec{BaseDir: dir, Patterns: []string{"c.ddb.json"}}, nil},
		{"inline", Spec{Inline: `[{"pk":"i1"},{"pk":"i2"}]`}, nil},
		{"mixed", Spec{BaseDir: dir, Patterns: []string{"*"}}, []uint64{5, 6}},
	} {
		base := readSkipping(t, tc.spec, nil)
		got := readSkipping(t, tc.spec, func(uint64) bool { return true })
		if got.sum != base.sum || !slices.Equal(got.asked, tc.asked) || len(got.recs) != len(base.recs) {
			t.Fatalf("%s: fingerprint %x (want %x), asked about %v (want %v), %d records (want %d)",
				tc.name, got.sum, base.sum, got.asked, tc.asked, len(got.recs), len(base.recs))
		}
		for i, rec := range got.recs {
			lines := rec.Pos.File == "d.jsonl"
			if rec.Skipped != lines || rec.Pos != base.recs[i].Pos || (!lines && show(rec) != show(base.recs[i])) {
				t.Errorf("%s: record %d = %s (skipped %v), want %s", tc.name, i, show(rec), rec.Skipped, show(base.recs[i]))
			}
		}
	}
}
