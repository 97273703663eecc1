package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/ddbload/terraform-provider-ddbload/internal/sim"
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
// same data and the same endpoint: the unlimited sink, so the overhead is not hidden behind
// throttling.
func (e *Env) Terraform(ctx context.Context, w io.Writer, sz Sizes) error {
	if e.TerraformCLI == "" {
		return fmt.Errorf("no Terraform CLI: pass -terraform")
	}
	d, err := e.dataset(sz.Terraform, Uniform)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp(e.WorkDir, "tf-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "bin")
	if err := run(ctx, e.Root, nil, "go", "build", "-o", filepath.Join(bin, "terraform-provider-ddbload"), "."); err != nil {
		return fmt.Errorf("building the provider: %w", err)
	}
	rc := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(rc, fmt.Appendf(nil, "provider_installation {\n  dev_overrides {\n    \"registry.terraform.io/ddbload/ddbload\" = %q\n  }\n  direct {}\n}\n", bin), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(tfConfig), 0o600); err != nil {
		return err
	}

	tables := map[string]sim.TableConfig{"engine": unlimited(), "terraform": unlimited()}
	srv, err := StartServer(sim.Config{Tables: tables})
	if err != nil {
		return err
	}
	defer srv.Close()

	engine, err := e.runLoad(ctx, LoadConfig{Loader: "ours", Endpoint: srv.Endpoint, Table: "engine", File: d.Path})
	if err != nil {
		return err
	}
	written := srv.Sim.Stats().ItemsWritten

	env := []string{"TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}
	start := time.Now()
	if err := run(ctx, dir, env, e.TerraformCLI, "apply", "-auto-approve", "-input=false", "-no-color",
		"-var", "endpoint="+srv.Endpoint, "-var", "table_name=terraform", "-var", "data_file="+d.Path); err != nil {
		return fmt.Errorf("terraform apply: %w", err)
	}
	tf := time.Since(start)
	if got := srv.Sim.Stats().ItemsWritten - written; got != int64(d.Items) {
		return fmt.Errorf("terraform apply wrote %d items; want %d", got, d.Items)
	}

	_, _ = fmt.Fprintf(w, "## 4. Terraform overhead (%d items, in-memory sink, no capacity limit)\n\n", d.Items)
	t := &table{header: []string{"run", "wall s", "items/s", "ratio"}}
	t.add("engine alone (ddbload-bench load: validate + load)", f1(engine.Wall.Seconds()), f0(float64(d.Items)/engine.Wall.Seconds()), "1.00")
	t.add("terraform apply (plan-time validation, apply: validate + load, state)", f1(tf.Seconds()), f0(float64(d.Items)/tf.Seconds()), f2(tf.Seconds()/engine.Wall.Seconds()))
	t.print(w)
	return nil
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
