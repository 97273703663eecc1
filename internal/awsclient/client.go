package awsclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Lazy holds provider settings and builds the AWS configuration and each client on first use,
// once. It is safe for concurrent use.
type Lazy struct {
	settings Settings
	unknown  bool

	once sync.Once
	cfg  aws.Config
	err  error

	dynamoOnce sync.Once
	dynamo     *dynamodb.Client
	s3Once     sync.Once
	s3         *s3.Client
}

// NewLazy returns a Lazy for the given settings. unknown reports that some provider value was
// not known when the provider was configured; every Client call then fails with
// ErrUnknownConfig.
func NewLazy(s Settings, unknown bool) *Lazy {
	return &Lazy{settings: s, unknown: unknown}
}

// config resolves settings, credentials providers and region on the first call. The result is
// cached for the provider instance's life.
func (l *Lazy) config(ctx context.Context) (aws.Config, error) {
	if l.unknown {
		return aws.Config{}, ErrUnknownConfig
	}
	l.once.Do(func() {
		// The clients outlive the operation that built them: detach from its cancellation.
		l.cfg, l.err = loadConfig(context.WithoutCancel(ctx), l.settings)
	})
	return l.cfg, l.err
}

// Client returns the DynamoDB client.
func (l *Lazy) Client(ctx context.Context) (*dynamodb.Client, error) {
	cfg, err := l.config(ctx)
	if err != nil {
		return nil, err
	}
	l.dynamoOnce.Do(func() {
		l.dynamo = dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
			if l.settings.Endpoint != "" {
				o.BaseEndpoint = aws.String(l.settings.Endpoint)
			}
		})
	})
	return l.dynamo, nil
}

// S3 returns the S3 client, for datasets kept in S3. With an S3 endpoint override it
// addresses buckets by path (http://host/bucket/key), as local S3-compatible servers need.
func (l *Lazy) S3(ctx context.Context) (*s3.Client, error) {
	cfg, err := l.config(ctx)
	if err != nil {
		return nil, err
	}
	l.s3Once.Do(func() {
		l.s3 = s3.NewFromConfig(cfg, func(o *s3.Options) {
			// Datasets are read by ranges, which carry no whole-object checksum to validate
			// (the SDK would log so for every read); each stripe's bytes are checked by hash.
			o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
			if l.settings.S3Endpoint != "" {
				o.BaseEndpoint = aws.String(l.settings.S3Endpoint)
				o.UsePathStyle = true
			}
		})
	})
	return l.s3, nil
}

func loadConfig(ctx context.Context, s Settings) (aws.Config, error) {
	if s.Endpoint != "" {
		if err := CheckEndpoint(s.Endpoint); err != nil {
			return aws.Config{}, &SettingError{Attribute: "endpoint", EnvVars: []string{"AWS_ENDPOINT_URL_DYNAMODB"},
				Summary: "Invalid DynamoDB Endpoint", Err: err}
		}
	}
	if s.S3Endpoint != "" {
		if err := CheckEndpoint(s.S3Endpoint); err != nil {
			return aws.Config{}, &SettingError{Attribute: "s3_endpoint", EnvVars: []string{"AWS_ENDPOINT_URL_S3"},
				Summary: "Invalid S3 Endpoint", Err: err}
		}
	}

	opts := []func(*config.LoadOptions) error{
		config.WithHTTPClient(httpClient()),
		config.WithRetryer(retryer),
	}
	if s.Region != "" {
		opts = append(opts, config.WithRegion(s.Region))
	}
	if s.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(s.Profile))
	}
	if len(s.SharedConfigFiles) > 0 {
		opts = append(opts, config.WithSharedConfigFiles(s.SharedConfigFiles))
	}
	if len(s.SharedCredentialsFiles) > 0 {
		opts = append(opts, config.WithSharedCredentialsFiles(s.SharedCredentialsFiles))
	}
	if s.AccessKey != "" || s.SecretKey != "" {
		if s.AccessKey == "" || s.SecretKey == "" {
			return aws.Config{}, &SettingError{Attribute: "access_key", EnvVars: []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"},
				Summary: "Incomplete Static Credentials",
				Err:     errors.New("access_key and secret_key must be set together")}
		}
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, s.Token)))
	}

	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, classifyLoadError(err, s)
	}
	if s.MaxRetries != nil {
		// An explicit provider setting wins over AWS_MAX_ATTEMPTS and the shared config.
		cfg.RetryMaxAttempts = *s.MaxRetries + 1
	}
	if cfg.Region == "" {
		return aws.Config{}, &SettingError{Attribute: "region", EnvVars: []string{"AWS_REGION", "AWS_DEFAULT_REGION"},
			Summary: "Missing AWS Region",
			Err:     errors.New("no region is set in the provider, the environment or the shared config profile")}
	}

	if r := s.AssumeRole; r != nil && r.RoleARN != "" {
		// STS keeps its regular endpoint: the endpoint overrides are for DynamoDB and S3 only.
		provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), r.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			if r.SessionName != "" {
				o.RoleSessionName = r.SessionName
			}
			if r.ExternalID != "" {
				o.ExternalID = aws.String(r.ExternalID)
			}
			if r.Duration > 0 {
				o.Duration = r.Duration
			}
		})
		cfg.Credentials = aws.NewCredentialsCache(provider)
	}

	return cfg, nil
}

func classifyLoadError(err error, s Settings) error {
	var noProfile config.SharedConfigProfileNotExistError
	if errors.As(err, &noProfile) {
		return &SettingError{Attribute: "profile", EnvVars: []string{"AWS_PROFILE"},
			Summary: "Unknown AWS Profile",
			Err: fmt.Errorf("profile %q is not in the shared config or credentials files%s: %w",
				noProfile.Profile, filesHint(s), err)}
	}
	return fmt.Errorf("loading the AWS configuration: %w", err)
}

func filesHint(s Settings) string {
	files := append(append([]string(nil), s.SharedConfigFiles...), s.SharedCredentialsFiles...)
	if len(files) == 0 {
		return " (default locations ~/.aws/config and ~/.aws/credentials, or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE)"
	}
	return fmt.Sprintf(" %q", files)
}

// httpClient keeps an idle connection per concurrent writer instead of net/http's default of 2
// per host, and gives up opening a connection after ConnectTimeout instead of the SDK's 30 s.
func httpClient() *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConns = MaxIdleConnsPerHost
		t.MaxIdleConnsPerHost = MaxIdleConnsPerHost
	}).WithDialerOptions(func(d *net.Dialer) {
		d.Timeout = ConnectTimeout
	})
}

// retryer is the SDK's standard retryer without its shared 500-token retry quota: with many
// workers under throttling that quota runs dry and every worker fails at once. Pacing is the
// engine's job (backoff and an optional write-rate cap), not a client-wide token bucket.
// A failure to connect is not retried at all (noRetryUnreachable). AWS_MAX_ATTEMPTS, the shared
// config's max_attempts and the provider's max_retries override the attempt count through
// aws.Config.RetryMaxAttempts; the dynamodb client wraps this retryer with it and keeps its rules.
func retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.RateLimiter = ratelimit.None
		o.MaxAttempts = DefaultMaxRetries + 1
		o.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(noRetryUnreachable)}, o.Retryables...)
	})
}
