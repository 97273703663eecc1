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

// Plan is what a validate-only pass learns about a dataset without writing anything.
type Plan struct {
	Records    int64 // records read
	Items      int64 // items to write: Records less Duplicates
	Duplicates int64 // records dropped by the last_wins or first_wins policy
	Bytes      int64 // Σ item size of Items
	WriteUnits int64 // Σ WCU of Items: what one full load costs
	// Digest identifies the content: the same items and key schema give the same digest on
	// every machine, in any order; any change of an item or a key option changes it.
	Digest string
	Keys   KeyStats
	Files  []string

	losers    *Bitmap           // records that lose a duplicate contest
	unchanged *Bitmap           // records Options.Unchanged reported in place
	files     [sha256.Size]byte // the source's Fingerprint: the write pass reads the same bytes
}

// Dropped tells whether the record with sequence number seq loses a duplicate contest: it is
// read but never written.
func (p *Plan) Dropped(seq uint64) bool { return p.losers.Has(seq) }

// FilesUnchanged tells whether spec's files are still, byte for byte, the ones validated into
// p. It hashes them without decoding. A load that stopped before its write pass reached the
// end (and made the same check) learns from it whether what it wrote is what was validated.
func (p *Plan) FilesUnchanged(spec source.Spec) (bool, error) {
	f, err := source.Fingerprint(spec)
	return err == nil && f == p.files, err
}

// Validate reads, converts and key-transforms the whole dataset, checks every item against
// DynamoDB's rules and the table's key schema, and returns its Plan. It writes nothing.
// It is also where Options.OnItem and Options.Unchanged see the items, so that the write pass
// need not encode them again. Errors are *record.InputError (the data) or *ConfigError (the
// options).
func Validate(ctx context.Context, schema keys.Schema, o Options) (*Plan, error) {
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
	plan := &Plan{Files: files, losers: &Bitmap{}, unchanged: &Bitmap{}}
	counter, digest := newKeyCounter(), Digest{}
	runs := &hashRuns{}
	defer runs.close()
	var canonical []byte // reused for every item: Digest.Add keeps no reference

	// Pass 1 reads everything, collects key hashes and, when no key repeats (the usual case),
	// all the numbers of the plan.
	plan.files, err = scan(ctx, o.Source, stage, func(seq uint64, rec *record.Record, k keys.Key, size int) error {
		plan.Records++
		counter.add(k.Partition, size)
		canonical = AppendCanonical(canonical[:0], rec.Item)
		sum := sha256.Sum256(canonical)
		digest.AddSum(sum)
		if o.OnItem != nil {
			o.OnItem(seq, k, sum)
		}
		if o.Unchanged != nil && o.Unchanged(k, sum) {
			plan.unchanged.Set(seq)
		}
		plan.Bytes += int64(size)
		plan.WriteUnits += ddbitem.WriteUnits(size)
		return runs.add(keyHash(k.ID()))
	})
	if err != nil {
		return nil, err
	}
	suspects, err := runs.duplicates()
	if err != nil {
		return nil, fmt.Errorf("looking for duplicate keys: %w", err)
	}
	if len(suspects) > 0 {
		if err := resolveDuplicates(ctx, schema, o, stage, suspects, plan); err != nil {
			return nil, err
		}
	}
	plan.Items = plan.Records - plan.Duplicates

	if plan.Duplicates > 0 {
		// The losers were counted before anyone knew they would lose: count again without them.
		plan.Bytes, plan.WriteUnits = 0, 0
		counter, digest = newKeyCounter(), Digest{}
		err = rescan(ctx, o.Source, stage, plan, func(seq uint64, rec *record.Record, k keys.Key, size int) error {
			if plan.losers.Has(seq) {
				return nil
			}
			counter.add(k.Partition, size)
			canonical = AppendCanonical(canonical[:0], rec.Item)
			digest.Add(canonical)
			plan.Bytes += int64(size)
			plan.WriteUnits += ddbitem.WriteUnits(size)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	plan.Keys = counter.stats()
	plan.Digest = digest.Sum(digestContext(schema))
	return plan, nil
}

// resolveDuplicates reads the dataset again, compares the full keys of the records whose hash
// repeats, and applies the duplicate policy.
func resolveDuplicates(ctx context.Context, schema keys.Schema, o Options, stage *keys.Stage, suspects map[uint64]struct{}, plan *Plan) error {
	dd := newDedupe(o.Duplicates, suspects)
	err := rescan(ctx, o.Source, stage, plan, func(seq uint64, rec *record.Record, k keys.Key, _ int) error {
		return dd.observe(seq, rec.Pos, k.ID(), describeKey(rec.Item, schema))
	})
	if err != nil {
		return err
	}
	losers := dd.losers // a copy: the rest of dd (its key map) can go
	plan.losers = &losers
	plan.Duplicates = dd.dropped
	return nil
}

// rescan is scan for the passes after the first: the plan's numbers must all come from the
// bytes the first pass read.
func rescan(ctx context.Context, spec source.Spec, stage *keys.Stage, plan *Plan,
	visit func(seq uint64, rec *record.Record, k keys.Key, size int) error,
) error {
	f, err := scan(ctx, spec, stage, visit)
	if err == nil && f != plan.files {
		err = ErrDatasetChanged
	}
	return err
}

// scan reads every record, applies the key stage and checks the item size, calling visit with
// the record's sequence number (its index in reading order), its key and its size. At the end
// it returns the source's fingerprint.
func scan(ctx context.Context, spec source.Spec, stage *keys.Stage,
	visit func(seq uint64, rec *record.Record, k keys.Key, size int) error,
) ([sha256.Size]byte, error) {
	var none [sha256.Size]byte
	r, err := openReadAhead(spec)
	if err != nil {
		return none, err
	}
	defer r.Close()
	for seq := uint64(0); ; seq++ {
		if seq%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return none, err
			}
		}
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			if seq == 0 {
				return none, &record.InputError{Pos: record.Position{File: strings.Join(spec.Patterns, ", ")}, Reason: "the dataset has no items"}
			}
			return r.Fingerprint(), nil
		}
		if err != nil {
			return none, err
		}
		if err := stage.Apply(&rec); err != nil {
			return none, err
		}
		size := ddbitem.Size(rec.Item)
		if size > ddbitem.MaxItemBytes {
			return none, &record.InputError{Pos: rec.Pos, Reason: fmt.Sprintf(
				"item is %d bytes; DynamoDB allows at most %d (400 KB) including attribute names", size, ddbitem.MaxItemBytes)}
		}
		if err := visit(seq, &rec, stage.Key(rec.Item), size); err != nil {
			return none, err
		}
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
