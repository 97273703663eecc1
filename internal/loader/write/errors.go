package write

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// ErrNoProgress is wrapped by the BatchError of a batch that went NoProgressTimeout without any
// of its items being acknowledged.
var ErrNoProgress = errors.New("no progress")

// BatchError stops a load: DynamoDB rejected a batch (Retryable false), or a batch made no
// progress for NoProgressTimeout while retrying (Retryable true, Err wraps ErrNoProgress and
// the last cause). Requests acknowledged before it were reported through Options.OnAck.
type BatchError struct {
	// Pos is the position of the first request still pending in the batch: the batch's first
	// request unless part of it was already written.
	Pos       record.Position
	Table     string
	Requests  int // requests still pending in the batch
	Attempts  int // BatchWriteItem calls made for the batch
	Err       error
	Retryable bool
}

func (e *BatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "writing to table %q: batch of %d requests starting at %s", e.Table, e.Requests, e.Pos)
	if e.Retryable {
		fmt.Fprintf(&b, ", after %d attempts", e.Attempts)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *BatchError) Unwrap() error { return e.Err }
