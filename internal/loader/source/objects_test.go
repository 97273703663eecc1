package source

import (
	"bytes"
	"crypto/md5" //nolint:gosec // an ETag, as S3 computes it
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
)

// memStore is an ObjectStore over a map of bucket/key to bytes, with S3's ETags (MD5) and its
// If-Match: a Read of an object whose ETag changed fails with ErrChanged.
type memStore struct {
	mu    sync.Mutex
	objs  map[string][]byte
	reads int // Read calls
}

func newMemStore(objs map[string]string) *memStore {
	m := &memStore{objs: map[string][]byte{}}
	for k, v := range objs {
		m.objs[k] = []byte(v)
	}
	return m
}

func (m *memStore) put(bucketKey, body string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objs[bucketKey] = []byte(body)
}

func (m *memStore) object(bucket, key string, b []byte) Object {
	sum := md5.Sum(b) //nolint:gosec // an ETag
	return Object{Bucket: bucket, Key: key, Size: int64(len(b)), ETag: `"` + hex.EncodeToString(sum[:]) + `"`}
}

func (m *memStore) List(bucket, prefix string) ([]Object, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Object
	for bk, b := range m.objs {
		bkt, key, _ := strings.Cut(bk, "/")
		if bkt == bucket && strings.HasPrefix(key, prefix) {
			out = append(out, m.object(bkt, key, b))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func (m *memStore) Stat(bucket, key string) (Object, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objs[bucket+"/"+key]
	if !ok {
		return Object{}, fmt.Errorf("s3://%s/%s: %w", bucket, key, fs.ErrNotExist)
	}
	return m.object(bucket, key, b), nil
}

func (m *memStore) Read(o Object, offset, n int64) (io.ReadCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reads++
	b, ok := m.objs[o.Bucket+"/"+o.Key]
	if !ok || m.object(o.Bucket, o.Key, b).ETag != o.ETag {
		return nil, fmt.Errorf("%w: %s is no longer the object listed", ErrChanged, o.Name())
	}
	b = b[min(offset, int64(len(b))):]
	if n >= 0 {
		b = b[:min(n, int64(len(b)))]
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

// TestObjectsReadLikeFiles: a dataset of objects reads exactly like the same files, named
// s3://bucket/key in positions, in a plain and in a striped reading, gzip included.
func TestObjectsReadLikeFiles(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	files := map[string]string{
		"seed/a.jsonl":    lines("a", 400, 8, ""),
		"seed/b.jsonl.gz": gzipped(t, lines("b", 600, 6, "")),
		"seed/c.csv":      "pk,sk\nc1,1\nc2,2\n",
		"other/d.jsonl":   lines("d", 10, 1, ""),
	}
	dir := writeFiles(t, files)
	objs := map[string]string{}
	for k, v := range files {
		objs["bkt/"+k] = v
	}
	store := newMemStore(objs)
	local := Spec{Patterns: []string{"seed/*"}, BaseDir: dir, CSV: CSVOptions{Columns: map[string]string{"sk": "N"}}}
	remote := local
	remote.BaseDir, remote.Patterns, remote.Objects = "", []string{"s3://bkt/seed/*"}, store

	want, err := readAll(local)
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAll(remote)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ReplaceAll(showAll(want), "seed/", "s3://bkt/seed/") != showAll(got) {
		t.Fatalf("objects read\n%s\nwant the files'\n%s", showAll(got), showAll(want))
	}
	names, err := Files(remote)
	if err != nil || strings.Join(names, " ") != "s3://bkt/seed/a.jsonl s3://bkt/seed/b.jsonl.gz s3://bkt/seed/c.csv" {
		t.Fatalf("Files = %v, %v", names, err)
	}
	recs, stripes, fp := recordStripes(t, remote, tiny)
	if len(stripes.List) < 20 {
		t.Fatalf("%d stripes over the objects, want many", len(stripes.List))
	}
	striped, sfp, err := readStripes(remote, stripes, nil)
	if err != nil || sfp != stripes.Sum() || showAll(bySeq(t, striped)) != showAll(recs) {
		t.Fatalf("striped reading of objects: %v", err)
	}
	// The fingerprint of objects is their names, sizes and ETags: it needs no reading.
	store.reads = 0
	again, err := Fingerprint(remote)
	if err != nil || again != fp {
		t.Fatalf("Fingerprint = %x, %v; the reading's is %x", again, err, fp)
	}
	if store.reads != 0 {
		t.Fatalf("Fingerprint read %d objects, want none", store.reads)
	}
	store.put("bkt/seed/c.csv", "pk,sk\nc1,1\nc2,3\n")
	if changed, err := Fingerprint(remote); err != nil || changed == fp {
		t.Fatalf("an object changed, Fingerprint %v, %v", changed == fp, err)
	}
	// A stripe's object changed since the recording: ErrChanged.
	if _, _, err := readStripes(remote, stripes, nil); !errors.Is(err, ErrChanged) {
		t.Fatalf("object changed under the stripes: %v, want ErrChanged", err)
	}
	if left, _ := os.ReadDir(os.Getenv("TMPDIR")); len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

// TestObjectPatterns: what s3:// patterns match, and the errors for those that cannot.
func TestObjectPatterns(t *testing.T) {
	t.Parallel()
	store := newMemStore(map[string]string{
		"bkt/seed/a.jsonl":     "{}\n",
		"bkt/seed/b.jsonl":     "{}\n",
		"bkt/seed/sub/c.jsonl": "{}\n",
		"bkt/seed/dir/":        "",
		"bkt/seedling.jsonl":   "{}\n",
	})
	for pattern, want := range map[string]string{
		"s3://bkt/seed/a.jsonl":    "s3://bkt/seed/a.jsonl",
		"s3://bkt/seed/*.jsonl":    "s3://bkt/seed/a.jsonl s3://bkt/seed/b.jsonl",
		"s3://bkt/seed/*/*.jsonl":  "s3://bkt/seed/sub/c.jsonl",
		"s3://bkt/seed*.jsonl":     "s3://bkt/seedling.jsonl",
		"s3://bkt/seed/[ab].jsonl": "s3://bkt/seed/a.jsonl s3://bkt/seed/b.jsonl",
		"s3://bkt/seed/x.jsonl":    `Patterns "s3://bkt/seed/x.jsonl": no such object`,
		"s3://bkt/seed/*.csv":      `Patterns "s3://bkt/seed/*.csv": matches no objects (4 listed under "seed/")`,
		"s3://bkt/seed/":           `Patterns "s3://bkt/seed/": names no object; to read the objects under a prefix, use a pattern such as s3://bkt/seed/*.jsonl`,
		"s3://bkt":                 `Patterns "s3://bkt": is not of the form s3://bucket/key`,
		"s3://b*/a.jsonl":          `Patterns "s3://b*/a.jsonl": has wildcards in its bucket name; only the key may have them`,
		"s3://bkt/[.jsonl":         `Patterns "s3://bkt/[.jsonl": is not a valid glob pattern: syntax error in pattern`,
	} {
		names, err := Files(Spec{Patterns: []string{pattern}, Objects: store})
		got := strings.Join(names, " ")
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("%s: %s\nwant %s", pattern, got, want)
		}
	}
	_, err := Files(Spec{Patterns: []string{"s3://bkt/seed/a.jsonl"}})
	if err == nil || !strings.Contains(err.Error(), "no S3 client is configured") {
		t.Errorf("without a store: %v", err)
	}
	// Local files and objects together, each named as given.
	dir := writeFiles(t, map[string]string{"local.jsonl": "{}\n"})
	names, err := Files(Spec{Patterns: []string{"local.jsonl", "s3://bkt/seed/a.jsonl"}, BaseDir: dir, Objects: store})
	if err != nil || strings.Join(names, " ") != "local.jsonl s3://bkt/seed/a.jsonl" {
		t.Errorf("mixed: %v, %v", names, err)
	}
	if p := (Spec{BaseDir: dir}).Path("s3://bkt/x"); p != "s3://bkt/x" {
		t.Errorf("Path of an object name: %s", p)
	}
}
