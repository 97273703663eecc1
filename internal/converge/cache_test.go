package converge

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// TestCacheSkipsValidationOfTheSameBytes: a second Preview and an Apply of the same files over
// the same prior state take the stored validation and do what they would have done without it;
// changed files, another prior state or a damaged entry miss.
func TestCacheSkipsValidationOfTheSameBytes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data := filepath.Join(dir, "data.json")
	if err := os.WriteFile(data, []byte(dataset(300, "v1")), 0o600); err != nil {
		t.Fatal(err)
	}
	cache := &Cache{Dir: filepath.Join(dir, "cache")}
	p := params("", State{})
	p.Options.Source = source.Spec{Patterns: []string{data}, Format: "json"}
	p.Cache = cache

	if _, _, hit := cache.lookup(p); hit {
		t.Fatal("an empty cache hit")
	}
	validated, changes, err := Preview(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	cached, seen, hit := cache.lookup(p)
	if !hit || !sameValidated(t, cached, validated) || seen.len() != 300 {
		t.Fatalf("after a Preview: hit %v, %d records, same Validated %v", hit, seen.len(), sameValidated(t, cached, validated))
	}
	validated2, changes2, err := Preview(context.Background(), p)
	if err != nil || !sameValidated(t, validated2, validated) || changes2 != changes {
		t.Fatalf("Preview from the cache: %+v, %v", changes2, err)
	}

	f := newFakeTable()
	out, err := Apply(context.Background(), f, p)
	if err != nil || !out.Complete {
		t.Fatal(err)
	}
	if !equal(f.contents(), wantContents(t, dataset(300, "v1"))) {
		t.Fatal("an Apply from the cache did not load exactly the dataset")
	}

	// What validation learns does not depend on the prior state: the next apply's plan of the
	// same bytes hits too.
	other := p
	other.Prior = out.State
	if _, _, hit := cache.lookup(other); !hit {
		t.Fatal("another prior state missed")
	}
	if err := os.WriteFile(data, []byte(dataset(300, "v2")), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, hit := cache.lookup(p); hit {
		t.Fatal("changed files hit")
	}
	out, err = Apply(context.Background(), f, other)
	if err != nil || out.Changes.Write != 300 {
		t.Fatalf("after the change: %+v, %v", out.Changes, err)
	}

	entries, err := os.ReadDir(cache.Dir)
	if err != nil || len(entries) == 0 {
		t.Fatal(err)
	}
	for _, e := range entries {
		path := filepath.Join(cache.Dir, e.Name())
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b[:len(b)-3], 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, hit := cache.lookup(other); hit {
		t.Fatal("a damaged entry hit")
	}
	if _, _, err := Preview(context.Background(), other); err != nil {
		t.Fatalf("a damaged entry is an error: %v", err)
	}

	// Files that are not entries stay, however old: the folder may be shared.
	if err := os.WriteFile(filepath.Join(cache.Dir, "main.tf"), []byte("# not ours"), 0o600); err != nil {
		t.Fatal(err)
	}
	cache.Now = func() time.Time { return time.Now().Add(CacheMaxAge + time.Minute) }
	cache.prune()
	if entries, _ := os.ReadDir(cache.Dir); len(entries) != 1 || entries[0].Name() != "main.tf" {
		t.Fatalf("after the entries aged, the folder holds %v; want only main.tf", entries)
	}
	salted := *cache
	salted.Salt = "another build"
	if salted.key(p, [32]byte{}) == cache.key(p, [32]byte{}) {
		t.Fatal("another salt gives the same key")
	}
}

// sameValidated compares validated datasets by their stored form, which holds every part of
// them.
func sameValidated(t *testing.T, a, b *loader.Validated) bool {
	t.Helper()
	x, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	y, err := b.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(x, y)
}

// TestDecodeEntryNeverPanics feeds decodeEntry every prefix of an entry and some bytes flipped.
func TestDecodeEntryNeverPanics(t *testing.T) {
	t.Parallel()
	v, err := validate(context.Background(), nil, params(dataset(20, "v1"), State{}), judgeAfresh)
	if err != nil {
		t.Fatal(err)
	}
	b, err := encodeEntry(v.validated, v.seen)
	if err != nil {
		t.Fatal(err)
	}
	if _, seen, err := decodeEntry(b); err != nil || !reflect.DeepEqual(seen, v.seen) {
		t.Fatalf("round trip: %v", err)
	}
	for i := range b {
		if _, _, err := decodeEntry(b[:i]); err == nil {
			t.Fatalf("a prefix of %d bytes decoded", i)
		}
		c := append([]byte(nil), b...)
		c[i] ^= 0x5a
		_, _, _ = decodeEntry(c)
	}
}

// FuzzDecodeEntry: no bytes make decodeEntry panic, and what it accepts holds one record per
// record the Validated counts.
func FuzzDecodeEntry(f *testing.F) {
	v, err := validate(context.Background(), nil, params(dataset(5, "v1"), State{}), judgeAfresh)
	if err != nil {
		f.Fatal(err)
	}
	b, err := encodeEntry(v.validated, v.seen)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Add([]byte(cacheMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		validated, seen, err := decodeEntry(data)
		if err == nil && int64(seen.len()) != validated.Records {
			t.Fatalf("%d records for a Validated of %d", seen.len(), validated.Records)
		}
	})
}

// cachedPreview writes a 50-item dataset file, previews it with a cache of its own and returns
// the file, the cache and the Params, which now have an entry.
func cachedPreview(t *testing.T) (string, *Cache, Params) {
	t.Helper()
	dir := t.TempDir()
	data := filepath.Join(dir, "data.json")
	if err := os.WriteFile(data, []byte(dataset(50, "v1")), 0o600); err != nil {
		t.Fatal(err)
	}
	cache := &Cache{Dir: filepath.Join(dir, "cache")}
	p := params("", State{})
	p.Options.Source = source.Spec{Patterns: []string{data}, Format: "json"}
	p.Cache = cache
	if _, _, err := Preview(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return data, cache, p
}

// TestCacheReadsAnEntryOncePerProcess: the second lookup of the same entry is served from
// memory (here, after its file is gone), and another entry's lookup reads its own file.
func TestCacheReadsAnEntryOncePerProcess(t *testing.T) {
	// Not parallel: recent is the process's, and other tests' lookups replace its entry.
	data, cache, p := cachedPreview(t)
	first, _, hit := cache.lookup(p)
	if !hit {
		t.Fatal("no entry after a Preview")
	}
	if err := os.RemoveAll(cache.Dir); err != nil {
		t.Fatal(err)
	}
	again, _, hit := cache.lookup(p)
	if !hit || again != first {
		t.Fatalf("the same entry again: hit %v, same Validated %v; want it from memory", hit, again == first)
	}
	// Another size: a rewrite within the file system's clock tick keeps the modification
	// time (see TestCacheTrustsAStampWithinAProcess).
	if err := os.WriteFile(data, []byte(dataset(50, "v22")), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, hit := cache.lookup(p); hit {
		t.Fatal("changed files hit the entry kept in memory")
	}
}

// TestCacheTrustsAStampWithinAProcess: once this process has found the files to be an
// entry's bytes, a lookup of the same files with the same sizes and modification times takes
// the entry without reading them (an apply after its final plan); any other size or time
// reads them again. Not parallel: recent is the process's.
func TestCacheTrustsAStampWithinAProcess(t *testing.T) {
	data, cache, p := cachedPreview(t)
	first, _, hit := cache.lookup(p) // hashes the files and records their stamp
	if !hit {
		t.Fatal("no entry after a Preview")
	}
	info, err := os.Stat(data)
	if err != nil {
		t.Fatal(err)
	}
	// The same size and time, other bytes: taken on the stamp, not read.
	if err := os.WriteFile(data, []byte(dataset(50, "v2")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(data, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	if again, _, hit := cache.lookup(p); !hit || again != first {
		t.Fatalf("the same stamp: hit %v, same entry %v; want it taken without reading the files", hit, again == first)
	}
	// Another time: read again, and the bytes are not the entry's.
	if err := os.Chtimes(data, info.ModTime(), info.ModTime().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, _, hit := cache.lookup(p); hit {
		t.Fatal("another modification time hit the entry")
	}
	// Back to the entry's bytes under a new time: read, found the same, and stamped anew.
	if err := os.WriteFile(data, []byte(dataset(50, "v1")), 0o600); err != nil {
		t.Fatal(err)
	}
	if again, _, hit := cache.lookup(p); !hit || again != first {
		t.Fatalf("the entry's bytes again: hit %v, same entry %v", hit, again == first)
	}
	other := p
	other.Options.Duplicates = loader.DuplicateLastWins
	if _, _, hit := cache.lookup(other); hit {
		t.Fatal("other options took the entry on the files' stamp")
	}
}

// TestApplyForgetsTheRememberedValidation: the apply's final plan and the apply share the
// validation this process read last; once Apply has used it, the process lets it go (a
// million records take about 50 MB while the state is encoded). Not parallel: recent is the
// process's.
func TestApplyForgetsTheRememberedValidation(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data.json")
	if err := os.WriteFile(data, []byte(dataset(50, "v1")), 0o600); err != nil {
		t.Fatal(err)
	}
	p := params("", State{})
	p.Options.Source = source.Spec{Patterns: []string{data}, Format: "json"}
	p.Cache = &Cache{Dir: filepath.Join(dir, "cache")}
	if _, _, err := Preview(context.Background(), p); err != nil { // validates and stores
		t.Fatal(err)
	}
	if _, _, err := Preview(context.Background(), p); err != nil { // reads the entry: remembered
		t.Fatal(err)
	}
	files, err := source.Fingerprint(p.Options.Source)
	if err != nil {
		t.Fatal(err)
	}
	key := p.Cache.key(p, files)
	if _, ok := recent.get(key); !ok {
		t.Fatal("the validation read from the cache is not remembered")
	}
	f := newFakeTable()
	if out, err := Apply(context.Background(), f, p); err != nil || !out.Complete {
		t.Fatalf("apply: %v", err)
	}
	if _, ok := recent.get(key); ok {
		t.Fatal("the validation is still remembered after the apply")
	}
	if !equal(f.contents(), wantContents(t, dataset(50, "v1"))) {
		t.Fatal("the table is not the dataset")
	}
}

// encodeEntry is writeEntry into memory.
func encodeEntry(validated *loader.Validated, seen *records) ([]byte, error) {
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	if err := writeEntry(w, validated, seen); err != nil {
		return nil, err
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// decodeEntry is readEntry of b.
func decodeEntry(b []byte) (*loader.Validated, *records, error) {
	return readEntry(bytes.NewReader(b), int64(len(b)))
}
