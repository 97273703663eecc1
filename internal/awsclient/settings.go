package awsclient

import (
	"fmt"
	"net/url"
	"time"
)

// Settings are the provider-level AWS settings. Empty fields fall back to the standard
// aws-sdk-go-v2 configuration chain (environment, shared config, SSO, web identity, IMDS).
type Settings struct {
	Region                 string
	Profile                string
	SharedConfigFiles      []string
	SharedCredentialsFiles []string
	AccessKey              string
	SecretKey              string
	Token                  string
	// Endpoint overrides the DynamoDB endpoint URL (DynamoDB Local, dynalite, Alternator).
	Endpoint string
	// S3Endpoint overrides the S3 endpoint URL (an S3-compatible server) for datasets in S3.
	S3Endpoint string
	// AssumeRole, when set, wraps the resolved credentials in an STS AssumeRole provider.
	AssumeRole *AssumeRole
	// MaxRetries is the number of SDK-level retries per API call; nil means DefaultMaxRetries
	// unless AWS_MAX_ATTEMPTS or the shared config's max_attempts says otherwise.
	MaxRetries *int
}

// AssumeRole describes an IAM role to assume with STS.
type AssumeRole struct {
	RoleARN     string
	SessionName string
	ExternalID  string
	Duration    time.Duration
}

// DefaultMaxRetries is the SDK-level retry count when none is configured. The bulk-load engine
// retries throttled and unprocessed items itself, with its own backoff and accounting, so the
// SDK layer only needs to absorb short transient faults.
const DefaultMaxRetries = 5

// MaxIdleConnsPerHost is the size of the HTTP keep-alive pool per host. It must be at least the
// largest worker count the provider allows, otherwise concurrent writers keep opening new
// connections (measured elsewhere: a 2-6x throughput loss at 64-256 workers).
const MaxIdleConnsPerHost = 256

// CheckEndpoint reports whether s is a usable endpoint URL: absolute, http or https, with a
// host. It needs no network and no credentials, so the provider runs it when Terraform
// validates the configuration.
func CheckEndpoint(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a valid URL: %w", s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q must start with http:// or https://", s)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", s)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q must not carry a query or fragment", s)
	}
	return nil
}
