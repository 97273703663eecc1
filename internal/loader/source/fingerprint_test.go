package source

import (
	"compress/gzip"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fingerprint reads every record of spec and returns the reader's fingerprint, checking
// that it is the zero value until the end.
func fingerprint(t *testing.T, spec Spec) [sha256.Size]byte {
	t.Helper()
	r, err := Open(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for {
		if got := r.Fingerprint(); got != ([sha256.Size]byte{}) {
			t.Fatalf("fingerprint %x before the end of the dataset", got[:4])
		}
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			return r.Fingerprint()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestFingerprintChangesWithAnyByte: the write pass compares the fingerprints of its reading
// and the validation pass's to tell that no file changed in between. Equal readings must give
// equal fingerprints and any change of the stored bytes (even one the records do not show)
// or of how they are split into files must change it.
func TestFingerprintChangesWithAnyByte(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"a.jsonl":    "{\"pk\":\"a\"}\n{\"pk\":\"b\"}\n",
		"b.jsonl":    "{\"pk\":\"c\"}\n",
		"c.jsonl.gz": gzipped(t, "{\"pk\":\"d\"}\n"),
		"d.json":     "[{\"pk\":\"e\"}]",
		"e.csv":      "pk\nf\n",
		"f.ddbjson":  "{\"pk\":{\"S\":\"g\"}}\n",
	}
	spec := func(dir string) Spec { return Spec{BaseDir: dir, Patterns: []string{"*"}} }
	dir := writeFiles(t, files)
	base := fingerprint(t, spec(dir))
	if base == ([sha256.Size]byte{}) {
		t.Fatal("a complete reading has the zero fingerprint")
	}
	if stored, err := Fingerprint(spec(dir)); err != nil || stored != base {
		t.Fatalf("Fingerprint of the stored files: %x, %v; the reading's is %x", stored[:4], err, base[:4])
	}
	if again := fingerprint(t, spec(writeFiles(t, files))); again != base {
		t.Fatalf("two readings of the same files: %x and %x", base[:4], again[:4])
	}
	variants := map[string]func(map[string]string){
		"a record's value": func(f map[string]string) { f["b.jsonl"] = "{\"pk\":\"C\"}\n" },
		"spacing only":     func(f map[string]string) { f["b.jsonl"] = "{\"pk\": \"c\"}\n" },
		// The readers must read every file to its end, or what follows the last record
		// would go unnoticed.
		"a trailing blank line":           func(f map[string]string) { f["b.jsonl"] += "\n" },
		"a newline after a JSON array":    func(f map[string]string) { f["d.json"] += "\n" },
		"a trailing blank line in CSV":    func(f map[string]string) { f["e.csv"] += "\n" },
		"a trailing blank line, DynamoDB": func(f map[string]string) { f["f.ddbjson"] += "\n" },
		"the gzip level":                  func(f map[string]string) { f["c.jsonl.gz"] = gzippedLevel(t, "{\"pk\":\"d\"}\n", gzip.NoCompression) },
		"a record moved to the next file": func(f map[string]string) {
			f["a.jsonl"], f["b.jsonl"] = "{\"pk\":\"a\"}\n", "{\"pk\":\"b\"}\n{\"pk\":\"c\"}\n"
		},
		"a file renamed": func(f map[string]string) { f["b2.jsonl"] = f["b.jsonl"]; delete(f, "b.jsonl") },
	}
	for name, change := range variants {
		changed := map[string]string{}
		for k, v := range files {
			changed[k] = v
		}
		change(changed)
		dir := writeFiles(t, changed)
		got := fingerprint(t, spec(dir))
		if got == base {
			t.Errorf("%s: the fingerprint did not change", name)
		}
		if stored, err := Fingerprint(spec(dir)); err != nil || stored != got {
			t.Errorf("%s: Fingerprint of the stored files %x, %v; the reading's is %x", name, stored[:4], err, got[:4])
		}
	}
	inline := Spec{Inline: "[{\"pk\":\"a\"}]"}
	if a, b := fingerprint(t, inline), fingerprint(t, Spec{Inline: "[{\"pk\":\"b\"}]"}); a == b || a == ([sha256.Size]byte{}) {
		t.Errorf("inline datasets: fingerprints %x and %x, want two different non-zero values", a[:4], b[:4])
	}
	if stored, err := Fingerprint(inline); err != nil || stored != fingerprint(t, inline) {
		t.Errorf("inline: Fingerprint %x, %v differs from the reading's", stored[:4], err)
	}
	if _, err := Fingerprint(Spec{BaseDir: dir, Patterns: []string{"missing.jsonl"}}); err == nil {
		t.Error("Fingerprint of a missing file: no error")
	}
}

// TestStampChangesWithSizeTimeOrName: a stamp is the same for untouched files and changes when
// a file's size or modification time changes, when a file is added or renamed, and with the
// text of inline items; a missing file has none.
func TestStampChangesWithSizeTimeOrName(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"a.jsonl": "{\"pk\":\"a\"}\n", "b.jsonl": "{\"pk\":\"b\"}\n"})
	spec := Spec{BaseDir: dir, Patterns: []string{"*.jsonl"}}
	a := filepath.Join(dir, "a.jsonl")
	when := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	if err := os.Chtimes(a, when, when); err != nil {
		t.Fatal(err)
	}
	base, ok := Stamp(spec)
	if !ok {
		t.Fatal("no stamp for two files")
	}
	if again, ok := Stamp(spec); !ok || again != base {
		t.Fatal("the same files, another stamp")
	}
	seen := map[[sha256.Size]byte]string{base: "the files as written"}
	differs := func(what string, s Spec) {
		t.Helper()
		got, ok := Stamp(s)
		if !ok {
			t.Fatalf("%s: no stamp", what)
		}
		if before, dup := seen[got]; dup {
			t.Errorf("%s: the stamp of %s", what, before)
		}
		seen[got] = what
	}
	if err := os.Chtimes(a, when, when.Add(time.Nanosecond)); err != nil {
		t.Fatal(err)
	}
	differs("another modification time", spec)
	if err := os.WriteFile(a, []byte("{\"pk\":\"aa\"}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(a, when, when); err != nil {
		t.Fatal(err)
	}
	differs("another size", spec)
	if err := os.Rename(a, filepath.Join(dir, "c.jsonl")); err != nil {
		t.Fatal(err)
	}
	differs("a file renamed", spec)
	if err := os.WriteFile(filepath.Join(dir, "d.jsonl"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	differs("a file added", spec)
	differs("inline items", Spec{Inline: `[{"pk":"a"}]`})
	differs("other inline items", Spec{Inline: `[{"pk":"b"}]`})
	if _, ok := Stamp(Spec{BaseDir: dir, Patterns: []string{"missing.jsonl"}}); ok {
		t.Error("a missing file has a stamp")
	}
}
