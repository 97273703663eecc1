package order

import (
	"errors"
	"fmt"
	"io"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

var _ BatchIterator = (*batcher)(nil)

// ItemOverhead is what the batcher adds to each item's ddbitem.Size when it counts a batch
// against maxBytes: the JSON framing of a put request ({"PutRequest":{"Item":{...}}}) and the
// type tags, quotes and separators of about 40 attributes. Binary values travel as base64
// (+33%) and control characters in strings are escaped, so a pathological item can exceed
// this margin; at the default limits that cannot matter, since 25 items of at most 400 KB
// leave 6 MB of the 16 MB request limit unused.
const ItemOverhead = 512

// Batch is the entries of one BatchWriteItem request, in order.
type Batch []Entry

// BatchIterator yields batches; Next returns io.EOF after the last one. Each batch is a new
// slice the caller may keep.
type BatchIterator interface {
	Next() (Batch, error)
}

// Batches packs entries into batches of at most maxItems entries and maxBytes bytes
// (each entry counted as its Size plus ItemOverhead), keeping their order. Limits below 1 or
// above DynamoDB's (ddbitem.MaxBatchItems, ddbitem.MaxBatchBytes) mean DynamoDB's. A batch
// never holds two entries with the same key, since DynamoDB rejects such a batch whole: the
// second one starts the next batch. An entry that alone exceeds maxBytes gets a batch of its
// own; an entry above ddbitem.MaxItemBytes is a *record.InputError.
func Batches(in Iterator, maxItems, maxBytes int) BatchIterator {
	if maxItems < 1 || maxItems > ddbitem.MaxBatchItems {
		maxItems = ddbitem.MaxBatchItems
	}
	if maxBytes < 1 || maxBytes > ddbitem.MaxBatchBytes {
		maxBytes = ddbitem.MaxBatchBytes
	}
	return &batcher{in: in, maxItems: maxItems, maxBytes: maxBytes, cur: make(Batch, 0, maxItems)}
}

type batcher struct {
	in                 Iterator
	maxItems, maxBytes int
	cur                Batch
	curBytes           int
	pending            Entry // read, but belongs to the next batch
	hasPending, eof    bool
}

func (b *batcher) Next() (Batch, error) {
	for {
		var e Entry
		switch {
		case b.hasPending:
			e, b.hasPending = b.pending, false
			b.pending = Entry{}
		case b.eof:
			if len(b.cur) == 0 {
				return nil, io.EOF
			}
			return b.emit(), nil
		default:
			var err error
			e, err = b.in.Next()
			if errors.Is(err, io.EOF) {
				b.eof = true
				continue
			}
			if err != nil {
				return nil, err
			}
		}
		size := e.Size
		if size <= 0 {
			size = ddbitem.Size(e.Rec.Item) // Size not filled in: never trust an oversized item through
		}
		if size > ddbitem.MaxItemBytes {
			return nil, &record.InputError{Pos: e.Rec.Pos, Reason: fmt.Sprintf(
				"item is %d bytes; DynamoDB allows at most %d (400 KB) including attribute names", size, ddbitem.MaxItemBytes)}
		}
		cost := size + ItemOverhead
		if len(b.cur) > 0 && (b.curBytes+cost > b.maxBytes || b.holds(e)) {
			b.pending, b.hasPending = e, true
			return b.emit(), nil
		}
		b.cur = append(b.cur, e)
		b.curBytes += cost
		if len(b.cur) == b.maxItems {
			// Full: hand it over now rather than wait for one more read.
			return b.emit(), nil
		}
	}
}

// holds reports whether the current batch has an entry with e's key. Comparing Keys is the
// same as comparing their IDs, without building the strings; 25 comparisons beat a map.
func (b *batcher) holds(e Entry) bool {
	for i := range b.cur {
		if b.cur[i].Key == e.Key {
			return true
		}
	}
	return false
}

func (b *batcher) emit() Batch {
	out := b.cur
	b.cur = make(Batch, 0, b.maxItems)
	b.curBytes = 0
	return out
}
