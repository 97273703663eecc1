package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/sim"
)

// tfConfig loads one file into one table through the provider. Only what the engine run
// also uses is set: everything else is the resource's defaults.
const tfConfig = `terraform {
  required_providers {
    ddbload = {
      source = "registry.terraform.io/ddbload/ddbload"
    }
  }
}

variable "endpoint" { type = string }
variable "table_name" { type = string }
variable "data_file" { type = string }

provider "ddbload" {
  region     = "us-east-1"
  endpoint   = var.endpoint
  access_key = "local"
  secret_key = "local"
}

resource "ddbload_dataset" "bench" {
  table_name = var.table_name
  files      = [var.data_file]
}
`

// Terraform is benchmark 4: a real `terraform apply` of a dataset (the provider built from
// this tree, through dev_overrides) against the engine alone (`ddbload-bench load`), on the
// same data and a fresh endpoint each: the unlimited sink, so the overhead is not hidden behind
// throttling. Then the size of the private state the apply left, and a small update: ten
// items of the dataset changed, planned and applied. sz.TerraformRounds rounds, each engine then
// Terraform, each with its own validation cache: the table shows the median and the range.
// Last, one apply into the simulated table of benchmark 1, timed against its physical limit:
// the whole wait a user sees when capacity sets the pace.
func (e *Env) Terraform(ctx context.Context, w io.Writer, sz Sizes) error {
	d, dir, bin, err := e.terraformSetup(ctx, sz, "tf-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var rounds []tfRound
	for i := range max(1, sz.TerraformRounds) {
		r, err := e.terraformRound(ctx, d, bin, filepath.Join(dir, fmt.Sprintf("round-%d", i)))
		if err != nil {
			return err
		}
		rounds = append(rounds, r)
	}

	_, _ = fmt.Fprintf(w, "## 4. Terraform overhead (%d items, in-memory sink, no capacity limit; %d rounds, median (range))\n\n", d.Items, len(rounds))
	t := &table{header: []string{"run", "wall s", "items/s", "ratio"}}
	col := func(v func(tfRound) float64, format func(float64) string) string {
		return medianRange(rounds, v, format)
	}
	t.add("engine alone (ddbload-bench load: validate + load)", col(func(r tfRound) float64 { return r.engine.Seconds() }, f1),
		col(func(r tfRound) float64 { return float64(d.Items) / r.engine.Seconds() }, f0), "1.00")
	t.add("terraform apply (plan-time validation, apply: validate + load, state)", col(func(r tfRound) float64 { return r.create.Seconds() }, f1),
		col(func(r tfRound) float64 { return float64(d.Items) / r.create.Seconds() }, f0), col(func(r tfRound) float64 { return r.create.Seconds() / r.engine.Seconds() }, f2))
	t.print(w)
	private := rounds[0].private
	_, _ = fmt.Fprintf(w, "\nPrivate state of the resource in terraform.tfstate: %.1f MB (%.1f bytes per item).\n\n", float64(private)/1e6, float64(private)/float64(d.Items))
	t = &table{header: []string{"update of " + strconv.Itoa(changedItems) + " items", "wall s"}}
	t.add("terraform plan -out", col(func(r tfRound) float64 { return r.plan.Seconds() }, f1))
	t.add("terraform apply of the saved plan", col(func(r tfRound) float64 { return r.apply.Seconds() }, f1))
	t.add("both", col(func(r tfRound) float64 { return (r.plan + r.apply).Seconds() }, f1))
	t.print(w)

	p := sz.Partitions
	wall, lim, err := e.terraformAtLimit(ctx, d, bin, filepath.Join(dir, "at-limit"), provisioned(p))
	if err != nil {
		return err
	}
	_, _ = fmt.Fprintf(w, "\nThe same apply into the simulated table of table 1 (%d partitions × %d WCU/s, table cap %d WCU/s), one run:\n\n", p, partitionWCU, p*partitionWCU)
	t = &table{header: []string{"run", "items", "T_phys s", "wall s", "wall ÷ T_phys"}}
	t.add("terraform apply -auto-approve (plan, validation, load, state)", fmt.Sprint(d.Items), f1(lim.TPhys.Seconds()), f1(wall.Seconds()), f2(wall.Seconds()/lim.TPhys.Seconds()))
	t.print(w)
	return nil
}

// terraformAtLimit times one `terraform apply -auto-approve` of d into a fresh simulator
// table tc: what a user waits for against a table whose capacity, not the engine, sets the
// pace. The limit is computed from what the simulator admitted.
func (e *Env) terraformAtLimit(ctx context.Context, d *Dataset, bin, dir string, tc sim.TableConfig) (time.Duration, Limit, error) {
	env, err := tfWorkdir(dir, bin)
	if err != nil {
		return 0, Limit{}, err
	}
	srv, err := StartServer(sim.Config{Tables: map[string]sim.TableConfig{benchTable: tc}})
	if err != nil {
		return 0, Limit{}, err
	}
	defer srv.Close()
	start := time.Now()
	err = run(ctx, dir, env, e.TerraformCLI, "apply", "-auto-approve", "-input=false", "-no-color",
		"-var", "endpoint="+srv.Endpoint, "-var", "table_name="+benchTable, "-var", "data_file="+d.Path)
	wall := time.Since(start)
	if err != nil {
		return 0, Limit{}, fmt.Errorf("terraform apply at the table's limit: %w", err)
	}
	if n := srv.Sim.Stats().ItemsWritten; n < int64(d.Items) {
		return 0, Limit{}, fmt.Errorf("terraform apply at the table's limit wrote %d items; want %d", n, d.Items)
	}
	return wall, PhysicalLimit(srv.Sim.Timeline(), benchTable, partitionWCU, tc.TableWCU), nil
}

// tfWorkdir writes a Terraform working directory for tfConfig into dir, with a CLI
// configuration that takes the provider from bin, and returns the environment to run
// Terraform there with a validation cache of the directory's own.
func tfWorkdir(dir, bin string) ([]string, error) { return tfWorkdirWith(dir, bin, tfConfig) }

// tfWorkdirWith is tfWorkdir with another configuration.
func tfWorkdirWith(dir, bin, config string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	rc := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(rc, fmt.Appendf(nil, "provider_installation {\n  dev_overrides {\n    \"registry.terraform.io/ddbload/ddbload\" = %q\n  }\n  direct {}\n}\n", bin), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		return nil, err
	}
	return []string{"TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "DDBLOAD_VALIDATION_CACHE=" + filepath.Join(dir, "cache")}, nil
}

// changedItems is how many items the update of benchmark 4 changes.
const changedItems = 10

// tfRound is one round of benchmark 4.
type tfRound struct {
	engine, create, plan, apply time.Duration
	private                     int // bytes of private state in terraform.tfstate
}

// terraformRound runs the engine, then Terraform's create and update, in dir, each against a
// fresh simulator.
func (e *Env) terraformRound(ctx context.Context, d *Dataset, bin, dir string) (tfRound, error) {
	var r tfRound
	// A cache of the round's own: an earlier round's entries would spare this one's plan the
	// validation the engine does.
	env, err := tfWorkdir(dir, bin)
	if err != nil {
		return r, err
	}

	// A simulator each, in this process: Terraform's against one that still held the engine's
	// million items would pay for that heap in the collector's time on the shared cores.
	engineSrv, err := StartServer(sim.Config{Tables: map[string]sim.TableConfig{"engine": unlimited()}})
	if err != nil {
		return r, err
	}
	engine, err := e.runLoad(ctx, LoadConfig{Loader: "ours", Endpoint: engineSrv.Endpoint, Table: "engine", File: d.Path})
	if cerr := engineSrv.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return r, err
	}
	r.engine = engine.Wall
	runtime.GC() // the engine's items go before Terraform's run starts

	srv, err := StartServer(sim.Config{Tables: map[string]sim.TableConfig{"terraform": unlimited()}})
	if err != nil {
		return r, err
	}
	defer srv.Close()

	// The dataset is copied, so the update below edits the copy, not the cached dataset.
	data := filepath.Join(dir, "data.jsonl")
	if err := copyFile(d.Path, data); err != nil {
		return r, err
	}
	vars := []string{"-input=false", "-no-color", "-var", "endpoint=" + srv.Endpoint, "-var", "table_name=terraform", "-var", "data_file=" + data}
	tf := func(args ...string) (time.Duration, int64, error) {
		before := srv.Sim.Stats().ItemsWritten
		start := time.Now()
		err := run(ctx, dir, env, e.TerraformCLI, args...)
		return time.Since(start), srv.Sim.Stats().ItemsWritten - before, err
	}

	create, written, err := tf(append([]string{"apply", "-auto-approve"}, vars...)...)
	if err != nil {
		return r, fmt.Errorf("terraform apply: %w", err)
	}
	if written != int64(d.Items) {
		return r, fmt.Errorf("terraform apply wrote %d items; want %d", written, d.Items)
	}
	r.create = create
	if r.private, err = privateStateBytes(filepath.Join(dir, "terraform.tfstate")); err != nil {
		return r, err
	}

	if err := changeLines(data, changedItems); err != nil {
		return r, err
	}
	if r.plan, _, err = tf(append([]string{"plan", "-out=update.tfplan"}, vars...)...); err != nil {
		return r, fmt.Errorf("terraform plan of the update: %w", err)
	}
	// A saved plan takes no variables: they are in it.
	if r.apply, written, err = tf("apply", "-input=false", "-no-color", "update.tfplan"); err != nil {
		return r, fmt.Errorf("terraform apply of the update: %w", err)
	}
	if written != changedItems {
		return r, fmt.Errorf("the update wrote %d items; want %d", written, changedItems)
	}
	return r, nil
}

// medianRange formats the median of v over rounds and, for several rounds, its range.
func medianRange(rounds []tfRound, v func(tfRound) float64, format func(float64) string) string {
	vals := make([]float64, len(rounds))
	for i, r := range rounds {
		vals[i] = v(r)
	}
	slices.Sort(vals)
	mid := format(vals[len(vals)/2])
	if len(vals) == 1 {
		return mid
	}
	return fmt.Sprintf("%s (%s–%s)", mid, format(vals[0]), format(vals[len(vals)-1]))
}

// privateStateBytes is the length of the private data Terraform stores for the state's
// resource instances, as it is in the file (base64).
func privateStateBytes(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	var st struct {
		Resources []struct {
			Instances []struct {
				Private string `json:"private"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return 0, fmt.Errorf("reading %s: %w", path, err)
	}
	n := 0
	for _, r := range st.Resources {
		for _, i := range r.Instances {
			n += len(i.Private)
		}
	}
	return n, nil
}

// changeLines changes the value of "qty" in n lines spread over the file.
func changeLines(path string, n int) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	lines := bytes.Split(b, []byte("\n"))
	step := max(1, len(lines)/n)
	done := 0
	for i := 0; i < len(lines) && done < n; i += step {
		if j := bytes.Index(lines[i], []byte(`"qty":`)); j >= 0 {
			lines[i] = append(lines[i][:j:j], append([]byte(`"qty":99999,"was_qty":`), lines[i][j+len(`"qty":`):]...)...)
			done++
		}
	}
	if done != n {
		return fmt.Errorf("changed %d lines of %s, want %d", done, path, n)
	}
	return os.WriteFile(path, bytes.Join(lines, []byte("\n")), 0o600)
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o600)
}

// run runs a command, keeping its output for the error.
func run(ctx context.Context, dir string, env []string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%w\n%s", err, tail(out.Bytes()))
	}
	return nil
}

// terraformSetup is what the Terraform suites share: the dataset of sz.Terraform uniform
// items, a work folder (the caller removes it) and the provider built from this tree into its
// bin folder, for dev_overrides.
func (e *Env) terraformSetup(ctx context.Context, sz Sizes, prefix string) (d *Dataset, dir, bin string, err error) {
	if e.TerraformCLI == "" {
		return nil, "", "", fmt.Errorf("no Terraform CLI: pass -terraform")
	}
	if d, err = e.dataset(sz.Terraform, Uniform); err != nil {
		return nil, "", "", err
	}
	if dir, err = os.MkdirTemp(e.WorkDir, prefix); err != nil {
		return nil, "", "", err
	}
	bin = filepath.Join(dir, "bin")
	if err := run(ctx, e.Root, nil, "go", "build", "-o", filepath.Join(bin, "terraform-provider-ddbload"), "."); err != nil {
		_ = os.RemoveAll(dir)
		return nil, "", "", fmt.Errorf("building the provider: %w", err)
	}
	return d, dir, bin, nil
}
