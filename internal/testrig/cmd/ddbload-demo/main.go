// Command ddbload-demo is `make demo`: it builds the provider, starts dynalite on 127.0.0.1,
// creates a local table, generates 100,000 orders with a hot customer key, runs a real
// `terraform apply` of examples/demo that loads them with a write-sharded key, shows the
// result and a few items read back through the AWS SDK, and stops everything it started.
//
// It is part of the test rig (internal/testrig), not the shipped provider.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/hashicorp/go-hclog"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
)

const (
	tableName = "demo-orders"
	// shardCount is shard_count in examples/demo/main.tf.
	shardCount = 10
	// The demo table's provisioned capacity; see run.
	readUnits, writeUnits = 1000, 5000
)

func main() {
	terraform := flag.String("terraform", "terraform", "Terraform (or OpenTofu) CLI to run")
	workdir := flag.String("workdir", ".demo", "scratch folder for the build, CLI config and state (recreated)")
	flag.Parse()

	log := hclog.New(&hclog.LoggerOptions{Name: "demo", Output: os.Stderr})
	if err := runInterruptible(log, *terraform, *workdir); err != nil {
		log.Error("Failed", "error", err)
		os.Exit(1)
	}
}

// runInterruptible runs the demo; Ctrl-C stops it and still stops dynalite.
func runInterruptible(log hclog.Logger, terraform, workdir string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, log, terraform, workdir)
}

// run shows the demo on standard output. dynalite's standard error (it writes there only when
// something is wrong) goes to log, as warnings: the error that follows, if any, is returned.
func run(ctx context.Context, log hclog.Logger, terraform, workdir string) error {
	root, err := devstack.RepoRoot()
	if err != nil {
		return err
	}
	if workdir, err = filepath.Abs(workdir); err != nil {
		return err
	}
	if err := os.RemoveAll(workdir); err != nil {
		return err
	}
	bin, work := filepath.Join(workdir, "bin"), filepath.Join(workdir, "work")
	for _, d := range []string{bin, work, filepath.Join(workdir, "data")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}

	step("Building the provider")
	if err := command(ctx, root, nil, "go", "build", "-o", filepath.Join(bin, "terraform-provider-ddbload"), ".").Run(); err != nil {
		return fmt.Errorf("building the provider: %w", err)
	}

	step("Starting dynalite on 127.0.0.1")
	d, err := devstack.StartDynalite(ctx, devstack.Options{
		Log: log.Named("dynalite").StandardWriter(&hclog.StandardLoggerOptions{ForceLevel: hclog.Warn}),
	})
	if err != nil {
		return err
	}
	defer d.Stop()
	fmt.Println("  endpoint:", d.Endpoint)

	// Provisioned at 5,000 WCU rather than on-demand, for two reasons. The plan can estimate the
	// load's duration (estimated_load_seconds; an on-demand table without warm throughput has no
	// known rate). And the skew matters at this size: unsharded, the hot customer's 40% of the
	// writes would need 2,000 WCU/s from one partition key, twice what one partition serves, and
	// the plan would warn "Hot Partition Key"; with 10 shards each takes about 200. (dynalite
	// does not throttle: the local load runs at dynalite's pace whatever the capacity.)
	step(fmt.Sprintf("Creating table %s (pk S, sk S; provisioned %d RCU / %d WCU)", tableName, readUnits, writeUnits))
	spec := devstack.HashRange(tableName)
	spec.ReadUnits, spec.WriteUnits = readUnits, writeUnits
	if err := devstack.CreateTable(ctx, d.Client(), spec); err != nil {
		return err
	}

	step(fmt.Sprintf("Generating %d orders (%.0f%% from customer %s; seed %d)", orderCount, hotShare*100, hotCustomer, orderSeed))
	data, err := writeOrders(filepath.Join(workdir, "data", "orders.jsonl"))
	if err != nil {
		return fmt.Errorf("generating the demo data: %w", err)
	}
	fmt.Printf("  %s: %d orders, %d of them (%.1f%%) from %s, %.1f MB\n", data.Path, data.Orders, data.Hot,
		100*float64(data.Hot)/float64(data.Orders), hotCustomer, float64(data.Bytes)/1e6)

	cliConfig := filepath.Join(workdir, "terraformrc")
	if err := os.WriteFile(cliConfig, []byte(devOverrides(bin)), 0o600); err != nil {
		return err
	}
	if err := copyTF(filepath.Join(root, "examples", "demo"), work); err != nil {
		return err
	}
	env := []string{"TF_CLI_CONFIG_FILE=" + cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}

	step("terraform apply (examples/demo, provider from the local build through dev_overrides)")
	began := time.Now()
	// TF_LOG_PROVIDER=INFO makes the provider's progress lines reach standard error, where
	// showProgress keeps them and drops the rest of the log.
	apply := command(ctx, work, append(env, "TF_LOG_PROVIDER=INFO"), terraform, "apply", "-auto-approve", "-input=false", "-no-color",
		"-var", "endpoint="+d.Endpoint, "-var", "table_name="+tableName, "-var", "data_file="+data.Path)
	progress := showProgress(os.Stdout)
	apply.Stderr = progress
	err = apply.Run()
	_ = progress.Close()
	if err != nil {
		return fmt.Errorf("terraform apply: %w", err)
	}
	applied := time.Since(began)

	step("Summary")
	out, err := outputs(ctx, work, env, terraform)
	if err != nil {
		return err
	}
	fmt.Printf("  items in the dataset: %d (content_sha256 %.16s...)\n", out.ItemCount, out.ContentSHA256)
	fmt.Printf("  written: %d in %.1f s = %.0f items/s (last_load; %d throttled, %d retries)\n", out.LastLoad.Written,
		out.LastLoad.DurationSeconds, out.LastLoad.ItemsPerSecond, out.LastLoad.ThrottledRequests, out.LastLoad.Retries)
	fmt.Printf("  terraform apply took %.1f s in all (plan-time validation, the load, the state)\n", applied.Seconds())
	if out.EstimatedLoadSeconds != nil {
		fmt.Printf("  on a real table at %d WCU the plan estimates %d s (estimated_load_seconds)\n", writeUnits, *out.EstimatedLoadSeconds)
	}

	step("Reading back through the AWS SDK")
	if err := checkCount(ctx, d.Client(), out.ItemCount); err != nil {
		return err
	}
	if err := showItems(ctx, d.Client(), data); err != nil {
		return err
	}
	step("Done. dynalite stops now; the configuration is in examples/demo, the run in " + workdir)
	return nil
}

func step(s string) { fmt.Printf("\n==> %s\n", s) }

// demoOutputs are the outputs of examples/demo the summary shows.
type demoOutputs struct {
	ItemCount            int64
	ContentSHA256        string
	EstimatedLoadSeconds *int64
	LastLoad             struct {
		Written           int64   `json:"written"`
		DurationSeconds   float64 `json:"duration_seconds"`
		ItemsPerSecond    float64 `json:"items_per_second"`
		ThrottledRequests int64   `json:"throttled_requests"`
		Retries           int64   `json:"retries"`
	}
}

// outputs reads the applied configuration's outputs with `terraform output -json`.
func outputs(ctx context.Context, work string, env []string, terraform string) (*demoOutputs, error) {
	cmd := command(ctx, work, env, terraform, "output", "-json", "-no-color")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("terraform output: %w", err)
	}
	var raw map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &raw); err != nil {
		return nil, fmt.Errorf("reading terraform output -json: %w", err)
	}
	var out demoOutputs
	for name, dst := range map[string]any{
		"item_count": &out.ItemCount, "content_sha256": &out.ContentSHA256,
		"estimated_load_seconds": &out.EstimatedLoadSeconds, "last_load": &out.LastLoad,
	} {
		v, ok := raw[name]
		if !ok {
			return nil, fmt.Errorf("examples/demo has no output %q", name)
		}
		if err := json.Unmarshal(v.Value, dst); err != nil {
			return nil, fmt.Errorf("output %q: %w", name, err)
		}
	}
	return &out, nil
}

// checkCount fails unless the table holds exactly the orders generated and the dataset's
// item_count says so: make test runs the demo, so a demo that loads less fails there.
func checkCount(ctx context.Context, client *dynamodb.Client, itemCount int64) error {
	var n int64
	p := dynamodb.NewScanPaginator(client, &dynamodb.ScanInput{TableName: aws.String(tableName), Select: types.SelectCount})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("counting the items of %s: %w", tableName, err)
		}
		n += int64(page.Count)
	}
	if n != orderCount || itemCount != orderCount {
		return fmt.Errorf("%s holds %d items and item_count is %d; the demo generated %d orders", tableName, n, itemCount, orderCount)
	}
	fmt.Printf("  %s holds %d items, all %d orders\n", tableName, n, orderCount)
	return nil
}

// showItems prints a few stored items (a Scan with Limit 3), then reads one order of the hot
// customer directly: its partition key is the customer and the shard suffix, recomputed with
// the provider's shard function from the order id.
func showItems(ctx context.Context, client *dynamodb.Client, data ordersInfo) error {
	scan, err := client.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(tableName), Limit: aws.Int32(3)})
	if err != nil {
		return fmt.Errorf("scanning %s: %w", tableName, err)
	}
	fmt.Printf("  Scan (Limit 3) of %s:\n", tableName)
	for _, item := range scan.Items {
		fmt.Println("   ", itemText(item))
	}

	pk := fmt.Sprintf("%s#%d", hotCustomer, keys.Shard(data.HotOrder, shardCount))
	sk := data.HotDate + "#" + data.HotOrder
	key, err := attributevalue.MarshalMap(struct {
		PK string `dynamodbav:"pk"`
		SK string `dynamodbav:"sk"`
	}{pk, sk})
	if err != nil {
		return err
	}
	got, err := client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(tableName), Key: key})
	if err != nil {
		return fmt.Errorf("reading order %s: %w", data.HotOrder, err)
	}
	if got.Item == nil {
		return fmt.Errorf("order %s is not at pk %q, sk %q", data.HotOrder, pk, sk)
	}
	fmt.Printf("  GetItem of order %s of %s, shard = FNV-1a(%q) mod %d + 1:\n    %s\n", data.HotOrder, hotCustomer,
		data.HotOrder, shardCount, itemText(got.Item))
	return nil
}

// itemText renders an item on one line, keys first: pk="a" sk="b" total=12.5 ... Numbers keep
// DynamoDB's text (attributevalue.Number), strings are quoted, anything else printed as Go
// prints the value attributevalue gives it.
func itemText(item map[string]types.AttributeValue) string {
	var values map[string]any
	if err := attributevalue.UnmarshalMapWithOptions(item, &values, func(o *attributevalue.DecoderOptions) { o.UseNumber = true }); err != nil {
		return fmt.Sprintf("(unreadable item: %v)", err)
	}
	names := make([]string, 0, len(values))
	for n := range values {
		if n != "pk" && n != "sk" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range append([]string{"pk", "sk"}, names...) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(n + "=")
		switch v := values[n].(type) {
		case string:
			b.WriteString(strconv.Quote(v))
		default:
			fmt.Fprintf(&b, "%v", v)
		}
	}
	return b.String()
}

func command(ctx context.Context, dir string, env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd
}

// devOverrides is a CLI configuration that makes Terraform and OpenTofu use the local build.
func devOverrides(bin string) string {
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/ddbload/ddbload" = %q
  }
  direct {}
}
`, bin)
}

func copyTF(from, to string) error {
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	n := 0
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o600); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return errors.New("no .tf files in " + from)
	}
	return nil
}
