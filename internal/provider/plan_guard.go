package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
)

// Terraform plans a resource, then at apply plans it again and fails with "Provider produced
// inconsistent final plan" if a value known at plan time changed, as content_sha256 does when
// a file is edited in between. The provider cannot see the first plan from the second (they
// run in different provider processes and the protocol passes nothing between them), so it
// keeps a note on disk of the files each plan read, and the second plan, when it can tell it is
// one, fails with its own message instead. It can tell when the same terraform process made
// both (terraform apply, which plans then applies), and, on Linux, when its terraform process
// applies a saved plan (terraform apply PLANFILE). Only for a provider Terraform started itself.

// planNote is what a plan of a dataset read.
type planNote struct {
	Files     string `json:"files"`  // hex SHA-256 of the files' bytes
	Digest    string `json:"digest"` // content_sha256 as planned
	Terraform int    `json:"terraform"`
	Started   string `json:"started"` // the terraform process's start time, against PID reuse
}

// planGuard checks and notes the plans of one dataset configuration (shape).
type planGuard struct {
	path string
}

// newPlanGuard is nil unless Terraform started this provider process (so its parent is the
// terraform process) and the validation cache is on.
func newPlanGuard(table string, o loader.Options) *planGuard {
	c := validationCache()
	if c == nil || os.Getenv("TF_PLUGIN_MAGIC_COOKIE") == "" {
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
	return &planGuard{path: filepath.Join(filepath.Dir(c.Dir), "plans", hex.EncodeToString(sum[:]))}
}

// changedSincePlan returns the note of this run's earlier plan if that plan read other bytes
// than files; then notes this plan.
func (g *planGuard) changedSincePlan(files [sha256.Size]byte, digest string) (*planNote, bool) {
	now := planNote{Files: hex.EncodeToString(files[:]), Digest: digest, Terraform: os.Getppid(), Started: processStart(os.Getppid())}
	var prev planNote
	b, err := os.ReadFile(g.path)
	seen := err == nil && json.Unmarshal(b, &prev) == nil
	sameRun := seen && ((prev.Terraform == now.Terraform && prev.Started == now.Started) || applyingSavedPlan(now.Terraform))
	if sameRun && prev.Files != now.Files {
		return &prev, true // keep the note: the run's own plan is what later checks compare with
	}
	if b, err := json.Marshal(now); err == nil && os.MkdirAll(filepath.Dir(g.path), 0o700) == nil {
		_ = os.WriteFile(g.path, b, 0o600)
	}
	return nil, false
}

// processStart is the start time of process pid as /proc gives it (clock ticks since boot), or
// "" where there is no /proc.
func processStart(pid int) string {
	b, err := os.ReadFile(filepath.Join("/proc", itoa(pid), "stat"))
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

// applyingSavedPlan tells whether process pid runs `terraform apply PLANFILE` (or tofu's),
// where every plan is the final plan of the saved one: an argument after "apply" names a plan
// file (a zip archive) in its working directory. Linux only.
func applyingSavedPlan(pid int) bool {
	if runtime.GOOS != "linux" {
		return false
	}
	proc := filepath.Join("/proc", itoa(pid))
	b, err := os.ReadFile(filepath.Join(proc, "cmdline"))
	if err != nil {
		return false
	}
	cwd, err := os.Readlink(filepath.Join(proc, "cwd"))
	if err != nil {
		return false
	}
	args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	for i, a := range args {
		if a != "apply" {
			continue
		}
		for _, arg := range args[i+1:] {
			if !strings.HasPrefix(arg, "-") && isZip(arg, cwd) {
				return true
			}
		}
		return false
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

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
