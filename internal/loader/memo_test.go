package loader

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// validation is everything a Validate call tells its caller, for comparing two calls.
type validation struct {
	validated  []byte // Validated.MarshalBinary
	err        string
	items      []string // OnItem, in order
	remembered []string // Remember, in order
}

func validateAll(t *testing.T, schema keys.Schema, o Options, recall *LineMemo) (validation, *LineMemo) {
	t.Helper()
	var got validation
	next := NewLineMemo(0, 0)
	o.Recall = recall
	o.OnItem = func(seq uint64, k keys.Key, sum [sha256.Size]byte, wcu int64) {
		got.items = append(got.items, fmt.Sprintf("%d %q %x %d", seq, k.ID(), sum[:4], wcu))
	}
	o.Remember = func(line record.LineSum, k keys.Key, sum [sha256.Size]byte, size int) {
		got.remembered = append(got.remembered, fmt.Sprintf("%x %q %x %d", line[:4], k.ID(), sum[:4], size))
		next.Add(line, k, sum, size)
	}
	v, err := Validate(context.Background(), schema, o)
	if err != nil {
		got.err = err.Error()
		return got, nil
	}
	b, err := v.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	got.validated = b
	return got, next
}

// randomLines is a dataset of n records as lines, some of them shared with other versions.
func randomLine(r *rand.Rand, typed bool) string {
	pk, sk := fmt.Sprintf("u%d", r.IntN(30)), r.IntN(200)
	note := strings.Repeat("x", r.IntN(40))
	switch {
	case r.IntN(300) == 0:
		return `{"pk":"broken",` // malformed
	case r.IntN(60) == 0:
		return ""
	case typed:
		return fmt.Sprintf(`{"pk":{"S":%q},"sk":{"N":"%d"},"note":{"S":%q},"n":{"N":"%d.50"}}`, pk, sk, note, r.IntN(5))
	}
	return fmt.Sprintf(`{"pk":%q,"sk":%d,"note":%q,"n":"%d.50"}`, pk, sk, note, r.IntN(5))
}

// edit changes some of lines: replaced, deleted, inserted, duplicated or swapped.
func edit(r *rand.Rand, lines []string, typed bool) []string {
	out := make([]string, 0, len(lines)+4)
	for _, l := range lines {
		switch r.IntN(12) {
		case 0:
			out = append(out, randomLine(r, typed))
		case 1: // deleted
		case 2:
			out = append(out, l, randomLine(r, typed))
		case 3:
			out = append(out, l, l)
		default:
			out = append(out, l)
		}
	}
	if len(out) > 1 && r.IntN(2) == 0 {
		i, j := r.IntN(len(out)), r.IntN(len(out))
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// TestRecallValidatesLikeDecoding: a validation that takes lines from an earlier
// validation's memo tells its caller exactly what one that decodes every line does, whatever
// the edits between the two (lines changed, removed, added, repeated, moved; malformed lines;
// duplicate keys), with files of several formats side by side.
func TestRecallValidatesLikeDecoding(t *testing.T) {
	t.Parallel()
	recalled, failed := 0, 0 // versions validated from a memo, and versions refused
	for round := range 60 {
		r := rand.New(rand.NewPCG(uint64(round), 7))
		dir := t.TempDir()
		plain := make([]string, 5+r.IntN(80))
		typed := make([]string, r.IntN(40))
		for i := range plain {
			plain[i] = randomLine(r, false)
		}
		for i := range typed {
			typed[i] = randomLine(r, true)
		}
		csv := "pk,sk,note\nc1,1,a\nc2,2,b\n"
		write := func() {
			writeFile(t, dir, "a.jsonl", strings.Join(plain, "\n")+"\n")
			writeFile(t, dir, "b.ddb.jsonl", strings.Join(typed, "\n")+"\n")
			writeFile(t, dir, "c.csv", csv)
		}
		write()
		policy := []DuplicatePolicy{DuplicateError, DuplicateLastWins, DuplicateFirstWins}[round%3]
		o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"*.jsonl", "*.csv"},
			CSV: source.CSVOptions{Columns: map[string]string{"sk": "N"}}}, Duplicates: policy}
		var memo *LineMemo
		for version := range 4 {
			want, next := validateAll(t, hashRange(), o, nil)
			got, gotNext := validateAll(t, hashRange(), o, memo)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, version %d: recalling %d lines gave\n%+v\nwant\n%+v", round, version, memo.Len(), got, want)
			}
			if (next == nil) != (gotNext == nil) || next.Len() != gotNext.Len() {
				t.Fatalf("round %d, version %d: memo of %d lines, want %d", round, version, gotNext.Len(), next.Len())
			}
			if next != nil {
				memo = next
			}
			if want.err != "" {
				failed++
			} else if memo.Len() > 0 && version > 0 {
				recalled++
			}
			plain, typed = edit(r, plain, false), edit(r, typed, true)
			write()
		}
	}
	// Both kinds of version must be common, or the comparison proves little.
	if recalled < 40 || failed < 20 {
		t.Fatalf("%d versions validated from a memo and %d refused; want at least 40 and 20", recalled, failed)
	}
}

// TestRecallSkipsDecoding: recalled lines are not decoded, so a memo whose entry disagrees
// with its line's text shows in what Validate reports; and a line that changed is decoded.
func TestRecallSkipsDecoding(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", `{"pk":"a","sk":1}`+"\n"+`{"pk":"b","sk":2}`+"\n")
	o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}}
	var lines []record.LineSum
	o.Remember = func(line record.LineSum, _ keys.Key, _ [sha256.Size]byte, _ int) { lines = append(lines, line) }
	if _, err := Validate(context.Background(), hashRange(), o); err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 || lines[0] == lines[1] {
		t.Fatalf("remembered lines %x, want two different ones", lines)
	}
	memo := NewLineMemo(1, 0)
	planted := keys.Key{Partition: "S:planted", Sort: "N:9"}
	memo.Add(lines[0], planted, [sha256.Size]byte{1}, 42)
	o.Remember, o.Recall = nil, memo
	var got []string
	o.OnItem = func(_ uint64, k keys.Key, _ [sha256.Size]byte, _ int64) { got = append(got, k.ID()) }
	v, err := Validate(context.Background(), hashRange(), o)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{planted.ID(), keys.Key{Partition: "S:b", Sort: "N:2"}.ID()}
	if !reflect.DeepEqual(got, want) || v.Bytes != 42+int64(len("pk")+1+len("sk")+2) {
		t.Fatalf("keys %q, bytes %d; want %q and the planted size plus the decoded item's", got, v.Bytes, want)
	}
}

// TestLineSumsTellFormatsApart: the same text is another item in plain JSON and in DynamoDB
// JSON, so its line sums differ.
func TestLineSumsTellFormatsApart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	line := `{"pk":{"S":"a"},"sk":{"N":"1"}}`
	writeFile(t, dir, "a.jsonl", line+"\n")
	writeFile(t, dir, "b.ddb.jsonl", line+"\n")
	sums := map[record.LineSum]string{}
	for _, name := range []string{"a.jsonl", "b.ddb.jsonl"} {
		r, err := source.OpenRecording(source.Spec{BaseDir: dir, Patterns: []string{name}}, source.DefaultLayout)
		if err != nil {
			t.Fatal(err)
		}
		r.RecallLines(func(record.LineSum) (uint32, bool) { return 0, false })
		rec, err := r.Next()
		_ = r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if rec.Line == (record.LineSum{}) || rec.Recalled {
			t.Fatalf("%s: line sum %x, recalled %t; want a sum, decoded", name, rec.Line, rec.Recalled)
		}
		sums[rec.Line] = name
	}
	if len(sums) != 2 {
		t.Fatalf("one line sum for both formats: %v", sums)
	}
}
