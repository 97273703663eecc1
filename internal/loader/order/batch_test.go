package order

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

func drainBatches(t *testing.T, it BatchIterator) []Batch {
	t.Helper()
	var out []Batch
	for {
		b, err := it.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Next after %d batches: %v", len(out), err)
		}
		out = append(out, b)
	}
}

func sizes(bs []Batch) []int {
	out := make([]int, len(bs))
	for i, b := range bs {
		out[i] = len(b)
	}
	return out
}

func withSize(es []Entry, size int) []Entry {
	for i := range es {
		es[i].Size = size
	}
	return es
}

func TestBatches(t *testing.T) {
	t.Parallel()
	distinct := func(n int) []Entry { return sorted(n, 1) }
	dup := entries("A", "B", "C", "D")
	dup[2].Key = dup[0].Key // the third entry repeats the first one's key
	sameHash := entries("A", "A")
	for _, tc := range []struct {
		name               string
		in                 []Entry
		maxItems, maxBytes int
		want               []int
	}{
		{"25 items a batch", distinct(60), 25, ddbitem.MaxBatchBytes, []int{25, 25, 10}},
		{"limits below 1 mean DynamoDB's", distinct(26), 0, 0, []int{25, 1}},
		{"limits above DynamoDB's are capped", distinct(30), 100, 1 << 30, []int{25, 5}},
		{"smaller item limit", distinct(7), 3, 0, []int{3, 3, 1}},
		{"byte limit", withSize(distinct(10), 1000), 25, 3 * (1000 + ItemOverhead), []int{3, 3, 3, 1}},
		{"byte limit just short of the third item", withSize(distinct(4), 1000), 25, 3*(1000+ItemOverhead) - 1, []int{2, 2}},
		{"an item bigger than maxBytes goes alone", withSize(distinct(3), 5000), 25, 4000, []int{1, 1, 1}},
		{"an item at the DynamoDB limit", withSize(distinct(2), ddbitem.MaxItemBytes), 25, 0, []int{2}},
		{"a repeated key closes the batch", dup, 25, 0, []int{2, 2}},
		{"same partition, different sort keys share a batch", sameHash, 25, 0, []int{2}},
		{"empty input", nil, 25, 0, nil},
	} {
		out := drainBatches(t, Batches(&sliceIter{entries: tc.in}, tc.maxItems, tc.maxBytes))
		if got := sizes(out); !slices.Equal(got, tc.want) {
			t.Errorf("%s: batch sizes %v, want %v", tc.name, got, tc.want)
			continue
		}
		var flat []Entry
		for _, b := range out {
			for i := range b {
				for j := range i {
					if b[i].Key.ID() == b[j].Key.ID() {
						t.Errorf("%s: key %q twice in one batch", tc.name, b[i].Key.ID())
					}
				}
			}
			flat = append(flat, b...)
		}
		if !slices.Equal(records(flat), records(tc.in)) {
			t.Errorf("%s: batching changed the order: %v", tc.name, records(flat))
		}
	}
}

func TestBatchesRejectOversizedItems(t *testing.T) {
	t.Parallel()
	big := record.Record{
		Item: record.Item{"pk": &types.AttributeValueMemberS{Value: "a"}, "blob": &types.AttributeValueMemberB{Value: make([]byte, ddbitem.MaxItemBytes)}},
		Pos:  record.Position{File: "data.jsonl", Line: 7, Record: 7},
	}
	for _, tc := range []struct {
		name  string
		entry Entry
		want  string
	}{
		{"size given", Entry{Rec: record.Record{Pos: big.Pos}, Size: ddbitem.MaxItemBytes + 1},
			"data.jsonl:7: item is 409601 bytes; DynamoDB allows at most 409600 (400 KB) including attribute names"},
		{"size computed when missing", Entry{Rec: big},
			"data.jsonl:7: item is 409607 bytes; DynamoDB allows at most 409600 (400 KB) including attribute names"},
		{"NewEntry computes the size", NewEntry(big, keys.Key{Partition: "S:a"}),
			"data.jsonl:7: item is 409607 bytes; DynamoDB allows at most 409600 (400 KB) including attribute names"},
	} {
		in := entries("x", "y")
		in = slices.Insert(in, 1, tc.entry)
		it := Batches(&sliceIter{entries: in}, 25, 0)
		_, err := it.Next()
		var ie *record.InputError
		if !errors.As(err, &ie) || ie.Pos != big.Pos || err.Error() != tc.want {
			t.Errorf("%s: Next = %v\nwant *record.InputError %q", tc.name, err, tc.want)
		}
	}
}

func TestBatchesPassErrorsThrough(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	it := Batches(&sliceIter{entries: sorted(30, 1), errAt: map[int]error{3: boom}}, 25, 0)
	if _, err := it.Next(); !errors.Is(err, boom) {
		t.Fatalf("Next = %v; want the input's error", err)
	}
	// Nothing read so far is lost when the caller goes on.
	if got := sizes(drainBatches(t, it)); !slices.Equal(got, []int{25, 5}) {
		t.Fatalf("batch sizes after the error %v, want [25 5]", got)
	}
}

func TestNewEntry(t *testing.T) {
	t.Parallel()
	item := record.Item{"pk": &types.AttributeValueMemberS{Value: strings.Repeat("x", 1500)}}
	e := NewEntry(record.Record{Item: item}, keys.Key{Partition: "S:x"})
	if e.Size != 1502 || e.WCU != 2 || e.Key.Partition != "S:x" {
		t.Fatalf("NewEntry = Size %d, WCU %d, Key %q; want 1502, 2, S:x", e.Size, e.WCU, e.Key.Partition)
	}
}
