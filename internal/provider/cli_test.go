package provider

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-plugin"
	goversion "github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// Some acceptance tests read what the CLI prints, which terraform-plugin-testing does not
// show: they run the CLI themselves, with the provider served from the test process.

// requireCLIWithActions returns the acceptance tests' CLI, skipping the test when it has no
// actions (OpenTofu, Terraform before 1.14) or when acceptance tests are not enabled.
func requireCLIWithActions(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		var err error
		if cli, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("set TF_ACC_TERRAFORM_PATH to the CLI to test")
		}
	}
	text, err := exec.Command(cli, "version").Output()
	if err != nil {
		t.Fatalf("%s version: %v", cli, err)
	}
	if strings.HasPrefix(string(text), "OpenTofu") {
		t.Skip("OpenTofu has no actions")
	}
	out, err := exec.Command(cli, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", cli, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v in %s", cli, err, out)
	}
	have, err := goversion.NewVersion(v.Version)
	if err != nil {
		t.Fatal(err)
	}
	if have.LessThan(goversion.Must(goversion.NewVersion("1.14.0"))) {
		t.Skipf("Terraform %s has no actions (1.14 or later)", v.Version)
	}
	return cli
}

// runCLI writes config to dir, runs `init` and then the CLI with args there, against the
// provider served by this process, and returns what the command printed. It fails the test if
// a command fails.
func runCLI(t *testing.T, cli, dir, config string, args ...string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TF_REATTACH_PROVIDERS="+serveProvider(t), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	run := func(args ...string) string {
		cmd := exec.Command(cli, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", filepath.Base(cli), strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("init", "-no-color", "-input=false")
	return run(args...)
}

// serveProvider serves the provider from this process until the test ends and returns the
// TF_REATTACH_PROVIDERS value that points the CLI at it.
func serveProvider(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	configs := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	served := make(chan error, 1)
	go func() {
		served <- tf6server.Serve("registry.terraform.io/ddbload/ddbload", providerserver.NewProtocol6(New("test")()),
			tf6server.WithDebug(ctx, configs, closed), tf6server.WithLoggingSink(t))
	}()
	var c *plugin.ReattachConfig
	select {
	case c = <-configs:
	case err := <-served:
		cancel()
		t.Fatalf("serving the provider: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		<-closed
	})
	reattach, err := json.Marshal(map[string]any{"registry.terraform.io/ddbload/ddbload": map[string]any{
		"Protocol": string(c.Protocol), "ProtocolVersion": c.ProtocolVersion, "Pid": c.Pid, "Test": c.Test,
		"Addr": map[string]string{"Network": c.Addr.Network(), "String": c.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return string(reattach)
}
