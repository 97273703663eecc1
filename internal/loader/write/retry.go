package write

import (
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// errKind says what to do after a failed BatchWriteItem call.
type errKind int

const (
	fatal     errKind = iota // stop the load
	retryable                // back off and re-send the whole batch
	throttled                // retryable, and a signal to slow every worker down
)

// throttleCodes are the error codes of whole-call throttling, for errors that reach us as a
// generic smithy.APIError rather than the typed exceptions.
var throttleCodes = map[string]bool{
	"ProvisionedThroughputExceededException": true,
	"ThrottlingException":                    true,
	"RequestLimitExceeded":                   true,
	"Throttling":                             true,
}

// classify sorts a failed call's error. The SDK wraps causes (OperationError, ResponseError,
// MaxAttemptsError, retry quota errors.Join), so everything goes through errors.As/Is.
func classify(err error) errKind {
	var (
		pte *types.ProvisionedThroughputExceededException
		te  *types.ThrottlingException
		rle *types.RequestLimitExceeded
		ise *types.InternalServerError
		api smithy.APIError
	)
	isAPI := errors.As(err, &api)
	switch {
	case errors.As(err, &pte), errors.As(err, &te), errors.As(err, &rle),
		isAPI && throttleCodes[api.ErrorCode()]:
		return throttled
	case errors.As(err, &ise), httpStatus(err) >= 500:
		return retryable
	case isAPI:
		// DynamoDB answered and refused: ValidationException, ResourceNotFoundException,
		// AccessDeniedException and the like. Sending again cannot help.
		return fatal
	case connectionError(err):
		return retryable
	}
	return fatal
}

// httpStatus is the HTTP status of a response error in err's chain, 0 if none. It matches by
// method because awshttp.ResponseError embeds *smithyhttp.ResponseError and unwraps past it.
func httpStatus(err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// connectionError reports a failure to send the request or read the response.
func connectionError(err error) bool {
	var (
		send *smithyhttp.RequestSendError
		ne   net.Error
	)
	return errors.As(err, &send) || errors.As(err, &ne) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		strings.Contains(err.Error(), "connection reset")
}

// backoff draws full-jitter delays: rand(0, min(max, base·2^attempt)).
type backoff struct {
	base, max time.Duration
	mu        sync.Mutex
	rnd       *rand.Rand
}

func newBackoff(base, maxDelay time.Duration, src rand.Source) *backoff {
	return &backoff{base: base, max: maxDelay, rnd: rand.New(src)}
}

func (b *backoff) delay(attempt int) time.Duration {
	ceil := b.base
	for i := 0; i < attempt && ceil < b.max; i++ {
		if ceil > b.max/2 {
			ceil = b.max
			break
		}
		ceil *= 2
	}
	ceil = min(ceil, b.max)
	if ceil <= 0 {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return time.Duration(b.rnd.Int64N(int64(ceil) + 1))
}
