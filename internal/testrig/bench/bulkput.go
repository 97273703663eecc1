package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/s3server"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/sim"
)

// tfBulkConfig is tfConfig with the engine, the staging bucket on the S3 server and the
// write rate as variables.
const tfBulkConfig = `terraform {
  required_providers {
    ddbload = {
      source = "registry.terraform.io/ddbload/ddbload"
    }
  }
}

variable "endpoint" { type = string }
variable "s3_endpoint" { type = string }
variable "table_name" { type = string }
variable "data_file" { type = string }
variable "engine" { type = string }
variable "rate" {
  type    = number
  default = null
}

provider "ddbload" {
  region      = "us-east-1"
  endpoint    = var.endpoint
  s3_endpoint = var.s3_endpoint
  access_key  = "` + s3server.AccessKeyID + `"
  secret_key  = "` + s3server.SecretAccessKey + `"
}

resource "ddbload_dataset" "bench" {
  table_name                 = var.table_name
  files                      = [var.data_file]
  engine                     = var.engine
  staging                    = { bucket = "stage" }
  max_write_units_per_second = var.rate
}
`

// bulkRun is one `terraform apply` of benchmark 5.
type bulkRun struct {
	wall, operation time.Duration // the apply's, and the bulk operation's (start to end)
	providerRSS     int64         // the provider processes' highest peak RSS, bytes
	stagedBytes     int64         // the operation's input (gzip parts)
	limit           Limit
}

// BulkPut is benchmark 5: `terraform apply` of the terraform suite's dataset with engine =
// "bulk_put", the items staged on versitygw and loaded by the simulator's bulk operation,
// against the local engine's apply of the same file. It reports the apply's wall time, the
// operation's, and the provider's peak RSS (sampled from /proc every 100 ms: the high-water
// mark each process reached by its last sample), which shows whether the provider holds the
// dataset. First into the sink, then into the simulated table of benchmark 1 at its capacity.
func (e *Env) BulkPut(ctx context.Context, w io.Writer, sz Sizes) error {
	d, dir, bin, err := e.terraformSetup(ctx, sz, "bulk-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p := sz.Partitions
	capacity := p * partitionWCU
	cases := []struct {
		name   string
		engine string
		rate   int
		table  sim.TableConfig
	}{
		{"local engine, in-memory sink", "local", 0, unlimited()},
		{"bulk_put, in-memory sink, max_write_units_per_second = 1,000,000", "bulk_put", 1_000_000, unlimited()},
		{fmt.Sprintf("bulk_put, simulated table of table 1, max_write_units_per_second = %d", capacity), "bulk_put", capacity, provisioned(p)},
	}
	var runs []bulkRun
	for i := range cases {
		c := &cases[i]
		r, err := e.bulkApply(ctx, d, bin, filepath.Join(dir, strconv.Itoa(i)), c.engine, c.rate, c.table)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		e.log().Info("Bulk put run done", "case", c.name, "seconds", r.wall.Seconds())
		runs = append(runs, r)
	}

	_, _ = fmt.Fprintf(w, "## 5. The bulk put engine through terraform apply (%d items; one run each)\n\n", d.Items)
	t := &table{header: []string{"run", "wall s", "operation s", "wall − operation s", "T_phys s", "wall ÷ T_phys", "staged MB (gzip)", "provider peak RSS MB"}}
	for i := range cases {
		c, r := &cases[i], runs[i]
		op, rest, staged := "-", "-", "-"
		if c.engine == "bulk_put" {
			op, rest, staged = f1(r.operation.Seconds()), f1((r.wall - r.operation).Seconds()), f1(float64(r.stagedBytes)/1e6)
		}
		tphys, ratio := "-", "-"
		if c.table.TableWCU > 0 {
			tphys, ratio = f1(r.limit.TPhys.Seconds()), f2(r.wall.Seconds()/r.limit.TPhys.Seconds())
		}
		t.add(c.name, f1(r.wall.Seconds()), op, rest, tphys, ratio, staged, f0(float64(r.providerRSS)/1e6))
	}
	t.print(w)
	return nil
}

// bulkApply runs one `terraform apply -auto-approve` of d with engine at rate (0: no cap) into a fresh
// simulator table tc, the simulator's bulk operations reading from a fresh versitygw.
func (e *Env) bulkApply(ctx context.Context, d *Dataset, bin, dir, engine string, rate int, tc sim.TableConfig) (bulkRun, error) {
	var r bulkRun
	env, err := tfWorkdirWith(dir, bin, tfBulkConfig)
	if err != nil {
		return r, err
	}
	gw, err := s3server.Start(ctx, s3server.Options{})
	if err != nil {
		return r, err
	}
	defer gw.Stop()
	s3c := s3.New(s3.Options{Region: s3server.Region, BaseEndpoint: aws.String(gw.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(s3server.AccessKeyID, s3server.SecretAccessKey, "")})
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("stage")}); err != nil {
		return r, err
	}
	srv, err := StartServer(sim.Config{Tables: map[string]sim.TableConfig{benchTable: tc}, Bulk: sim.BulkConfig{Store: sim.S3BulkStore(s3c)}})
	if err != nil {
		return r, err
	}
	defer srv.Close()

	rss := sampleRSS(filepath.Join(bin, "terraform-provider-ddbload"))
	start := time.Now()
	args := []string{"apply", "-auto-approve", "-input=false", "-no-color",
		"-var", "endpoint=" + srv.Endpoint, "-var", "s3_endpoint=" + gw.Endpoint, "-var", "table_name=" + benchTable,
		"-var", "data_file=" + d.Path, "-var", "engine=" + engine}
	if rate > 0 {
		args = append(args, "-var", "rate="+strconv.Itoa(rate))
	}
	err = run(ctx, dir, env, e.TerraformCLI, args...)
	r.wall = time.Since(start)
	r.providerRSS = rss()
	if err != nil {
		return r, fmt.Errorf("terraform apply: %w", err)
	}
	if n := srv.Sim.Stats().ItemsWritten; n != int64(d.Items) {
		return r, fmt.Errorf("terraform apply wrote %d items; want %d", n, d.Items)
	}
	if engine == "bulk_put" {
		if r.operation, r.stagedBytes, err = lastOperation(ctx, srv.Endpoint); err != nil {
			return r, err
		}
	}
	if tc.TableWCU > 0 {
		r.limit = PhysicalLimit(srv.Sim.Timeline(), benchTable, partitionWCU, tc.TableWCU)
	}
	return r, nil
}

// lastOperation is the duration and the input bytes read (ProcessedInputBytes) of the
// simulator's only bulk operation.
func lastOperation(ctx context.Context, endpoint string) (time.Duration, int64, error) {
	c := dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")})
	list, err := c.ListBulkOperations(ctx, &dynamodb.ListBulkOperationsInput{})
	if err != nil {
		return 0, 0, err
	}
	if len(list.BulkOperationsSummaryList) != 1 {
		return 0, 0, fmt.Errorf("%d bulk operations; want 1", len(list.BulkOperationsSummaryList))
	}
	out, err := c.DescribeBulkOperation(ctx, &dynamodb.DescribeBulkOperationInput{BulkOperationArn: list.BulkOperationsSummaryList[0].BulkOperationArn})
	if err != nil {
		return 0, 0, err
	}
	op := out.BulkOperationDescription
	if op.StartTime == nil || op.EndTime == nil {
		return 0, 0, fmt.Errorf("the bulk operation has not ended (%s)", op.BulkOperationStatus)
	}
	return op.EndTime.Sub(*op.StartTime), aws.ToInt64(op.ProcessedInputBytes), nil
}

// sampleRSS samples, every 100 ms until the returned function is called, the peak RSS
// (VmHWM) of every process running the executable exe, and returns the highest, in bytes.
func sampleRSS(exe string) func() int64 {
	stop, done := make(chan struct{}), make(chan int64)
	go func() {
		var peak int64
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			peak = max(peak, peakRSSOf(exe))
			select {
			case <-stop:
				done <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return func() int64 {
		close(stop)
		return <-done
	}
}

func peakRSSOf(exe string) int64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var peak int64
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		if path, err := os.Readlink("/proc/" + e.Name() + "/exe"); err != nil || path != exe {
			continue
		}
		status, err := os.ReadFile("/proc/" + e.Name() + "/status")
		if err != nil {
			continue
		}
		for line := range strings.Lines(string(status)) {
			if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				if kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64); err == nil {
					peak = max(peak, kb*1024)
				}
			}
		}
	}
	return peak
}
