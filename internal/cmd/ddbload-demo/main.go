// Command ddbload-demo is `make demo`: it starts dynalite on 127.0.0.1, creates a local table,
// builds the provider, runs a real `terraform apply` of examples/demo against the table, shows
// the result and stops everything it started.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/ddbload/terraform-provider-ddbload/internal/devstack"
)

const tableName = "demo-orders"

func main() {
	terraform := flag.String("terraform", "terraform", "Terraform (or OpenTofu) CLI to run")
	workdir := flag.String("workdir", ".demo", "scratch folder for the build, CLI config and state (recreated)")
	flag.Parse()

	if err := runInterruptible(*terraform, *workdir); err != nil {
		fmt.Fprintf(os.Stderr, "demo: %v\n", err)
		os.Exit(1)
	}
}

// runInterruptible runs the demo; Ctrl-C stops it and still stops dynalite.
func runInterruptible(terraform, workdir string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, terraform, workdir)
}

func run(ctx context.Context, terraform, workdir string) error {
	root, err := devstack.RepoRoot()
	if err != nil {
		return err
	}
	if workdir, err = filepath.Abs(workdir); err != nil {
		return err
	}
	if err := os.RemoveAll(workdir); err != nil {
		return err
	}
	bin, work := filepath.Join(workdir, "bin"), filepath.Join(workdir, "work")
	for _, d := range []string{bin, work} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}

	step("Building the provider")
	if err := command(ctx, root, nil, "go", "build", "-o", filepath.Join(bin, "terraform-provider-ddbload"), ".").Run(); err != nil {
		return fmt.Errorf("building the provider: %w", err)
	}

	step("Starting dynalite on 127.0.0.1")
	d, err := devstack.StartDynalite(ctx, devstack.Options{Log: os.Stderr})
	if err != nil {
		return err
	}
	defer d.Stop()
	fmt.Println("  endpoint:", d.Endpoint)

	step("Creating table " + tableName + " (pk S, sk S; GSIs by_status and by_owner; 100 RCU / 50 WCU)")
	spec := devstack.WithGSIs(tableName)
	spec.ReadUnits, spec.WriteUnits = 100, 50
	if err := devstack.CreateTable(ctx, d.Client(), spec); err != nil {
		return err
	}

	cliConfig := filepath.Join(workdir, "terraformrc")
	if err := os.WriteFile(cliConfig, []byte(devOverrides(bin)), 0o600); err != nil {
		return err
	}
	if err := copyTF(filepath.Join(root, "examples", "demo"), work); err != nil {
		return err
	}
	env := []string{"TF_CLI_CONFIG_FILE=" + cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}

	step("terraform apply (examples/demo, provider from the local build through dev_overrides)")
	apply := command(ctx, work, env, terraform, "apply", "-auto-approve", "-input=false", "-no-color",
		"-var", "endpoint="+d.Endpoint, "-var", "table_name="+tableName)
	if err := apply.Run(); err != nil {
		return fmt.Errorf("terraform apply: %w", err)
	}
	step("Done. dynalite stops now; the configuration is in examples/demo, the run in " + workdir)
	return nil
}

func step(s string) { fmt.Printf("\n==> %s\n", s) }

func command(ctx context.Context, dir string, env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd
}

// devOverrides is a CLI configuration that makes Terraform and OpenTofu use the local build.
func devOverrides(bin string) string {
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/ddbload/ddbload" = %q
  }
  direct {}
}
`, bin)
}

func copyTF(from, to string) error {
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	n := 0
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o600); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return errors.New("no .tf files in " + from)
	}
	return nil
}
