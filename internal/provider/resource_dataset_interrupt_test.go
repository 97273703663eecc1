package provider

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/sim"
)

// These tests stop loads while BatchWriteItem calls are in flight and already carried out:
// the simulator in front of dynalite applies each call, then holds its answer back for
// answerDelay, so a load stopped by its timeout always has calls applied but unanswered (a
// full load needs at least interruptItems/(16*25) rounds of answerDelay, 3 s, well past the
// timeouts used). Destroy must then leave nothing, and the next apply exactly the dataset.
const (
	answerDelay    = 200 * time.Millisecond
	interruptItems = 6000
)

// startAnswerDelay starts the simulator in front of dynalite and returns its endpoint.
func startAnswerDelay(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("Acceptance tests skipped unless env 'TF_ACC' set")
	}
	s, endpoint, err := sim.Start(sim.Config{Backend: accEndpoint, Faults: sim.Faults{AnswerDelay: answerDelay}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return endpoint
}

// versioned writes interruptItems items whose attribute v is version and returns their keys.
func versioned(t *testing.T, dir, version string, n int) (string, []string) {
	t.Helper()
	var b strings.Builder
	keys := make([]string, 0, n)
	for i := range n {
		fmt.Fprintf(&b, `{"pk":"user-%d","sk":"%06d","v":%q}`+"\n", i%97, i, version)
		keys = append(keys, fmt.Sprintf("user-%d|%06d", i%97, i))
	}
	return writeData(t, dir, "data.jsonl", b.String()), keys
}

// exactly checks that the table holds exactly keys, each with v = "v1", the version every
// interrupted load writes.
func exactly(table string, keys []string) resource.TestCheckFunc {
	const version = "v1"
	return func(s *terraform.State) error {
		if err := expectItems(table, keys, nil)(s); err != nil {
			return err
		}
		got := scanTableErr(table)
		for k, item := range got.items {
			if v := attrText(item["v"]); v != version {
				return fmt.Errorf("item %s has v = %q, want %q", k, v, version)
			}
		}
		return nil
	}
}

func datasetConfigAt(endpoint, table, file, extra string) string {
	return testAccProviderBlock(fmt.Sprintf(`
  region     = %q
  endpoint   = %q
  access_key = %q
  secret_key = %q
`, devstack.Region, endpoint, devstack.AccessKeyID, devstack.SecretAccessKey)) + fmt.Sprintf(`
resource "ddbload_dataset" "test" {
  table_name = %q
  files      = [%q]
  %s
}
`, table, file, extra)
}

var interruptedWithUnanswered = inOrder("Load Interrupted", "sent without an answer from DynamoDB", "terraform destroy deletes them all")

// inOrder matches the texts in CLI output in this order, each as wrapped does.
func inOrder(texts ...string) *regexp.Regexp {
	parts := make([]string, len(texts))
	for i, t := range texts {
		parts[i] = wrapped(t).String()
	}
	return regexp.MustCompile(strings.Join(parts, `[\s\S]*`))
}

// TestAccDataset_interruptedCreateThenDestroy: a first load stopped at two moments, then
// destroy: no item of the dataset is left, including those whose calls were never answered.
func TestAccDataset_interruptedCreateThenDestroy(t *testing.T) {
	endpoint := startAnswerDelay(t)
	for _, timeout := range []string{"1s", "2s"} {
		t.Run(timeout, func(t *testing.T) {
			table := uniqueName(t)
			file, _ := versioned(t, t.TempDir(), "v1", interruptItems)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				PreCheck:                 func() { createTable(t, devstack.HashRange(table)) },
				CheckDestroy:             expectItems(table, nil, nil),
				Steps: []resource.TestStep{{
					Config:      datasetConfigAt(endpoint, table, file, fmt.Sprintf(`timeouts = { create = %q }`, timeout)),
					ExpectError: interruptedWithUnanswered,
				}},
			})
		})
	}
}

// TestAccDataset_interruptedCreateThenApply: a first load stopped, then an apply without the
// timeout: the table holds exactly the dataset, and destroy leaves nothing.
func TestAccDataset_interruptedCreateThenApply(t *testing.T) {
	endpoint := startAnswerDelay(t)
	table := uniqueName(t)
	file, keys := versioned(t, t.TempDir(), "v1", interruptItems)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, devstack.HashRange(table)) },
		CheckDestroy:             expectItems(table, nil, nil),
		Steps: []resource.TestStep{
			{
				Config:      datasetConfigAt(endpoint, table, file, `timeouts = { create = "1s" }`),
				ExpectError: interruptedWithUnanswered,
			},
			{
				Config: datasetConfigAt(endpoint, table, file, ""),
				Check:  exactly(table, keys),
			},
		},
	})
}

// TestAccDataset_interruptedUpdate: an update that changes every item and drops a third of
// them is stopped; applying the previous dataset again restores exactly it (the unanswered
// writes of the new content are rewritten), and destroy leaves nothing.
func TestAccDataset_interruptedUpdate(t *testing.T) {
	endpoint := startAnswerDelay(t)
	table := uniqueName(t)
	dir := t.TempDir()
	var keysV1 []string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, devstack.HashRange(table)) },
		CheckDestroy:             expectItems(table, nil, nil),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { _, keysV1 = versioned(t, dir, "v1", interruptItems) },
				Config:    datasetConfigAt(endpoint, table, dir+"/data.jsonl", ""),
				Check:     func(s *terraform.State) error { return exactly(table, keysV1)(s) },
			},
			{
				PreConfig:   func() { versioned(t, dir, "v2", interruptItems*2/3) },
				Config:      datasetConfigAt(endpoint, table, dir+"/data.jsonl", `timeouts = { update = "1s" }`),
				ExpectError: interruptedWithUnanswered,
			},
			{
				PreConfig: func() { versioned(t, dir, "v1", interruptItems) },
				Config:    datasetConfigAt(endpoint, table, dir+"/data.jsonl", ""),
				Check:     func(s *terraform.State) error { return exactly(table, keysV1)(s) },
			},
		},
	})
}
