package source

import (
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// fieldError is a problem with one value inside a record. The path is collected while the
// error travels up out of the nesting, innermost segment first, so that the happy path never
// builds path strings. final marks a problem of the text itself (a repeated name, too deep),
// found while reading it: like malformed JSON it is reported before any problem with a value.
type fieldError struct {
	path   []segment
	reason string
	err    error
	final  bool
}

type segment struct {
	key   string
	index int // used when key is empty and isIdx is set
	isIdx bool
}

func (e *fieldError) Error() string { return e.reason }

func newFieldError(err error, format string, args ...any) *fieldError {
	return &fieldError{reason: fmt.Sprintf(format, args...), err: err}
}

func (e *fieldError) inKey(k string) *fieldError {
	e.path = append(e.path, segment{key: k})
	return e
}

func (e *fieldError) inIndex(i int) *fieldError {
	e.path = append(e.path, segment{index: i, isIdx: true})
	return e
}

// toInputError places a fieldError at a position. The outermost key is the attribute; a
// deeper location is spelled out in the reason ("in address.lines[2]: ...").
func (e *fieldError) toInputError(pos record.Position) *record.InputError {
	ie := &record.InputError{Pos: pos, Reason: e.reason, Err: e.err}
	n := len(e.path)
	if n == 0 || e.path[n-1].isIdx {
		return ie
	}
	ie.Attribute = e.path[n-1].key
	if n == 1 {
		return ie
	}
	var b strings.Builder
	b.WriteString(ie.Attribute)
	for i := n - 2; i >= 0; i-- {
		if s := e.path[i]; s.isIdx {
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		} else {
			b.WriteString("." + s.key)
		}
	}
	// Deep nesting makes long paths; their two ends locate the value well enough.
	const limit = 120
	path := b.String()
	if len(path) > limit {
		path = path[:limit/2] + "..." + path[len(path)-limit/2:]
	}
	ie.Reason = "in " + path + ": " + e.reason
	return ie
}

func inputError(pos record.Position, reason string, err error) *record.InputError {
	return &record.InputError{Pos: pos, Reason: reason, Err: err}
}

// isGzipDataError tells corrupt or truncated compressed data from a failing disk.
func isGzipDataError(err error) bool {
	var corrupt flate.CorruptInputError
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrChecksum) ||
		errors.Is(err, gzip.ErrHeader) || errors.As(err, &corrupt)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
