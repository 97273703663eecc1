package devstack

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Region and the static credentials below are what local clients sign with; dynalite accepts
// any signature.
const (
	Region          = "us-east-1"
	AccessKeyID     = "local"
	SecretAccessKey = "local"
)

// Options tune the server. Zero values make table status changes instant.
type Options struct {
	// CreateTableMs, DeleteTableMs and UpdateTableMs are how long tables stay CREATING,
	// DELETING and UPDATING.
	CreateTableMs, DeleteTableMs, UpdateTableMs int
	// Log receives the server's standard error; nil discards it.
	Log io.Writer
}

// Dynalite is a running dynalite server.
type Dynalite struct {
	// Endpoint is the server's URL, http://127.0.0.1:PORT.
	Endpoint string

	cmd      *exec.Cmd
	stdin    io.WriteCloser
	done     chan struct{}
	waitErr  error
	stopOnce sync.Once
}

// StartDynalite starts dynalite on a free port of 127.0.0.1 and waits until it listens. The
// server also exits by itself when this process dies, because it watches its standard input.
// Call Stop when done.
func StartDynalite(ctx context.Context, opts Options) (*Dynalite, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	script := filepath.Join(root, "scripts", "dynalite.js")
	if _, err := os.Stat(filepath.Join(root, "node_modules", "dynalite")); err != nil {
		return nil, fmt.Errorf("dynalite is not installed in %s: run `npm ci` there (make does it for you)", root)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node (Node.js >= 20) is needed to run dynalite: %w", err)
	}

	cmd := exec.Command(node, script,
		"--create-ms", strconv.Itoa(opts.CreateTableMs),
		"--delete-ms", strconv.Itoa(opts.DeleteTableMs),
		"--update-ms", strconv.Itoa(opts.UpdateTableMs))
	cmd.Dir = root
	cmd.Stderr = opts.Log
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting dynalite: %w", err)
	}
	d := &Dynalite{cmd: cmd, stdin: stdin, done: make(chan struct{})}

	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			var line struct{ Endpoint string }
			if json.Unmarshal(sc.Bytes(), &line) == nil {
				ready <- line.Endpoint
			}
		}
		close(ready)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() {
		d.waitErr = cmd.Wait()
		close(d.done)
	}()

	timeout := time.NewTimer(30 * time.Second)
	defer timeout.Stop()
	select {
	case ep, ok := <-ready:
		if ok && ep != "" {
			d.Endpoint = ep
			return d, nil
		}
		d.Stop()
		return nil, fmt.Errorf("dynalite exited before listening: %w", d.waitErr)
	case <-timeout.C:
		d.Stop()
		return nil, errors.New("dynalite did not start listening within 30s")
	case <-ctx.Done():
		d.Stop()
		return nil, ctx.Err()
	}
}

// Stop ends the server and waits for it. It is safe to call more than once.
func (d *Dynalite) Stop() {
	d.stopOnce.Do(func() {
		_ = d.stdin.Close() // the script exits when its stdin closes
		select {
		case <-d.done:
		case <-time.After(5 * time.Second):
			_ = d.cmd.Process.Kill()
			<-d.done
		}
	})
}

// Client returns a DynamoDB client for the server, signed with the local credentials.
func (d *Dynalite) Client() *dynamodb.Client {
	return NewClient(d.Endpoint)
}

// NewClient returns a DynamoDB client for a local endpoint, signed with the local credentials.
func NewClient(endpoint string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       Region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
	})
}

// RepoRoot finds the repository root (the folder holding go.mod) from the working directory
// upwards, so tests in any package find scripts/ and node_modules/.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "scripts", "dynalite.js")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find the repository root (a folder with scripts/dynalite.js) above the working directory")
		}
		dir = parent
	}
}

// ClosedEndpoint returns an http:// endpoint on 127.0.0.1 where nothing listens: a port the
// kernel handed out and that was closed again at once. Tests of unreachable endpoints use it.
func ClosedEndpoint() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		return "", err
	}
	return "http://" + addr, nil
}
