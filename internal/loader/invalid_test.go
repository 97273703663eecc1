package loader

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// goodRec is a valid record for hashRange.
func goodRec(i int) string { return fmt.Sprintf(`{"pk":"p%d","sk":%d}`, i, i) }

// TestValidateListsEveryInvalidRecord: one validation reports the invalid records of a
// dataset together, in reading order, the first MaxListedInvalid of them, with their count;
// reading stops only where the format cannot go on. Load writes nothing.
func TestValidateListsEveryInvalidRecord(t *testing.T) {
	t.Parallel()
	many := func(n int) string { // n bad lines between good ones
		var b strings.Builder
		for i := range n {
			b.WriteString(goodRec(i) + "\n")
			fmt.Fprintf(&b, `{"pk":"bad%d"}`+"\n", i) // no sort key
		}
		return b.String()
	}
	for _, tc := range []struct {
		name    string
		files   map[string]string // name -> body; read in name order
		dupes   DuplicatePolicy
		want    []string // the listed errors' positions (what Error prints before ": "); "file:" for any line
		reasons []string // a phrase of each listed error's reason, when checked
		total   int64
		stopped bool // Stop is set (the last listed error)
	}{
		{
			name: "three bad JSON Lines",
			files: map[string]string{"a.jsonl": goodRec(1) + "\n" + `{"pk":"x","sk":` + "\n" + goodRec(3) + "\n" +
				`{"pk":"y","sk":1e999}` + "\n" + `{"pk":"z"}` + "\n" + goodRec(6) + "\n"},
			want:    []string{"a.jsonl:2", "a.jsonl:4", "a.jsonl:5"},
			reasons: []string{"malformed JSON", "not a valid DynamoDB number", `sort key "sk"`},
			total:   3,
		},
		{
			name:  "25 bad lines: 20 listed",
			files: map[string]string{"a.jsonl": many(25)},
			want: func() []string {
				var w []string
				for i := range 20 {
					w = append(w, fmt.Sprintf("a.jsonl:%d", 2*i+2))
				}
				return w
			}(),
			total: 25,
		},
		{
			name:  "bad CSV rows",
			files: map[string]string{"a.csv": "pk,sk,n\np1,1,1\np2,2\np3,3,three\np4,4,4\n,5,5\np6,6,6\np7,x\"y,7\np8,8,8\n"},
			want:  []string{"a.csv:3 (record 2)", "a.csv:4 (record 3)", "a.csv:6 (record 5)", "a.csv:8 (record 7)"},
			reasons: []string{"the row has 2 fields but the header has 3 columns", "not a valid DynamoDB number",
				`attribute "pk"`, `bare "`},
			total: 4,
		},
		{
			name: "duplicate keys among other errors",
			files: map[string]string{"a.jsonl": goodRec(1) + "\n" + `{"pk":"x","sk":` + "\n" + goodRec(1) + "\n" +
				`{"pk":"y","sk":1e999}` + "\n" + goodRec(2) + "\n" + `{"pk":"p1","sk":1.0}` + "\n" + goodRec(2) + "\n"},
			want: []string{"a.jsonl:2", "a.jsonl:3", "a.jsonl:4", "a.jsonl:6", "a.jsonl:7"},
			reasons: []string{"malformed JSON", `duplicate primary key pk "p1", sk 1, already used by a.jsonl:1`, "not a valid DynamoDB number",
				`duplicate primary key pk "p1", sk 1, already used by a.jsonl:1`, `duplicate primary key pk "p2", sk 2, already used by a.jsonl:5`},
			total: 5,
		},
		{
			name:  "duplicates under last_wins are no errors",
			files: map[string]string{"a.jsonl": goodRec(1) + "\n" + goodRec(1) + "\n" + `{"pk":"z"}` + "\n"},
			dupes: DuplicateLastWins,
			want:  []string{"a.jsonl:3"},
			total: 1,
		},
		{
			name: "duplicates and bad lines beyond 20: the first 20 in reading order",
			files: map[string]string{"a.jsonl": func() string {
				var b strings.Builder
				b.WriteString(goodRec(0) + "\n")
				for range 15 {
					b.WriteString(goodRec(0) + "\n" + `{"pk":1,"sk":1}` + "\n") // a duplicate, a wrong key type
				}
				return b.String()
			}()},
			want: func() []string {
				var w []string
				for i := range 20 {
					w = append(w, fmt.Sprintf("a.jsonl:%d", i+2))
				}
				return w
			}(),
			total: 30,
		},
		{
			name: "a JSON array's broken structure stops reading",
			files: map[string]string{
				"a.json":  "[\n" + goodRec(1) + ",\n" + `{"pk":"x","sk":1e999}` + ",\n" + `{"pk":"y","sk":}` + ",\n" + `{"pk":"z"}` + "\n]\n",
				"b.jsonl": `{"pk":"never read"}` + "\n",
			},
			want:    []string{"a.json:3 (record 2)", "a.json:4 (record 3)"},
			reasons: []string{"not a valid DynamoDB number", "malformed JSON"},
			total:   2, stopped: true,
		},
		{
			name:    "a truncated gzip file stops reading",
			files:   map[string]string{"a.jsonl": `{"pk":"x"}` + "\n", "b.jsonl.gz": gzipText(t, goodRecs(100, 600))[:600]},
			want:    []string{"a.jsonl:1", "b.jsonl.gz:"}, // the line depends on the compressor
			reasons: []string{`sort key "sk"`, "gzip data is corrupt or truncated"},
			total:   2, stopped: true,
		},
		{
			name: "invalid records in several files, an oversized item among them",
			files: map[string]string{
				"a.jsonl": `{"pk":"a","sk":1,"blob":"` + strings.Repeat("x", 410_000) + `"}` + "\n" + goodRec(2) + "\n",
				"b.jsonl": goodRec(3) + "\n" + `{"pk":"b","sk":"one"}` + "\n",
			},
			want:    []string{"a.jsonl:1", "b.jsonl:2"},
			reasons: []string{"item is 410", `sort key "sk"`},
			total:   2,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			var patterns []string
			for name, body := range tc.files {
				writeFile(t, dir, name, body)
				patterns = append(patterns, name)
			}
			slices.Sort(patterns)
			o := Options{Source: source.Spec{BaseDir: dir, Patterns: patterns}, Duplicates: tc.dupes, Write: fastWrite()}
			if _, ok := tc.files["a.csv"]; ok {
				o.Source.CSV.Columns = map[string]string{"sk": "N", "n": "N"}
			}
			s := newSink(hashRange())
			res, err := Load(context.Background(), s, "t", hashRange(), o)
			if res != nil || sinkCalls(s) != 0 {
				t.Fatalf("Load returned %+v after %d BatchWriteItem calls; want nothing written", res, sinkCalls(s))
			}
			var ire *InvalidRecordsError
			if !errors.As(err, &ire) {
				t.Fatalf("err = %v (%T); want an *InvalidRecordsError", err, err)
			}
			var got []string
			for _, e := range ire.Errors {
				var ie *record.InputError
				if !errors.As(e, &ie) {
					t.Fatalf("listed error %v (%T) is no *record.InputError", e, e)
				}
				got = append(got, ie.Pos.String())
			}
			if !slices.EqualFunc(got, tc.want, func(g, w string) bool { return g == w || strings.HasSuffix(w, ":") && strings.HasPrefix(g, w) }) {
				t.Errorf("listed %q\n\twant %q", got, tc.want)
			}
			for i, r := range tc.reasons {
				if i < len(ire.Errors) && !strings.Contains(ire.Errors[i].Error(), r) {
					t.Errorf("error %d %q does not contain %q", i, ire.Errors[i], r)
				}
			}
			if ire.Total != tc.total || ire.More() != tc.total-int64(len(tc.want)) {
				t.Errorf("Total %d, More %d; want %d, %d", ire.Total, ire.More(), tc.total, tc.total-int64(len(tc.want)))
			}
			if stopped := ire.Stop != nil; stopped != tc.stopped || (stopped && !ire.StopListed()) {
				t.Errorf("Stop = %v (listed %v); want stopped %v", ire.Stop, ire.StopListed(), tc.stopped)
			}
			// Callers that look for one InputError find the first.
			var ie *record.InputError
			if !errors.As(err, &ie) || ie != ire.Errors[0] { //nolint:errorlint // identity
				t.Errorf("errors.As finds %v; want the first listed error", ie)
			}
			if more := ire.More(); more > 0 && !strings.Contains(err.Error(), fmt.Sprintf("and %d more", more)) {
				t.Errorf("message %q does not say how many more", err)
			}
		})
	}
}

// goodRecs is valid JSON Lines from goodRec(from) to goodRec(to-1).
func goodRecs(from, to int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		b.WriteString(goodRec(i) + "\n")
	}
	return b.String()
}

func gzipText(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestInvalidRecordsErrorText: one invalid record reads as before; more are listed and counted.
func TestInvalidRecordsErrorText(t *testing.T) {
	t.Parallel()
	e := func(line int) error {
		return &record.InputError{Pos: record.Position{File: "a.jsonl", Line: line}, Reason: "bad"}
	}
	one, two := e(1), e(2)
	failed := &fs.PathError{Op: "read", Path: "b.jsonl", Err: fs.ErrPermission}
	for _, tc := range []struct {
		name string
		err  *InvalidRecordsError
		want string
	}{
		{"one", &InvalidRecordsError{Errors: []error{one}, Total: 1}, "a.jsonl:1: bad"},
		{"one, where reading stopped", &InvalidRecordsError{Errors: []error{one}, Total: 1, Stop: one}, "a.jsonl:1: bad"},
		{"two", &InvalidRecordsError{Errors: []error{one, two}, Total: 2}, "2 invalid records: a.jsonl:1: bad; a.jsonl:2: bad"},
		{"more than listed", &InvalidRecordsError{Errors: []error{one, two}, Total: 7}, "7 invalid records: a.jsonl:1: bad; a.jsonl:2: bad; and 5 more"},
		{
			"stopped by a failed read", &InvalidRecordsError{Errors: []error{one}, Total: 1, Stop: failed},
			"1 invalid records: a.jsonl:1: bad; reading stopped at: read b.jsonl: permission denied",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q\n\twant %q", got, tc.want)
			}
			var ie *record.InputError
			if !errors.As(tc.err, &ie) || ie != one { //nolint:errorlint // identity
				t.Errorf("errors.As finds %v; want the first", ie)
			}
			if tc.err.Stop != nil && !errors.Is(tc.err, tc.err.Stop) {
				t.Error("errors.Is does not find Stop")
			}
		})
	}
}

// TestInvalidRecordsKeepsTheFirst: errors arrive out of order (a later pass adds duplicate
// keys); the collector keeps the first MaxListedInvalid by reading order and counts the rest,
// holding no more than it lists.
func TestInvalidRecordsKeepsTheFirst(t *testing.T) {
	t.Parallel()
	c := &invalidRecords{}
	for at := uint64(0); at < 1000; at += 2 { // the first pass: even records
		c.add(at, fmt.Errorf("record %d", at))
	}
	for at := uint64(999); at < 1000; at -= 2 { // the second, odd ones, backwards to stress the order
		c.add(at, fmt.Errorf("record %d", at))
		if len(c.first) > MaxListedInvalid || cap(c.first) > 2*MaxListedInvalid {
			t.Fatalf("holding %d errors (capacity %d)", len(c.first), cap(c.first))
		}
	}
	err := c.result(nil)
	var ire *InvalidRecordsError
	if !errors.As(err, &ire) || ire.Total != 1000 || len(ire.Errors) != MaxListedInvalid {
		t.Fatalf("err = %v", err)
	}
	for i, e := range ire.Errors {
		if e.Error() != fmt.Sprintf("record %d", i) {
			t.Fatalf("listed %d is %v; want record %d", i, e, i)
		}
	}
}

// TestInvalidRecordsResult: what ends a validation pass.
func TestInvalidRecordsResult(t *testing.T) {
	t.Parallel()
	bad := &record.InputError{Pos: record.Position{File: "a.jsonl", Line: 1}, Reason: "bad"}
	failed := errors.New("disk on fire")
	for _, tc := range []struct {
		name  string
		found bool // bad was added first
		stop  error
		want  func(error) bool
	}{
		{"nothing", false, nil, func(err error) bool { return err == nil }},
		{"a failed read alone is itself", false, failed, func(err error) bool { return err == failed }},                    //nolint:errorlint // identity
		{"cancellation is itself", true, context.Canceled, func(err error) bool { return err == context.Canceled }},        //nolint:errorlint // identity
		{"a changed dataset is itself", true, ErrDatasetChanged, func(err error) bool { return err == ErrDatasetChanged }}, //nolint:errorlint // identity
		{"records, then a failed read", true, failed, func(err error) bool { return errors.Is(err, failed) && errors.Is(err, bad) }},
		{"the repeated error", true, bad, func(err error) bool { var e *InvalidRecordsError; return errors.As(err, &e) && e.StopListed() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := &invalidRecords{}
			if tc.found {
				c.add(0, bad)
			}
			if err := c.result(tc.stop); !tc.want(err) {
				t.Errorf("result(%v) = %v (%T)", tc.stop, err, err)
			}
		})
	}
}
