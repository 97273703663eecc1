package loader

import (
	"crypto/sha256"
	"errors"
	"io"
	"sync/atomic"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// countingReader yields n records numbered by Pos.Record, then err (io.EOF or a failure),
// and counts the records read and whether it was closed.
type countingReader struct {
	n, read int
	err     error
	closed  atomic.Bool
}

func (c *countingReader) Next() (record.Record, error) {
	if c.read >= c.n {
		return record.Record{}, c.err
	}
	c.read++
	return record.Record{Pos: record.Position{File: "f", Record: c.read}}, nil
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
