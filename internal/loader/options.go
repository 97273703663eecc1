package loader

import (
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/hashicorp/go-hclog"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/order"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
)

// Options describe one dataset and how to load it.
type Options struct {
	Source     source.Spec
	Keys       keys.Options
	Duplicates DuplicatePolicy
	Order      order.Options
	// Write tunes the writer pool (concurrency, WCU/s cap, backoff, no-progress budget). Its
	// Table, OnAck and Progress are set by Load.
	Write write.Options
	// Logger, if set, gets a progress line every Write.ProgressInterval (default 5 s) and at
	// the end, at the INFO level.
	Logger hclog.Logger
	// Progress, if set, is called with the same progress as Logger.
	Progress func(Progress)
	// Resume lists records (by sequence number) an earlier, interrupted load of the same
	// dataset already wrote; they are not written again. Only valid with the same Digest.
	Resume *Bitmap
	// OnItem, if set, is called by Validate for every record it reads, in reading order, from
	// one goroutine, with the record's sequence number, key, the SHA-256 of its canonical
	// encoding (the one the content digest adds up: computed once) and its write units.
	// Validated.Dropped tells the duplicate losers, which are not written. Callers that need
	// each item's key and content (the ledger, the changes an update makes) get them without
	// another reading of the dataset.
	OnItem func(seq uint64, k keys.Key, sum [sha256.Size]byte, wcu int64)
	// Recall, if set, is what earlier validations under the same Source, Keys and key schema
	// found per line: Validate decodes only the lines of JSON Lines and DynamoDB JSON lines
	// files it lacks, and takes the rest from it. Validate does not change it.
	Recall *LineMemo
	// Remember, if set, is called by Validate for every record of a file with one record per
	// line, in reading order, from one goroutine: the record's line, key, content sum and size
	// in bytes, for a LineMemo that a later validation recalls.
	Remember func(line record.LineSum, k keys.Key, sum [sha256.Size]byte, size int)
	// Expect, if set, is asked by the write pass about every batch it is about to send, with
	// the sequence numbers and keys of its records: it returns the index of the first record
	// whose place in the files no longer holds what validation saw there, or -1. The load
	// then stops with ErrDatasetChanged before sending the batch. Callers that record what was
	// written by sequence number (converge) set it, so that every record sent has the key they
	// recorded for it. A batch at a time, so that a caller's lookups by sequence number, which
	// the stripes make scattered, can overlap.
	Expect func(seqs []uint64, ks []keys.Key) int

	stripes source.Layout // tests only: the zero value is source.DefaultLayout
}

func (o *Options) layout() source.Layout {
	if o.stripes.Max == 0 {
		return source.DefaultLayout
	}
	return o.stripes
}

// ConfigError is a problem with the options rather than with the data.
type ConfigError struct {
	Option string
	Reason string
}

func (e *ConfigError) Error() string {
	if e.Option == "" {
		return e.Reason
	}
	return fmt.Sprintf("%s: %s", e.Option, e.Reason)
}

func (o *Options) check() error {
	switch o.Duplicates {
	case "", DuplicateError, DuplicateLastWins, DuplicateFirstWins:
	default:
		return &ConfigError{Option: "Duplicates", Reason: fmt.Sprintf("unknown duplicate policy %q; use error, last_wins or first_wins", o.Duplicates)}
	}
	if _, err := order.ParseMode(string(o.Order.Mode)); o.Order.Mode != "" && err != nil {
		return &ConfigError{Option: "Order", Reason: err.Error()}
	}
	if err := o.Source.Check(); err != nil {
		return err
	}
	return nil
}

// newStage builds the key stage, mapping its configuration errors.
func newStage(schema keys.Schema, o keys.Options) (*keys.Stage, error) {
	st, err := keys.NewStage(schema, o)
	var ce *keys.ConfigError
	if errors.As(err, &ce) {
		return nil, &ConfigError{Option: ce.Option, Reason: ce.Reason}
	}
	return st, err
}
