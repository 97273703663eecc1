package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
)

// The bulk put runs at its least rate (1,024 WCU/s in the simulator) over interruptItems
// items of one WCU each, so an operation takes about five seconds: long enough to stop it
// while it runs, whatever the machine's speed, since the simulator's clock paces it.
const slowBulkPut = "max_write_units_per_second = 1024"

var bulkInterrupted = inOrder("Load Interrupted", "was cancelled because", "terraform destroy deletes them")

// TestAccDataset_bulkPutInterrupted: a bulk put stopped by the apply's timeout is cancelled;
// destroy then leaves nothing of the dataset, and an apply instead converges to exactly it
// through a new operation.
func TestAccDataset_bulkPutInterrupted(t *testing.T) {
	b := startAccBulk(t)
	for _, next := range []string{"destroy", "apply"} {
		t.Run("then "+next, func(t *testing.T) {
			table := uniqueName(t)
			file, keys := versioned(t, t.TempDir(), "v1", interruptItems)
			steps := []resource.TestStep{{
				Config:      bulkDatasetConfig(b, table, file, slowBulkPut+"\n  timeouts = { create = \"3s\" }"),
				ExpectError: bulkInterrupted,
			}}
			if next == "apply" {
				steps = append(steps, resource.TestStep{
					Config: bulkDatasetConfig(b, table, file, slowBulkPut),
					Check:  exactly(table, keys),
				})
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				PreCheck:                 func() { createTable(t, devstack.HashRange(table)) },
				CheckDestroy:             expectItems(table, nil, nil),
				Steps:                    steps,
			})
		})
	}
}

// TestAccDataset_bulkPutProviderKilled: the provider is killed (SIGKILL) while its bulk put
// runs, so Terraform records nothing; the next apply finds the running operation by its
// client token and follows it instead of staging and starting a second one. The table then
// holds exactly the dataset, and destroy deletes it.
func TestAccDataset_bulkPutProviderKilled(t *testing.T) {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || cli == "" {
		t.Skip("needs TF_ACC and TF_ACC_TERRAFORM_PATH")
	}
	b := startAccBulk(t)
	rc := builtProvider(t)
	providerBin := filepath.Join(filepath.Dir(rc), "terraform-provider-ddbload")
	table := uniqueName(t)
	createTable(t, devstack.HashRange(table))
	dir := t.TempDir()
	file, keys := versioned(t, dir, "v1", interruptItems)
	writeData(t, dir, "main.tf", bulkDatasetConfig(b, table, file, slowBulkPut))
	tf := cliIn(cli, rc, dir)
	sim := devstack.NewClient(b.endpoint)

	apply := exec.Command(cli, "apply", "-auto-approve", "-input=false", "-no-color")
	apply.Dir = dir
	apply.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	out, err := os.Create(filepath.Join(dir, "apply.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	apply.Stdout, apply.Stderr = out, out
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	go func() { ended <- apply.Wait() }()
	first, err := waitForBulkOperation(sim, ended)
	if err != nil {
		_ = apply.Process.Kill()
		log, _ := os.ReadFile(out.Name())
		t.Fatalf("%v\n%s", err, log)
	}
	if err := killProcessesOf(providerBin); err != nil {
		t.Fatal(err)
	}
	if err := <-ended; err == nil {
		log, _ := os.ReadFile(out.Name())
		t.Fatalf("the apply whose provider was killed succeeded:\n%s", log)
	}

	if log, err := tf("apply", "-auto-approve"); err != nil {
		t.Fatalf("apply after the crash: %v\n%s", err, log)
	}
	ops, err := sim.ListBulkOperations(context.Background(), &dynamodb.ListBulkOperationsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ops.BulkOperationsSummaryList) != 1 {
		t.Fatalf("%d bulk operations after the second apply, want the first one only", len(ops.BulkOperationsSummaryList))
	}
	show, err := tf("show", "-json")
	if err != nil {
		t.Fatalf("show: %v\n%s", err, show)
	}
	if arn := lastLoadARN(t, show); arn != first {
		t.Fatalf("last_load.bulk_operation_arn = %q, want the operation the killed apply started, %q", arn, first)
	}
	if err := exactly(table, keys)(nil); err != nil {
		t.Fatal(err)
	}
	if log, err := tf("destroy", "-auto-approve"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, log)
	}
	if err := expectItems(table, nil, nil)(nil); err != nil {
		t.Fatal(err)
	}
}

// waitForBulkOperation waits, until the apply has ended, for a bulk operation in progress on
// the simulator and returns its ARN.
func waitForBulkOperation(sim *dynamodb.Client, ended <-chan error) (string, error) {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		ops, err := sim.ListBulkOperations(context.Background(), &dynamodb.ListBulkOperationsInput{})
		if err != nil {
			return "", err
		}
		if n := len(ops.BulkOperationsSummaryList); n > 0 {
			op := ops.BulkOperationsSummaryList[0]
			if n > 1 || op.BulkOperationStatus != types.BulkOperationStatusInProgress {
				return "", fmt.Errorf("%d bulk operations, the first %s, before the provider could be killed", n, op.BulkOperationStatus)
			}
			return *op.BulkOperationArn, nil
		}
		select {
		case err := <-ended:
			return "", fmt.Errorf("terraform apply ended (%w) before a bulk operation started", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	return "", errors.New("no bulk operation started within 2 minutes")
}

// killProcessesOf sends SIGKILL to every process running the executable bin.
func killProcessesOf(bin string) error {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return err
	}
	killed := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if exe, err := os.Readlink("/proc/" + e.Name() + "/exe"); err == nil && exe == bin {
			if err := syscall.Kill(pid, syscall.SIGKILL); err == nil {
				killed++
			}
		}
	}
	if killed == 0 {
		return fmt.Errorf("no process of %s to kill", bin)
	}
	return nil
}

// lastLoadARN reads ddbload_dataset.test's last_load.bulk_operation_arn from `show -json`.
func lastLoadARN(t *testing.T, show string) string {
	t.Helper()
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string `json:"address"`
					Values  struct {
						LastLoad struct {
							ARN string `json:"bulk_operation_arn"`
						} `json:"last_load"`
					} `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(regexp.MustCompile(`(?s)\{.*\}`).FindString(show)), &doc); err != nil {
		t.Fatalf("show -json: %v\n%s", err, show)
	}
	for _, r := range doc.Values.RootModule.Resources {
		if r.Address == "ddbload_dataset.test" {
			return r.Values.LastLoad.ARN
		}
	}
	t.Fatalf("no ddbload_dataset.test in\n%s", show)
	return ""
}
