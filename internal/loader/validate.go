package loader

import (
	"context"
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

	losers *Bitmap // records that lose a duplicate contest
}

// Validate reads, converts and key-transforms the whole dataset, checks every item against
// DynamoDB's rules and the table's key schema, and returns its Plan. It writes nothing.
// Errors are *record.InputError (the data) or *ConfigError (the options).
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
	plan := &Plan{Files: files, losers: &Bitmap{}}
	counter, digest := newKeyCounter(), Digest{}
	runs := &hashRuns{}
	defer runs.close()
	var canonical []byte // reused for every item: Digest.Add keeps no reference

	// Pass 1 reads everything, collects key hashes and, when no key repeats (the usual case),
	// all the numbers of the plan.
	err = scan(ctx, o.Source, stage, func(_ uint64, rec *record.Record, k keys.Key, size int) error {
		plan.Records++
		counter.add(k.Partition, size)
		canonical = AppendCanonical(canonical[:0], rec.Item)
		digest.Add(canonical)
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
		err = scan(ctx, o.Source, stage, func(seq uint64, rec *record.Record, k keys.Key, size int) error {
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
	err := scan(ctx, o.Source, stage, func(seq uint64, rec *record.Record, k keys.Key, _ int) error {
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

// scan reads every record, applies the key stage and checks the item size, calling visit with
// the record's sequence number (its index in reading order), its key and its size.
func scan(ctx context.Context, spec source.Spec, stage *keys.Stage,
	visit func(seq uint64, rec *record.Record, k keys.Key, size int) error,
) error {
	r, err := openReadAhead(spec)
	if err != nil {
		return err
	}
	defer r.Close()
	for seq := uint64(0); ; seq++ {
		if seq%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			if seq == 0 {
				return &record.InputError{Pos: record.Position{File: strings.Join(spec.Patterns, ", ")}, Reason: "the dataset has no items"}
			}
			return nil
		}
		if err != nil {
			return err
		}
		if err := stage.Apply(&rec); err != nil {
			return err
		}
		size := ddbitem.Size(rec.Item)
		if size > ddbitem.MaxItemBytes {
			return &record.InputError{Pos: rec.Pos, Reason: fmt.Sprintf(
				"item is %d bytes; DynamoDB allows at most %d (400 KB) including attribute names", size, ddbitem.MaxItemBytes)}
		}
		if err := visit(seq, &rec, stage.Key(rec.Item), size); err != nil {
			return err
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

// Visit reads the dataset validated into plan and calls fn for every item that a load writes
// (duplicate losers excluded), with its sequence number, key and canonical encoding. The
// provider builds its ledger of loaded keys with it.
func Visit(ctx context.Context, schema keys.Schema, o Options, plan *Plan, fn func(seq uint64, k keys.Key, canonical []byte) error) error {
	stage, err := newStage(schema, o.Keys)
	if err != nil {
		return err
	}
	return scan(ctx, o.Source, stage, func(seq uint64, rec *record.Record, k keys.Key, _ int) error {
		if plan.losers.Has(seq) {
			return nil
		}
		return fn(seq, k, CanonicalBytes(rec.Item))
	})
}
