package devstack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// StartDynalite starts dynalite on a free port of 127.0.0.1 and waits until it listens. The
// server also exits by itself when this process dies, because it watches its standard input.
// Call Stop when done.
func StartDynalite(ctx context.Context, opts Options) (*Server, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules", "dynalite")); err != nil {
		return nil, fmt.Errorf("dynalite is not installed in %s: run `npm ci` there (make does it for you)", root)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node (Node.js >= 20) is needed to run dynalite: %w", err)
	}

	cmd := exec.Command(node, filepath.Join(root, "scripts", "dynalite.js"),
		"--create-ms", strconv.Itoa(opts.CreateTableMs),
		"--delete-ms", strconv.Itoa(opts.DeleteTableMs),
		"--update-ms", strconv.Itoa(opts.UpdateTableMs))
	cmd.Dir = root
	return startProcess(ctx, DynaliteName, cmd, opts.Log)
}
