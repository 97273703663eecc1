package source

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

const (
	bufferSize = 64 << 10
	// stripeBufferSize is a striped reading's, which holds buffers for every stripe at once.
	stripeBufferSize = 8 << 10
	// maxRecordBytes bounds the text of one record. A DynamoDB item is at most 400 KB; even
	// as escaped JSON it stays far below this, so a larger record means a broken structure
	// (a missing newline or bracket), and reading on would only exhaust memory.
	maxRecordBytes = 32 << 20
)

// fileReader reads the records of one file. After an error confined to one record, next
// continues with the following record; after any other error it returns that error again.
type fileReader interface {
	next() (record.Record, error)
}

// skipper is a fileReader that can find a record's end without decoding the record. After
// skipWhere, next asks skip before decoding each record, and returns the record with Skipped
// set and no item instead when it says true.
type skipper interface {
	skipWhere(skip func() bool)
}

// input is a file's decompressed text with its read errors recorded, so that a reader that
// sees a failed read can tell corrupt gzip data (an input error) from a failing disk.
type input struct {
	name string
	r    io.Reader
	gz   bool
	err  error
}

func (in *input) Read(p []byte) (int, error) {
	n, err := in.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && in.err == nil {
		in.err = err
	}
	return n, err
}

// readError turns a failed read into the error to report at pos.
func (in *input) readError(pos record.Position, err error) error {
	if in.err != nil {
		err = in.err
	}
	if in.gz && isGzipDataError(err) {
		return inputError(pos, "the gzip data is corrupt or truncated; was the file copied completely?", err)
	}
	return fmt.Errorf("reading %s: %w", pos.File, err)
}

// newFileReader opens the reader for one file's content: it undoes gzip (recognized by its
// magic bytes, whatever the name), rejects byte order marks, and picks the format's reader.
// text, if not nil, is given the file's text (what gzip makes of it) as the reader reads it;
// spooled says r gives the text itself (a spool's, which undid gzip).
func newFileReader(name string, r io.Reader, format Format, o *options, text io.Writer, spooled bool) (fileReader, error) {
	raw := bufio.NewReaderSize(r, o.bufferSize())
	in := &input{name: name, r: raw}
	start := record.Position{File: name, Line: 1}
	magic, err := raw.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, in.readError(start, err)
	}
	isGz := len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b && !spooled
	if !isGz && !spooled && strings.HasSuffix(strings.ToLower(name), ".gz") && len(magic) > 0 {
		return nil, inputError(start, "the file name ends in .gz but the file is not gzip-compressed", nil)
	}
	if isGz {
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return nil, inputError(start, "the file is not valid gzip data", err)
		}
		in.r, in.gz = zr, true
	}
	if text != nil {
		in.r = io.TeeReader(in.r, text)
	}
	br := bufio.NewReaderSize(in, o.bufferSize())
	head, err := br.Peek(3)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, in.readError(start, err)
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return nil, inputError(start, "file starts with a UTF-8 byte order mark; save it without one", nil)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, inputError(start, "file starts with a UTF-16 byte order mark; save it as UTF-8 without a byte order mark", nil)
	case len(head) == 0:
		return nil, inputError(start, "the file is empty: no records", nil)
	}
	switch format {
	case FormatCSV:
		return newCSVReader(in, br, o), nil
	case FormatJSONLines:
		return newLinesReader(in, br, 0, 0, &recordDecoder{overrides: o.overrides, keep: o.keepBytes()}), nil
	case FormatDynamoDBJSON:
		// One array of records, or one record per line: the first byte that is not space
		// tells which.
		lines, skipped, c, err := skipSpace(br)
		switch {
		case errors.Is(err, io.EOF):
			return nil, inputError(start, "the file is empty (only white space): no records", nil)
		case err != nil:
			return nil, in.readError(record.Position{File: name, Line: 1 + lines}, err)
		}
		if err := br.UnreadByte(); err != nil {
			return nil, err
		}
		if c == '[' {
			return newArrayReader(in, br, lines, &recordDecoder{typed: true, keep: o.keepBytes()}), nil
		}
		return newLinesReader(in, br, lines, skipped, &recordDecoder{typed: true, keep: o.keepBytes()}), nil
	default:
		return newArrayReader(in, br, 0, &recordDecoder{overrides: o.overrides, keep: o.keepBytes()}), nil
	}
}

// skipSpace consumes JSON white space and returns the newlines and bytes it passed and the
// first other byte, which it consumes too.
func skipSpace(br *bufio.Reader) (lines int, skipped int64, c byte, err error) {
	for ; ; skipped++ {
		c, err = br.ReadByte()
		if err != nil {
			return lines, skipped, 0, err
		}
		switch c {
		case '\n':
			lines++
		case ' ', '\t', '\r':
		default:
			return lines, skipped, c, nil
		}
	}
}
