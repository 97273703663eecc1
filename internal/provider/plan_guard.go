package provider

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/converge"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
)

// Terraform plans a resource, then at apply plans it again and fails with "Provider produced
// inconsistent final plan" if a value known at plan time changed, as content_sha256 does when
// a file is edited in between. The provider cannot see the first plan from the second (they
// run in different provider processes and the protocol passes nothing between them), so it
// keeps a note on disk of the digest each plan computed, and the second plan, when it can tell
// it is one, fails with its own message instead. It can tell when the same terraform process
// made both (terraform apply, which plans then applies), or when its terraform process applies
// a saved plan that holds the noted digest (terraform apply PLANFILE). Linux only (/proc), and
// only for a provider Terraform started itself.

// planNote is what a plan of a dataset read.
type planNote struct {
	Files     string `json:"files"`  // hex SHA-256 of the files' bytes
	Digest    string `json:"digest"` // content_sha256 as planned
	Terraform int    `json:"terraform"`
	Started   string `json:"started"` // the terraform process's start time, against PID reuse
	// The plan's time estimates: the table's capacity they come from may change before the
	// final plan (the same apply raises it), which must not change them.
	LoadSeconds   noteInt `json:"load_seconds"`
	ChangeSeconds noteInt `json:"change_seconds"`
	// The plan's planned_changes: which items of changed blocks are in place comes from reading
	// the table, which may change before the final plan.
	Changes *converge.Changes `json:"changes,omitempty"`
}

// noteInt is a types.Int64 as a note keeps it: known or not, null or a value.
type noteInt struct {
	Known bool   `json:"known"`
	Value *int64 `json:"value"`
}

func noteOf(v types.Int64) noteInt {
	if v.IsUnknown() {
		return noteInt{}
	}
	if v.IsNull() {
		return noteInt{Known: true}
	}
	x := v.ValueInt64()
	return noteInt{Known: true, Value: &x}
}

// value is the noted value; ok is false when the plan did not know it.
func (n noteInt) value() (types.Int64, bool) {
	switch {
	case !n.Known:
		return types.Int64Unknown(), false
	case n.Value == nil:
		return types.Int64Null(), true
	}
	return types.Int64Value(*n.Value), true
}

// planGuard checks and notes the plans of one dataset configuration (shape).
type planGuard struct {
	path string
}

// newPlanGuard is nil unless Terraform started this provider process (so its parent is the
// terraform process), on Linux (where /proc tells a process's start time and arguments), with
// the validation cache on.
func newPlanGuard(table string, o loader.Options) *planGuard {
	if runtime.GOOS != "linux" || os.Getenv("TF_PLUGIN_MAGIC_COOKIE") == "" {
		return nil
	}
	c := validationCache()
	if c == nil {
		return nil
	}
	wd, _ := os.Getwd()
	shape, err := json.Marshal(struct {
		Dir, Table string
		Source     any
		Keys       any
		Duplicates loader.DuplicatePolicy
	}{wd, table, o.Source, o.Keys, o.Duplicates})
	if err != nil {
		return nil
	}
	sum := sha256.Sum256(shape)
	return &planGuard{path: filepath.Join(c.Dir, "plan-"+hex.EncodeToString(sum[:]))}
}

// changedSincePlan returns the note of this run's earlier plan, and whether that plan saw
// another content digest. An earlier plan is this run's when the same terraform process made
// it (terraform apply plans, then applies), or when this terraform process applies a saved
// plan that holds the noted digest. Unless this run planned already, it notes this plan (now).
func (g *planGuard) changedSincePlan(now planNote) (*planNote, bool) {
	ppid := os.Getppid()
	now.Terraform, now.Started = ppid, processStart(ppid)
	var prev planNote
	if b, err := os.ReadFile(g.path); err == nil && json.Unmarshal(b, &prev) == nil {
		sameProcess := prev.Started != "" && prev.Terraform == now.Terraform && prev.Started == now.Started
		switch {
		case prev.Digest != now.Digest && (sameProcess || savedPlanHolds(ppid, prev.Digest)):
			return &prev, true // the note stays: later checks of this run compare with the same plan
		case prev.Digest == now.Digest && sameProcess:
			return &prev, false // this run's final plan: the note says what the plan showed
		}
	}
	if now.Started == "" {
		return nil, false
	}
	if b, err := json.Marshal(now); err == nil && os.MkdirAll(filepath.Dir(g.path), 0o700) == nil {
		tmp := g.path + ".tmp"
		if os.WriteFile(tmp, b, 0o600) == nil {
			_ = os.Rename(tmp, g.path)
		}
	}
	return nil, false
}

// forget drops the note once the plan is applied, so that a later plan of the same terraform
// process (terraform test runs several) is not taken for this one.
func (g *planGuard) forget() { _ = os.Remove(g.path) }

// processStart is the start time of process pid as /proc gives it (clock ticks since boot), or
// "" where there is no /proc.
func processStart(pid int) string {
	b, err := os.ReadFile(procFile(pid, "stat"))
	if err != nil {
		return ""
	}
	// The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
	i := strings.LastIndexByte(string(b), ')')
	fields := strings.Fields(string(b[i+1:]))
	if i < 0 || len(fields) < 20 {
		return ""
	}
	return fields[19] // field 22 of the line: starttime
}

// savedPlanHolds tells whether process pid runs `terraform apply PLANFILE` (or tofu's) with a
// plan file (a zip archive, named after "apply", in its working directory) whose plan holds
// digest: then every plan in this process is that plan's final plan.
func savedPlanHolds(pid int, digest string) bool {
	b, err := os.ReadFile(procFile(pid, "cmdline"))
	if err != nil {
		return false
	}
	cwd, err := os.Readlink(procFile(pid, "cwd"))
	if err != nil {
		return false
	}
	args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	i := slices.Index(args, "apply")
	if i < 0 {
		return false
	}
	for _, arg := range args[i+1:] {
		if !strings.HasPrefix(arg, "-") && isZip(arg, cwd) && zipHolds(arg, cwd, digest) {
			return true
		}
	}
	return false
}

// zipHolds tells whether a member of the zip archive name holds text (plans store their
// values' strings as they are).
func zipHolds(name, dir, text string) bool {
	if !filepath.IsAbs(name) {
		name = filepath.Join(dir, name)
	}
	z, err := zip.OpenReader(name)
	if err != nil {
		return false
	}
	defer z.Close()
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(r, 1<<30))
		_ = r.Close()
		if err == nil && bytes.Contains(b, []byte(text)) {
			return true
		}
	}
	return false
}

// isZip tells whether name (relative to dir unless absolute) is a zip archive, as plan files are.
func isZip(name, dir string) bool {
	if !filepath.IsAbs(name) {
		name = filepath.Join(dir, name)
	}
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	magic := make([]byte, 4)
	_, err = io.ReadFull(f, magic)
	return err == nil && string(magic) == "PK\x03\x04"
}

// procFile is the path of a file of process pid under /proc.
func procFile(pid int, name string) string { return fmt.Sprintf("/proc/%d/%s", pid, name) }
