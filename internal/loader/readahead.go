package loader

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"sync"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// readAheadChunk is how many records travel between the goroutines at once: enough that
// the channel costs nothing per record, few enough that memory stays small.
const readAheadChunk = 256

// readAheadChunkBytes ends a chunk early when its records' text reaches it, so that chunks
// of items near DynamoDB's 400 KB limit stay small too.
const readAheadChunkBytes = 1 << 20

var errReadAheadClosed = errors.New("loader: Next called after Close")

// readAhead reads and decodes records on a goroutine of its own, a few chunks ahead of its
// consumer. Decoding is about half of a pass's CPU; the other half (keys, sizes, digest,
// ordering) then runs beside it on another core. Records and errors come out in reading
// order, as the source gives them: after an error confined to one record the records after
// it follow; reading stops at io.EOF or at an error the source repeats (it cannot go on),
// which Next then returns for good.
type readAhead struct {
	r      source.Reader
	chunks chan readChunk
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once

	cur   []record.Record
	err   error // after cur: io.EOF, a record's error or the error that stopped reading
	final bool  // err ended reading: Next returns it for good
}

type readChunk struct {
	recs  []record.Record
	err   error
	final bool // the source reached io.EOF or repeated err: nothing follows
}

// openReadAhead opens spec's records behind a readAhead. skip, if not nil, is
// source.OpenSkipping's; the reading goroutine calls it, so what it reads must not change
// until the reader is closed.
func openReadAhead(spec source.Spec, skip func(seq uint64) bool) (source.Reader, error) {
	r, err := source.OpenSkipping(spec, skip)
	if err != nil {
		return nil, err
	}
	return newReadAhead(r), nil
}

// openRecording is openReadAhead for a reading that records stripes (source.OpenRecording).
// recall, if not nil, is source.Recording.RecallLines'.
func openRecording(spec source.Spec, l source.Layout, recall func(record.LineSum) (uint32, bool)) (*readAhead, error) {
	r, err := source.OpenRecording(spec, l)
	if err != nil {
		return nil, err
	}
	if recall != nil {
		r.RecallLines(recall)
	}
	return newReadAhead(r), nil
}

// openStripes is openReadAhead for a reading of stripes (source.OpenStripes).
func openStripes(ctx context.Context, spec source.Spec, s source.Stripes, skip func(seq uint64) bool) (source.Reader, error) {
	r, err := source.OpenStripes(ctx, spec, s, skip)
	if err != nil {
		return nil, err
	}
	return newReadAhead(r), nil
}

func newReadAhead(r source.Reader) *readAhead {
	a := &readAhead{r: r, chunks: make(chan readChunk, 4), stop: make(chan struct{}), done: make(chan struct{})}
	go a.run()
	return a
}

func (a *readAhead) run() {
	defer close(a.done)
	defer close(a.chunks)
	var prev error
	for {
		recs := make([]record.Record, 0, readAheadChunk)
		var err error
		for size := 0; len(recs) < readAheadChunk && size < readAheadChunkBytes; {
			var rec record.Record
			if rec, err = a.r.Next(); err != nil {
				break
			}
			recs = append(recs, rec)
			size += rec.Bytes
		}
		// A source that cannot go on returns the same error again (source.Reader).
		final := errors.Is(err, io.EOF) || (err != nil && err == prev) //nolint:errorlint // identity
		select {
		case a.chunks <- readChunk{recs, err, final}:
		case <-a.stop:
			return
		}
		if final {
			return
		}
		prev = err
	}
}

func (a *readAhead) Next() (record.Record, error) {
	for len(a.cur) == 0 {
		if a.err != nil {
			err := a.err
			if !a.final {
				a.err = nil // a record's error: the records after it follow
			}
			return record.Record{}, err
		}
		c, ok := <-a.chunks
		if !ok {
			return record.Record{}, errReadAheadClosed
		}
		a.cur, a.err, a.final = c.recs, c.err, c.final
	}
	rec := a.cur[0]
	a.cur[0] = record.Record{} // the chunk must not keep records the consumer has let go
	a.cur = a.cur[1:]
	return rec, nil
}

// Fingerprint is the reader's, once Next has returned io.EOF (the reading goroutine has
// then finished with it); the zero value before.
func (a *readAhead) Fingerprint() [sha256.Size]byte {
	if len(a.cur) > 0 || !a.final || !errors.Is(a.err, io.EOF) {
		return [sha256.Size]byte{}
	}
	<-a.done
	return a.r.Fingerprint()
}

// Stripes is the reader's, once Next has returned io.EOF, if it is a source.Recording; the
// zero value (one stripe) otherwise.
func (a *readAhead) Stripes() source.Stripes {
	rec, ok := a.r.(source.Recording)
	if !ok || len(a.cur) > 0 || !a.final || !errors.Is(a.err, io.EOF) {
		return source.Stripes{}
	}
	<-a.done
	return rec.Stripes()
}

// Close stops the reading goroutine, then closes the files.
func (a *readAhead) Close() error {
	a.once.Do(func() { close(a.stop) })
	<-a.done
	a.cur, a.err, a.final = nil, errReadAheadClosed, true
	return a.r.Close()
}
