package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/s3server"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/sim"
)

// accBulk is the rig of the bulk put acceptance tests: versitygw for the staging bucket, and
// the simulator in front of the acceptance tests' DynamoDB server, running the bulk operations
// (no local server has them) from that bucket.
type accBulk struct {
	*accS3
	sim      *sim.Sim
	endpoint string // the simulator's
}

func startAccBulk(t *testing.T, global ...string) *accBulk {
	t.Helper()
	s3 := startAccS3(t, "stage")
	if os.Getenv("TF_ACC") == "" {
		return &accBulk{accS3: s3}
	}
	g := map[string]bool{}
	for _, name := range global {
		g[name] = true
	}
	s, endpoint, err := sim.Start(sim.Config{Backend: accEndpoint, Seed: 3, Bulk: sim.BulkConfig{Store: sim.S3BulkStore(s3.client), GlobalTables: g},
		Tables: map[string]sim.TableConfig{"*": {Partitions: 4}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return &accBulk{accS3: s3, sim: s, endpoint: endpoint}
}

// config is a configuration with the provider's DynamoDB endpoint at the simulator.
func (b *accBulk) config(body string) string {
	return testAccProviderBlock(fmt.Sprintf(`
  region      = %q
  endpoint    = %q
  s3_endpoint = %q
  access_key  = %q
  secret_key  = %q
`, devstack.Region, b.endpoint, b.accS3.endpoint, s3server.AccessKeyID, s3server.SecretAccessKey)) + body
}

func bulkDatasetConfig(b *accBulk, table, file, extra string) string {
	return b.config(fmt.Sprintf(`
resource "ddbload_dataset" "test" {
  table_name = %q
  files      = [%q]
  engine     = "bulk_put"
  staging    = { bucket = "stage" }
  %s
}
`, table, file, extra))
}

// TestAccDataset_bulkPut: engine = "bulk_put" loads through DynamoDB's bulk put from items
// staged in S3 (the plan shows the engine; last_load names the operation); an update writes
// the new and changed items through a second operation and deletes the removed ones; items
// the operation could not write fail the apply naming their file and line, and the next apply
// writes them; destroy deletes every item.
func TestAccDataset_bulkPut(t *testing.T) {
	table := uniqueName(t)
	b := startAccBulk(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "orders.jsonl")
	cfg := bulkDatasetConfig(b, table, file, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, devstack.HashRange(table)) },
		CheckDestroy:             expectItems(table, nil, nil),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { writeData(t, dir, "orders.jsonl", string(orderLines(0, 500, "v1"))) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("selected_engine"), knownvalue.StringExact("bulk_put")),
					plancheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("selected_engine_reason"), knownvalue.StringExact(`engine = "bulk_put"`)),
					// 500 WCU at the table's 5 WCU/s, one second of staging (the items' bytes at
					// 16 MB/s, rounded up) and the last poll's 10 s.
					plancheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("estimated_load_seconds"), knownvalue.Int64Exact(100+1+10)),
					plancheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("planned_changes").AtMapKey("estimated_seconds"), knownvalue.Int64Exact(100+1+10)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("item_count"), knownvalue.Int64Exact(500)),
					statecheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("last_load"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"engine":             knownvalue.StringExact("bulk_put"),
						"written":            knownvalue.Int64Exact(500),
						"bulk_operation_arn": knownvalue.StringRegexp(regexp.MustCompile(`/bulk-operation/`)),
					})),
				},
				Check: expectItems(table, orderKeys([2]int{0, 500}), map[string]map[string]string{"p000|0": {"note": "v1"}}),
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// 10 items changed, 5 removed: a second operation writes the 10, BatchWriteItem deletes the 5.
				PreConfig: func() {
					writeData(t, dir, "orders.jsonl", string(orderLines(0, 10, "v2"))+string(orderLines(10, 485, "v1")))
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// 15 WCU at 5 WCU/s, the 10 items' staging and the last poll.
					plancheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("planned_changes").AtMapKey("estimated_seconds"), knownvalue.Int64Exact(3+1+10)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("last_load"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"engine": knownvalue.StringExact("bulk_put"), "written": knownvalue.Int64Exact(10), "deleted": knownvalue.Int64Exact(5),
						"unchanged": knownvalue.Int64Exact(485),
					})),
				},
				Check: expectItems(table, orderKeys([2]int{0, 495}), map[string]map[string]string{"p000|0": {"note": "v2"}, "p001|10": {"note": "v1"}}),
			},
			{
				// The operation fails some items: the apply fails naming their lines.
				PreConfig: func() {
					writeData(t, dir, "orders.jsonl", string(orderLines(0, 495, "v3")))
					b.sim.SetBulkItemFailureRate(0.05)
				},
				Config:      cfg,
				ExpectError: regexp.MustCompile(`Bulk Put Items Failed[\s\S]*orders\.jsonl:\d+: ValidationError`),
			},
			{
				// Without failures the next apply writes the rest and the table is the dataset.
				PreConfig: func() { b.sim.SetBulkItemFailureRate(0) },
				Config:    cfg,
				Check:     expectItems(table, orderKeys([2]int{0, 495}), map[string]map[string]string{"p000|0": {"note": "v3"}, "p049|494": {"note": "v3"}}),
			},
		},
	})
}

// TestAccDataset_bulkPutChoices: bulk put without staging, below its minimum rate, or into a
// global table fails the plan with the reason, and nothing is written; auto picks the local
// engine for a small dataset, and the plan says why.
func TestAccDataset_bulkPutChoices(t *testing.T) {
	table := uniqueName(t)
	global := table + "-g"
	b := startAccBulk(t, global)
	dir := t.TempDir()
	file := writeData(t, dir, "orders.jsonl", string(orderLines(0, 20, "v1")))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck: func() {
			createTable(t, devstack.HashRange(table))
			createTable(t, devstack.HashRange(global))
		},
		Steps: []resource.TestStep{
			{
				Config: b.config(fmt.Sprintf(`
resource "ddbload_dataset" "test" {
  table_name = %q
  files      = [%q]
  engine     = "bulk_put"
}
`, table, file)),
				ExpectError: regexp.MustCompile(`Bulk Put Needs Staging`),
			},
			{
				Config:      bulkDatasetConfig(b, table, file, "max_write_units_per_second = 500"),
				ExpectError: regexp.MustCompile(`(?s)Write Rate Below The Bulk Put Minimum.*1024`),
			},
			{
				Config:      bulkDatasetConfig(b, global, file, ""),
				ExpectError: regexp.MustCompile(`(?s)Bulk Put Refuses Global Tables.*global table`),
			},
			{
				Config: b.config(fmt.Sprintf(`
resource "ddbload_dataset" "test" {
  table_name = %q
  files      = [%q]
  engine     = "auto"
  staging    = { bucket = "stage" }
}
`, table, file)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("selected_engine"), knownvalue.StringExact("local")),
					plancheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("selected_engine_reason"),
						knownvalue.StringExact("auto: 20 planned write units, below 10,000,000")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("last_load").AtMapKey("engine"), knownvalue.StringExact("local")),
				},
				Check: expectItems(table, orderKeys([2]int{0, 20}), nil),
			},
		},
	})
}

// orderRecords is orderLines as DynamoDB JSON lines of the S3-export shape.
func orderRecords(first, n int, note string) []byte {
	var b strings.Builder
	for i := first; i < first+n; i++ {
		fmt.Fprintf(&b, `{"Item":{"pk":{"S":"p%03d"},"sk":{"S":"%d"},"note":{"S":%q}}}`+"\n", i/10, i, note)
	}
	return []byte(b.String())
}

// TestAccDataset_bulkPutPassThrough: DynamoDB JSON objects in S3 that are all the objects
// under their prefix go to the bulk put untouched (last_load.bulk_input names them, and
// nothing is staged); an update of a few items stages just those; destroy deletes every item.
func TestAccDataset_bulkPutPassThrough(t *testing.T) {
	table := uniqueName(t)
	b := startAccBulk(t)
	cfg := b.config(fmt.Sprintf(`
resource "ddbload_dataset" "test" {
  table_name = %q
  files      = ["s3://stage/seed/*.ddb.jsonl.gz"]
  engine     = "bulk_put"
  staging    = { bucket = "stage" }
}
`, table))
	lastLoad := func(written int64, input knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("last_load"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"engine": knownvalue.StringExact("bulk_put"), "written": knownvalue.Int64Exact(written), "bulk_input": input,
		}))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, devstack.HashRange(table)) },
		CheckDestroy:             expectItems(table, nil, nil),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					b.put(t, "seed/part-1.ddb.jsonl.gz", gzipBytes(t, orderRecords(0, 250, "v1")))
					b.put(t, "seed/part-2.ddb.jsonl.gz", gzipBytes(t, orderRecords(250, 250, "v1")))
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The operation reads the objects themselves: nothing to stage, only the last poll.
					plancheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("estimated_load_seconds"), knownvalue.Int64Exact(100+10)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{lastLoad(500, knownvalue.StringExact("s3://stage/seed/part-"))},
				Check:             expectItems(table, orderKeys([2]int{0, 500}), map[string]map[string]string{"p000|0": {"note": "v1"}}),
			},
			{
				PreConfig: func() {
					b.put(t, "seed/part-1.ddb.jsonl.gz", gzipBytes(t, append(orderRecords(0, 10, "v2"), orderRecords(10, 240, "v1")...)))
				},
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{lastLoad(10,
					knownvalue.StringRegexp(regexp.MustCompile(`^s3://stage/ddbload/`+regexp.QuoteMeta(table)+`/[0-9a-f]+/input/$`)))},
				Check: expectItems(table, orderKeys([2]int{0, 500}), map[string]map[string]string{"p000|0": {"note": "v2"}, "p001|10": {"note": "v1"}}),
			},
		},
	})
}
