package source

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// tiny cuts as often as it may: every stripe at least one byte.
var tiny = Layout{Max: 64, MinBytes: 1}

// recordStripes reads spec to its end with OpenRecording, failing the test on any error.
func recordStripes(t testing.TB, spec Spec, l Layout) ([]record.Record, Stripes, [sha256.Size]byte) {
	t.Helper()
	r, err := OpenRecording(spec, l)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var recs []record.Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	return recs, r.Stripes(), r.Fingerprint()
}

// readStripes reads spec by s to its end or its first error.
func readStripes(spec Spec, s Stripes, skip func(uint64) bool) ([]record.Record, [sha256.Size]byte, error) {
	r, err := OpenStripes(context.Background(), spec, s, skip)
	if err != nil {
		return nil, [sha256.Size]byte{}, err
	}
	defer r.Close()
	var recs []record.Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return recs, r.Fingerprint(), nil
		}
		if err != nil {
			return recs, [sha256.Size]byte{}, err
		}
		recs = append(recs, rec)
	}
}

// lines returns n JSON Lines records of keys keys, sorted by key (key i/keys... in runs).
func lines(prefix string, n, keys int, extra string) string {
	var b strings.Builder
	per := max(1, n/keys)
	for i := range n {
		fmt.Fprintf(&b, `{"pk":"%s%03d","sk":%d%s}`+"\n", prefix, i/per, i, extra)
	}
	return b.String()
}

// mixedDataset has every format, blank lines, CRLF, leading white space and gzip.
func mixedDataset(t testing.TB) Spec {
	t.Helper()
	ddbLines := "\n  \n"
	for i := range 40 {
		ddbLines += fmt.Sprintf(`{"Item":{"pk":{"S":"b%d"},"n":{"N":"%d"}}}`, i, i) + "\n"
		if i%7 == 0 {
			ddbLines += "\r\n  \n"
		}
	}
	a := strings.ReplaceAll(lines("a", 120, 4, ""), "7}\n", "7}\r\n\n")
	dir := writeFiles(t, map[string]string{
		"a.jsonl":     a,
		"b.ddb.jsonl": ddbLines,
		"c.csv":       "pk,sk\nc1,1\nc2,2\nc3,3\n",
		"d.json":      `[{"pk":"d1"},` + "\n" + `{"pk":"d2"}]`,
		"e.jsonl.gz":  gzipped(t, lines("e", 60, 3, "")),
		"f.ddb.json":  `[{"pk":{"S":"f1"}},{"pk":{"S":"f2"}}]`,
		"g.jsonl":     lines("g", 300, 10, `,"note":"x"`),
	})
	return Spec{Patterns: []string{"*"}, BaseDir: dir, CSV: CSVOptions{Columns: map[string]string{"sk": "N"}}}
}

// bySeq returns recs ordered by Seq, failing the test unless the numbers are 0..n-1, each once.
func bySeq(t *testing.T, recs []record.Record) []record.Record {
	t.Helper()
	out := make([]record.Record, len(recs))
	seen := make([]bool, len(recs))
	for _, r := range recs {
		if r.Seq >= uint64(len(recs)) || seen[r.Seq] {
			t.Fatalf("record %s has Seq %d: repeated or beyond the %d records", show(r), r.Seq, len(recs))
		}
		seen[r.Seq] = true
		out[r.Seq] = r
	}
	return out
}

// TestStripesReadEveryRecordOnce: a striped reading returns every record of a reading in file
// order exactly once, with the same number, position and item, and its fingerprint is the
// stripes' sum. Stripes start only at a file's first byte or after a newline of an
// uncompressed line file.
func TestStripesReadEveryRecordOnce(t *testing.T) {
	t.Parallel()
	spec := mixedDataset(t)
	plain, err := readAll(spec)
	if err != nil {
		t.Fatal(err)
	}
	recs, stripes, fp := recordStripes(t, spec, tiny)
	if showAll(recs) != showAll(plain) {
		t.Fatal("a recording reading returned other records than Open")
	}
	if want := readSkipping(t, spec, nil).sum; fp != want {
		t.Fatal("a recording reading's fingerprint differs from Open's")
	}
	if n := len(stripes.List); n < 20 || n > tiny.Max {
		t.Fatalf("%d stripes, want between 20 and %d", n, tiny.Max)
	}
	files, err := resolve(&spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stripes.List {
		if st.Offset == 0 {
			continue
		}
		f := files[st.File]
		if !strings.HasSuffix(strings.TrimSuffix(f.name, ".gz"), "l") { // .jsonl, .ddb.jsonl
			t.Fatalf("stripe %+v starts inside %s", st, f.name)
		}
		b := fileText(t, f.path)
		if st.Offset > int64(len(b)) || b[st.Offset-1] != '\n' {
			t.Fatalf("stripe %+v does not start a line of %s", st, f.name)
		}
		if want := strings.Count(string(b[:st.Offset]), "\n"); st.Line != want {
			t.Fatalf("stripe %+v: %d lines before it", st, want)
		}
	}
	got, gotFP, err := readStripes(spec, stripes, nil)
	if err != nil {
		t.Fatal(err)
	}
	if gotFP != stripes.Sum() {
		t.Fatal("the striped reading's fingerprint is not the stripes' sum")
	}
	if showAll(bySeq(t, got)) != showAll(plain) {
		t.Fatalf("striped reading, by Seq:\n%s\nwant:\n%s", showAll(bySeq(t, got)), showAll(plain))
	}
	for i, r := range bySeq(t, got) {
		if r.Seq != plain[i].Seq {
			t.Fatalf("record %d has Seq %d", i, r.Seq)
		}
	}
}

// TestStripesAreDeterministic: the stripes and the striped order depend on the bytes alone.
func TestStripesAreDeterministic(t *testing.T) {
	t.Parallel()
	spec := mixedDataset(t)
	_, s1, _ := recordStripes(t, spec, tiny)
	_, s2, _ := recordStripes(t, spec, tiny)
	if !reflect.DeepEqual(s1, s2) {
		t.Fatal("two recordings of the same files found different stripes")
	}
	order := func() []uint64 {
		recs, _, err := readStripes(spec, s1, nil)
		if err != nil {
			t.Fatal(err)
		}
		var seqs []uint64
		for _, r := range recs {
			seqs = append(seqs, r.Seq)
		}
		return seqs
	}
	if a, b := order(), order(); !slices.Equal(a, b) {
		t.Fatal("two striped readings gave different orders")
	}
}

// TestStripesTakeTurns: the first records of a striped reading are the first of each stripe,
// in stripe order, so every stretch of a sorted file is under way from the start.
func TestStripesTakeTurns(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"sorted.jsonl": lines("k", 2000, 100, "")})
	spec := Spec{Patterns: []string{"sorted.jsonl"}, BaseDir: dir}
	_, stripes, _ := recordStripes(t, spec, Layout{Max: 16, MinBytes: 1})
	if len(stripes.List) != 16 {
		t.Fatalf("%d stripes, want 16", len(stripes.List))
	}
	recs, _, err := readStripes(spec, stripes, nil)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for i, st := range stripes.List {
		if recs[i].Seq != st.Seq {
			t.Fatalf("record %d has Seq %d, want stripe %d's first, %d", i, recs[i].Seq, i, st.Seq)
		}
		keys[showItem(record.Item{"pk": recs[i].Item["pk"]})] = true
	}
	if len(keys) < 14 {
		t.Fatalf("the first 16 records hold %d partition keys, want at least 14", len(keys))
	}
}

// TestStripesBoundedByLayout: the number of stripes, and so of files open and buffers held
// while reading, is bounded by the layout whatever the data, and follows from the size alone.
func TestStripesBoundedByLayout(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"few.jsonl":  lines("k", 3000, 2, ""),
		"many.jsonl": lines("k", 3000, 3000, ""),
	})
	for _, name := range []string{"few.jsonl", "many.jsonl"} {
		spec := Spec{Patterns: []string{name}, BaseDir: dir}
		_, s, _ := recordStripes(t, spec, Layout{Max: 8, MinBytes: 1})
		if len(s.List) != 8 {
			t.Fatalf("%s: %d stripes, want 8", name, len(s.List))
		}
		r, err := OpenStripes(context.Background(), spec, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		sr, ok := r.(*stripedReader)
		if !ok {
			t.Fatalf("OpenStripes returned a %T", r)
		}
		if n := len(sr.parts); n != 8 {
			t.Fatalf("%s: %d readers, want 8", name, n)
		}
		_ = r.Close()
		// A dataset smaller than two stripes' minimum is one stripe.
		if _, s, _ := recordStripes(t, spec, Layout{Max: 64, MinBytes: 1 << 30}); len(s.List) != 0 {
			t.Fatalf("%s: %d stripes of at least 1 GiB", name, len(s.List))
		}
	}
}

// fileText is the text of the file at path: its bytes, or what gzip makes of them.
func fileText(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		return b
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// TestStripesOfGzip: a single gzip file is cut like its text would be, at line starts of the
// text; the striped reading returns every record once, takes turns across the stripes from the
// first records, and leaves no temporary file behind, whether it reads to the end or not.
func TestStripesOfGzip(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	text := lines("a", 3000, 30, "")
	for _, level := range []int{gzip.NoCompression, gzip.BestSpeed, gzip.BestCompression} {
		dir := writeFiles(t, map[string]string{"a.jsonl.gz": gzippedLevel(t, text, level), "b.jsonl": lines("b", 300, 3, "")})
		spec := Spec{Patterns: []string{"*"}, BaseDir: dir}
		plainDir := writeFiles(t, map[string]string{"a.jsonl": text, "b.jsonl": lines("b", 300, 3, "")})
		_, plainStripes, _ := recordStripes(t, Spec{Patterns: []string{"*"}, BaseDir: plainDir}, tiny)
		recs, s, _ := recordStripes(t, spec, tiny)
		if len(s.List) != tiny.Max {
			t.Fatalf("level %d: %d stripes, want %d", level, len(s.List), tiny.Max)
		}
		inside := 0
		for i, st := range s.List {
			if p := plainStripes.List[i]; st.File != p.File || st.Offset != p.Offset || st.Line != p.Line || st.Seq != p.Seq {
				t.Fatalf("level %d: stripe %d is %+v; the same text uncompressed has it at %+v", level, i, st, p)
			}
			if st.File == 0 && st.Offset > 0 {
				inside++
				if text[st.Offset-1] != '\n' {
					t.Fatalf("level %d: stripe %+v does not start a line of the text", level, st)
				}
			}
		}
		if inside < tiny.Max/2 {
			t.Fatalf("level %d: %d stripes start inside the gzip file, want most of %d", level, inside, tiny.Max)
		}
		got, fp, err := readStripes(spec, s, nil)
		if err != nil {
			t.Fatalf("level %d: %v", level, err)
		}
		if fp != s.Sum() || showAll(bySeq(t, got)) != showAll(recs) {
			t.Fatalf("level %d: the striped reading of a gzip file differs from the recording", level)
		}
		keys := map[any]bool{}
		for _, r := range got[:inside] {
			keys[showItem(record.Item{"pk": r.Item["pk"]})] = true
		}
		if len(keys) < 25 {
			t.Fatalf("level %d: the first %d records hold %d of the 30 partition keys", level, inside, len(keys))
		}
		// Stopped early, after a record of each stripe.
		r, err := OpenStripes(context.Background(), spec, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		for range len(s.List) {
			if _, err := r.Next(); err != nil {
				t.Fatal(err)
			}
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

// TestStripesOfGzipNoticeChanges: a gzip file whose text changed after the recording fails the
// striped reading with ErrChanged, and so does one no longer gzip; the same text compressed
// otherwise reads as recorded. A canceled spool returns the context's error.
func TestStripesOfGzipNoticeChanges(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	text := lines("a", 2000, 20, "")
	for name, change := range map[string]string{
		"a byte":       strings.Replace(text, `"sk":1000}`, `"sk":1009}`, 1),
		"a line less":  strings.Replace(text, `{"pk":"a010","sk":1000}`+"\n", "", 1),
		"a line more":  text + `{"pk":"new","sk":1}` + "\n",
		"truncated":    "",
		"no more gzip": text,
		"recompressed": "",
	} {
		dir := writeFiles(t, map[string]string{"a.jsonl.gz": gzipped(t, text)})
		spec := Spec{Patterns: []string{"*"}, BaseDir: dir}
		_, s, _ := recordStripes(t, spec, tiny)
		path := filepath.Join(dir, "a.jsonl.gz")
		var b []byte
		switch name {
		case "truncated":
			z := gzipped(t, text)
			b = []byte(z[:len(z)/2])
		case "no more gzip":
			b = []byte(text)
		case "recompressed":
			b = []byte(gzippedLevel(t, text, gzip.NoCompression))
		default:
			b = []byte(gzipped(t, change))
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		_, _, err := readStripes(spec, s, nil)
		if name == "recompressed" {
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			continue
		}
		if !errors.Is(err, ErrChanged) {
			t.Fatalf("%s: err = %v, want ErrChanged", name, err)
		}
	}
	dir := writeFiles(t, map[string]string{"a.jsonl.gz": gzipped(t, text)})
	spec := Spec{Patterns: []string{"*"}, BaseDir: dir}
	_, s, _ := recordStripes(t, spec, tiny)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := OpenStripes(ctx, spec, s, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled: err = %v", err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

// TestStripesSkip: a striped reading asks skip about every record of a line file once, and
// passes over those it names.
func TestStripesSkip(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"a.jsonl": lines("k", 500, 20, "")})
	spec := Spec{Patterns: []string{"*"}, BaseDir: dir}
	_, s, _ := recordStripes(t, spec, tiny)
	asked := map[uint64]int{}
	got, _, err := readStripes(spec, s, func(seq uint64) bool {
		asked[seq]++
		return seq%3 == 0
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(asked) != 500 {
		t.Fatalf("asked about %d records, want 500", len(asked))
	}
	for seq, n := range asked {
		if n != 1 {
			t.Fatalf("asked about record %d %d times", seq, n)
		}
	}
	for _, r := range bySeq(t, got) {
		if r.Skipped != (r.Seq%3 == 0) || (r.Item == nil) != r.Skipped {
			t.Fatalf("record %d: Skipped %v, item %v", r.Seq, r.Skipped, r.Item)
		}
	}
}

// TestStripesNoticeChangedFiles: a file changed after the recording (a byte, its length, a
// file more) makes the striped reading fail with ErrChanged; it never ends as if all were read.
func TestStripesNoticeChangedFiles(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(dir string, b []byte) error{
		"a byte": func(dir string, b []byte) error {
			i := len(b) / 2
			for b[i] < '0' || b[i] > '8' {
				i++
			}
			b[i]++
			return os.WriteFile(filepath.Join(dir, "a.jsonl"), b, 0o600)
		},
		"a line more": func(dir string, b []byte) error {
			return os.WriteFile(filepath.Join(dir, "a.jsonl"), append(b, `{"pk":"new","sk":1}`+"\n"...), 0o600)
		},
		"a line less": func(dir string, b []byte) error {
			return os.WriteFile(filepath.Join(dir, "a.jsonl"), b[:len(b)-len(`{"pk":"k019","sk":499}`+"\n")], 0o600)
		},
		"a file more": func(dir string, _ []byte) error {
			return os.WriteFile(filepath.Join(dir, "b.jsonl"), []byte(`{"pk":"b"}`), 0o600)
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body := lines("k", 500, 20, "")
			dir := writeFiles(t, map[string]string{"a.jsonl": body})
			spec := Spec{Patterns: []string{"*.jsonl"}, BaseDir: dir}
			_, s, _ := recordStripes(t, spec, tiny)
			if err := change(dir, []byte(body)); err != nil {
				t.Fatal(err)
			}
			_, _, err := readStripes(spec, s, nil)
			if !errors.Is(err, ErrChanged) {
				t.Fatalf("err = %v, want ErrChanged", err)
			}
		})
	}
}

// FuzzStripes alters recorded stripes as storage might: reading by them must not panic, and
// a reading that ends well has read exactly the recorded records.
func FuzzStripes(f *testing.F) {
	f.Add(3, int64(1), 0, 0, uint64(0))
	f.Add(5, int64(-7), 2, -1, uint64(1))
	f.Add(0, int64(1<<40), 0, 0, uint64(0))
	f.Add(9, int64(0), 1, 1, uint64(1<<63))
	f.Add(-1, int64(3), 0, 0, uint64(0))
	f.Fuzz(func(t *testing.T, i int, dOff int64, dLine, dRec int, dSeq uint64) {
		dir := writeFiles(t, map[string]string{"a.jsonl": lines("k", 200, 10, ""), "b.ddb.jsonl": `{"Item":{"pk":{"S":"b"}}}` + "\n"})
		spec := Spec{Patterns: []string{"*"}, BaseDir: dir}
		plain, s, _ := recordStripes(t, spec, tiny)
		if len(s.List) == 0 {
			t.Fatal("no stripes")
		}
		i = ((i % len(s.List)) + len(s.List)) % len(s.List)
		st := &s.List[i]
		st.Offset += dOff
		st.Line += dLine
		st.Record += dRec
		st.Seq += dSeq
		got, _, err := readStripes(spec, s, nil)
		if err != nil {
			return
		}
		if len(got) != len(plain) || showAll(bySeq(t, got)) != showAll(plain) {
			t.Fatal("altered stripes read other records without an error")
		}
	})
}

// TestStripeAtAFileEnd: a stripe may start at the very end of a file (after its last newline)
// and read on into the next file.
func TestStripeAtAFileEnd(t *testing.T) {
	t.Parallel()
	line := `{"pk":"a","sk":1}` + "\n"
	dir := writeFiles(t, map[string]string{"a.jsonl": line, "b.jsonl": strings.Replace(line, `"a"`, `"b"`, 1)})
	spec := Spec{Patterns: []string{"*"}, BaseDir: dir}
	plain, s, _ := recordStripes(t, spec, Layout{Max: 2, MinBytes: 1})
	want := []Stripe{{File: 0, Offset: 0}, {File: 0, Offset: int64(len(line)), Line: 1, Record: 1, Seq: 1}}
	if len(s.List) != 2 {
		t.Fatalf("stripes %+v, want %+v", s.List, want)
	}
	for i := range want {
		got := s.List[i]
		got.Sum = [sha256.Size]byte{}
		if got != want[i] {
			t.Fatalf("stripe %d = %+v, want %+v", i, got, want[i])
		}
	}
	got, fp, err := readStripes(spec, s, nil)
	if err != nil || fp != s.Sum() {
		t.Fatalf("reading: %v", err)
	}
	if showAll(bySeq(t, got)) != showAll(plain) {
		t.Fatalf("read %s, want %s", showAll(got), showAll(plain))
	}
}

// FuzzRecording cuts odd line files: whatever their bytes, a recording reading that finds no
// error records stripes that read back the same records, or none.
func FuzzRecording(f *testing.F) {
	f.Add([]byte("{\"pk\":\"a\"}\n\n{\"pk\":\"b\"}\r\n  \n{\"pk\":\"c\"}"), false, false)
	f.Add([]byte("\n\n  {\"Item\":{\"pk\":{\"S\":\"a\"}}}\n{\"pk\":{\"S\":\"b\"}}\n"), true, false)
	f.Add([]byte(" [{\"pk\":{\"S\":\"a\"}}]\n"), true, false)
	f.Add([]byte("\x1f\x8b{\"pk\":1}\n{\"pk\":2}\n"), false, false)
	f.Add([]byte("\x1f{\"pk\":1}\n{\"pk\":2}\n"), true, false)
	f.Add([]byte("{\"pk\":1}\n{\"pk\":2}\n\n{\"pk\":3}"), false, true)
	f.Fuzz(func(t *testing.T, data []byte, ddb, gz bool) {
		name, body := "a.jsonl", string(data)
		if ddb {
			name = "a.ddb.jsonl"
		}
		if gz {
			name, body = name+".gz", gzipped(t, body)
		}
		dir := writeFiles(t, map[string]string{name: body, "b.jsonl": "{\"pk\":\"z\"}\n"})
		spec := Spec{Patterns: []string{"*"}, BaseDir: dir}
		r, err := OpenRecording(spec, tiny)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var plain []record.Record
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return // invalid input: nothing is loaded, the stripes do not matter
			}
			plain = append(plain, rec)
		}
		s := r.Stripes()
		if len(s.List) == 0 {
			return
		}
		got, fp, err := readStripes(spec, s, nil)
		if err != nil || fp != s.Sum() {
			t.Fatalf("reading the recorded stripes %+v: %v", s.List, err)
		}
		if showAll(bySeq(t, got)) != showAll(plain) {
			t.Fatalf("stripes %+v read\n%s\nwant\n%s", s.List, showAll(bySeq(t, got)), showAll(plain))
		}
	})
}
