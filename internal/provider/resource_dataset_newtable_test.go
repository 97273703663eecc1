package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
)

// The quickstart's situation: the table is created in the same apply as the dataset, and its
// name is known only then. Here a terraform_data resource stands for aws_dynamodb_table: its
// output (unknown at plan) is the table name, and its local-exec provisioner creates the table
// on dynalite by running this test binary with createTableEnv set.
const (
	createTableEnv    = "DDBLOAD_TEST_CREATE_TABLE"
	createEndpointEnv = "DDBLOAD_TEST_ENDPOINT"
)

// createTableNow is what the test binary does when run by the provisioner.
func createTableNow(name string) int {
	if err := devstack.CreateTable(context.Background(), devstack.NewClient(os.Getenv(createEndpointEnv)), devstack.HashRange(name)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// tableInThisApply is a configuration whose dataset loads into a table created in the same
// apply, under a name unknown at plan; the table is deleted when the test ends.
func tableInThisApply(t *testing.T, table, file, extra string) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("Acceptance tests skipped unless env 'TF_ACC' set")
	}
	t.Cleanup(func() { _ = devstack.DeleteTable(context.Background(), accClient, table) })
	return testAccConfig(fmt.Sprintf(`
resource "terraform_data" "table" {
  input = %[1]q
  provisioner "local-exec" {
    command     = %[2]q
    environment = { %[3]s = %[1]q, %[4]s = %[5]q }
  }
}

resource "ddbload_dataset" "test" {
  table_name = terraform_data.table.output
  files      = [%[6]q]
  %[7]s
}
`, table, os.Args[0], createTableEnv, createEndpointEnv, accEndpoint, file, extra))
}

const declaredHashRange = `key_schema = {
    hash_key  = "pk"
    range_key = "sk"
  }`

// TestAccDataset_tableInThisApplyPlanChecks: without the key schema the plan still refuses a
// malformed line and an item over 400 KB (all of them at once); with it, a duplicate key too.
// Nothing is created.
func TestAccDataset_tableInThisApplyPlanChecks(t *testing.T) {
	table := uniqueName(t)
	dir := t.TempDir()
	malformed := writeData(t, dir, "malformed.jsonl", `{"pk":"a","sk":"1"}
{"pk":"b","sk":
{"pk":"c","sk":"3","blob":"`+strings.Repeat("x", 410*1024)+`"}
`)
	dup := writeData(t, dir, "dup.jsonl", `{"pk":"a","sk":"1"}
{"pk":"a","sk":"1"}
`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      tableInThisApply(t, table, malformed, ""),
				ExpectError: inOrder("Invalid Dataset", "malformed.jsonl:2", "malformed.jsonl:3:", "400 KB", "Nothing was written"),
			},
			{
				Config:      tableInThisApply(t, table, malformed, declaredHashRange),
				ExpectError: inOrder("Invalid Dataset", "malformed.jsonl:2", "malformed.jsonl:3:"),
			},
			{
				Config:      tableInThisApply(t, table, dup, declaredHashRange),
				ExpectError: regexp.MustCompile(`(?s)Invalid Dataset.*dup\.jsonl:2.*dup\.jsonl:1`),
			},
		},
	})
	if _, err := accClient.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(table)}); err == nil {
		t.Fatal("a failed plan created the table")
	}
}

// TestAccDataset_tableInThisApplyDeclared: with key_schema the plan shows the item count and
// digest although the table does not exist; the apply creates the table, then loads exactly
// the dataset. A declaration that does not match the table fails before anything is written.
func TestAccDataset_tableInThisApplyDeclared(t *testing.T) {
	dir := t.TempDir()
	file := writeData(t, dir, "orders.jsonl", `{"pk":"a","sk":"1","v":1}
{"pk":"a","sk":"2","v":2}
{"pk":"b","sk":"1","v":3}
`)
	table := uniqueName(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             expectItems(table, nil, nil),
		Steps: []resource.TestStep{{
			Config: tableInThisApply(t, table, file, declaredHashRange),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("item_count"), knownvalue.Int64Exact(3)),
				plancheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("content_sha256"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
				plancheck.ExpectUnknownValue("ddbload_dataset.test", tfjsonpath.New("table_name")),
			}},
			Check: expectItems(table, []string{"a|1", "a|2", "b|1"}, nil),
		}},
	})

	wrong := uniqueName(t) + "-wrong"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tableInThisApply(t, wrong, file, `key_schema = {
    hash_key  = "pk"
    range_key = "sk"
    global_secondary_indexes = {
      by_v = { hash_key = "v", hash_key_type = "N" }
    }
  }`),
			ExpectError: inOrder("Key Schema Mismatch", `the declaration names GSI "by_v" partition key v (N), which the table does not have`,
				"Nothing was written"),
		}},
	})
	if items := scanTable(t, wrong); len(items) != 0 {
		t.Fatalf("a mismatched declaration wrote %d items", len(items))
	}
}
