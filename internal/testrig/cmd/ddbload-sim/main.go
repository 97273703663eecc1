// Command ddbload-sim runs the capacity simulator (package sim) as a process: a
// DynamoDB-compatible endpoint on 127.0.0.1 in front of a backend (dynalite) or the built-in
// in-memory sink. It prints {"endpoint":"http://127.0.0.1:PORT"} on standard output once it
// listens, stops on SIGINT or SIGTERM or when standard input closes (-watch-stdin), and then
// prints the per-partition timeline and the totals on standard error.
//
// It is part of the test rig (internal/testrig), not the shipped provider.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/hashicorp/go-hclog"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/profiling"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/sim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			hclog.New(&hclog.LoggerOptions{Name: "ddbload-sim", Output: os.Stderr}).Error("Failed", "error", err)
		}
		os.Exit(2)
	}
}

// run serves until ctx ends or stdin closes.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("ddbload-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		tc         sim.TableConfig
		cfg        sim.Config
		table      = fs.String("table", "*", `table the capacity settings apply to ("*": every table)`)
		port       = fs.Int("port", 0, "port on 127.0.0.1 (0: a free one)")
		watchStdin = fs.Bool("watch-stdin", true, "stop when standard input closes")
	)
	fs.StringVar(&cfg.Backend, "backend", "", `URL of a DynamoDB-compatible server to forward to ("": in-memory sink)`)
	fs.Int64Var(&cfg.Seed, "seed", 1, "seed of the fault draws")
	fs.IntVar(&tc.Partitions, "partitions", 0, "partitions (0: derive from -table-wcu and -table-rcu)")
	fs.Float64Var(&tc.PartitionWCU, "partition-wcu", sim.DefaultPartitionWCU, "WCU/s per partition")
	fs.Float64Var(&tc.TableWCU, "table-wcu", 0, "table-level WCU/s cap (0: none)")
	fs.Float64Var(&tc.TableRCU, "table-rcu", 0, "table RCU/s (partition derivation only)")
	fs.BoolVar(&tc.OnDemand, "on-demand", false, "throttle with ThrottlingException (on-demand table)")
	fs.BoolVar(&tc.Burst, "burst", false, "buckets keep up to 300 s of unused capacity")
	fs.DurationVar(&tc.WarmUpdateDelay, "warm-delay", sim.DefaultWarmUpdateDelay, "how long a warm-throughput update stays UPDATING")
	fs.StringVar(&tc.PartitionKey, "pk", "", "in-memory sink: create -table with this partition key (S)")
	fs.StringVar(&tc.SortKey, "sk", "", "in-memory sink: and this sort key (S)")
	fs.Float64Var(&cfg.Faults.ServerErrorRate, "server-error-rate", 0, "fraction of requests answered HTTP 500")
	fs.Float64Var(&cfg.Faults.ResetRate, "reset-rate", 0, "fraction of requests whose connection is reset")
	fs.Float64Var(&cfg.Faults.ThrottleRate, "throttle-rate", 0, "fraction of BatchWriteItem calls throttled whole")
	fs.Float64Var(&cfg.Faults.UnprocessedRate, "unprocessed-rate", 0, "fraction of batch items returned unprocessed")
	fs.DurationVar(&cfg.Faults.Latency, "latency", 0, "latency added to every request")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the simulator's life to this file (for go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *cpuProfile != "" {
		stop, err := profiling.StartCPU(*cpuProfile)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, stop()) }()
	}
	if tc.PartitionKey != "" && *table == "*" {
		return errors.New("-pk creates a table in the in-memory sink: name it with -table")
	}
	cfg.Tables = map[string]sim.TableConfig{*table: tc}

	s, endpoint, err := sim.Listen(cfg, *port)
	if err != nil {
		return err
	}
	line, _ := json.Marshal(map[string]string{"endpoint": endpoint})
	if _, err := fmt.Fprintln(stdout, string(line)); err != nil {
		_ = s.Close()
		return err
	}

	stdinClosed := make(chan struct{})
	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, stdin)
			close(stdinClosed)
		}()
	}
	select {
	case <-ctx.Done():
	case <-stdinClosed:
	}
	err = s.Close()
	s.PrintTimeline(stderr)
	st := s.Stats()
	fmt.Fprintf(stderr, "requests %d, throttled requests %d, unprocessed items %d, items written %d, WCU consumed %.0f\n",
		st.Requests, st.ThrottledRequests, st.UnprocessedItems, st.ItemsWritten, st.WCUConsumed)
	fmt.Fprintf(stderr, "faults: server errors %d, resets %d, throttles %d, unprocessed items %d\n",
		st.Faults.ServerErrors, st.Faults.Resets, st.Faults.Throttles, st.Faults.UnprocessedItems)
	return err
}
