package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/awsclient"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/order"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
)

// Local credentials: the simulator checks no signature.
const (
	region    = "us-east-1"
	accessKey = "local"
	secretKey = "local"
)

// Schema is the benchmark tables' key schema: pk (S), sk (S).
var Schema = keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "S"}, SortKey: &keys.Attr{Name: "sk", Type: "S"}}

// LoadConfig is one load, run by `ddbload-bench load` in a child process.
type LoadConfig struct {
	Loader   string // "ours" or "naive"
	Endpoint string
	Table    string
	File     string
	// Format is the file's source format ("": JSON Lines), for loads outside the suites.
	Format string
	// ShardCount > 1 writes the partition key as "{pk}#{shard}" with the shard computed from
	// sk (ours only).
	ShardCount int
	// Order, Concurrency and MaxWCU are the loader's options (ours only); zero values are the
	// provider's defaults.
	Order       string
	Concurrency int
	MaxWCU      float64
}

// LoadResult is what a child reports.
type LoadResult struct {
	Items int64 `json:"items"`
	// WriteSeconds is the loader's own write phase (ours: after its validation pass).
	WriteSeconds float64 `json:"write_seconds"`
	Seconds      float64 `json:"seconds"`
	Retries      int64   `json:"retries"`
	// PeakRSSKB is the process's peak resident set size (VmHWM) at the end of the load.
	PeakRSSKB int64 `json:"peak_rss_kb"`
}

// Client is the provider's SDK client (package awsclient) for a local endpoint.
func Client(ctx context.Context, endpoint string) (*dynamodb.Client, error) {
	return awsclient.NewLazy(awsclient.Settings{Region: region, Endpoint: endpoint, AccessKey: accessKey, SecretKey: secretKey}, false).Client(ctx)
}

// RunLoad performs c in this process and reports its peak RSS.
func RunLoad(ctx context.Context, c LoadConfig) (*LoadResult, error) {
	r, err := runLoad(ctx, c)
	if err != nil {
		return nil, err
	}
	r.PeakRSSKB, err = PeakRSSKB()
	return r, err
}

func runLoad(ctx context.Context, c LoadConfig) (*LoadResult, error) {
	client, err := Client(ctx, c.Endpoint)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(c.File)
	if err != nil {
		return nil, err
	}
	spec := source.Spec{Patterns: []string{abs}, Format: source.FormatJSONLines}
	if c.Format != "" {
		spec.Format = source.Format(c.Format)
	}
	start := time.Now()
	switch c.Loader {
	case "ours":
		o := loader.Options{Source: spec, Order: order.Options{Mode: order.Mode(c.Order), Seed: 1},
			Write: write.Options{Concurrency: c.Concurrency, MaxWriteUnitsPerSecond: c.MaxWCU}}
		if c.ShardCount > 1 {
			o.Keys = keys.Options{PartitionKey: "{pk}#{shard}", ShardAttribute: "sk", ShardCount: c.ShardCount}
		}
		res, err := loader.Load(ctx, client, c.Table, Schema, o)
		if err != nil {
			return nil, err
		}
		return &LoadResult{Items: res.Stats.Written, WriteSeconds: res.Stats.Duration.Seconds(), Seconds: time.Since(start).Seconds(), Retries: res.Stats.Retries}, nil
	case "naive":
		r, err := naiveLoad(ctx, client, c.Table, spec)
		if err != nil {
			return nil, err
		}
		r.Seconds = time.Since(start).Seconds()
		r.WriteSeconds = r.Seconds
		return r, nil
	}
	return nil, fmt.Errorf("unknown loader %q (ours or naive)", c.Loader)
}

// PeakRSSKB reads VmHWM, the peak resident set size of this process, from /proc/self/status.
// (getrusage's ru_maxrss will not do for a child: Linux carries the parent's peak into it at
// exec, so every child of a big harness would report the harness's peak.)
func PeakRSSKB() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
}

// naiveLoad is the baseline a developer writes in an afternoon: read the file in order, send
// 25 items at a time from one goroutine, re-send what comes back unprocessed after an
// exponential backoff (50 ms doubling up to 5 s, as AWS's documentation suggests), and retry
// a failed call the same way. It uses the same SDK client as ours.
func naiveLoad(ctx context.Context, client *dynamodb.Client, table string, spec source.Spec) (*LoadResult, error) {
	r, err := source.Open(spec)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	res := &LoadResult{}
	send := func(reqs []types.WriteRequest) error {
		backoff := 50 * time.Millisecond
		for attempt := 0; len(reqs) > 0; attempt++ {
			if attempt > 0 {
				res.Retries++
				select {
				case <-time.After(backoff):
				case <-ctx.Done():
					return ctx.Err()
				}
				backoff = min(2*backoff, 5*time.Second)
			}
			out, err := client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{table: reqs}})
			if err != nil {
				if ctx.Err() != nil || attempt >= 20 {
					return err
				}
				continue
			}
			res.Items += int64(len(reqs) - len(out.UnprocessedItems[table]))
			reqs = out.UnprocessedItems[table]
		}
		return nil
	}
	batch := make([]types.WriteRequest, 0, 25)
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		batch = append(batch, types.WriteRequest{PutRequest: &types.PutRequest{Item: rec.Item}})
		if len(batch) == 25 {
			if err := send(batch); err != nil {
				return nil, err
			}
			batch = make([]types.WriteRequest, 0, 25)
		}
	}
	if err := send(batch); err != nil {
		return nil, err
	}
	return res, nil
}
