package loader

import (
	"context"
	"crypto/sha256"
	"errors"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/order"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// TestExpectStopsAtAnotherKey: a record added to the top of the file between validation and
// the write pass shifts every record's place; with Expect the load stops before sending any
// record whose key is not the one validated at its place, so what the caller recorded by
// place is what the table may hold.
func TestExpectStopsAtAnotherKey(t *testing.T) {
	t.Parallel()
	for _, expect := range []bool{true, false} {
		dir := t.TempDir()
		writeFile(t, dir, "a.jsonl", jsonl(3000, 7))
		var validated []string
		// In file order, one batch at a time: the first batch, new record included, goes out
		// long before the end of the file, where the load notices the change without Expect.
		o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Write: fastWrite(), Order: order.Options{Mode: order.Preserve}}
		o.Write.Concurrency = 1
		o.OnItem = func(_ uint64, k keys.Key, _ [sha256.Size]byte, _ int64) { validated = append(validated, k.ID()) }
		v, err := Validate(context.Background(), hashRange(), o)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, "a.jsonl", `{"pk":"new","sk":99999}`+"\n"+jsonl(3000, 7))
		if expect {
			o.Expect = func(seqs []uint64, ks []keys.Key) int {
				for j, seq := range seqs {
					if int(seq) >= len(validated) || validated[seq] != ks[j].ID() {
						return j
					}
				}
				return -1
			}
		}
		s := newSink(hashRange())
		_, err = LoadValidated(context.Background(), s, "t", hashRange(), o, v)
		if !errors.Is(err, ErrDatasetChanged) {
			t.Fatalf("expect %v: err = %v, want ErrDatasetChanged", expect, err)
		}
		s.mu.Lock()
		_, wroteNew := s.items[keys.Key{Partition: "S:new", Sort: "N:99999"}.ID()]
		s.mu.Unlock()
		if wroteNew == expect {
			t.Errorf("expect %v: the record validation never saw was written: %v", expect, wroteNew)
		}
	}
}

// TestKeyStageChangeIsNotInvalidInput: a record that no longer has what its key template
// needs when the write pass reads it was valid when validated: the load reports the dataset
// changed, not invalid input (which callers word as "nothing was written").
func TestKeyStageChangeIsNotInvalidInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", `{"t":"a","sk":1}`+"\n"+`{"t":"b","sk":2}`+"\n")
	o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Write: fastWrite(),
		Order: order.Options{Mode: order.Preserve}, Keys: keys.Options{PartitionKey: "{t}"}}
	v, err := Validate(context.Background(), hashRange(), o)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "a.jsonl", `{"t":"a","sk":1}`+"\n"+`{"u":"b","sk":2}`+"\n")
	_, err = LoadValidated(context.Background(), newSink(hashRange()), "t", hashRange(), o, v)
	if !errors.Is(err, ErrDatasetChanged) {
		t.Fatalf("err = %v, want ErrDatasetChanged", err)
	}
	if ie := (*record.InputError)(nil); errors.As(err, &ie) {
		t.Fatalf("err = %v wraps an invalid-input error for a record that was valid when validated", err)
	}
}
