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

// Open validates the spec, resolves its files and returns a Reader over all their records,
// file after file in the order Files gives. Files are opened one at a time as reading
// reaches them.
func Open(spec Spec) (Reader, error) {
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
	return &multiReader{files: files, opts: o, inline: spec.Inline, sum: sha256.New()}, nil
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
	m.cur = r
	return nil
}

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
