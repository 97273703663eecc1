package loader

import (
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

var errReadAheadClosed = errors.New("loader: Next called after Close")

// readAhead reads and decodes records on a goroutine of its own, a few chunks ahead of its
// consumer. Decoding is about half of a pass's CPU; the other half (keys, sizes, digest,
// ordering) then runs beside it on another core. Records and errors come out in reading
// order, and reading stops at the first error, as a consumer of the reader does.
type readAhead struct {
	r      source.Reader
	chunks chan readChunk
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once

	cur []record.Record
	err error // after cur: io.EOF or the error that stopped reading
}

type readChunk struct {
	recs []record.Record
	err  error
}

// openReadAhead opens spec's records behind a readAhead.
func openReadAhead(spec source.Spec) (source.Reader, error) {
	r, err := source.Open(spec)
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
	for {
		recs := make([]record.Record, 0, readAheadChunk)
		var err error
		for len(recs) < readAheadChunk {
			var rec record.Record
			if rec, err = a.r.Next(); err != nil {
				break
			}
			recs = append(recs, rec)
		}
		select {
		case a.chunks <- readChunk{recs, err}:
		case <-a.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

func (a *readAhead) Next() (record.Record, error) {
	for len(a.cur) == 0 {
		if a.err != nil {
			return record.Record{}, a.err
		}
		c, ok := <-a.chunks
		if !ok {
			return record.Record{}, errReadAheadClosed
		}
		a.cur, a.err = c.recs, c.err
	}
	rec := a.cur[0]
	a.cur[0] = record.Record{} // the chunk must not keep records the consumer has let go
	a.cur = a.cur[1:]
	return rec, nil
}

// Fingerprint is the reader's, once Next has returned io.EOF (the reading goroutine has
// then finished with it); the zero value before.
func (a *readAhead) Fingerprint() [sha256.Size]byte {
	if len(a.cur) > 0 || !errors.Is(a.err, io.EOF) {
		return [sha256.Size]byte{}
	}
	<-a.done
	return a.r.Fingerprint()
}

// Close stops the reading goroutine, then closes the files.
func (a *readAhead) Close() error {
	a.once.Do(func() { close(a.stop) })
	<-a.done
	a.cur, a.err = nil, errReadAheadClosed
	return a.r.Close()
}
