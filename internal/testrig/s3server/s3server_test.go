package s3server

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestStartStop starts versitygw, creates a bucket, writes an object and reads part of it back
// with SigV4-signed requests (kept free of the S3 SDK), checks that a
// wrong secret is refused, then stops it. It fails when versitygw is not built (make builds it).
func TestStartStop(t *testing.T) {
	ctx := context.Background()
	var log bytes.Buffer
	s, err := Start(ctx, Options{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()

	body := bytes.Repeat([]byte("0123456789"), 1000)
	if status, _ := do(t, s, http.MethodPut, "/bucket1", nil, SecretAccessKey); status != http.StatusOK {
		t.Fatalf("CreateBucket: %d", status)
	}
	status, header := do(t, s, http.MethodPut, "/bucket1/dir/obj.json", body, SecretAccessKey)
	if status != http.StatusOK {
		t.Fatalf("PutObject: %d", status)
	}
	sum := md5.Sum(body)
	if got, want := header.Get("ETag"), `"`+hex.EncodeToString(sum[:])+`"`; got != want {
		t.Errorf("PutObject ETag = %s, want the MD5 %s", got, want)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "bucket1", "dir", "obj.json")); err != nil {
		t.Errorf("the object is not a file under Dir: %v", err)
	}

	req := request(t, s, http.MethodGet, "/bucket1/dir/obj.json", nil, SecretAccessKey, "bytes=5-14")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusPartialContent || string(got) != "5678901234" {
		t.Errorf("GetObject Range bytes=5-14 = %s %q (%v), want 206 %q", resp.Status, got, err, "5678901234")
	}

	if status, _ := do(t, s, http.MethodGet, "/bucket1/dir/obj.json", nil, "wrong"); status != http.StatusForbidden {
		t.Errorf("GetObject signed with a wrong secret: %d, want 403", status)
	}

	s.Stop()
	if !s.Exited() {
		t.Error("the server still runs after Stop")
	}
	if _, err := os.Stat(s.Dir); !os.IsNotExist(err) {
		t.Errorf("Stop left %s: %v", s.Dir, err)
	}
	if conn, err := net.DialTimeout("tcp", strings.TrimPrefix(s.Endpoint, "http://"), time.Second); err == nil {
		_ = conn.Close()
		t.Errorf("%s still accepts connections after Stop", s.Endpoint)
	}
	if t.Failed() {
		t.Logf("server output:\n%s", log.String())
	}
}

// do sends a signed request and returns the answer's status code and header.
func do(t *testing.T, s *Server, method, path string, body []byte, secret string) (int, http.Header) {
	t.Helper()
	resp, err := http.DefaultClient.Do(request(t, s, method, path, body, secret, ""))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, resp.Header
}

// request builds a path-style request signed with SigV4 for service s3.
func request(t *testing.T, s *Server, method, path string, body []byte, secret, rng string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, s.Endpoint+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	h := sha256.Sum256(body)
	payload := hex.EncodeToString(h[:])
	req.Header.Set("X-Amz-Content-Sha256", payload)
	creds := aws.Credentials{AccessKeyID: AccessKeyID, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, payload, "s3", Region, time.Now()); err != nil {
		t.Fatal(fmt.Errorf("signing: %w", err))
	}
	return req
}
