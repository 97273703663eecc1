package provider

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
)

// TestAccDataset_filesChangedBetweenPlanAndApply runs the provider as Terraform runs it (a
// binary started by the CLI, not the test's in-process server): a file edited between plan and
// apply fails with the provider's own *Dataset Changed Since Plan*, never Terraform's "Provider
// produced inconsistent final plan", and nothing is written; planning again loads the new file.
func TestAccDataset_filesChangedBetweenPlanAndApply(t *testing.T) {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || cli == "" {
		t.Skip("needs TF_ACC and TF_ACC_TERRAFORM_PATH")
	}
	rc := builtProvider(t)

	for _, tc := range []struct {
		name  string
		extra string // more configuration
		run   func(t *testing.T, tf func(args ...string) (string, error), data string) (string, error)
	}{
		{"saved plan", "", func(t *testing.T, tf func(args ...string) (string, error), data string) (string, error) {
			if out, err := tf("plan", "-out=tfplan"); err != nil {
				t.Fatalf("plan: %v\n%s", err, out)
			}
			writeData(t, filepath.Dir(data), "data.jsonl", "{\"pk\":\"a\",\"sk\":\"1\",\"v\":2}\n")
			return tf("apply", "tfplan")
		}},
		{"edited during the apply", `
resource "terraform_data" "edit" {
  provisioner "local-exec" {
    command = "printf '%s\n' '{\"pk\":\"b\",\"sk\":\"2\"}' >> data.jsonl"
  }
}
`, func(_ *testing.T, tf func(args ...string) (string, error), _ string) (string, error) {
			return tf("apply", "-auto-approve")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkChangedSincePlan(t, cli, rc, tc.extra, tc.run)
		})
	}

	// No false alarm: a later plan of other bytes, then the first plan applied to the bytes it
	// was made from.
	t.Run("saved plan of the same bytes after another plan", func(t *testing.T) {
		table := uniqueName(t)
		createTable(t, devstack.HashRange(table))
		dir := t.TempDir()
		writeData(t, dir, "data.jsonl", "{\"pk\":\"a\",\"sk\":\"1\",\"v\":1}\n")
		writeData(t, dir, "main.tf", testAccConfig(fmt.Sprintf(`
resource "ddbload_dataset" "test" {
  table_name = %q
  files      = ["${path.module}/data.jsonl"]
}
`, table)))
		tf := cliIn(cli, rc, dir)
		for _, step := range []func() (string, error){
			func() (string, error) { return tf("plan", "-out=first") },
			func() (string, error) {
				writeData(t, dir, "data.jsonl", "{\"pk\":\"a\",\"sk\":\"1\",\"v\":2}\n")
				return tf("plan")
			},
			func() (string, error) {
				writeData(t, dir, "data.jsonl", "{\"pk\":\"a\",\"sk\":\"1\",\"v\":1}\n")
				return tf("apply", "first")
			},
			func() (string, error) { return tf("destroy", "-auto-approve") },
		} {
			if out, err := step(); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
		}
	})
}

// cliIn runs the CLI in dir with the dev override of rc; flags go before a plan file.
func cliIn(cli, rc, dir string) func(args ...string) (string, error) {
	return func(args ...string) (string, error) {
		flags := []string{args[0], "-no-color"}
		if args[0] != "show" { // the one command here that reads no input
			flags = append(flags, "-input=false")
		}
		cmd := exec.Command(cli, append(flags, args[1:]...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
}

// checkChangedSincePlan runs one case of TestAccDataset_filesChangedBetweenPlanAndApply.
func checkChangedSincePlan(t *testing.T, cli, rc, extra string,
	run func(t *testing.T, tf func(args ...string) (string, error), data string) (string, error),
) {
	t.Helper()
	table := uniqueName(t)
	createTable(t, devstack.HashRange(table))
	dir := t.TempDir()
	data := writeData(t, dir, "data.jsonl", "{\"pk\":\"a\",\"sk\":\"1\",\"v\":1}\n")
	dependsOn := ""
	if extra != "" {
		dependsOn = "depends_on = [terraform_data.edit]"
	}
	writeData(t, dir, "main.tf", testAccConfig(fmt.Sprintf(`
resource "ddbload_dataset" "test" {
  table_name = %q
  files      = ["${path.module}/data.jsonl"]
  %s
}
`, table, dependsOn))+extra)
	tf := cliIn(cli, rc, dir)
	out, err := run(t, tf, data)
	if err == nil || !inOrder("Dataset Changed Since Plan", "Nothing was written").MatchString(out) ||
		strings.Contains(out, "inconsistent final plan") {
		t.Fatalf("apply after the files changed: %v\n%s", err, out)
	}
	if items := scanTable(t, table); len(items) != 0 {
		t.Fatalf("%d items written", len(items))
	}
	// Planning again takes the files as they are now.
	if out, err := tf("apply", "-auto-approve"); err != nil {
		t.Fatalf("apply after planning again: %v\n%s", err, out)
	}
	if items := scanTable(t, table); len(items) == 0 {
		t.Fatal("nothing loaded after planning again")
	}
	if out, err := tf("destroy", "-auto-approve"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
}

// raiseCapacityEnv names the table whose write capacity the test binary raises to 1,000 WCU/s
// when a local-exec runs it (with createEndpointEnv).
const raiseCapacityEnv = "DDBLOAD_TEST_RAISE_CAPACITY"

func raiseCapacityNow(table string) int {
	ctx := context.Background()
	c := devstack.NewClient(os.Getenv(createEndpointEnv))
	_, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String(table),
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(1000)}})
	for i := 0; err == nil && i < 300; i++ {
		var out *dynamodb.DescribeTableOutput
		out, err = c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
		if err == nil && out.Table.TableStatus == types.TableStatusActive &&
			aws.ToInt64(out.Table.ProvisionedThroughput.WriteCapacityUnits) == 1000 {
			return 0
		}
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Fprintln(os.Stderr, "raising the capacity:", err)
	return 1
}

// TestAccDataset_capacityRaisedInThisApply: the same apply raises the table's write capacity
// before the dataset loads, so the final plan sees another capacity than the plan; the
// estimates stay as planned (Terraform would otherwise fail with "Provider produced
// inconsistent final plan").
func TestAccDataset_capacityRaisedInThisApply(t *testing.T) {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || cli == "" {
		t.Skip("needs TF_ACC and TF_ACC_TERRAFORM_PATH")
	}
	rc := builtProvider(t)
	table := uniqueName(t)
	createTable(t, devstack.HashRange(table))
	dir := t.TempDir()
	var b strings.Builder
	for i := range 200 {
		fmt.Fprintf(&b, `{"pk":"k%d","sk":"s"}`+"\n", i)
	}
	writeData(t, dir, "data.jsonl", b.String())
	writeData(t, dir, "main.tf", testAccConfig(fmt.Sprintf(`
resource "terraform_data" "capacity" {
  provisioner "local-exec" {
    command     = %[2]q
    environment = { %[3]s = %[1]q, %[4]s = %[5]q }
  }
}

resource "ddbload_dataset" "test" {
  table_name = %[1]q
  files      = ["${path.module}/data.jsonl"]
  depends_on = [terraform_data.capacity]
}
`, table, os.Args[0], raiseCapacityEnv, createEndpointEnv, accEndpoint)))
	tf := cliIn(cli, rc, dir)
	if out, err := tf("apply", "-auto-approve"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if items := scanTable(t, table); len(items) != 200 {
		t.Fatalf("%d items loaded, want 200", len(items))
	}
	if out, err := tf("destroy", "-auto-approve"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
}

// builtProvider builds the provider into a temporary folder and returns a CLI configuration
// that overrides both registries' ddbload/ddbload with it.
func builtProvider(t *testing.T) string {
	t.Helper()
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-ddbload"), ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	writeData(t, bin, "cli.tfrc", fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/ddbload/ddbload" = %[1]q
    "registry.opentofu.org/ddbload/ddbload" = %[1]q
  }
  direct {}
}
`, bin))
	return filepath.Join(bin, "cli.tfrc")
}
