package awsclient

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// isolate points the SDK's configuration chain at empty files and clears the AWS environment,
// so the developer's own AWS setup cannot change the outcome.
func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_MAX_ATTEMPTS",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", empty)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", empty)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return dir
}

func settingError(t *testing.T, err error, attribute string) {
	t.Helper()
	var se *SettingError
	if !errors.As(err, &se) {
		t.Fatalf("want a *SettingError for %q, got %T: %v", attribute, err, err)
	}
	if se.Attribute != attribute {
		t.Fatalf("error points at %q, want %q: %v", se.Attribute, attribute, err)
	}
}

func TestClientMissingRegion(t *testing.T) {
	isolate(t)
	_, err := NewLazy(Settings{Endpoint: "http://127.0.0.1:1"}, false).Client(context.Background())
	settingError(t, err, "region")
}

func TestClientUnknownProfile(t *testing.T) {
	dir := isolate(t)
	cfg := filepath.Join(dir, "config")
	if err := os.WriteFile(cfg, []byte("[profile other]\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := NewLazy(Settings{Profile: "missing", SharedConfigFiles: []string{cfg}}, false).Client(context.Background())
	settingError(t, err, "profile")
}

func TestClientProfileRegion(t *testing.T) {
	dir := isolate(t)
	cfg := filepath.Join(dir, "config")
	if err := os.WriteFile(cfg, []byte("[profile seed]\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := NewLazy(Settings{Profile: "seed", SharedConfigFiles: []string{cfg}}, false).Client(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Options().Region; got != "eu-west-1" {
		t.Fatalf("region from the profile = %q, want eu-west-1", got)
	}
}

func TestClientBadEndpoint(t *testing.T) {
	isolate(t)
	for _, ep := range []string{"127.0.0.1:8000", "ftp://host", "http://", "http://h/?x=1", "::"} {
		_, err := NewLazy(Settings{Region: "us-east-1", Endpoint: ep}, false).Client(context.Background())
		settingError(t, err, "endpoint")
	}
}

func TestClientHalfStaticCredentials(t *testing.T) {
	isolate(t)
	_, err := NewLazy(Settings{Region: "us-east-1", AccessKey: "AKIA"}, false).Client(context.Background())
	settingError(t, err, "access_key")
}

func TestClientUnknownConfig(t *testing.T) {
	isolate(t)
	_, err := NewLazy(Settings{}, true).Client(context.Background())
	if !errors.Is(err, ErrUnknownConfig) {
		t.Fatalf("want ErrUnknownConfig, got %v", err)
	}
}

func TestClientBuiltOnceAndTunedForBulk(t *testing.T) {
	isolate(t)
	l := NewLazy(Settings{Region: "us-east-1", Endpoint: "http://127.0.0.1:1", AccessKey: "a", SecretKey: "b"}, false)
	c1, err := l.Client(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := l.Client(context.Background())
	if c1 != c2 {
		t.Fatal("Client built twice; it must be built once per provider instance")
	}
	bc, ok := c1.Options().HTTPClient.(*awshttp.BuildableClient)
	if !ok {
		t.Fatalf("HTTP client is %T, want *awshttp.BuildableClient", c1.Options().HTTPClient)
	}
	if tr := bc.GetTransport(); tr.MaxIdleConnsPerHost < MaxIdleConnsPerHost || tr.MaxIdleConns < MaxIdleConnsPerHost {
		t.Fatalf("idle pool %d/%d, want at least %d", tr.MaxIdleConnsPerHost, tr.MaxIdleConns, MaxIdleConnsPerHost)
	}
	if got := c1.Options().BaseEndpoint; got == nil || *got != "http://127.0.0.1:1" {
		t.Fatalf("endpoint override not applied: %v", got)
	}
}

// TestRetryQuotaCannotStarveWorkers sends more failing calls at once than the SDK's default
// client-wide retry quota (500 tokens, 5 per retry: 100 retries) can pay for. Every call must
// still get its retry.
func TestRetryQuotaCannotStarveWorkers(t *testing.T) {
	isolate(t)
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"injected"}`))
	}))
	defer srv.Close()

	retries := 1
	c, err := NewLazy(Settings{Region: "us-east-1", Endpoint: srv.URL, AccessKey: "a", SecretKey: "b", MaxRetries: &retries}, false).
		Client(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	const calls = 150
	var wg sync.WaitGroup
	for range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = c.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String("t")})
		}()
	}
	wg.Wait()
	if got, want := requests.Load(), int64(calls*(retries+1)); got != want {
		t.Fatalf("server saw %d requests, want %d: some calls were denied their retry", got, want)
	}
}

func TestCheckEndpoint(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"http://127.0.0.1:8000", "https://dynamodb.eu-west-1.amazonaws.com", "http://localhost:4566/"} {
		if err := CheckEndpoint(ok); err != nil {
			t.Errorf("CheckEndpoint(%q) = %v, want nil", ok, err)
		}
	}
}
