package source

import (
	"errors"
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
	return &multiReader{files: files, opts: o, inline: spec.Inline}, nil
}

type multiReader struct {
	files  []dataFile
	opts   *options
	inline string
	idx    int // next file to open
	cur    fileReader
	closer io.Closer
	err    error // sticky: a file could not be opened
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
	if f.inline {
		r, err := newFileReader(f.name, strings.NewReader(m.inline), f.format, m.opts)
		m.cur = r
		return err
	}
	file, err := os.Open(f.path)
	if err != nil {
		return inputError(record.Position{File: f.name}, "cannot open the file", err)
	}
	r, err := newFileReader(f.name, file, f.format, m.opts)
	if err != nil {
		_ = file.Close() // the reader's error is the one worth reporting
		return err
	}
	m.cur, m.closer = r, file
	return nil
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
