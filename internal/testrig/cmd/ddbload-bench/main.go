// Command ddbload-bench runs the benchmarks of `make bench` (package bench) and prints their
// tables in Markdown on standard output; its log (progress, errors) goes to standard error
// through hclog.
//
//	ddbload-bench [flags] [suite ...]      # suites: efficiency peers speed terraform bulkput (default: all)
//	ddbload-bench load -loader ours|naive -endpoint URL -table T -file F [...]
//
// The load subcommand is what the harness runs in a child process for each measured load; it
// prints one line of JSON. Benchmarks measure and assert nothing about speed.
//
// It is part of the test rig (internal/testrig), not the shipped provider.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/hashicorp/go-hclog"

	"github.com/ddbload/terraform-provider-ddbload/internal/gcpolicy"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/bench"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/profiling"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	log := hclog.New(&hclog.LoggerOptions{Name: "ddbload-bench", Output: os.Stderr})
	var err error
	if len(os.Args) > 1 && os.Args[1] == "load" {
		gcpolicy.Apply() // the provider's policy: the load is measured as the provider runs it
		err = load(ctx, os.Args[2:])
	} else {
		err = benchmarks(ctx, log, os.Args[1:])
	}
	stop()
	if err != nil {
		log.Error("Failed", "error", err)
		os.Exit(1)
	}
}

func load(ctx context.Context, args []string) (err error) {
	fs := flag.NewFlagSet("ddbload-bench load", flag.ContinueOnError)
	var c bench.LoadConfig
	fs.StringVar(&c.Loader, "loader", "ours", "ours (the ddbload engine) or naive (one worker, in order)")
	fs.StringVar(&c.Endpoint, "endpoint", "", "DynamoDB endpoint (the simulator)")
	fs.StringVar(&c.Table, "table", "bench", "table")
	fs.StringVar(&c.File, "file", "", "JSON Lines file")
	fs.StringVar(&c.Format, "format", "", `the file's format (as a dataset's format: "dynamodb_json" for S3-export lines; "": jsonl)`)
	fs.IntVar(&c.ShardCount, "shard-count", 0, `ours: write the partition key as "{pk}#{shard}" with this many shards of sk (0: no sharding)`)
	fs.StringVar(&c.Order, "order", "", "ours: order mode (interleave, shuffle, preserve; default interleave)")
	fs.IntVar(&c.Concurrency, "concurrency", 0, "ours: workers (0: the default)")
	fs.Float64Var(&c.MaxWCU, "max-wcu", 0, "ours: max write units per second (0: no cap)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the load to this file (for go tool pprof)")
	memProfile := fs.String("memprofile", "", "write an allocation profile of the load to this file (for go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.Endpoint == "" || c.File == "" {
		return fmt.Errorf("load needs -endpoint and -file")
	}
	if *cpuProfile != "" {
		stop, err := profiling.StartCPU(*cpuProfile)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, stop()) }()
	}
	res, err := bench.RunLoad(ctx, c)
	if err != nil {
		return err
	}
	if *memProfile != "" {
		if err := profiling.Write(*memProfile, "allocs"); err != nil {
			return err
		}
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

func benchmarks(ctx context.Context, log hclog.Logger, args []string) error {
	fs := flag.NewFlagSet("ddbload-bench", flag.ContinueOnError)
	sz := bench.DefaultSizes
	e := bench.Env{Log: log}
	var quick, timeline bool
	fs.StringVar(&e.WorkDir, "workdir", filepath.Join(os.TempDir(), "ddbload-bench"), "datasets and scratch files (kept for reuse)")
	fs.StringVar(&e.Python, "python", "/usr/bin/python3", "Python 3 with boto3 (Debian python3-boto3)")
	fs.StringVar(&e.AWSCLI, "aws", "/usr/bin/aws", "AWS CLI (Debian awscli)")
	fs.StringVar(&e.TerraformCLI, "terraform", "", "Terraform CLI for the terraform suite")
	fs.IntVar(&sz.Partitions, "partitions", sz.Partitions, "partitions of the simulated table")
	fs.IntVar(&sz.Reps, "reps", sz.Reps, "runs of each efficiency case (the table shows the median and the range)")
	fs.IntVar(&sz.TerraformRounds, "terraform-rounds", sz.TerraformRounds, "rounds of the terraform suite (the table shows the median and the range)")
	fs.BoolVar(&quick, "quick", false, "a tenth of every dataset size: checks the harness, not the numbers")
	fs.StringVar(&e.Cases, "cases", "", "efficiency: run only the cases whose name contains this (e.g. uniform, Zipf)")
	fs.BoolVar(&timeline, "timeline", false, "print each run's per-partition timeline (WCU per second) on standard error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if timeline {
		e.Timeline = os.Stderr
	}
	if quick {
		sz.Efficiency, sz.Skewed, sz.Peers, sz.CLI, sz.Speed, sz.Terraform = sz.Efficiency/10, sz.Skewed/10, sz.Peers/10, 100, sz.Speed/10, sz.Terraform/10
	}
	var err error
	if e.Self, err = os.Executable(); err != nil {
		return err
	}
	if e.Root, err = devstack.RepoRoot(); err != nil {
		return err
	}
	if err := os.MkdirAll(e.WorkDir, 0o755); err != nil {
		return err
	}
	names := fs.Args()
	if len(names) == 0 {
		names = []string{"efficiency", "peers", "speed", "terraform", "bulkput"}
	}
	for _, name := range names {
		log.Info("Running suite", "suite", name)
		var err error
		switch name {
		case "efficiency":
			err = e.Efficiency(ctx, os.Stdout, sz)
		case "peers":
			err = e.Peers(ctx, os.Stdout, sz)
		case "speed":
			err = e.Speed(ctx, os.Stdout, sz)
		case "terraform":
			err = e.Terraform(ctx, os.Stdout, sz)
		case "bulkput":
			err = e.BulkPut(ctx, os.Stdout, sz)
		default:
			err = fmt.Errorf("unknown suite %q (efficiency, peers, speed, terraform, bulkput)", name)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}
