package awsclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
)

// closedEndpoint is an http:// endpoint on 127.0.0.1 where nothing listens.
func closedEndpoint(t *testing.T) string {
	t.Helper()
	e, err := devstack.ClosedEndpoint()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// counted returns call options that count the attempts the SDK sends (a Finalize middleware
// runs once per attempt) and shorten its backoff to 1 ms, so retries cost no wall time. The
// retry decisions stay the client's own.
func counted(n *atomic.Int64) func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		o.Retryer = retry.AddWithMaxBackoffDelay(o.Retryer, time.Millisecond)
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Finalize.Add(middleware.FinalizeMiddlewareFunc("countAttempts",
				func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
					n.Add(1)
					return next.HandleFinalize(ctx, in)
				}), middleware.After)
		})
	}
}

func newTestClient(t *testing.T, endpoint string, maxRetries *int) *dynamodb.Client {
	t.Helper()
	c, err := NewLazy(Settings{Region: "us-east-1", Endpoint: endpoint, AccessKey: "a", SecretKey: "b", MaxRetries: maxRetries}, false).
		Client(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// call runs one read-path and one load-path operation and returns their attempt counts.
func call(t *testing.T, c *dynamodb.Client) (describe, batchWrite int64, describeErr, batchErr error) {
	t.Helper()
	var d, b atomic.Int64
	_, describeErr = c.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String("t")}, counted(&d))
	_, batchErr = c.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
		"t": {{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "a"}}}}},
	}}, counted(&b))
	if describeErr == nil || batchErr == nil {
		t.Fatalf("calls succeeded: %v, %v", describeErr, batchErr)
	}
	return d.Load(), b.Load(), describeErr, batchErr
}

// TestConnectFailureNotRetried: a refused connection fails after one attempt, whatever
// max_retries says, with an error that names the endpoint. The SDK's standard retryer would
// make 6 (max_retries + 1) with up to 20 s of backoff between them.
func TestConnectFailureNotRetried(t *testing.T) {
	isolate(t)
	endpoint := closedEndpoint(t)
	many := 10
	for _, retries := range []*int{nil, &many} {
		describe, batch, err, _ := call(t, newTestClient(t, endpoint, retries))
		if describe != 1 || batch != 1 {
			t.Errorf("max_retries %v: DescribeTable made %d attempts, BatchWriteItem %d; want 1 each", retries, describe, batch)
		}
		var mae *retry.MaxAttemptsError
		if errors.As(err, &mae) {
			t.Errorf("the refused connection was retried: %v", err)
		}
		u, ok := Unreachable(err)
		if !ok {
			t.Fatalf("Unreachable(%v) = false", err)
		}
		if u.Endpoint != endpoint || u.Reason != "connection refused" {
			t.Errorf("Unreachable: endpoint %q reason %q, want %q, connection refused", u.Endpoint, u.Reason, endpoint)
		}
	}
}

// TestUnresolvableHostNotRetried: a host name that does not resolve (.invalid never does)
// fails after one attempt, whether the resolver says "no such host" or fails otherwise.
func TestUnresolvableHostNotRetried(t *testing.T) {
	isolate(t)
	describe, batch, err, _ := call(t, newTestClient(t, "http://ddbload-test.invalid:8000", nil))
	if describe != 1 || batch != 1 {
		t.Errorf("DescribeTable made %d attempts, BatchWriteItem %d; want 1 each", describe, batch)
	}
	u, ok := Unreachable(err)
	if !ok || u.Endpoint != "http://ddbload-test.invalid:8000" {
		t.Fatalf("Unreachable(%v) = %+v, %v", err, u, ok)
	}
}

// TestThrottlingAndServerErrorsStillRetried: whatever answers with throttling or a 5xx gets
// every attempt, on the load path (BatchWriteItem) and the plan path (DescribeTable) alike.
func TestThrottlingAndServerErrorsStillRetried(t *testing.T) {
	isolate(t)
	for _, tc := range []struct {
		status int
		code   string
	}{
		{http.StatusBadRequest, "ThrottlingException"},
		{http.StatusBadRequest, "ProvisionedThroughputExceededException"},
		{http.StatusInternalServerError, "InternalServerError"},
		{http.StatusServiceUnavailable, "ServiceUnavailable"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			w.WriteHeader(tc.status)
			_, _ = fmt.Fprintf(w, `{"__type":"com.amazonaws.dynamodb.v20120810#%s","message":"injected"}`, tc.code)
		}))
		describe, batch, err, _ := call(t, newTestClient(t, srv.URL, nil))
		srv.Close()
		if want := int64(DefaultMaxRetries + 1); describe != want || batch != want {
			t.Errorf("%s: DescribeTable made %d attempts, BatchWriteItem %d; want %d each", tc.code, describe, batch, want)
		}
		if _, ok := Unreachable(err); ok {
			t.Errorf("%s: an answer from the server counts as unreachable: %v", tc.code, err)
		}
	}
}

func TestConnectTimeoutConfigured(t *testing.T) {
	isolate(t)
	bc, ok := newTestClient(t, "http://127.0.0.1:1", nil).Options().HTTPClient.(*awshttp.BuildableClient)
	if !ok {
		t.Fatal("HTTP client is not a *awshttp.BuildableClient")
	}
	if got := bc.GetDialer().Timeout; got != ConnectTimeout {
		t.Fatalf("dial timeout %s, want %s", got, ConnectTimeout)
	}
}

func TestUnreachable(t *testing.T) {
	t.Parallel()
	urlErr := func(err error) error {
		return fmt.Errorf("request send failed: %w", &url.Error{Op: "Post", URL: "https://dynamodb.eu-west-1.amazonaws.com/", Err: err})
	}
	dial := func(err error) error { return &net.OpError{Op: "dial", Net: "tcp", Err: err} }
	for _, tc := range []struct {
		err      error
		ok       bool
		reason   string
		endpoint string
	}{
		{urlErr(dial(os.NewSyscallError("connect", syscall.ECONNREFUSED))), true, "connection refused", "https://dynamodb.eu-west-1.amazonaws.com"},
		{urlErr(dial(&net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true})), true, "host name not found", "https://dynamodb.eu-west-1.amazonaws.com"},
		{dial(&net.DNSError{Err: "server misbehaving", Name: "x.example", IsTemporary: true}), true, "DNS lookup failed", "x.example"},
		{urlErr(dial(os.ErrDeadlineExceeded)), true, "no connection within 5s", "https://dynamodb.eu-west-1.amazonaws.com"},
		{urlErr(dial(os.NewSyscallError("connect", syscall.EHOSTUNREACH))), true, "no route to host", "https://dynamodb.eu-west-1.amazonaws.com"},
		{urlErr(&net.OpError{Op: "proxyconnect", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}), true,
			"connection refused at the proxy", "https://dynamodb.eu-west-1.amazonaws.com"},
		// The endpoint was there: these keep the SDK's retries.
		{urlErr(&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}), false, "", ""},
		{urlErr(dial(context.Canceled)), false, "", ""},
		{&types.ProvisionedThroughputExceededException{}, false, "", ""},
		{nil, false, "", ""},
	} {
		u, ok := Unreachable(tc.err)
		if ok != tc.ok {
			t.Errorf("Unreachable(%v) = %v, want %v", tc.err, ok, tc.ok)
			continue
		}
		if ok && (u.Reason != tc.reason || u.Endpoint != tc.endpoint) {
			t.Errorf("Unreachable(%v): reason %q endpoint %q, want %q %q", tc.err, u.Reason, u.Endpoint, tc.reason, tc.endpoint)
		}
		if got := noRetryUnreachable(tc.err); (got == aws.FalseTernary) != tc.ok {
			t.Errorf("noRetryUnreachable(%v) = %v", tc.err, got)
		}
	}
}
