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
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Region and the static credentials below are what local clients sign with; the local servers
// accept any signature.
const (
	Region          = "us-east-1"
	AccessKeyID     = "local"
	SecretAccessKey = "local"
)

// The local servers Start knows, by the names the acceptance tests' DDBLOAD_ACC_SERVER takes.
const (
	// DynaliteName is dynalite, a Node.js reimplementation of DynamoDB (scripts/dynalite.js).
	DynaliteName = "dynalite"
	// DynamoDBLocalName is DynamoDB Local, AWS's own emulator, run on Java 17
	// (scripts/dynamodb-local.java).
	DynamoDBLocalName = "dynamodb-local"
)

// ServerNames lists every name Start accepts.
var ServerNames = []string{DynaliteName, DynamoDBLocalName}

// Options tune the server. Zero values make table status changes instant.
type Options struct {
	// CreateTableMs, DeleteTableMs and UpdateTableMs are how long tables stay CREATING,
	// DELETING and UPDATING. Only dynalite has these knobs: DynamoDB Local changes table status
	// at once and ignores them.
	CreateTableMs, DeleteTableMs, UpdateTableMs int
	// Log receives the server's standard error; nil discards it.
	Log io.Writer
}

// Server is a running local DynamoDB-compatible server on 127.0.0.1.
type Server struct {
	// Name is the server's name in ServerNames.
	Name string
	// Endpoint is the server's URL, http://127.0.0.1:PORT.
	Endpoint string

	cmd      *exec.Cmd
	stdin    io.WriteCloser
	done     chan struct{}
	waitErr  error
	stopOnce sync.Once
}

// Start starts the server of that name (one of ServerNames).
func Start(ctx context.Context, name string, opts Options) (*Server, error) {
	switch name {
	case DynaliteName:
		return StartDynalite(ctx, opts)
	case DynamoDBLocalName:
		return StartDynamoDBLocal(ctx, opts)
	default:
		return nil, fmt.Errorf("unknown local server %q: want one of %v", name, ServerNames)
	}
}

// startTimeout bounds a server's start: a JVM compiling the DynamoDB Local launcher takes a few
// seconds on a loaded machine, dynalite well under one.
const startTimeout = 60 * time.Second

// startProcess runs a launcher that follows the contract of scripts/dynalite.js and
// scripts/dynamodb-local.java: it prints {"endpoint":"http://127.0.0.1:PORT"} on its first line
// of standard output once it listens, and exits when its standard input closes, so the server
// also ends when this process dies.
func startProcess(ctx context.Context, name string, cmd *exec.Cmd, log io.Writer) (*Server, error) {
	cmd.Stderr = log
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	s := &Server{Name: name, cmd: cmd, stdin: stdin, done: make(chan struct{})}

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
		s.waitErr = cmd.Wait()
		close(s.done)
	}()

	timeout := time.NewTimer(startTimeout)
	defer timeout.Stop()
	select {
	case ep, ok := <-ready:
		if ok && ep != "" {
			s.Endpoint = ep
			return s, nil
		}
		s.Stop()
		return nil, fmt.Errorf("%s exited before listening: %w", name, s.waitErr)
	case <-timeout.C:
		s.Stop()
		return nil, fmt.Errorf("%s did not start listening within %s", name, startTimeout)
	case <-ctx.Done():
		s.Stop()
		return nil, ctx.Err()
	}
}

// Stop ends the server and waits for it. It is safe to call more than once.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		_ = s.stdin.Close() // the launcher exits when its stdin closes
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
}

// Client returns a DynamoDB client for the server, signed with the local credentials.
func (s *Server) Client() *dynamodb.Client {
	return NewClient(s.Endpoint)
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
