package loader

import (
	"path/filepath"
	"testing"
)

func TestHashRunsFindsDuplicatesAcrossSpilledRuns(t *testing.T) {
	t.Parallel()
	for _, limit := range []int{0, 7, 100} { // in memory, many small runs, a few runs
		dir := t.TempDir()
		h := &hashRuns{dir: dir, limit: limit}
		// 1..500, then every multiple of 50 again (far apart, so in different runs), then 250 twice more.
		for i := uint64(1); i <= 500; i++ {
			if err := h.add(keyHash(string(rune(i)))); err != nil {
				t.Fatal(err)
			}
		}
		for i := uint64(50); i <= 500; i += 50 {
			if err := h.add(keyHash(string(rune(i)))); err != nil {
				t.Fatal(err)
			}
		}
		_ = h.add(keyHash(string(rune(250))))
		dups, err := h.duplicates()
		if err != nil {
			t.Fatal(err)
		}
		if len(dups) != 10 {
			t.Fatalf("limit %d: %d duplicate hashes, want 10", limit, len(dups))
		}
		for i := uint64(50); i <= 500; i += 50 {
			if _, ok := dups[keyHash(string(rune(i)))]; !ok {
				t.Errorf("limit %d: %d not reported", limit, i)
			}
		}
		if limit == 7 && len(h.runs) < 50 {
			t.Fatalf("expected the small limit to spill many runs, got %d", len(h.runs))
		}
		if limit == 0 && len(h.runs) != 0 {
			t.Fatalf("the default limit (%d hashes) must keep 510 hashes in memory; %d runs spilled", runSize, len(h.runs))
		}
		h.close()
		if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
			t.Fatalf("temporary runs left behind: %v", left)
		}
	}
}
