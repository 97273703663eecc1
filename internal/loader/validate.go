package loader

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// Validate reads, converts and key-transforms the whole dataset, checks every item against
// DynamoDB's rules and the table's key schema, and returns it as Validated. It writes nothing.
// It is also where Options.OnItem sees the items, so that callers need not encode them again.
//
// Invalid records do not stop it: it reads on (where the format allows, see
// InvalidRecordsError) and returns an *InvalidRecordsError listing the first of them, each a
// *record.InputError, and counting them all; duplicate keys under DuplicateError are among
// them. Other errors are *ConfigError or *source.SpecError (the options), a failed read, or
// ErrDatasetChanged.
func Validate(ctx context.Context, schema keys.Schema, o Options) (*Validated, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	stage, err := newStage(schema, o.Keys)
	if err != nil {
		return nil, err
	}
	files, err := source.Files(o.Source)
	if err != nil {
		return nil, err
	}
	v := &Validated{Files: files, losers: &Bitmap{}, unchanged: &Bitmap{}}
	counter, digest := newKeyCounter(), Digest{}
	runs := &hashRuns{}
	defer runs.close()
	var canonical []byte // reused for every item: Digest.Add keeps no reference
	invalid := &invalidRecords{}

	// Pass 1 reads everything, collects key hashes and, when no key repeats (the usual case),
	// all the numbers of v. Invalid records are collected and skipped. It also records the
	// stripes an interleaving write pass reads all at once.
	first, err := openRecording(o.Source, o.layout(), o.recall())
	if err != nil {
		return nil, err
	}
	v.files, err = scan(ctx, first, o.Source, stage, o.Recall, invalid.add, func(_, seq uint64, rec *record.Record, k keys.Key, size int) error {
		v.Records++
		counter.add(k.Partition, size)
		var sum [sha256.Size]byte
		if rec.Recalled {
			_, sum, _ = o.Recall.entry(rec.Memo)
		} else {
			canonical = AppendCanonical(canonical[:0], rec.Item)
			sum = sha256.Sum256(canonical)
		}
		if o.Remember != nil && rec.Line != (record.LineSum{}) {
			o.Remember(rec.Line, k, sum, size)
		}
		digest.AddSum(sum)
		if o.OnItem != nil {
			o.OnItem(seq, k, sum, ddbitem.WriteUnits(size))
		}
		v.Bytes += int64(size)
		v.WriteUnits += ddbitem.WriteUnits(size)
		return runs.add(keyHash(k.ID()))
	})
	v.stripes = first.Stripes()
	_ = first.Close()
	if err != nil {
		// Reading could not go on: report what was found up to there.
		return nil, invalid.result(err)
	}
	if invalid.found() && o.Duplicates != "" && o.Duplicates != DuplicateError {
		return nil, invalid.result(nil) // no duplicate key is an error: no need to look
	}
	suspects, err := runs.duplicates()
	if err != nil {
		return nil, fmt.Errorf("looking for duplicate keys: %w", err)
	}
	if len(suspects) > 0 {
		if err := resolveDuplicates(ctx, schema, o, stage, suspects, v, invalid); err != nil {
			return nil, err
		}
	}
	if err := invalid.result(nil); err != nil {
		return nil, err
	}
	v.Items = v.Records - v.Duplicates

	if v.Duplicates > 0 {
		// The losers were counted before anyone knew they would lose: count again without them.
		v.Bytes, v.WriteUnits = 0, 0
		counter, digest = newKeyCounter(), Digest{}
		err = rescan(ctx, o.Source, stage, v, nil, func(_, seq uint64, rec *record.Record, k keys.Key, size int) error {
			if v.losers.Has(seq) {
				return nil
			}
			counter.add(k.Partition, size)
			canonical = AppendCanonical(canonical[:0], rec.Item)
			digest.Add(canonical)
			v.Bytes += int64(size)
			v.WriteUnits += ddbitem.WriteUnits(size)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	v.Keys = counter.stats()
	v.Digest = digest.Sum(digestContext(schema))
	return v, nil
}

// resolveDuplicates reads the dataset again, compares the full keys of the records whose hash
// repeats, and applies the duplicate policy. Under DuplicateError each record that repeats a
// key goes to invalid; the invalid records the first pass found are skipped again.
func resolveDuplicates(ctx context.Context, schema keys.Schema, o Options, stage *keys.Stage, suspects map[uint64]struct{},
	v *Validated, invalid *invalidRecords,
) error {
	dd := newDedupe(o.Duplicates, suspects)
	known := func(uint64, error) {} // counted by the first pass
	err := rescan(ctx, o.Source, stage, v, known, func(at, seq uint64, rec *record.Record, k keys.Key, _ int) error {
		if err := dd.observe(seq, rec.Pos, k.ID(), describeKey(rec.Item, schema)); err != nil {
			invalid.add(at, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	losers := dd.losers // a copy: the rest of dd (its key map) can go
	v.losers = &losers
	v.Duplicates = dd.dropped
	return nil
}

// rescan is scan for the passes after the first: v's numbers must all come from the
// bytes the first pass read.
func rescan(ctx context.Context, spec source.Spec, stage *keys.Stage, v *Validated, invalid func(at uint64, err error),
	visit func(at, seq uint64, rec *record.Record, k keys.Key, size int) error,
) error {
	r, err := openReadAhead(spec, nil)
	if err != nil {
		return err
	}
	defer r.Close()
	f, err := scan(ctx, r, spec, stage, nil, invalid, visit)
	if err == nil && f != v.files {
		err = ErrDatasetChanged
	}
	return err
}

// scan reads every record of r (opened on spec). It applies the key stage and checks the item size, calling visit with
// the record's index in reading order (invalid records included), its sequence number (its
// index among the valid records), its key and its size. At the end it returns the source's
// fingerprint. A record r recalled (source.Recording.RecallLines) from memo takes its key and
// size from there: its line validated before.
//
// A record's *record.InputError (from the source, the key stage or the size check) goes to
// invalid, and reading goes on with the next record; with invalid nil it ends the scan. The
// scan ends with the source's error when the source cannot go on (it repeats the error, see
// source.Reader; invalid has seen it once) or the error is not a record's, and with visit's
// error.
func scan(ctx context.Context, r source.Reader, spec source.Spec, stage *keys.Stage, memo *LineMemo, invalid func(at uint64, err error),
	visit func(at, seq uint64, rec *record.Record, k keys.Key, size int) error,
) ([sha256.Size]byte, error) {
	var none [sha256.Size]byte
	var (
		seq  uint64 // valid records so far
		last error  // the source's previous error
	)
	bad := func(at uint64, err error) error {
		var ie *record.InputError
		if invalid == nil || !errors.As(err, &ie) {
			return err
		}
		invalid(at, err)
		return nil
	}
	for at := uint64(0); ; at++ {
		if at%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return none, err
			}
		}
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			if at == 0 {
				return none, &record.InputError{Pos: record.Position{File: strings.Join(spec.Patterns, ", ")}, Reason: "the dataset has no items"}
			}
			return r.Fingerprint(), nil
		}
		if err != nil {
			if err == last { //nolint:errorlint // identity: a source that cannot go on repeats its error
				return none, err
			}
			last = err
			if err := bad(at, err); err != nil {
				return none, err
			}
			continue
		}
		last = nil
		if rec.Recalled {
			k, _, size := memo.entry(rec.Memo)
			if err := visit(at, seq, &rec, k, size); err != nil {
				return none, err
			}
			seq++
			continue
		}
		if err := stage.Apply(&rec); err != nil {
			if err := bad(at, err); err != nil {
				return none, err
			}
			continue
		}
		size := ddbitem.Size(rec.Item)
		if size > ddbitem.MaxItemBytes {
			err := &record.InputError{Pos: rec.Pos, Reason: fmt.Sprintf(
				"item is %d bytes; DynamoDB allows at most %d (400 KB) including attribute names", size, ddbitem.MaxItemBytes)}
			if err := bad(at, err); err != nil {
				return none, err
			}
			continue
		}
		if err := visit(at, seq, &rec, stage.Key(rec.Item), size); err != nil {
			return none, err
		}
		seq++
	}
}

func digestContext(s keys.Schema) string {
	c := "pk=" + s.PartitionKey.Name + ":" + s.PartitionKey.Type
	if s.SortKey != nil {
		c += ";sk=" + s.SortKey.Name + ":" + s.SortKey.Type
	}
	return c
}

// describeKey renders an item's primary key for messages: pk "a", sk "b".
func describeKey(item record.Item, s keys.Schema) string {
	d := fmt.Sprintf("%s %s", s.PartitionKey.Name, valueText(item[s.PartitionKey.Name]))
	if s.SortKey != nil {
		d += fmt.Sprintf(", %s %s", s.SortKey.Name, valueText(item[s.SortKey.Name]))
	}
	return d
}
