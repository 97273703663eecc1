package provider

import (
	"archive/zip"
	"os"
	"path/filepath"
	"testing"
)

// TestPlanGuard: within one terraform process (here: this test's parent), a plan of other bytes
// than the note's is a change; the same bytes are not, and the note stays the first plan's.
func TestPlanGuard(t *testing.T) {
	t.Parallel()
	g := &planGuard{path: filepath.Join(t.TempDir(), "plans", "x")}
	a, b := [32]byte{1}, [32]byte{2}
	if _, changed := g.changedSincePlan(a, "digest-a"); changed {
		t.Fatal("the first plan is a change")
	}
	if _, changed := g.changedSincePlan(a, "digest-a"); changed {
		t.Fatal("the same bytes again are a change")
	}
	prev, changed := g.changedSincePlan(b, "digest-b")
	if !changed || prev.Digest != "digest-a" {
		t.Fatalf("other bytes: changed %v, note %+v", changed, prev)
	}
	if prev, _ := g.changedSincePlan(b, "digest-b"); prev == nil || prev.Digest != "digest-a" {
		t.Fatal("a refused plan replaced the run's note")
	}
}

func TestIsZip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "tfplan"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	if _, err := zw.Create("tfplan"); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	writeData(t, dir, "x=y", "not a plan")
	if !isZip("tfplan", dir) || isZip("x=y", dir) || isZip("missing", dir) {
		t.Fatal("isZip tells plan files wrongly")
	}
	if processStart(os.Getpid()) == "" && processStart(1) != "" {
		t.Fatal("no start time for this process")
	}
}
