package provider

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ddbload/terraform-provider-ddbload/internal/devstack"
	"github.com/ddbload/terraform-provider-ddbload/internal/drift"
)

// closedEndpoint returns an http:// endpoint on 127.0.0.1 where nothing listens: a port the
// kernel handed out and that was closed again at once.
func closedEndpoint(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
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
	d := describeErrorDiag("orders", refused)
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
	if d := describeErrorDiag("orders", answered); d.Summary() != "Cannot Describe Table" {
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
			`Of 20 loaded items read back from "t", 2 are missing and 1 has changed since the last apply`},
		{drift.Report{Checked: 20, Changed: []string{key, key, key}},
			`Of 20 loaded items read back from "t", 3 have changed since the last apply`},
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
