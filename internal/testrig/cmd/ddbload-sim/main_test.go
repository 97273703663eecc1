package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a bytes.Buffer safe to read after the writer goroutine is done.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunServesUntilStdinCloses(t *testing.T) {
	t.Parallel()
	stdinR, stdinW := io.Pipe()
	stdoutR, stdoutW := io.Pipe()
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"-table", "loadtest", "-pk", "pk", "-partitions", "2"}, stdinR, stdoutW, &stderr)
		_ = stdoutW.Close()
	}()

	line, err := bufio.NewReader(stdoutR).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the endpoint line: %v (stderr: %s)", err, stderr.String())
	}
	var ready struct{ Endpoint string }
	if err := json.Unmarshal([]byte(line), &ready); err != nil || !strings.HasPrefix(ready.Endpoint, "http://127.0.0.1:") {
		t.Fatalf("endpoint line %q: %v", line, err)
	}
	go func() { _, _ = io.Copy(io.Discard, stdoutR) }()

	req, err := http.NewRequest(http.MethodPost, ready.Endpoint,
		strings.NewReader(`{"RequestItems":{"loadtest":[{"PutRequest":{"Item":{"pk":{"S":"a"}}}}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810.BatchWriteItem")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != `{"UnprocessedItems":{}}` {
		t.Fatalf("BatchWriteItem answered %d %s", resp.StatusCode, body)
	}

	_ = stdinW.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	out := stderr.String()
	for _, want := range []string{"table loadtest: consumed WCU per partition per second", "items written 1"} {
		if !strings.Contains(out, want) {
			t.Fatalf("stderr lacks %q:\n%s", want, out)
		}
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-pk", "pk"}, {"-reset-rate", "2"}, {"extra"}} {
		var stderr syncBuffer
		if err := run(context.Background(), args, strings.NewReader(""), io.Discard, &stderr); err == nil {
			t.Errorf("run %q succeeded", args)
		}
	}
}
