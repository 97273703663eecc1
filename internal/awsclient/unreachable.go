package awsclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// ConnectTimeout bounds the opening of one TCP connection to the endpoint (the SDK's default
// is 30 s). A reachable DynamoDB endpoint answers a connection request in milliseconds.
const ConnectTimeout = 5 * time.Second

// UnreachableError is a request that never reached the endpoint: the connection was refused,
// the host name did not resolve, or the connection could not be opened within ConnectTimeout.
type UnreachableError struct {
	// Endpoint is the scheme and host the request was sent to, e.g. "http://127.0.0.1:8000".
	Endpoint string
	// Reason says why in a few words: "connection refused", "host name not found", ...
	Reason string
	Err    error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot connect to %s (%s): %v", e.Endpoint, e.Reason, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Unreachable reports whether err, from any DynamoDB or STS call, is a failure to connect,
// and describes it. A connection that failed after it was open (reset, EOF) is not one: the
// endpoint was there.
func Unreachable(err error) (*UnreachableError, bool) {
	if err == nil || errors.Is(err, context.Canceled) {
		return nil, false
	}
	var (
		dns *net.DNSError
		op  *net.OpError
	)
	reason := ""
	switch {
	case errors.As(err, &dns):
		reason = "DNS lookup failed"
		if dns.IsNotFound {
			reason = "host name not found"
		}
	case errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect"):
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			reason = "connection refused"
		case op.Timeout():
			reason = fmt.Sprintf("no connection within %s", ConnectTimeout)
		case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
			reason = "no route to host"
		default:
			reason = "connection failed"
		}
		if op.Op == "proxyconnect" {
			reason += " at the proxy"
		}
	default:
		return nil, false
	}
	return &UnreachableError{Endpoint: endpointOf(err, dns, op), Reason: reason, Err: err}, true
}

// endpointOf is the scheme and host of the request's URL, or the address dialed.
func endpointOf(err error, dns *net.DNSError, op *net.OpError) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			return u.Scheme + "://" + u.Host
		}
	}
	switch {
	case op != nil && op.Addr != nil:
		return op.Addr.String()
	case dns != nil:
		return dns.Name
	}
	return "the endpoint"
}

// noRetryUnreachable keeps the SDK from retrying a failure to connect: at plan and refresh the
// user learns at once that the endpoint is wrong or down, instead of after six attempts and
// up to a minute of backoff. Throttling, 5xx and broken open connections still retry. The
// bulk loader retries failed BatchWriteItem calls of every kind itself, with its own backoff,
// until its no-progress timeout, so a load rides out a short outage as before.
func noRetryUnreachable(err error) aws.Ternary {
	if _, ok := Unreachable(err); ok {
		return aws.FalseTernary
	}
	return aws.UnknownTernary
}
