// Command memcheck shows whether the loader's memory grows with the dataset. It generates a
// JSON Lines file of -items items (about 200 bytes each, unique primary keys, sorted by
// partition key, 20 items per partition key), loads it with loader.Load into an in-process
// BatchWriteItem that acknowledges everything at once (no HTTP, no simulator), and prints the
// peak resident set size (VmHWM from /proc/self/status), the items loaded, the wall time and
// items/s. It exits non-zero when the items loaded are not -items.
//
//	go run ./internal/testrig/cmd/memcheck                     # 3,000,000 items
//	go run ./internal/testrig/cmd/memcheck -compare            # 300,000 and 3,000,000, fresh processes
//	go run ./internal/testrig/cmd/memcheck -memprofile heap.pb # then: go tool pprof -top heap.pb
//
// -compare runs the check for -items/10 and -items items, each in a fresh process (this
// program re-executed), and prints both rows and the ratio of their peak RSS: about 1 means
// memory is bounded, about 10 means it grows linearly with the file.
//
// The garbage collector runs with Go's defaults: memcheck sets neither GOGC nor GOMEMLIMIT,
// so the peak is what a user of the provider gets. Set those environment variables to see
// their effect; they reach the -compare subprocesses too.
//
// The file is written streaming (constant memory) before the load starts, and the peak RSS is
// reset after writing it when the kernel allows (/proc/self/clear_refs), so the peak is the
// load's. -file reuses a file (or writes it there and keeps it, if it does not exist yet).
// -memprofile writes a heap profile (after a forced GC) when half the items are written, so
// it shows what stays live during the write pass.
//
// It is part of the test rig (internal/testrig), not the shipped provider.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/hashicorp/go-hclog"

	"github.com/ddbload/terraform-provider-ddbload/internal/gcpolicy"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/order"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/profiling"
)

// perKey is how many items share a partition key.
const perKey = 20

// result is one run: a row of the table, and what a -compare parent reads from a child.
type result struct {
	Items     int64   `json:"items"`
	FileBytes int64   `json:"file_bytes"`
	PeakRSSKB int64   `json:"peak_rss_kb"`
	Loaded    int64   `json:"loaded"`
	Seconds   float64 `json:"seconds"`
	PeakReset bool    `json:"peak_reset"`
}

type config struct {
	items      int64
	file       string
	mode       string
	pad        int
	memprofile string
	compare    bool
	asJSON     bool
	gzip       bool
}

func main() {
	var c config
	flag.Int64Var(&c.items, "items", 3_000_000, "items to generate and load (with -file: the number the file must hold)")
	flag.StringVar(&c.file, "file", "", "JSON Lines file to load; written there first (and kept) if it does not exist, gzip-compressed if its name ends in .gz")
	flag.BoolVar(&c.gzip, "gzip", false, "without -file: generate one gzip-compressed file")
	flag.StringVar(&c.mode, "order", string(order.Interleave), "order mode: interleave, shuffle or preserve")
	flag.IntVar(&c.pad, "pad", 0, "bytes of padding added to every item (e.g. 400000 for items near DynamoDB's 400 KB limit)")
	flag.StringVar(&c.memprofile, "memprofile", "", "write a heap profile here when half the items are written (-compare: one per size, suffixed .<items>)")
	flag.BoolVar(&c.compare, "compare", false, "run -items/10 and -items in fresh processes and compare their peak RSS")
	flag.BoolVar(&c.asJSON, "json", false, "print the result as JSON (used by -compare)")
	flag.Parse()
	gcpolicy.Apply() // the provider's policy, so the peak RSS is the provider's

	var err error
	if c.compare {
		err = compare(c)
	} else {
		err = runOne(c)
	}
	if err != nil {
		hclog.New(&hclog.LoggerOptions{Name: "memcheck", Output: os.Stderr}).Error("Failed", "error", err)
		os.Exit(1)
	}
}

func runOne(c config) error {
	if c.items < 1 {
		return errors.New("-items must be at least 1")
	}
	r, err := check(c)
	if err != nil {
		return err
	}
	if c.asJSON {
		if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
			return err
		}
	} else {
		printHeader()
		printRow(r)
	}
	if r.Loaded != r.Items {
		return fmt.Errorf("loaded %d items; want %d", r.Loaded, r.Items)
	}
	return nil
}

// check generates (or reuses) the file, loads it and measures.
func check(c config) (result, error) {
	path := c.file
	if path == "" {
		dir, err := os.MkdirTemp("", "memcheck-")
		if err != nil {
			return result{}, err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "items.jsonl")
		if c.gzip {
			path += ".gz"
		}
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if err := generate(path, c.items, c.pad); err != nil {
			return result{}, err
		}
	} else if err != nil {
		return result{}, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return result{}, err
	}
	r := result{Items: c.items, FileBytes: st.Size(), PeakReset: resetPeakRSS()}

	w := &nullWriter{profileAt: c.items / 2, profilePath: c.memprofile}
	schema := keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "S"}, SortKey: &keys.Attr{Name: "sk", Type: "N"}}
	abs, err := filepath.Abs(path)
	if err != nil {
		return result{}, err
	}
	o := loader.Options{
		Source: source.Spec{Patterns: []string{abs}, Format: source.FormatJSONLines},
		Order:  order.Options{Mode: order.Mode(c.mode), Seed: 1},
	}
	start := time.Now()
	res, err := loader.Load(context.Background(), w, "memcheck", schema, o)
	r.Seconds = time.Since(start).Seconds()
	r.Loaded = w.puts.Load()
	if err != nil {
		return r, fmt.Errorf("load: %w", err)
	}
	if w.profileErr != nil {
		return r, fmt.Errorf("heap profile: %w", w.profileErr)
	}
	if res.Stats.Written != r.Loaded {
		return r, fmt.Errorf("the writer received %d items but the load reports %d", r.Loaded, res.Stats.Written)
	}
	if r.PeakRSSKB, err = peakRSSKB(); err != nil {
		return r, err
	}
	runtime.KeepAlive(res)
	return r, nil
}

// generate writes n items to path, streaming, each with pad bytes of padding. Primary keys are
// unique: pk is the item index divided by perKey, sk the index.
func generate(path string, n int64, pad int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	var out io.Writer = f
	var zw *gzip.Writer
	if strings.HasSuffix(path, ".gz") {
		zw = gzip.NewWriter(f)
		out = zw
	}
	w := bufio.NewWriterSize(out, 1<<20)
	padding := ""
	if pad > 0 {
		padding = `,"pad":"` + strings.Repeat("x", pad) + `"`
	}
	for i := range n {
		fmt.Fprintf(w, `{"pk":"customer#%07d","sk":%d,"total":%d.%02d,"qty":%d,"status":"shipped","note":"größe — order %09d ok","paid":%t,"tags":["a","b","c"],"addr":{"city":"Zürich","zip":"80%02d","geo":[47.3769,8.5417]}%s}`+"\n",
			i/perKey, i, i%5000, i%100, i%7, i, i%2 == 0, i%100, padding)
	}
	err = w.Flush()
	if zw != nil && err == nil {
		err = zw.Close()
	}
	if err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// nullWriter is a BatchWriteItem that acknowledges every request at once and only counts the
// puts. When profilePath is set it writes a heap profile once profileAt puts have arrived.
type nullWriter struct {
	puts        atomic.Int64
	profileAt   int64
	profilePath string
	profileOnce sync.Once
	profileErr  error
}

func (w *nullWriter) BatchWriteItem(_ context.Context, in *dynamodb.BatchWriteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	var n int64
	for _, reqs := range in.RequestItems {
		for i := range reqs {
			if reqs[i].PutRequest != nil {
				n++
			}
		}
	}
	if total := w.puts.Add(n); w.profilePath != "" && total >= w.profileAt {
		w.profileOnce.Do(func() { w.profileErr = writeHeapProfile(w.profilePath) })
	}
	return &dynamodb.BatchWriteItemOutput{}, nil
}

func writeHeapProfile(path string) error {
	runtime.GC() // the profile's in-use numbers are as of the last GC
	return profiling.Write(path, "heap")
}

// resetPeakRSS sets VmHWM back to the current RSS (Linux 4.0+), so the peak measured is the
// load's and not the file generation's. It reports whether the kernel allowed it.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSSKB reads VmHWM, the peak resident set size, from /proc/self/status.
func peakRSSKB() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("reading peak RSS: %w", err)
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parsing VmHWM %q: %w", strings.TrimSpace(rest), err)
			}
			return kb, nil
		}
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
}

// compare runs the check for two sizes, each in a fresh process, and compares their peaks.
func compare(c config) error {
	if c.file != "" {
		return errors.New("-compare generates its own files; it does not take -file")
	}
	small, large := c.items/10, c.items
	if small < 1 {
		return errors.New("-compare needs -items of at least 10")
	}
	printHeader()
	var rows []result
	for _, n := range []int64{small, large} {
		r, err := child(c, n)
		if err != nil {
			return err
		}
		printRow(r)
		rows = append(rows, r)
	}
	fmt.Printf("peak RSS ratio %d/%d items: %.2f (items ratio %.0f)\n",
		large, small, float64(rows[1].PeakRSSKB)/float64(rows[0].PeakRSSKB), float64(large)/float64(small))
	for _, r := range rows {
		if r.Loaded != r.Items {
			return fmt.Errorf("%d items: loaded %d", r.Items, r.Loaded)
		}
	}
	return nil
}

// child re-executes this program for n items and reads its JSON result.
func child(c config, n int64) (result, error) {
	args := []string{"-items", strconv.FormatInt(n, 10), "-order", c.mode, "-pad", strconv.Itoa(c.pad), "-json"}
	if c.memprofile != "" {
		args = append(args, "-memprofile", c.memprofile+"."+strconv.FormatInt(n, 10))
	}
	cmd := exec.Command(os.Args[0], args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	runErr := cmd.Run()
	var r result
	if err := json.Unmarshal(bytes.TrimSpace(out.Bytes()), &r); err != nil {
		if runErr != nil {
			return r, fmt.Errorf("%d items: %w", n, runErr)
		}
		return r, fmt.Errorf("%d items: reading the result %q: %w", n, out.String(), err)
	}
	if runErr != nil && r.Loaded == r.Items {
		return r, fmt.Errorf("%d items: %w", n, runErr)
	}
	return r, nil
}

func printHeader() {
	fmt.Printf("%10s %9s %14s %10s %8s %10s\n", "items", "file MB", "peak RSS MB", "loaded", "wall s", "items/s")
}

func printRow(r result) {
	peak := fmt.Sprintf("%.1f", float64(r.PeakRSSKB)/1024)
	if !r.PeakReset {
		peak += "*" // the peak includes generating the file
	}
	fmt.Printf("%10d %9.1f %14s %10d %8.2f %10.0f\n",
		r.Items, float64(r.FileBytes)/(1<<20), peak, r.Loaded, r.Seconds, float64(r.Loaded)/r.Seconds)
}
