package provider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
)

// Acceptance tests (TF_ACC=1) run real Terraform or OpenTofu (TF_ACC_TERRAFORM_PATH) against a
// local server that TestMain starts on 127.0.0.1 and always stops: dynalite, or AWS's DynamoDB
// Local when accServerEnv says so. accServer names the one running, for the tests that need a
// behaviour only one of them has (see skipUnlessServer).
var (
	accServer   string
	accEndpoint string
	accClient   *dynamodb.Client
)

// accServerEnv picks the acceptance tests' server by its devstack name; unset means dynalite.
const accServerEnv = "DDBLOAD_ACC_SERVER"

var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"ddbload": providerserver.NewProtocol6WithError(New("test")()),
}

func TestMain(m *testing.M) {
	// The test binary as a local-exec command: see tableInThisApply and capacityRaisedInThisApply.
	if name := os.Getenv(createTableEnv); name != "" {
		os.Exit(createTableNow(name))
	}
	if name := os.Getenv(raiseCapacityEnv); name != "" {
		os.Exit(raiseCapacityNow(name))
	}
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run()
	}
	// The configurations below name the provider by its full address, which works under
	// Terraform and OpenTofu alike once the test framework reattaches it there.
	if os.Getenv("TF_ACC_PROVIDER_NAMESPACE") == "" {
		_ = os.Setenv("TF_ACC_PROVIDER_NAMESPACE", "ddbload")
	}
	// A CLI configuration file that does not exist makes OpenTofu 1.12 print a warning on
	// standard output before its version, where the test framework reads the version; the
	// tests need no CLI configuration of the machine's.
	if f := os.Getenv("TF_CLI_CONFIG_FILE"); f != "" {
		if _, err := os.Stat(f); err != nil {
			fmt.Fprintf(os.Stderr, "acceptance tests: ignoring TF_CLI_CONFIG_FILE=%s (%v)\n", f, err)
			_ = os.Unsetenv("TF_CLI_CONFIG_FILE")
		}
	}
	name := os.Getenv(accServerEnv)
	if name == "" {
		name = devstack.DynaliteName
	}
	d, err := devstack.Start(context.Background(), name, devstack.Options{Log: os.Stderr})
	if err != nil {
		fmt.Fprintf(os.Stderr, "acceptance tests need %s (%s=%s): %v\n", name, accServerEnv, name, err)
		return 1
	}
	defer d.Stop()
	accServer, accEndpoint, accClient = d.Name, d.Endpoint, d.Client()
	fmt.Fprintf(os.Stderr, "acceptance tests: %s against %s at %s\n", cliVersion(), accServer, accEndpoint)
	return m.Run()
}

// cliVersion names the CLI the acceptance tests run, so the test output shows it.
func cliVersion() string {
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		return "the Terraform CLI found by terraform-plugin-testing"
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		return fmt.Sprintf("%s (version unknown: %v)", bin, err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return fmt.Sprintf("%s (%s)", first, bin)
}

// skipUnlessServer skips an acceptance test that relies on a behaviour only the named local
// server has, naming the server running and the behaviour, so the summary lists it.
func skipUnlessServer(t *testing.T, server, behaviour string) {
	t.Helper()
	// Without TF_ACC no server runs, and the test framework skips the test itself, saying why.
	if accServer != "" && accServer != server {
		t.Skipf("needs %s, which %s; this run is against %s", server, behaviour, accServer)
	}
}

// testAccConfig prefixes a test configuration with the provider pointed at the local server.
func testAccConfig(body string) string {
	return testAccProviderBlock(fmt.Sprintf(`
  region     = %q
  endpoint   = %q
  access_key = %q
  secret_key = %q
`, devstack.Region, accEndpoint, devstack.AccessKeyID, devstack.SecretAccessKey)) + body
}

// testAccProviderBlock is the terraform and provider blocks with the given provider settings.
func testAccProviderBlock(settings string) string {
	return `
terraform {
  required_providers {
    ddbload = {
      source = "registry.terraform.io/ddbload/ddbload"
    }
  }
}

provider "ddbload" {` + settings + `}
`
}

// createTable makes a table on the local server for one test and deletes it when the test ends.
func createTable(t *testing.T, spec devstack.TableSpec) {
	t.Helper()
	ctx := context.Background()
	if err := devstack.CreateTable(ctx, accClient, spec); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := devstack.DeleteTable(ctx, accClient, spec.Name); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
}

// uniqueName returns a table name unique to the test.
func uniqueName(t *testing.T) string {
	return strings.ReplaceAll(strings.ToLower(t.Name()), "/", "-")
}
