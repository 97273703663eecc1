package source

import (
	"crypto/sha256"
	"errors"
	"hash"
	"io"
	"os"
	"strings"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// Reader streams a dataset's records.
type Reader interface {
	// Next returns the next record, or io.EOF after the last one. Problems with the data are
	// *record.InputError. After an error confined to one record (a bad value, a ragged CSV
	// row, a malformed JSON line), Next continues with the following record; after an error
	// that leaves the rest of the file unreadable it returns that same error again.
	Next() (record.Record, error)
	// Fingerprint identifies the stored bytes of every file read, with their names: once
	// Next has returned io.EOF, two readings give the same fingerprint exactly when no
	// file changed in between (a reformatted file counts as changed). Before io.EOF it is
	// the zero value.
	Fingerprint() [sha256.Size]byte
	// Close releases the open file. It is safe to call more than once.
	Close() error
}

var errClosed = errors.New("source: Next called after Close")

// Open checks the spec, resolves its files and returns a Reader over all their records,
// file after file in the order Files gives. Files are opened one at a time as reading
// reaches them.
func Open(spec Spec) (Reader, error) { return OpenSkipping(spec, nil) }

// OpenSkipping is Open for a caller that will drop some records unread, so that it does not
// pay for decoding them. skip is asked, on the goroutine calling Next, about a record's
// sequence number (0-based, counting every record Next returns without error, all files
// together) just before the record would be decoded; true makes Next return the record with
// Skipped set, its position and no item. It is a hint: only formats with one record per line
// (JSON Lines, DynamoDB JSON lines) pass records over; the others decode every record and
// never ask. A skipped record's bytes still count in Fingerprint, but nothing checks them:
// skip only records whose bytes were validated before, and compare the fingerprints.
func OpenSkipping(spec Spec, skip func(seq uint64) bool) (Reader, error) {
	o, err := compile(&spec)
	if err != nil {
		return nil, err
	}
	files, err := resolve(&spec)
	if err != nil {
		return nil, err
	}
	if err := checkCSVColumns(files, o); err != nil {
		return nil, err
	}
	return &multiReader{files: files, opts: o, inline: spec.Inline, sum: sha256.New(), skip: skip}, nil
}

type multiReader struct {
	files  []dataFile
	opts   *options
	inline string
	idx    int // next file to open
	cur    fileReader
	closer io.Closer
	sum    hash.Hash // every file's name and stored bytes, in reading order
	done   bool      // Next returned io.EOF: sum is complete
	err    error     // sticky: a file could not be opened
	closed bool
	skip   func(seq uint64) bool // from OpenSkipping; nil passes over nothing
	seq    uint64                // records Next returned without error: the next record's number
}

func (m *multiReader) Next() (record.Record, error) {
	for {
		switch {
		case m.closed:
			return record.Record{}, errClosed
		case m.err != nil:
			return record.Record{}, m.err
		case m.cur == nil:
			if m.idx == len(m.files) {
				m.done = true
				return record.Record{}, io.EOF
			}
			if err := m.open(m.files[m.idx]); err != nil {
				m.err = err
				return record.Record{}, err
			}
			m.idx++
		}
		rec, err := m.cur.next()
		if err == nil {
			m.seq++
			return rec, nil
		}
		if !errors.Is(err, io.EOF) {
			return rec, err
		}
		m.cur = nil
		if err := m.closeFile(); err != nil {
			m.err = err
			return record.Record{}, err
		}
	}
}

func (m *multiReader) open(f dataFile) error {
	var src io.Reader
	if f.inline {
		src = strings.NewReader(m.inline)
	} else {
		file, err := os.Open(f.path)
		if err != nil {
			return inputError(record.Position{File: f.name}, "cannot open the file", err)
		}
		src, m.closer = file, file
	}
	// The format readers read every file to its end, so its every byte passes into sum.
	writeName(m.sum, f.name)
	r, err := newFileReader(f.name, io.TeeReader(src, m.sum), f.format, m.opts)
	if err != nil {
		_ = m.closeFile() // the reader's error is the one worth reporting
		return err
	}
	if sk, ok := r.(skipper); ok && m.skip != nil {
		sk.skipWhere(m.skipNext)
	}
	m.cur = r
	return nil
}

// skipNext tells the current file's reader whether to pass over the record it is about to
// decode: the one Next will number m.seq.
func (m *multiReader) skipNext() bool { return m.skip(m.seq) }

func (m *multiReader) Fingerprint() [sha256.Size]byte {
	var f [sha256.Size]byte
	if m.done {
		m.sum.Sum(f[:0])
	}
	return f
}

func (m *multiReader) closeFile() error {
	if m.closer == nil {
		return nil
	}
	err := m.closer.Close()
	m.closer = nil
	return err
}

func (m *multiReader) Close() error {
	if m.closed {
		return nil
	}
	m.closed = true
	m.cur = nil
	return m.closeFile()
}
