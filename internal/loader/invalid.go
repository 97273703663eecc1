package loader

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// MaxListedInvalid is how many invalid records an InvalidRecordsError lists; the rest are
// only counted.
const MaxListedInvalid = 20

// InvalidRecordsError is Validate's error when records are invalid: the first of them in
// reading order, each a *record.InputError naming its position, and how many there are.
// Validation reads on after a bad record when the format allows it (a JSON Lines or
// DynamoDB JSON line, a CSV row, a well-formed array element with a bad value), so one run
// reports every problem. Nothing is written when a dataset has any.
type InvalidRecordsError struct {
	// Errors are the first invalid records, at most MaxListedInvalid, in reading order.
	Errors []error
	// Total counts the invalid records found, listed or not.
	Total int64
	// Stop is the error after which reading could not go on (a broken JSON array, corrupt
	// gzip data, a failed read), or nil when every record was read. The records after it
	// were not checked. When it is a record's error it is counted in Total and, if among
	// the first, listed in Errors too.
	Stop error
}

func (e *InvalidRecordsError) Error() string {
	if e.Total == 1 && len(e.Errors) == 1 && (e.Stop == nil || e.Stop == e.Errors[0]) { //nolint:errorlint // identity: the listed error is the one reading stopped at
		return e.Errors[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d invalid records: ", e.Total)
	for i, err := range e.Errors {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(err.Error())
	}
	if more := e.More(); more > 0 {
		fmt.Fprintf(&b, "; and %d more", more)
	}
	if e.Stop != nil && !e.StopListed() {
		b.WriteString("; reading stopped at: " + e.Stop.Error())
	}
	return b.String()
}

// More is how many invalid records Errors does not list.
func (e *InvalidRecordsError) More() int64 { return max(0, e.Total-int64(len(e.Errors))) }

// StopListed tells whether Stop is one of the listed Errors.
func (e *InvalidRecordsError) StopListed() bool {
	return e.Stop != nil && slices.ContainsFunc(e.Errors, func(err error) bool { return err == e.Stop }) //nolint:errorlint // identity
}

// Unwrap gives the listed errors, then Stop if it is not among them: errors.As finds the
// first invalid record's *record.InputError.
func (e *InvalidRecordsError) Unwrap() []error {
	errs := slices.Clip(e.Errors)
	if e.Stop != nil && !e.StopListed() {
		errs = append(errs, e.Stop)
	}
	return errs
}

// invalidRecords collects the errors of a validation pass: the first MaxListedInvalid in
// reading order and a count, so memory stays bounded however bad the dataset.
type invalidRecords struct {
	first []invalidAt // sorted by at
	total int64
	last  error // the error added last: a reader that repeats it has stopped
}

type invalidAt struct {
	at  uint64 // the record's index in reading order, invalid records included
	err error
}

// add counts the error of the record at index at (in reading order). Errors may arrive out
// of order (a later pass adds the duplicate keys).
func (c *invalidRecords) add(at uint64, err error) {
	c.total++
	c.last = err
	i, _ := slices.BinarySearchFunc(c.first, at, func(e invalidAt, at uint64) int {
		switch {
		case e.at < at:
			return -1
		case e.at > at:
			return 1
		}
		return 0
	})
	if i >= MaxListedInvalid {
		return
	}
	c.first = slices.Insert(c.first, i, invalidAt{at, err})
	if len(c.first) > MaxListedInvalid {
		c.first[MaxListedInvalid] = invalidAt{}
		c.first = c.first[:MaxListedInvalid]
	}
}

// found tells whether an error was added.
func (c *invalidRecords) found() bool { return c.total > 0 }

// result is the pass's error given stop, the error that ended reading (nil when reading
// reached the end): nil when nothing was found; stop itself when no record was invalid or
// when it cancels the whole validation; else an *InvalidRecordsError.
func (c *invalidRecords) result(stop error) error {
	var ie *record.InputError
	switch {
	case stop == nil:
	case stop == c.last: //nolint:errorlint // identity: the reader repeated the error it stopped at
	case errors.Is(stop, ErrDatasetChanged) || errors.Is(stop, context.Canceled) || errors.Is(stop, context.DeadlineExceeded):
		return stop
	case !c.found():
		return stop
	case errors.As(stop, &ie):
		c.add(c.nextAt(), stop)
	}
	if !c.found() {
		return nil
	}
	e := &InvalidRecordsError{Errors: make([]error, len(c.first)), Total: c.total, Stop: stop}
	for i, f := range c.first {
		e.Errors[i] = f.err
	}
	return e
}

// nextAt is an index after every error's.
func (c *invalidRecords) nextAt() uint64 {
	if len(c.first) == 0 {
		return 0
	}
	return c.first[len(c.first)-1].at + 1
}
