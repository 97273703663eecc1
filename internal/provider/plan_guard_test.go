package provider

import (
	"archive/zip"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/converge"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
)

// TestPlanGuard: within one terraform process (here: this test's parent), a plan of another
// digest than the note's is a change; the same digest is not, and the note stays the first
// plan's until the plan is applied. A note of another terraform process is not this run's.
func TestPlanGuard(t *testing.T) {
	t.Parallel()
	if processStart(os.Getppid()) == "" {
		if runtime.GOOS == "linux" {
			t.Fatal("no start time for this process's parent: /proc is not mounted, and the guard needs it")
		}
		// Elsewhere the guard is off, and must say so.
		if g := newPlanGuard("t", loader.Options{}); g != nil {
			t.Fatal("the guard is on without /proc")
		}
		return
	}
	g := &planGuard{path: filepath.Join(t.TempDir(), "plan-x")}
	seven := types.Int64Value(7)
	planned := converge.Changes{Write: 11, Delete: 5, Unchanged: 49984, WriteUnits: 16}
	if prev, changed := g.changedSincePlan(planNote{Files: "a", Digest: "digest-a", LoadSeconds: noteOf(seven), Changes: &planned}); prev != nil || changed {
		t.Fatal("the first plan found a note")
	}
	prev, changed := g.changedSincePlan(planNote{Files: "b", Digest: "digest-a", LoadSeconds: noteOf(types.Int64Value(9)),
		Changes: &converge.Changes{Write: 12, Unchanged: 49983, WriteUnits: 12}})
	if changed || prev == nil {
		t.Fatal("the final plan of the same content is a change, or finds no note")
	}
	if v, ok := prev.LoadSeconds.value(); !ok || !v.Equal(seven) {
		t.Fatalf("the final plan's estimate %v, want the plan's 7", v)
	}
	if prev.Changes == nil || *prev.Changes != planned {
		t.Fatalf("the final plan's changes %+v, want the plan's %+v", prev.Changes, planned)
	}
	prev, changed = g.changedSincePlan(planNote{Files: "b", Digest: "digest-b"})
	if !changed || prev.Digest != "digest-a" {
		t.Fatalf("another digest: changed %v, note %+v", changed, prev)
	}
	if prev, _ := g.changedSincePlan(planNote{Files: "b", Digest: "digest-b"}); prev == nil || prev.Digest != "digest-a" {
		t.Fatal("a refused plan replaced the run's note")
	}
	g.forget()
	if prev, changed := g.changedSincePlan(planNote{Files: "b", Digest: "digest-b"}); changed || prev != nil {
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
	if prev, changed := g.changedSincePlan(planNote{Files: "b", Digest: "digest-b"}); changed || prev != nil {
		t.Fatal("another terraform process's note is taken for this run's")
	}
	for _, v := range []types.Int64{types.Int64Null(), types.Int64Value(0), types.Int64Value(42)} {
		if got, ok := noteOf(v).value(); !ok || !got.Equal(v) {
			t.Errorf("noteOf(%v).value() = %v, %v", v, got, ok)
		}
	}
	if _, ok := noteOf(types.Int64Unknown()).value(); ok {
		t.Error("an unknown estimate reads back as known")
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
