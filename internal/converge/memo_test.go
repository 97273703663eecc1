package converge

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// lines is a JSON Lines dataset of n items; the items listed in changed carry version.
func lines(n int, changed map[int]bool, version string) string {
	var b strings.Builder
	for i := range n {
		v := "v1"
		if changed[i] {
			v = version
		}
		fmt.Fprintf(&b, `{"pk":"user-%d","sk":%d,"v":%q}`+"\n", i%13, i, v)
	}
	return b.String()
}

// TestUpdateRecallsTheLinesOfTheLastValidation: after an apply, the plan of an edit of a few
// lines takes the others from the line memo the apply's validation left, and tells exactly
// what one without a cache tells; the memo is then the edited dataset's.
func TestUpdateRecallsTheLinesOfTheLastValidation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data := filepath.Join(dir, "data.jsonl")
	if err := os.WriteFile(data, []byte(lines(400, nil, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	cache := &Cache{Dir: filepath.Join(dir, "cache")}
	p := params("", State{})
	p.Options.Source = source.Spec{Patterns: []string{data}}
	p.Cache = cache
	f := newFakeTable()
	out, err := Apply(context.Background(), f, p)
	if err != nil || !out.Complete {
		t.Fatalf("create: %+v, %v", out.Changes, err)
	}
	memo := cache.recallMemo(p)
	if memo.Len() != 400 {
		t.Fatalf("after the create the memo holds %d lines, want 400", memo.Len())
	}

	// Ten lines edited, one removed, two added.
	changed := map[int]bool{}
	for i := 0; i < 400; i += 40 {
		changed[i] = true
	}
	edited := strings.Replace(lines(400, changed, "v2"), `{"pk":"user-6","sk":123,"v":"v1"}`+"\n", "", 1) +
		`{"pk":"new","sk":1}` + "\n" + `{"pk":"new","sk":2}` + "\n"
	if err := os.WriteFile(data, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	next := p
	next.Prior, next.Reader = out.State, f
	uncached := next
	uncached.Cache = nil
	want, wantChanges, err := Preview(context.Background(), uncached)
	if err != nil {
		t.Fatal(err)
	}
	got, gotChanges, err := Preview(context.Background(), next)
	if err != nil || !sameValidated(t, got, want) || gotChanges != wantChanges {
		t.Fatalf("recalling: %+v, %v; want %+v", gotChanges, err, wantChanges)
	}
	if wantChanges.Write != 12 || wantChanges.Delete != 1 || wantChanges.Unchanged != 389 {
		t.Fatalf("changes %+v, want 12 writes, 1 delete, 389 unchanged", wantChanges)
	}
	if m := cache.recallMemo(p); m.Len() != 401 {
		t.Fatalf("after the update's plan the memo holds %d lines, want 401", m.Len())
	}

	// The memo is what the plan recalls: one planted line shows in the digest.
	path := filepath.Join(cache.Dir, cache.memoName(p))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(memoMagic)+16] ^= 1 // the first line's content sum
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cache.forgetAll()
	planted, _, err := Preview(context.Background(), next)
	if err != nil || planted.Digest == want.Digest {
		t.Fatalf("a planted memo line did not change the digest (%v): the plan decoded every line", err)
	}

	// The memo outlives the entries: an update is often planned days after the last apply.
	cache.Now = func() time.Time { return time.Now().Add(CacheMaxAge + time.Minute) }
	cache.prune()
	if entries, _ := os.ReadDir(cache.Dir); len(entries) != 1 || entries[0].Name() != cache.memoName(p) {
		t.Fatalf("after the entries aged, the folder holds %v; want the line memo alone", entries)
	}
	cache.Now = func() time.Time { return time.Now().Add(MemoMaxAge + time.Minute) }
	cache.prune()
	if entries, _ := os.ReadDir(cache.Dir); len(entries) != 0 {
		t.Fatalf("after the memo aged, the folder holds %v; want nothing", entries)
	}
}

// forgetAll removes the cache's entries, keeping its memos, and the entry this process
// remembers.
func (c *Cache) forgetAll() {
	entries, _ := os.ReadDir(c.Dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), entryPrefix) {
			_ = os.Remove(filepath.Join(c.Dir, e.Name()))
		}
	}
	recent.set("", memEntry{})
}

// TestAnotherShapeHasAnotherMemo: settings that change what a line validates to name another
// memo; the files do not.
func TestAnotherShapeHasAnotherMemo(t *testing.T) {
	t.Parallel()
	c := &Cache{Dir: t.TempDir(), Salt: "build"}
	p := params("", State{})
	p.Options.Source = source.Spec{Patterns: []string{"a.jsonl"}}
	name := c.memoName(p)
	for what, change := range map[string]func(*Params){
		"attribute types": func(p *Params) { p.Options.Source.AttributeTypes = map[string]string{"v": "N"} },
		"format":          func(p *Params) { p.Options.Source.Format = source.FormatDynamoDBJSON },
		"key template":    func(p *Params) { p.Options.Keys.PartitionKey = "{v}" },
		"schema":          func(p *Params) { p.Schema.PartitionKey.Type = "N" },
		"build":           func(*Params) {},
	} {
		q := p
		c2 := *c
		if what == "build" {
			c2.Salt = "another build"
		}
		change(&q)
		if c2.memoName(q) == name {
			t.Errorf("another %s has the same memo", what)
		}
	}
	q := p
	q.Prior = State{Drifted: true}
	q.Options.Duplicates = "last_wins"
	if c.memoName(q) != name {
		t.Error("the prior state or the duplicate policy names another memo")
	}
}

// TestReadMemoNeverPanics feeds readMemo every prefix of a memo and some bytes flipped.
func TestReadMemoNeverPanics(t *testing.T) {
	t.Parallel()
	b := memoBytes(t, 20)
	if m, err := readMemoBytes(b); err != nil || m.Len() != 20 {
		t.Fatalf("round trip: %d lines, %v", m.Len(), err)
	}
	for i := range b {
		if _, err := readMemoBytes(b[:i]); err == nil {
			t.Fatalf("a prefix of %d bytes read", i)
		}
		c := bytes.Clone(b)
		c[i] ^= 0x5a
		_, _ = readMemoBytes(c)
	}
}

// FuzzReadMemo: no bytes make readMemo panic.
func FuzzReadMemo(f *testing.F) {
	b := memoBytes(f, 3)
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Add([]byte(memoMagic))
	f.Fuzz(func(_ *testing.T, data []byte) {
		_, _ = readMemoBytes(data)
	})
}

func readMemoBytes(b []byte) (interface{ Len() int }, error) {
	m, err := readMemo(bytes.NewReader(b), int64(len(b)))
	return m, err
}

// memoBytes is the memo a validation of n JSON lines leaves.
func memoBytes(t testing.TB, n int) []byte {
	t.Helper()
	dir := t.TempDir()
	data := filepath.Join(dir, "data.jsonl")
	if err := os.WriteFile(data, []byte(lines(n, nil, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	cache := &Cache{Dir: filepath.Join(dir, "cache")}
	p := params("", State{})
	p.Options.Source = source.Spec{Patterns: []string{data}}
	p.Cache = cache
	if _, _, err := Preview(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(cache.Dir, cache.memoName(p)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestNoLinesNoMemo: a dataset without files of one record per line leaves no memo behind.
func TestNoLinesNoMemo(t *testing.T) {
	t.Parallel()
	cache := &Cache{Dir: t.TempDir()}
	p := params(dataset(20, "v1"), State{})
	p.Cache = cache
	if _, _, err := Preview(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(cache.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), memoPrefix) || strings.HasPrefix(e.Name(), tempPrefix) {
			t.Errorf("inline items left %s", e.Name())
		}
	}
	if len(entries) == 0 {
		t.Error("the Preview left no entry either: the cache was not used")
	}
}
