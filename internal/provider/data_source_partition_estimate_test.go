package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ddbload/terraform-provider-ddbload/internal/estimate"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
)

func TestFindingDiagnostics(t *testing.T) {
	t.Parallel()
	fs := []estimate.Finding{
		{Code: estimate.TooFewShards, Severity: estimate.SeverityError, Message: "Shard it.", Input: estimate.InputShardCount, Index: -1},
		{Code: estimate.GSIHotKey, Severity: estimate.SeverityError, Message: "Hot index.", Input: estimate.InputGSIs, Index: 1},
		{Code: estimate.Quota, Severity: estimate.SeverityWarning, Message: "Ask AWS.", Input: estimate.InputWriteUnits, Index: -1},
		{Code: estimate.TooFewShards, Severity: estimate.SeverityError, Message: "Raise it.", Input: "dataset.shard_count", Index: -1},
	}
	type want struct {
		severity diag.Severity
		path     path.Path
	}
	for _, tc := range []struct {
		enforcement estimate.Enforcement
		want        []want
	}{
		{"", []want{
			{diag.SeverityError, path.Root("shard_count")},
			{diag.SeverityError, path.Root("global_secondary_indexes").AtListIndex(1)},
			{diag.SeverityWarning, path.Root("write_units_per_second")},
			{diag.SeverityError, path.Root("dataset").AtName("shard_count")},
		}},
		{estimate.EnforceWarn, []want{
			{diag.SeverityWarning, path.Root("shard_count")},
			{diag.SeverityWarning, path.Root("global_secondary_indexes").AtListIndex(1)},
			{diag.SeverityWarning, path.Root("write_units_per_second")},
			{diag.SeverityWarning, path.Root("dataset").AtName("shard_count")},
		}},
	} {
		diags := findingDiagnostics(fs, tc.enforcement)
		if len(diags) != len(tc.want) {
			t.Fatalf("%q: %d diagnostics, want %d", tc.enforcement, len(diags), len(tc.want))
		}
		for i, d := range diags {
			wp, ok := d.(diag.DiagnosticWithPath)
			if d.Severity() != tc.want[i].severity || !ok || !wp.Path().Equal(tc.want[i].path) {
				t.Errorf("%q: diagnostic %d = %v at %v, want %v at %v", tc.enforcement, i, d.Severity(), wp, tc.want[i].severity, tc.want[i].path)
			}
			if !strings.Contains(d.Summary(), string(fs[i].Code)) || !strings.Contains(d.Detail(), fs[i].Message) ||
				!strings.Contains(d.Detail(), `add "`+string(fs[i].Code)+`" to ignore`) {
				t.Errorf("diagnostic %d: %q / %q", i, d.Summary(), d.Detail())
			}
		}
	}
	if d := findingDiagnostics(fs[:1], "")[0].Detail(); !strings.Contains(d, `enforcement = "warn"`) {
		t.Errorf("an enforced error should say how to relax it: %q", d)
	}
}

func TestKeyValueText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"S:alice#7": "alice#7", "N:1.5": "1.5", "B:\x01\x02": "AQI=", "odd": "odd"} {
		if got := keyValueText(in); got != want {
			t.Errorf("keyValueText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPartitionEstimateIgnoreListsCodes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ds := NewPartitionEstimateDataSource()
	var sr datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
	if sr.Diagnostics.HasError() {
		t.Fatal(sr.Diagnostics)
	}
	// Every finding code can be ignored, and the list of codes in the docs is the engine's.
	if d := sr.Schema.Attributes["ignore"].GetMarkdownDescription(); !strings.Contains(d, "`LSI_HOT_COLLECTION`") || !strings.Contains(d, "`QUOTA`") {
		t.Errorf("ignore's description does not list the codes: %q", d)
	}
}

// estimateConfig builds a raw configuration of the data source with every attribute null but
// dataset, which is unknown or holds the given files.
func estimateConfig(t *testing.T, files []string, unknown bool) tfsdk.Config {
	t.Helper()
	var sr datasource.SchemaResponse
	NewPartitionEstimateDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &sr)
	typ, ok := sr.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		t.Fatal("schema type is not an object")
	}
	nulls := func(o tftypes.Object) map[string]tftypes.Value {
		m := map[string]tftypes.Value{}
		for k, at := range o.AttributeTypes {
			m[k] = tftypes.NewValue(at, nil)
		}
		return m
	}
	all := nulls(typ)
	dsType, ok := typ.AttributeTypes["dataset"].(tftypes.Object)
	if !ok {
		t.Fatal("dataset is not an object")
	}
	if unknown {
		all["dataset"] = tftypes.NewValue(dsType, tftypes.UnknownValue)
	} else {
		ds := nulls(dsType)
		var list []tftypes.Value
		for _, f := range files {
			list = append(list, tftypes.NewValue(tftypes.String, f))
		}
		ds["files"] = tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, list)
		all["dataset"] = tftypes.NewValue(dsType, ds)
	}
	return tfsdk.Config{Schema: sr.Schema, Raw: tftypes.NewValue(typ, all)}
}

func TestPartitionEstimateValidateConfig(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	v, ok := NewPartitionEstimateDataSource().(datasource.DataSourceWithValidateConfig)
	if !ok {
		t.Fatal("the data source must validate its configuration")
	}

	cfg := estimateConfig(t, []string{"orders.jsonl"}, false)
	var resp datasource.ValidateConfigResponse
	v.ValidateConfig(ctx, datasource.ValidateConfigRequest{Config: cfg}, &resp)
	if !resp.Diagnostics.HasError() || resp.Diagnostics[0].Summary() != "Missing Key Schema" {
		t.Fatalf("a dataset without table_name or key_schema: %v", resp.Diagnostics)
	}

	// An unknown dataset (a variable during terraform validate) is checked later, not an error.
	cfg = estimateConfig(t, nil, true)
	resp = datasource.ValidateConfigResponse{}
	v.ValidateConfig(ctx, datasource.ValidateConfigRequest{Config: cfg}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("an unknown dataset must not fail validation: %v", resp.Diagnostics)
	}
}

// Acceptance tests. The offline ones clear every AWS setting and configure the provider with
// nothing at all: the estimate must not need credentials or a region.

const estimateAddr = "data.ddbload_partition_estimate.design"

func offlineConfig(body string) string {
	return testAccProviderBlock("") + body
}

func TestAccPartitionEstimate_offlineFormula(t *testing.T) {
	isolateAWSEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// Only table_name calls DynamoDB: then the missing region is an error.
			Config: offlineConfig(`
data "ddbload_partition_estimate" "design" {
  table_name             = "orders"
  write_units_per_second = 4000
}
`),
			ExpectError: wrapped(`Missing AWS Region`),
		}, {
			Config: offlineConfig(`
data "ddbload_partition_estimate" "design" {
  read_units_per_second  = 7500
  write_units_per_second = 4000
  storage_gb             = 100
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("partitions_for_throughput"), knownvalue.Int64Exact(7)),
				statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("partitions_for_storage"), knownvalue.Int64Exact(10)),
				statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("partitions"), knownvalue.Int64Exact(10)),
				statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("read_units_per_partition"), knownvalue.Float64Exact(750)),
				statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("write_units_per_partition"), knownvalue.Float64Exact(400)),
				statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("per_key_write_units"), knownvalue.Float64Exact(1000)),
				statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("per_key_read_units"), knownvalue.Float64Exact(3000)),
				statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("required_shards"), knownvalue.Null()),
				statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("achievable_write_units_per_second"), knownvalue.Float64Exact(4000)),
				statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("billing_mode"), knownvalue.StringExact("PROVISIONED")),
				statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("enforcement"), knownvalue.StringExact("error")),
				statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("shard_count"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("lsi_count"), knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("findings"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("dataset_statistics"), knownvalue.Null()),
				statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("report"), knownvalue.StringRegexp(
					wrapped("for throughput: 7 = ceil(7,500 RCU/s / 3,000 + 4,000 WCU/s / 1,000)"))),
			},
		}},
	})
}

// electionConfig is two election candidates on one table provisioned at 100,000 WCU with a
// 90/10 vote split, plus extra settings.
func electionConfig(extra string) string {
	return offlineConfig(`
data "ddbload_partition_estimate" "design" {
  write_units_per_second = 100000
  partition_key_count    = 2
  hottest_key_share      = 0.9
` + extra + `
}
`)
}

func TestAccPartitionEstimate_election(t *testing.T) {
	isolateAWSEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The plan fails: the hot candidate needs 90 shards.
				Config:      electionConfig(""),
				ExpectError: wrapped("Too Few Partition-Key Shards (TOO_FEW_SHARDS) with data.ddbload_partition_estimate.design"),
			},
			{
				Config:      electionConfig(""),
				ExpectError: wrapped("The hottest key needs at least 90 shards: set shard_count = 90 or more (today 1)"),
			},
			{
				// Fixed: 90 shards. The quota warning remains a warning.
				Config: electionConfig(`  shard_count = 90`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("required_shards"), knownvalue.Int64Exact(90)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("partitions_for_throughput"), knownvalue.Int64Exact(100)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("achievable_write_units_per_second"), knownvalue.Float64Exact(100000)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("findings"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"code":     knownvalue.StringExact("QUOTA"),
							"severity": knownvalue.StringExact("warning"),
							"input":    knownvalue.StringExact("write_units_per_second"),
						}),
					})),
				},
			},
			{
				// enforcement = "warn" reports the unfixed design without failing the plan.
				Config: electionConfig(`  enforcement = "warn"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("required_shards"), knownvalue.Int64Exact(90)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("achievable_write_units_per_second"), knownvalue.Float64Exact(1111.1)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("findings").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"code":     knownvalue.StringExact("TOO_FEW_SHARDS"),
						"severity": knownvalue.StringExact("error"),
						"input":    knownvalue.StringExact("shard_count"),
						"message":  knownvalue.StringRegexp(wrapped("at least 90 shards")),
					})),
				},
			},
			{
				// Ignored codes are neither reported nor enforced.
				Config: electionConfig(`  ignore = ["TOO_FEW_SHARDS", "QUOTA"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("findings"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("report"), knownvalue.StringRegexp(wrapped("Ignored: TOO_FEW_SHARDS, QUOTA."))),
				},
			},
		},
	})
}

func TestAccPartitionEstimate_timeSeries(t *testing.T) {
	isolateAWSEnv(t)
	design := func(keys, collection int) string {
		return offlineConfig(fmt.Sprintf(`
data "ddbload_partition_estimate" "design" {
  write_units_per_second      = 10000
  lsi_count                   = 1
  partition_key_count         = %d
  largest_collection_items    = %d
  average_item_bytes          = 300
  collections_written_at_once = true
  sort_key_monotonic          = true
}
`, keys, collection))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Keyed by user id alone: 5,000 items per user written at once, with an LSI.
				Config: design(10000, 5000),
				ExpectError: wrapped("Hot Item Collection Under an LSI (LSI_HOT_COLLECTION) with " +
					"data.ddbload_partition_estimate.design, on terraform_plugin_test.tf line"),
			},
			{
				Config:      design(10000, 5000),
				ExpectError: wrapped("needs 5,000 WCU/s (5,000 items written at once), more than one partition serves"),
			},
			{
				// Keyed by <date>:<user_id>: about 2 items per key. Clean.
				Config: design(2500000, 2),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("findings"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("required_shards"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("report"), knownvalue.StringRegexp(wrapped("Findings: none."))),
				},
			},
		},
	})
}

func TestAccPartitionEstimate_liveTable(t *testing.T) {
	table := devstack.WithLSI(uniqueName(t))
	table.ReadUnits, table.WriteUnits = 300, 2000
	design := func(collection int) string {
		return testAccConfig(fmt.Sprintf(`
data "ddbload_partition_estimate" "design" {
  table_name                  = %q
  partition_key_count         = 1000
  largest_collection_items    = %d
  collections_written_at_once = true
}
`, table.Name, collection))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, table) },
		Steps: []resource.TestStep{
			{
				// The LSI comes from DescribeTable; a collection of 5,000 items written at the
				// table's 2,000 WCU/s is too hot for one partition.
				Config:      design(5000),
				ExpectError: wrapped("The table has 1 LSI, and its hottest item collection needs 2,000 WCU/s"),
			},
			{
				Config: design(20),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("lsi_count"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("billing_mode"), knownvalue.StringExact("PROVISIONED")),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("read_units_per_second"), knownvalue.Int64Exact(300)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("write_units_per_second"), knownvalue.Int64Exact(2000)),
					// Three partitions for 300 RCU/s and 2,000 WCU/s.
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("partitions_for_throughput"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("partitions"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("findings"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("report"), knownvalue.StringRegexp(wrapped("LSIs: 1 (from the table)"))),
				},
			},
		},
	})
}

func TestAccPartitionEstimate_tableNotFound(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccConfig(`
data "ddbload_partition_estimate" "design" {
  table_name = "no-such-table"
}
`),
			ExpectError: wrapped("Table Not Found"),
		}},
	})
}

// writeVotes writes an election: n votes as JSON Lines, 90% for alice, the rest for bob.
func writeVotes(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		candidate := "alice"
		if i%10 == 9 {
			candidate = "bob"
		}
		fmt.Fprintf(&b, `{"vote_id": "v-%06d", "candidate": %q, "region": "r%d"}`+"\n", i, candidate, i%7)
	}
	file := filepath.Join(t.TempDir(), "votes.jsonl")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestAccPartitionEstimate_dataset(t *testing.T) {
	isolateAWSEnv(t)
	votes := writeVotes(t, 10000)
	design := func(keySettings string) string {
		return offlineConfig(fmt.Sprintf(`
data "ddbload_partition_estimate" "design" {
  write_units_per_second = 20000
  dataset = {
    files    = [%q]
    sort_key = "{vote_id}"
%s
    key_schema = {
      hash_key  = "pk"
      range_key = "sk"
    }
  }
}
`, votes, keySettings))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Keyed by candidate: alice holds 90% of the votes.
				Config:      design(`    partition_key = "{candidate}"`),
				ExpectError: wrapped(`the hottest partition key "alice" needs 18,000 WCU/s (90% of 20,000 WCU/s)`),
			},
			{
				Config:      design(`    partition_key = "{candidate}"`),
				ExpectError: wrapped(`dataset.shard_count = 18 or more`),
			},
			{
				// A bad record fails the plan with its file and line, like ddbload_dataset's.
				Config:      design(`    partition_key = "{party}"`),
				ExpectError: wrapped(`votes.jsonl:1`),
			},
			{
				// The dataset's statistics are the key design: declaring one too is a conflict.
				Config: design(`    partition_key = "{candidate}"`) + `
data "ddbload_partition_estimate" "conflict" {
  partition_key_count = 3
  dataset = {
    items      = jsonencode([{ pk = "a" }])
    key_schema = { hash_key = "pk" }
  }
}
`,
				ExpectError: wrapped(`Invalid Attribute Combination`),
			},
			{
				// Offline, the dataset needs the table's key schema.
				Config: offlineConfig(`
data "ddbload_partition_estimate" "design" {
  dataset = {
    items = jsonencode([{ pk = "a" }])
  }
}
`),
				ExpectError: wrapped(`Missing Key Schema`),
			},
			{
				// Sharded 50 ways by vote id: the hottest value holds about 2% of the votes.
				Config: design(`    partition_key   = "{candidate}#{shard}"
    shard_attribute = "vote_id"
    shard_count     = 50`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("findings"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("shard_count"), knownvalue.Int64Exact(50)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("required_shards"), knownvalue.Int64Exact(50)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("dataset_statistics").AtMapKey("items"), knownvalue.Int64Exact(10000)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("dataset_statistics").AtMapKey("distinct_partition_keys"), knownvalue.Int64Exact(100)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("dataset_statistics").AtMapKey("approximate"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("dataset_statistics").AtMapKey("hottest_partition_key"),
						knownvalue.StringRegexp(regexp.MustCompile(`^alice#\d+$`))),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("report"), knownvalue.StringRegexp(wrapped("Keys (from the dataset): 10,000 items, 100 partition-key values"))),
				},
			},
		},
	})
}

// TestAccPartitionEstimate_ciGateExample plans examples/ci-gate as they are: the bad design
// fails, the fixed one passes.
func TestAccPartitionEstimate_ciGateExample(t *testing.T) {
	isolateAWSEnv(t)
	read := func(dir string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", "examples", "ci-gate", dir, "main.tf"))
		if err != nil {
			t.Fatal(err)
		}
		// The full address, so that OpenTofu finds the provider under test too (it would look
		// "ddbload/ddbload" up in its own registry).
		return strings.Replace(string(b), `source = "ddbload/ddbload"`, `source = "registry.terraform.io/ddbload/ddbload"`, 1)
	}
	bad, fixed := read("bad"), read("fixed")
	if !strings.Contains(bad, "registry.terraform.io/ddbload/ddbload") || !strings.Contains(fixed, "registry.terraform.io/ddbload/ddbload") {
		t.Fatal("the examples no longer declare source = \"ddbload/ddbload\"")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: bad, ExpectError: wrapped("Error: Hot Item Collection Under an LSI (LSI_HOT_COLLECTION) with data.ddbload_partition_estimate.events")},
			{Config: bad, ExpectError: wrapped("Error: Too Few Partition-Key Shards (TOO_FEW_SHARDS) with data.ddbload_partition_estimate.votes")},
			{Config: bad, ExpectError: wrapped("The hottest key needs at least 90 shards")},
			{
				Config: fixed,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("votes_required_shards", knownvalue.Int64Exact(90)),
					statecheck.ExpectKnownValue("data.ddbload_partition_estimate.votes", tfjsonpath.New("findings"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue("data.ddbload_partition_estimate.events", tfjsonpath.New("findings"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownOutputValue("events_report", knownvalue.StringRegexp(wrapped("Findings: none."))),
				},
			},
		},
	})
}

// TestAccPartitionEstimate_bulkPutEngine checks that engine = "bulk_put" adds bulk put's own
// limits, from declared numbers and from a live table, and that the local engine does not.
func TestAccPartitionEstimate_bulkPutEngine(t *testing.T) {
	table := devstack.HashOnly(uniqueName(t))
	table.ReadUnits, table.WriteUnits = 100, 500
	config := func(body string) string {
		return testAccConfig(`
data "ddbload_partition_estimate" "design" {
` + body + `
}
`)
	}
	finding := func(code, severity, input string) knownvalue.Check {
		return knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"code": knownvalue.StringExact(code), "severity": knownvalue.StringExact(severity), "input": knownvalue.StringExact(input),
		})})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, table) },
		Steps: []resource.TestStep{
			{
				// First: the test's last configuration must be valid for its destroy.
				Config:      config(`engine = "bulk"`),
				ExpectError: regexp.MustCompile(`(?s)engine.*value must be one of`),
			},
			{
				Config: config(`
  engine                 = "bulk_put"
  write_units_per_second = 800
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("findings"), finding("BULK_PUT_MINIMUM_RATE", "warning", "write_units_per_second")),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("report"), knownvalue.StringRegexp(wrapped("Engine: bulk put"))),
				},
			},
			{
				Config: config(`
  engine                 = "local"
  write_units_per_second = 800
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("findings"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				// The rate comes from the live table's provisioned capacity.
				Config: config(fmt.Sprintf(`
  engine     = "bulk_put"
  table_name = %q
`, table.Name)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("findings"), finding("BULK_PUT_MINIMUM_RATE", "warning", "table_name")),
					statecheck.ExpectKnownValue(estimateAddr, tfjsonpath.New("findings").AtSliceIndex(0).AtMapKey("message"),
						knownvalue.StringRegexp(wrapped("the table's provisioned write capacity of 500 WCU/s"))),
				},
			},
		},
	})
}
