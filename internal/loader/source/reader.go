package source

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
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
	m, err := openMulti(spec)
	if err != nil {
		return nil, err
	}
	m.skip = skip
	return m, nil
}

// Recording is a Reader that records where later readings may start (OpenRecording).
type Recording interface {
	Reader
	// Stripes are the places found, once Next has returned io.EOF; before, and when the
	// dataset is to be read in one piece, the zero value.
	Stripes() Stripes
	// RecallLines, called before the first Next, makes the reading give each record of a file
	// with one record per line (JSON Lines, DynamoDB JSON lines) its record.LineSum, and ask
	// recall about it, on the goroutine calling Next, before decoding the line. When recall
	// knows the sum, Next returns the record undecoded, with Recalled set and recall's
	// answer as its Memo: a caller that validated the same line before (under the same
	// Spec) need not decode it again. Other formats decode every record and never ask.
	RecallLines(recall func(record.LineSum) (uint32, bool))
}

// OpenRecording is Open for a reading that also cuts the dataset into stripes under l, for
// OpenStripes: see Stripe for where a stripe may start. The stripes depend on the stored bytes
// alone, so every recording reading of the same files finds the same ones.
func OpenRecording(spec Spec, l Layout) (Recording, error) {
	m, err := openMulti(spec)
	if err != nil {
		return nil, err
	}
	var total int64
	for _, f := range m.files {
		if f.inline {
			total += int64(len(m.inline))
		} else {
			total += textSize(f)
		}
	}
	m.cut = newCutter(l, total, func() uint64 { return m.seq })
	return m, nil
}

func openMulti(spec Spec) (*multiReader, error) {
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
	pieces := make([]piece, len(files))
	for i := range files {
		pieces[i] = piece{index: i, end: -1}
	}
	return &multiReader{files: files, pieces: pieces, opts: o, inline: spec.Inline, sum: sha256.New()}, nil
}

// piece is a part of a file a multiReader reads: all of it, or a stripe's part.
type piece struct {
	index      int        // in multiReader.files
	start, end int64      // in the file's text (its stored bytes unless gzip); end -1 reads to the end
	line, recs int        // lines and records of the file before start
	spooled    *spoolPart // where a gzip file's piece is read from (spool); nil: the file itself
}

// partial tells whether the piece is less than its whole file.
func (p piece) partial() bool { return p.start > 0 || p.end >= 0 }

type multiReader struct {
	files  []dataFile
	pieces []piece
	opts   *options
	inline string
	idx    int // next piece to open
	cur    fileReader
	closer io.Closer
	sum    hash.Hash // every piece's file name and stored bytes, in reading order
	done   bool      // Next returned io.EOF: sum is complete
	err    error     // sticky: a file could not be opened
	closed bool
	skip   func(seq uint64) bool               // from OpenSkipping; nil passes over nothing
	recall func(record.LineSum) (uint32, bool) // from RecallLines; nil recalls nothing
	seq    uint64                              // records Next returned without error: the next record's number
	cut    *cutter                             // OpenRecording's; nil records nothing
	stripe bool                                // a stripe of OpenStripes: sum has each piece's offset too
}

func (m *multiReader) Next() (record.Record, error) {
	for {
		switch {
		case m.closed:
			return record.Record{}, errClosed
		case m.err != nil:
			return record.Record{}, m.err
		case m.cur == nil:
			if m.idx == len(m.pieces) {
				m.done = true
				return record.Record{}, io.EOF
			}
			if err := m.open(m.pieces[m.idx]); err != nil {
				m.err = err
				return record.Record{}, err
			}
			m.idx++
		}
		rec, err := m.cur.next()
		if err == nil {
			rec.Seq = m.seq
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

func (m *multiReader) open(p piece) error {
	f := m.files[p.index]
	var src io.Reader
	switch {
	case f.inline:
		src = strings.NewReader(m.inline)
	case p.spooled != nil:
		src = p.spooled.reader()
	default:
		n := int64(-1)
		if p.end >= 0 {
			n = p.end - p.start
		}
		file, err := f.open(p.start, n)
		if errors.Is(err, ErrChanged) {
			return err
		}
		if err != nil {
			return inputError(record.Position{File: f.name}, "cannot open the file", err)
		}
		src, m.closer = file, file
	}
	// The format readers read every piece to its end, so its every byte passes into sum: the
	// stored bytes of a reading of whole files (for an object, its identity: see
	// writeObject), the text of a stripe's pieces (where gzip is undone, stripes are cut in
	// the text).
	var text io.Writer
	switch {
	case m.stripe:
		writePiece(m.sum, f.name, p.start)
		text = m.sum
	case f.obj != nil:
		writeObject(m.sum, f.obj)
	default:
		writeName(m.sum, f.name)
		src = io.TeeReader(src, m.sum)
	}
	if m.cut != nil {
		m.cut.startFile(p.index, f)
		text = m.cut
	}
	r, err := m.newReader(p, f, src, text)
	if err != nil {
		_ = m.closeFile() // the reader's error is the one worth reporting
		return err
	}
	if sk, ok := r.(skipper); ok && m.skip != nil {
		sk.skipWhere(m.skipNext)
	}
	if lr, ok := r.(*linesReader); ok && m.cut != nil {
		lr.mark = m.cut
	}
	if lr, ok := r.(*linesReader); ok && m.recall != nil {
		lr.recallWhere(m.recall)
	}
	m.cur = r
	return nil
}

// newReader returns the format's reader for piece p of f, whose stored bytes src gives (for a
// spooled piece, its text); text, if not nil, is given the piece's text.
func (m *multiReader) newReader(p piece, f dataFile, src io.Reader, text io.Writer) (fileReader, error) {
	if p.start == 0 {
		r, err := newFileReader(f.name, src, f.format, m.opts, text, p.spooled != nil)
		if lr, ok := r.(*linesReader); ok && p.partial() {
			lr.partial = true
		} else if err == nil && p.partial() {
			// Only files of one record per line are ever cut.
			return nil, fmt.Errorf("%w: %s is no longer one record per line", ErrChanged, f.name)
		}
		return r, err
	}
	if f.inline || (f.format != FormatJSONLines && f.format != FormatDynamoDBJSON) {
		return nil, fmt.Errorf("%w: %s cannot be read from byte %d", ErrChanged, f.name, p.start)
	}
	in := &input{name: f.name, r: src}
	if text != nil {
		in.r = io.TeeReader(in.r, text)
	}
	dec := &recordDecoder{overrides: m.opts.overrides, typed: f.format == FormatDynamoDBJSON, keep: m.opts.keepBytes()}
	if dec.typed {
		dec.overrides = nil
	}
	r := newLinesReader(in, bufio.NewReaderSize(in, m.opts.bufferSize()), p.line, p.start, dec)
	r.n, r.partial = p.recs, true
	return r, nil
}

// skipNext tells the current file's reader whether to pass over the record it is about to
// decode: the one Next will number m.seq.
func (m *multiReader) skipNext() bool { return m.skip(m.seq) }

// RecallLines is Recording's.
func (m *multiReader) RecallLines(recall func(record.LineSum) (uint32, bool)) { m.recall = recall }

// Stripes is Recording's.
func (m *multiReader) Stripes() Stripes {
	if !m.done || m.cut == nil {
		return Stripes{}
	}
	s, ok := m.cut.stripes(len(m.files))
	if !ok {
		return Stripes{}
	}
	return s
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
