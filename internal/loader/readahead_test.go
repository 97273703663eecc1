package loader

import (
	"crypto/sha256"
	"errors"
	"io"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// countingReader yields n records numbered by Pos.Record, then err (io.EOF or a failure),
// and counts the records read and whether it was closed.
type countingReader struct {
	n, read int
	bytes   int // each record's Bytes
	err     error
	closed  atomic.Bool
}

func (c *countingReader) Next() (record.Record, error) {
	if c.read >= c.n {
		return record.Record{}, c.err
	}
	c.read++
	return record.Record{Pos: record.Position{File: "f", Record: c.read}, Bytes: c.bytes}, nil
}

func (c *countingReader) Fingerprint() [sha256.Size]byte {
	if c.read < c.n {
		return [sha256.Size]byte{}
	}
	return [sha256.Size]byte{byte(c.n)}
}

func (c *countingReader) Close() error { c.closed.Store(true); return nil }

func TestReadAheadKeepsOrderAndError(t *testing.T) {
	bad := errors.New("record 1001 is bad")
	for _, tc := range []struct {
		n   int
		err error
	}{{0, io.EOF}, {1, io.EOF}, {readAheadChunk, io.EOF}, {1000, bad}, {3*readAheadChunk + 7, io.EOF}} {
		src := &countingReader{n: tc.n, err: tc.err}
		a := newReadAhead(src)
		for i := 1; i <= tc.n; i++ {
			rec, err := a.Next()
			if err != nil || rec.Pos.Record != i {
				t.Fatalf("n=%d: record %d: got %d, %v", tc.n, i, rec.Pos.Record, err)
			}
		}
		for range 2 { // the error is sticky
			if _, err := a.Next(); !errors.Is(err, tc.err) {
				t.Fatalf("n=%d: after the records: %v, want %v", tc.n, err, tc.err)
			}
		}
		want := [sha256.Size]byte{} // a reading that failed identifies nothing
		if errors.Is(tc.err, io.EOF) {
			want[0] = byte(tc.n)
		}
		if got := a.Fingerprint(); got != want {
			t.Fatalf("n=%d: fingerprint %x, want the source's %x", tc.n, got[:1], want[:1])
		}
		if err := a.Close(); err != nil || !src.closed.Load() {
			t.Fatalf("n=%d: Close: %v, source closed %v", tc.n, err, src.closed.Load())
		}
	}
}

// TestReadAheadCloseStopsReading closes a reader over a long source after one record: the
// goroutine must stop (Close returns) having read only a few chunks ahead.
func TestReadAheadCloseStopsReading(t *testing.T) {
	src := &countingReader{n: 1_000_000, err: io.EOF}
	a := newReadAhead(src)
	if _, err := a.Next(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if limit := 8 * readAheadChunk; src.read > limit {
		t.Fatalf("read %d records ahead of a consumer that took 1; want at most %d", src.read, limit)
	}
	if _, err := a.Next(); err == nil {
		t.Fatal("Next after Close returned a record")
	}
	if err := a.Close(); err != nil { // twice is fine
		t.Fatal(err)
	}
}

// scriptReader plays a list of results; after the list it repeats the last one.
type scriptReader struct {
	script []error // nil: a record
	i      int
}

func (s *scriptReader) Next() (record.Record, error) {
	err := s.script[min(s.i, len(s.script)-1)]
	s.i++
	return record.Record{Pos: record.Position{File: "f", Record: s.i}}, err
}

func (s *scriptReader) Fingerprint() [sha256.Size]byte { return [sha256.Size]byte{1} }
func (s *scriptReader) Close() error                   { return nil }

// TestReadAheadGoesOnAfterARecordError: after an error the source goes on from, the records
// after it follow; an error the source repeats, and io.EOF, end reading for good.
func TestReadAheadGoesOnAfterARecordError(t *testing.T) {
	t.Parallel()
	bad1, bad2, stuck := errors.New("bad 1"), errors.New("bad 2"), errors.New("stuck")
	many := make([]error, 3*readAheadChunk) // records across chunks, then bad1
	for _, tc := range []struct {
		name   string
		script []error
		want   []error // what Next gives, then the last of it again for good
	}{
		{"record errors, then io.EOF", []error{nil, bad1, nil, bad2, bad1, nil, io.EOF}, []error{nil, bad1, nil, bad2, bad1, nil, io.EOF}},
		{"an error the source repeats", []error{nil, bad1, nil, stuck, stuck}, []error{nil, bad1, nil, stuck, stuck}},
		{"across chunks", slices.Concat(many, []error{bad1, nil, io.EOF}), slices.Concat(many, []error{bad1, nil, io.EOF})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := newReadAhead(&scriptReader{script: tc.script})
			defer a.Close()
			for i, want := range tc.want {
				if _, err := a.Next(); err != want { //nolint:errorlint // identity
					t.Fatalf("Next %d: %v, want %v", i, err, want)
				}
			}
			last := tc.want[len(tc.want)-1]
			for range 3 {
				if _, err := a.Next(); err != last { //nolint:errorlint // identity
					t.Fatalf("after the end: %v, want %v for good", err, last)
				}
			}
		})
	}
}

// TestReadAheadChunksAreBoundedInBytes: records of items near DynamoDB's 400 KB limit travel
// a few at a time, not readAheadChunk at a time, so what waits between the goroutines stays
// small whatever the items' size; every record still arrives.
func TestReadAheadChunksAreBoundedInBytes(t *testing.T) {
	t.Parallel()
	src := &countingReader{n: 600, bytes: 390_000, err: io.EOF}
	a := newReadAhead(src)
	defer a.Close()
	c := <-a.chunks
	if len(c.recs) == 0 || len(c.recs)*390_000 > readAheadChunkBytes+390_000 {
		t.Fatalf("a chunk of %d records of 390,000 bytes; want records up to %d bytes and one more", len(c.recs), readAheadChunkBytes)
	}
	a.cur = c.recs
	n := 0
	for {
		_, err := a.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 600 {
		t.Fatalf("read %d records; want 600", n)
	}
}
