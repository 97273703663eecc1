package provider

import (
	"context"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	frameworkresource "github.com/hashicorp/terraform-plugin-framework/resource"
	rsschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ddbload/terraform-provider-ddbload/internal/drift"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
)

// closedEndpoint is an http:// endpoint on 127.0.0.1 where nothing listens.
func closedEndpoint(t *testing.T) string {
	t.Helper()
	e, err := devstack.ClosedEndpoint()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// unreachableConfig is a provider pointed at endpoint with static credentials, and body.
func unreachableConfig(endpoint, body string) string {
	return testAccProviderBlock(fmt.Sprintf(`
  region     = %q
  endpoint   = %q
  access_key = %q
  secret_key = %q
`, devstack.Region, endpoint, devstack.AccessKeyID, devstack.SecretAccessKey)) + body
}

// notRetried matches the SDK's error for a call it did not retry: a retried one reads
// "DescribeTable, exceeded maximum number of attempts, 6, https response error ...".
const notRetried = `DescribeTable,\s+https\s+response\s+error`

// TestAccDataset_unreachableEndpoint: the plan's DescribeTable against a closed port fails
// at the first attempt with a diagnostic that names the endpoint and what to check (the
// awsclient unit tests count the attempts).
func TestAccDataset_unreachableEndpoint(t *testing.T) {
	endpoint := closedEndpoint(t)
	file := writeData(t, t.TempDir(), "items.jsonl", `{"pk":"a","sk":"1"}
{"pk":"b","sk":"2"}
`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: unreachableConfig(endpoint, fmt.Sprintf(`
resource "ddbload_dataset" "test" {
  table_name = "unreachable"
  files      = [%q]
}
`, file)),
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)DynamoDB Endpoint Unreachable.*` + regexp.QuoteMeta(endpoint) +
				`\s+\(connection\s+refused\).*"endpoint".*` + notRetried),
		}},
	})
}

// TestAccDataset_unreachableEndpointDataSource: a data source read at plan time fails at the
// first refused connection too, and its error names the endpoint.
func TestAccDataset_unreachableEndpointDataSource(t *testing.T) {
	endpoint := closedEndpoint(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: unreachableConfig(endpoint, `
data "ddbload_table" "t" {
  name = "unreachable"
}
`),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)` + notRetried + `.*` + regexp.QuoteMeta(endpoint) + `.*connection\s+refused`),
		}},
	})
}

func TestUnreachableDiag(t *testing.T) {
	t.Parallel()
	refused := fmt.Errorf("operation error DynamoDB: DescribeTable: %w", &url.Error{Op: "Post", URL: "http://127.0.0.1:1/",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}})
	d := tableErrorDiag("orders", refused)
	if d.Summary() != "DynamoDB Endpoint Unreachable" {
		t.Fatalf("summary %q", d.Summary())
	}
	for _, want := range []string{"http://127.0.0.1:1 (connection refused)", `describing table "orders"`, `"endpoint"`,
		"AWS_ENDPOINT_URL_DYNAMODB", "connect: connection refused"} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("detail %q does not mention %q", d.Detail(), want)
		}
	}
	// DynamoDB answered: the endpoint is fine, the old diagnostic stands.
	answered := &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "no"}
	if d := tableErrorDiag("orders", answered); d.Summary() != "Cannot Describe Table" {
		t.Fatalf("an answer from DynamoDB gives %q", d.Summary())
	}
	if _, ok := unreachableDiag(answered, "reading"); ok {
		t.Fatal("an answer from DynamoDB counts as unreachable")
	}
}

func TestDriftDetailAgreesWithCounts(t *testing.T) {
	t.Parallel()
	key := "S:a" // any key ID; firstKey falls back to it when it does not parse
	for _, tc := range []struct {
		rep  drift.Report
		want string
	}{
		{drift.Report{Checked: 1, Missing: []string{key}},
			`Of 1 loaded item read back from "t", 1 is missing since the last apply`},
		{drift.Report{Checked: 20, Missing: []string{key, key}, Changed: []string{key}},
			`Of 20 loaded items read back from "t", 2 are missing and at least 1 has changed since the last apply (e.g. S:a)`},
		{drift.Report{Checked: 20, Changed: []string{key, key, key}},
			`Of 20 loaded items read back from "t", at least 3 have changed since the last apply (among the items from S:a on)`},
	} {
		got := driftDetail(tc.rep, "t")
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("driftDetail(%+v) = %q, want it to start with %q", tc.rep, got, tc.want)
		}
		n := len(tc.rep.Missing) + len(tc.rep.Changed)
		if wantEnd := map[bool]string{true: "restore it.", false: "restore them."}[n == 1]; !strings.HasSuffix(got, wantEnd) {
			t.Errorf("driftDetail(%+v) = %q, want it to end with %q", tc.rep, got, wantEnd)
		}
	}
}

func TestWholeNumberType(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := path.Root("shard_count")
	num := func(f float64) tftypes.Value { return tftypes.NewValue(tftypes.Number, big.NewFloat(f)) }
	for _, tc := range []struct {
		in   tftypes.Value
		want string // the error detail, "" for none
	}{
		{num(2.5), "shard_count must be a whole number, got 2.5."},
		{num(-0.001), "shard_count must be a whole number, got -0.001."},
		{num(1e30), "shard_count must be a whole number from -9223372036854775808 to 9223372036854775807, got 1e+30."},
		{num(3), ""},
		{tftypes.NewValue(tftypes.Number, nil), ""},
		{tftypes.NewValue(tftypes.Number, tftypes.UnknownValue), ""},
	} {
		diags := wholeNumberType{}.Validate(ctx, tc.in, p)
		v, err := wholeNumberType{}.ValueFromTerraform(ctx, tc.in)
		if tc.want == "" {
			if diags.HasError() || err != nil {
				t.Errorf("%v: unexpected error: %v %v", tc.in, diags, err)
			}
			continue
		}
		if len(diags) != 1 || diags[0].Summary() != "Invalid Whole Number" || diags[0].Detail() != tc.want {
			t.Errorf("Validate(%v) = %v, want one error %q", tc.in, diags, tc.want)
		}
		// Read as unknown, never as a wrong number; Validate, which the framework calls after
		// every read, speaks for it.
		if err != nil || !v.IsUnknown() {
			t.Errorf("ValueFromTerraform(%v) = %v, %v; want unknown", tc.in, v, err)
		}
	}
	// An object holding one (a resource's plan or state) can be built from types.Int64 values.
	if _, diags := basetypes.NewObjectValue(map[string]attr.Type{"n": wholeNumberType{}},
		map[string]attr.Value{"n": types.Int64Value(3)}); diags.HasError() {
		t.Fatalf("object with a wholeNumberType attribute: %v", diags)
	}
	// Values stay types.Int64, so models keep their fields.
	v, err := wholeNumberType{}.ValueFromTerraform(ctx, num(3))
	if got, ok := v.(types.Int64); err != nil || !ok || got.ValueInt64() != 3 {
		t.Fatalf("ValueFromTerraform(3) = %#v, %v; want types.Int64 3", v, err)
	}
}

// TestAccProvider_fractionalMaxRetries: a fractional number in an Int64 attribute gets a
// plain message, not the framework's "Value %!s(*big.Float=2.5) is not an integer.".
func TestAccProvider_fractionalMaxRetries(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderBlock(`
  region      = "us-east-1"
  max_retries = 2.5
`) + `
data "ddbload_table" "t" {
  name = "anything"
}
`,
			ExpectError: regexp.MustCompile(`(?s)Invalid Whole Number.*max_retries must be a whole number, got 2\.5\.`),
		}},
	})
}

// TestAccDataset_shardCountFractional: shard_count = 2.5 (and any other fractional Int64,
// with a default or not) fails validation with a plain message per attribute; whole numbers
// and the defaults load as before.
func TestAccDataset_shardCountFractional(t *testing.T) {
	table := uniqueName(t)
	file := writeData(t, t.TempDir(), "users.jsonl", `{"tenant":"acme","user":"u1","sk":"u1"}`+"\n")
	sharded := func(shardCount, concurrency string) string {
		return datasetConfig(table, file, `partition_key = "{tenant}#{shard}"
  shard_attribute = "user"
  shard_count     = `+shardCount+`
  concurrency     = `+concurrency)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, devstack.HashRange(table)) },
		Steps: []resource.TestStep{{
			Config: sharded("2.5", "1.5"),
			ExpectError: regexp.MustCompile(`(?s)Invalid Whole Number.*(shard_count must be a whole number, got 2\.5\..*` +
				`concurrency must be a whole number, got 1\.5\.|concurrency must be a whole number, got 1\.5\..*` +
				`shard_count must be a whole number, got 2\.5\.)`),
		}, {
			Config: sharded("2", "2"),
			Check: resource.ComposeTestCheckFunc(
				expectItems(table, []string{fmt.Sprintf("acme#%d|u1", keys.Shard("u1", 2))}, nil),
				resource.TestCheckResourceAttr("ddbload_dataset.test", "drift_sample_size", fmt.Sprint(defaultDriftSample)),
			),
		}},
	})
}

func TestWholeNumbersCoversTheDatasetInts(t *testing.T) {
	t.Parallel()
	var resp frameworkresource.SchemaResponse
	NewDatasetResource().Schema(context.Background(), frameworkresource.SchemaRequest{}, &resp)
	for _, name := range []string{"shard_count", "order_seed", "concurrency", "max_write_units_per_second", "drift_sample_size"} {
		a, ok := resp.Schema.Attributes[name].(rsschema.Int64Attribute)
		if !ok || a.CustomType != (wholeNumberType{}) {
			t.Errorf("%s: CustomType %v, want wholeNumberType", name, a.CustomType)
		}
	}
	if a, ok := resp.Schema.Attributes["item_count"].(rsschema.Int64Attribute); !ok || a.CustomType != nil {
		t.Errorf("computed item_count got CustomType %v", a.CustomType)
	}
}
