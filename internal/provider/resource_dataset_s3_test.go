package provider

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	s3sdk "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/s3server"
)

// accS3 is an S3-compatible server (versitygw) for one acceptance test, with a bucket.
type accS3 struct {
	endpoint, bucket string
	client           *s3sdk.Client
}

// startAccS3 starts versitygw for the test and makes bucket; without TF_ACC it starts nothing
// (the test framework then skips the test, saying why).
func startAccS3(t *testing.T, bucket string) *accS3 {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		return &accS3{bucket: bucket}
	}
	srv, err := s3server.Start(context.Background(), s3server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	c := s3sdk.New(s3sdk.Options{Region: s3server.Region, BaseEndpoint: aws.String(srv.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(s3server.AccessKeyID, s3server.SecretAccessKey, "")})
	if _, err := c.CreateBucket(context.Background(), &s3sdk.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	return &accS3{endpoint: srv.Endpoint, bucket: bucket, client: c}
}

func (s *accS3) put(t *testing.T, key string, body []byte) {
	t.Helper()
	if _, err := s.client.PutObject(context.Background(), &s3sdk.PutObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
}

// config is a dataset configuration with the provider pointed at the local DynamoDB server and
// at this S3 server, with the S3 server's credentials (the local DynamoDB servers take any).
func (s *accS3) config(body string) string {
	return testAccProviderBlock(fmt.Sprintf(`
  region      = %q
  endpoint    = %q
  s3_endpoint = %q
  access_key  = %q
  secret_key  = %q
`, devstack.Region, accEndpoint, s.endpoint, s3server.AccessKeyID, s3server.SecretAccessKey)) + body
}

// orderLines is n JSON Lines items from item first on, keys "p<i/10>|<i>", with note.
func orderLines(first, n int, note string) []byte {
	var b strings.Builder
	for i := first; i < first+n; i++ {
		fmt.Fprintf(&b, `{"pk":"p%03d","sk":"%d","note":%q}`+"\n", i/10, i, note)
	}
	return []byte(b.String())
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func orderKeys(ranges ...[2]int) []string {
	var keys []string
	for _, r := range ranges {
		for i := r[0]; i < r[1]; i++ {
			keys = append(keys, fmt.Sprintf("p%03d|%d", i/10, i))
		}
	}
	return keys
}

// TestAccDataset_s3Files: files in S3 (s3://bucket/pattern, JSON Lines plain and gzip) load
// through the local engine like local files; replacing an object converges the table (writes,
// deletes); a bad line in an object fails the plan naming s3://bucket/key:line, with nothing
// written; destroy deletes every item.
func TestAccDataset_s3Files(t *testing.T) {
	table := uniqueName(t)
	s3 := startAccS3(t, "seed")
	cfg := s3.config(fmt.Sprintf(`
resource "ddbload_dataset" "test" {
  table_name = %q
  files      = ["s3://seed/orders/part-*"]
}
`, table))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, devstack.HashRange(table)) },
		CheckDestroy:             expectItems(table, nil, nil),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					s3.put(t, "orders/part-1.jsonl", orderLines(0, 300, "v1"))
					s3.put(t, "orders/part-2.jsonl.gz", gzipBytes(t, orderLines(300, 300, "v1")))
					s3.put(t, "orders/readme.txt.bak", []byte("not matched: the pattern needs part-"))
				},
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("item_count"), knownvalue.Int64Exact(600)),
					statecheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("last_load").AtMapKey("written"), knownvalue.Int64Exact(600)),
				},
				Check: expectItems(table, orderKeys([2]int{0, 600}), map[string]map[string]string{"p000|0": {"note": "v1"}, "p059|599": {"note": "v1"}}),
			},
			{
				// Nothing changed in the bucket: an empty plan.
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// part-1 replaced: 100 items changed, 100 gone; part-2 as it was.
				PreConfig: func() {
					s3.put(t, "orders/part-1.jsonl", append(orderLines(0, 100, "v2"), orderLines(100, 100, "v1")...))
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("ddbload_dataset.test", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ddbload_dataset.test", tfjsonpath.New("last_load"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"written":   knownvalue.Int64Exact(100),
						"deleted":   knownvalue.Int64Exact(100),
						"unchanged": knownvalue.Int64Exact(400),
					})),
				},
				Check: expectItems(table, orderKeys([2]int{0, 200}, [2]int{300, 600}), map[string]map[string]string{"p000|0": {"note": "v2"}, "p010|100": {"note": "v1"}}),
			},
			{
				// A third object with a malformed line: the plan fails naming it, nothing changes.
				PreConfig: func() {
					s3.put(t, "orders/part-3.jsonl", []byte(`{"pk":"z","sk":"1"}`+"\n"+`{"pk":"z","sk":"2"`+"\n"))
				},
				Config:      cfg,
				ExpectError: regexp.MustCompile(`s3://seed/orders/part-3\.jsonl:2`),
			},
			{
				// A pattern that matches no object fails the plan, naming it.
				Config: s3.config(fmt.Sprintf(`
resource "ddbload_dataset" "test" {
  table_name = %q
  files      = ["s3://seed/none/*.jsonl"]
}
`, table)),
				ExpectError: regexp.MustCompile(`s3://seed/none/\*\.jsonl[\s\S]*matches no objects`),
			},
			{
				// The bad object gone: the failed plans wrote nothing, so there is nothing to do.
				PreConfig: func() {
					if _, err := s3.client.DeleteObject(context.Background(), &s3sdk.DeleteObjectInput{Bucket: aws.String("seed"), Key: aws.String("orders/part-3.jsonl")}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            expectItems(table, orderKeys([2]int{0, 200}, [2]int{300, 600}), nil),
			},
		},
	})
}
