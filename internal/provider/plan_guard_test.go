package provider

import (
	"archive/zip"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestPlanGuard: within one terraform process (here: this test's parent), a plan of another
// digest than the note's is a change; the same digest is not, and the note stays the first
// plan's until the plan is applied. A note of another terraform process is not this run's.
func TestPlanGuard(t *testing.T) {
	t.Parallel()
	if processStart(os.Getppid()) == "" {
		t.Skip("no /proc: the guard is off")
	}
	g := &planGuard{path: filepath.Join(t.TempDir(), "plan-x")}
	a, b := [32]byte{1}, [32]byte{2}
	if _, changed := g.changedSincePlan(a, "digest-a"); changed {
		t.Fatal("the first plan is a change")
	}
	if _, changed := g.changedSincePlan(b, "digest-a"); changed {
		t.Fatal("other bytes with the same content are a change")
	}
	prev, changed := g.changedSincePlan(b, "digest-b")
	if !changed || prev.Digest != "digest-a" {
		t.Fatalf("another digest: changed %v, note %+v", changed, prev)
	}
	if prev, _ := g.changedSincePlan(b, "digest-b"); prev == nil || prev.Digest != "digest-a" {
		t.Fatal("a refused plan replaced the run's note")
	}
	g.forget()
	if _, changed := g.changedSincePlan(b, "digest-b"); changed {
		t.Fatal("a plan after the apply is taken for the applied one")
	}
	other := planNote{Digest: "digest-c", Terraform: os.Getppid(), Started: "1"}
	raw, err := json.Marshal(other)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(g.path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, changed := g.changedSincePlan(b, "digest-b"); changed {
		t.Fatal("another terraform process's note is taken for this run's")
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
	w, err := zw.Create("tfplan")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("...content_sha256\xd9\x403f1c...")); err != nil {
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
	if !zipHolds("tfplan", dir, "3f1c") || zipHolds("tfplan", dir, "9a07") {
		t.Fatal("zipHolds does not tell what the plan holds")
	}
	if processStart(os.Getpid()) == "" && processStart(1) != "" {
		t.Fatal("no start time for this process")
	}
}
