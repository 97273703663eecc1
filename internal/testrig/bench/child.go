package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/hashicorp/go-hclog"
)

// Run is one loader's run in a child process, as the harness measured it.
type Run struct {
	Wall     time.Duration // the child's whole life: start-up, reading, writing
	CPU      time.Duration // user + system of the child and its waited-for descendants
	MaxRSSKB int64         // the child's peak RSS as it reported it (VmHWM); 0: not measured
	Result   LoadResult    // what the child printed (last line of JSON on stdout)
}

// runChild runs cmd, waits, and reads its rusage and its JSON result.
func runChild(cmd *exec.Cmd) (*Run, error) {
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := &Run{Wall: time.Since(start)}
	if err != nil {
		return nil, fmt.Errorf("%s: %w\n%s", cmd.Args[0], err, tail(stderr.Bytes()))
	}
	if st := cmd.ProcessState; st != nil {
		r.CPU = st.UserTime() + st.SystemTime()
	}
	lines := bytes.Split(bytes.TrimSpace(stdout.Bytes()), []byte("\n"))
	if err := json.Unmarshal(lines[len(lines)-1], &r.Result); err != nil {
		return nil, fmt.Errorf("%s: reading its result %q: %w\n%s", cmd.Args[0], stdout.String(), err, tail(stderr.Bytes()))
	}
	r.MaxRSSKB = r.Result.PeakRSSKB
	return r, nil
}

func tail(b []byte) string {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// Env is where the harness finds its tools.
type Env struct {
	Self         string // this program, for `load` children
	Root         string // the repository, for scripts/
	Python       string // a Python 3 with boto3 (Debian: /usr/bin/python3 with python3-boto3)
	AWSCLI       string // the AWS CLI (Debian awscli: /usr/bin/aws)
	TerraformCLI string
	WorkDir      string // datasets and scratch files
	// Timeline, if set, receives the simulator's per-partition timeline of every run.
	Timeline io.Writer
	// Log, if set, gets a line as each run ends, so a long suite shows where it is.
	Log hclog.Logger
	// Cases, if set, limits the efficiency suite to the cases whose name contains it.
	Cases string
}

// log is e.Log, or a logger that drops everything.
func (e *Env) log() hclog.Logger {
	if e.Log == nil {
		return hclog.NewNullLogger()
	}
	return e.Log
}

// runOurs runs `ddbload-bench load` for c in a child.
func (e *Env) runLoad(ctx context.Context, c LoadConfig) (*Run, error) {
	args := []string{"load", "-loader", c.Loader, "-endpoint", c.Endpoint, "-table", c.Table, "-file", c.File,
		"-shard-count", strconv.Itoa(c.ShardCount), "-order", c.Order, "-concurrency", strconv.Itoa(c.Concurrency),
		"-max-wcu", strconv.FormatFloat(c.MaxWCU, 'f', -1, 64)}
	return runChild(exec.CommandContext(ctx, e.Self, args...))
}

// runBoto3 loads file with boto3's Table.batch_writer (scripts/bench-boto3.py).
func (e *Env) runBoto3(ctx context.Context, endpoint, table, file string) (*Run, error) {
	cmd := exec.CommandContext(ctx, e.Python, e.Root+"/scripts/bench-boto3.py", endpoint, table, file)
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	return runChild(cmd)
}

// runCLI sends the request files in dir with `aws dynamodb batch-write-item`, one call per file
// and again for what comes back unprocessed (scripts/bench-awscli.sh).
func (e *Env) runCLI(ctx context.Context, endpoint, dir string, items int) (*Run, error) {
	cmd := exec.CommandContext(ctx, e.Root+"/scripts/bench-awscli.sh", endpoint, dir)
	cmd.Env = append(os.Environ(), "AWS_CLI="+e.AWSCLI)
	r, err := runChild(cmd)
	if err != nil {
		return nil, err
	}
	r.Result.Items = int64(items)
	return r, nil
}
