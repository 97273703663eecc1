package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
)

// scanTable returns every item of a table on dynalite, by "pk|sk" (sk empty without one).
func scanTable(t *testing.T, table string) map[string]map[string]types.AttributeValue {
	t.Helper()
	got := scanTableErr(table)
	if got.err != nil {
		t.Fatalf("scanning %s: %v", table, got.err)
	}
	return got.items
}

func attrText(v types.AttributeValue) string {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return v.Value
	case *types.AttributeValueMemberN:
		return v.Value
	}
	return ""
}

// expectItems checks that the table holds exactly the keys given, and the attribute values
// given for some of them ("pk|sk" -> attribute -> text).
func expectItems(table string, keyList []string, values map[string]map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := scanTableErr(table)
		if got.err != nil {
			return got.err
		}
		var have []string
		for k := range got.items {
			have = append(have, k)
		}
		sort.Strings(have)
		want := append([]string(nil), keyList...)
		sort.Strings(want)
		if strings.Join(have, ",") != strings.Join(want, ",") {
			return fmt.Errorf("table %s holds %v, want %v", table, have, want)
		}
		for k, attrs := range values {
			for a, v := range attrs {
				if g := attrText(got.items[k][a]); g != v {
					return fmt.Errorf("item %s attribute %s = %q, want %q", k, a, g, v)
				}
			}
		}
		return nil
	}
}

type scanResult struct {
	items map[string]map[string]types.AttributeValue
	err   error
}

func scanTableErr(table string) scanResult {
	out := scanResult{items: map[string]map[string]types.AttributeValue{}}
	p := dynamodb.NewScanPaginator(accClient, &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			out.err = err
			return out
		}
		for _, it := range page.Items {
			out.items[attrText(it["pk"])+"|"+attrText(it["sk"])] = it
		}
	}
	return out
}

func writeData(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func datasetConfig(table, file, extra string) string {
	return testAccConfig(fmt.Sprintf(`
resource "ddbload_dataset" "test" {
  table_name = %q
  files      = [%q]
  %s
}
`, table, file, extra))
}

// TestAccDataset_lifecycle: create, empty re-plan, a changed source converges (added, changed
// and removed items), out-of-band deletion is detected and restored, destroy deletes.
func TestAccDataset_lifecycle(t *testing.T) {
	table := uniqueName(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "orders.jsonl")
	v1 := `{"pk":"a","sk":"1","price":0.10,"tags":["x","y"]}
{"pk":"a","sk":"2","price":12345678901234567890.123456}
{"pk":"b","sk":"1","note":"ü"}
`
	v2 := `{"pk":"a","sk":"1","price":0.20,"tags":["x","y"]}
{"pk":"b","sk":"1","note":"ü"}
{"pk":"c","sk":"9","note":"new"}
`
	cfg := datasetConfig(table, file, `drift_check = "full"
  attribute_types = { tags = "SS" }`)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, devstack.HashRange(table)) },
		CheckDestroy:             expectItems(table, nil, nil),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { writeData(t, dir, "orders.jsonl", v1) },
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("item_count"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("estimated_write_units"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("content_sha256"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
					statecheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("last_load").AtMapKey("written"), knownvalue.Int64Exact(3)),
				},
				Check: expectItems(table, []string{"a|1", "a|2", "b|1"}, map[string]map[string]string{
					"a|1": {"price": "0.1"},
					"a|2": {"price": "12345678901234567890.123456"},
				}),
			},
			{
				// Same source: nothing to do.
				Config:            cfg,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("item_count"), knownvalue.Int64Exact(3))},
			},
			{
				// Changed source: an in-place update writes the changed and new items, deletes the removed one.
				PreConfig: func() { writeData(t, dir, "orders.jsonl", v2) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("ddbload_dataset.test", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("last_load"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"written":   knownvalue.Int64Exact(2),
						"deleted":   knownvalue.Int64Exact(1),
						"unchanged": knownvalue.Int64Exact(1),
					})),
				},
				Check: expectItems(table, []string{"a|1", "b|1", "c|9"}, map[string]map[string]string{"a|1": {"price": "0.2"}}),
			},
			{
				// Someone deletes a loaded item: refresh notices, apply restores it.
				PreConfig: func() {
					_, err := accClient.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: aws.String(table),
						Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "c"}, "sk": &types.AttributeValueMemberS{Value: "9"}}})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("ddbload_dataset.test", plancheck.ResourceActionUpdate),
				}},
				Check: expectItems(table, []string{"a|1", "b|1", "c|9"}, nil),
			},
		},
	})
}

func TestAccDataset_retainAndInline(t *testing.T) {
	table := uniqueName(t)
	cfg := testAccConfig(fmt.Sprintf(`
resource "ddbload_dataset" "test" {
  table_name = %q
  on_destroy = "retain"
  items = jsonencode([
    { pk = "k1", sk = "a", n = 1 },
    { pk = "k2", sk = "b", nested = { list = [1, "two", true, null] } },
  ])
}
`, table))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, devstack.HashRange(table)) },
		CheckDestroy:             expectItems(table, []string{"k1|a", "k2|b"}, nil),
		Steps: []resource.TestStep{{
			Config: cfg,
			Check:  expectItems(table, []string{"k1|a", "k2|b"}, map[string]map[string]string{"k1|a": {"n": "1"}}),
		}},
	})
}

// TestAccDataset_invalidInput: the plan fails with file:line and reason; nothing is written.
func TestAccDataset_invalidInput(t *testing.T) {
	table := uniqueName(t)
	dir := t.TempDir()
	file := writeData(t, dir, "bad.jsonl", `{"pk":"a","sk":"1"}
{"pk":"b","sk":"2"}
{"pk":"c"}
{"pk":"d","sk":"4"}
`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, devstack.HashRange(table)) },
		Steps: []resource.TestStep{{
			Config:      datasetConfig(table, file, ""),
			ExpectError: regexp.MustCompile(`(?s)Invalid Dataset.*bad\.jsonl:3.*sk.*Nothing was written`),
		}},
	})
	if items := scanTable(t, table); len(items) != 0 {
		t.Fatalf("invalid input wrote %d items", len(items))
	}
}

// TestAccDataset_interruptedThenConverges: a load capped at 100 WCU/s cannot finish 3,000
// items within a 2 s timeout (the cap alone needs 29 s), so it is interrupted whatever the
// machine's speed; the next apply without the cap converges to exactly the dataset.
func TestAccDataset_interruptedThenConverges(t *testing.T) {
	table := uniqueName(t)
	dir := t.TempDir()
	var b strings.Builder
	var want []string
	for i := range 3000 {
		fmt.Fprintf(&b, `{"pk":"user-%d","sk":"%d"}`+"\n", i%97, i)
		want = append(want, fmt.Sprintf("user-%d|%d", i%97, i))
	}
	file := writeData(t, dir, "big.jsonl", b.String())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, devstack.HashRange(table)) },
		Steps: []resource.TestStep{
			{
				Config: datasetConfig(table, file, `max_write_units_per_second = 100
  timeouts = { create = "2s" }`),
				ExpectError: regexp.MustCompile(`Load Interrupted`),
			},
			{
				Config: datasetConfig(table, file, ""),
				Check:  expectItems(table, want, nil),
			},
		},
	})
}

// TestAccDataset_sharding: keys are rewritten with the documented shard function.
func TestAccDataset_sharding(t *testing.T) {
	table := uniqueName(t)
	dir := t.TempDir()
	var b strings.Builder
	var want []string
	for i := range 40 {
		user := fmt.Sprintf("u%d", i)
		fmt.Fprintf(&b, `{"tenant":"acme","user":%q,"sk":%q}`+"\n", user, user)
		want = append(want, fmt.Sprintf("acme#%d|%s", keys.Shard(user, 8), user))
	}
	file := writeData(t, dir, "users.jsonl", b.String())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, devstack.HashRange(table)) },
		Steps: []resource.TestStep{{
			Config: datasetConfig(table, file, `partition_key = "{tenant}#{shard}"
  shard_attribute = "user"
  shard_count = 8`),
			Check: expectItems(table, want, nil),
		}},
	})
}
