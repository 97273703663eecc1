// Package s3server runs an S3-compatible server on 127.0.0.1 for tests: versitygw with its posix
// backend (buckets are folders and objects files of a temporary folder), built from the Go
// module proxy by scripts/install-s3server.sh. docs/design/s3-test-server.md says what it does
// and does not do. It is part of the test rig (internal/testrig), not the shipped provider.
package s3server

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// Version is the versitygw release scripts/install-s3server.sh builds by default.
const Version = "1.8.0"

// Region and the credentials below are what the server is started with. Unlike dynalite, it
// checks signatures: a client signing with other keys gets 403 SignatureDoesNotMatch.
const (
	Region          = "us-east-1"
	AccessKeyID     = "test"
	SecretAccessKey = "testtest"
)

// BinaryEnv names a versitygw binary to use instead of the one in the tools cache.
const BinaryEnv = "DDBLOAD_VERSITYGW"

// Options tune the server.
type Options struct {
	// Versioning enables bucket versioning (PutBucketVersioning); without it the gateway
	// answers 501 VersioningNotConfigured.
	Versioning bool
	// Log receives the server's standard output and error (start banner, errors; request
	// logging is off); nil discards them.
	Log io.Writer
}

// Server is a running versitygw on 127.0.0.1. Clients use path-style addressing.
type Server struct {
	// Endpoint is the server's URL, http://127.0.0.1:PORT.
	Endpoint string
	// Dir is the posix backend's root: each bucket is a folder in it.
	Dir string

	tmp      string
	cmd      *exec.Cmd
	done     chan struct{}
	waitErr  error
	stopOnce sync.Once
}

// BinaryPath returns the versitygw binary: $DDBLOAD_VERSITYGW, else the one that
// scripts/install-s3server.sh leaves in $TOOLS_DIR (default ~/.cache/terraform-provider-ddbload/tools).
func BinaryPath() (string, error) {
	path := os.Getenv(BinaryEnv)
	if path == "" {
		tools := os.Getenv("TOOLS_DIR")
		if tools == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", err
			}
			tools = filepath.Join(home, ".cache", "terraform-provider-ddbload", "tools")
		}
		path = filepath.Join(tools, "versitygw", Version, "versitygw")
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("versitygw is not installed at %s: run scripts/install-s3server.sh (or set %s): %w", path, BinaryEnv, err)
	}
	return path, nil
}

// startTimeout bounds a start: versitygw listens within about 100 ms.
const startTimeout = 30 * time.Second

// Start starts versitygw on a free port of 127.0.0.1 with the posix backend on a new temporary
// folder, and waits until it accepts connections. The server is killed if this process dies
// (on Linux). Call Stop when done: it also removes the folder.
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin, err := BinaryPath()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "ddbload-s3-")
	if err != nil {
		return nil, err
	}
	s := &Server{Endpoint: "http://" + port, Dir: filepath.Join(tmp, "data"), tmp: tmp, done: make(chan struct{})}
	args := []string{"--port", port, "--access", AccessKeyID, "--secret", SecretAccessKey, "--region", Region,
		"--quiet", "--keep-alive", "posix"}
	dirs := []string{s.Dir}
	if opts.Versioning {
		versions := filepath.Join(tmp, "versions")
		args = append(args, "--versioning-dir", versions)
		dirs = append(dirs, versions)
	}
	for _, d := range dirs {
		if err := os.Mkdir(d, 0o755); err != nil {
			_ = os.RemoveAll(tmp)
			return nil, err
		}
	}
	s.cmd = exec.Command(bin, append(args, s.Dir)...)
	s.cmd.Stdout, s.cmd.Stderr = opts.Log, opts.Log
	s.cmd.SysProcAttr = procAttr()
	if err := s.cmd.Start(); err != nil {
		_ = os.RemoveAll(tmp)
		return nil, fmt.Errorf("starting versitygw: %w", err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.done)
	}()

	deadline := time.Now().Add(startTimeout)
	for {
		conn, err := net.DialTimeout("tcp", port, time.Second)
		if err == nil {
			_ = conn.Close()
			return s, nil
		}
		select {
		case <-s.done:
			s.Stop()
			return nil, fmt.Errorf("versitygw exited before listening on %s: %w", port, s.waitErr)
		case <-ctx.Done():
			s.Stop()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("versitygw did not listen on %s within %s", port, startTimeout)
		}
	}
}

// Stop ends the server (SIGTERM, then SIGKILL after 5 seconds), waits for it and removes its
// folder. It is safe to call more than once.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
		_ = os.RemoveAll(s.tmp)
	})
}

// Exited reports whether the server process has ended.
func (s *Server) Exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// freePort returns 127.0.0.1:PORT with a port the kernel handed out and that was closed again.
func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		return "", err
	}
	return addr, nil
}
