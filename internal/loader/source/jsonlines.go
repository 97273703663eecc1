package source

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/zeebo/xxh3"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// linesReader reads one record per line (JSON Lines, and DynamoDB JSON such as S3 exports).
// Blank lines are skipped; a bad line does not stop the lines after it from being read.
type linesReader struct {
	in   *input
	br   *bufio.Reader
	dec  *recordDecoder
	skip func() bool // see skipper; nil decodes every record
	// recall, if set, is asked about every line's sum (Recording.RecallLines).
	recall func(record.LineSum) (uint32, bool)
	line   int   // lines read so far
	n      int   // records returned so far
	off    int64 // bytes of the file read so far: where the next line starts
	buf    []byte
	err    error // sticky
	// partial says the reader reads a stripe's part of the file (OpenStripes): it may hold no
	// record.
	partial bool
	// mark, if set, is told when a line starts where it wants (a recording reading's cutter).
	mark *cutter
}

// newLinesReader reads from br, whose next byte is the file's byte off, after lines lines.
func newLinesReader(in *input, br *bufio.Reader, lines int, off int64, dec *recordDecoder) *linesReader {
	return &linesReader{in: in, br: br, dec: dec, line: lines, off: off}
}

func (r *linesReader) next() (record.Record, error) {
	if r.err != nil {
		return record.Record{}, r.err
	}
	for {
		text, err := r.readLine()
		if errors.Is(err, io.EOF) {
			if r.n == 0 && !r.partial {
				r.err = inputError(record.Position{File: r.in.name, Line: 1}, "the file has no records (only blank lines)", nil)
				return record.Record{}, r.err
			}
			r.err = io.EOF
			return record.Record{}, io.EOF
		}
		if err != nil {
			r.err = err
			return record.Record{}, err
		}
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		r.n++
		pos := record.Position{File: r.in.name, Line: r.line, Record: r.n}
		if r.skip != nil && r.skip() {
			r.letGo()
			return record.Record{Pos: pos, Skipped: true}, nil
		}
		if r.recall == nil {
			rec, _, err := r.dec.decode(text, pos)
			r.letGo()
			return rec, err
		}
		line := r.lineSum(text)
		if memo, ok := r.recall(line); ok {
			r.letGo()
			return record.Record{Pos: pos, Bytes: len(text), Line: line, Recalled: true, Memo: memo}, nil
		}
		rec, _, err := r.dec.decode(text, pos)
		r.letGo()
		rec.Line = line
		return rec, err
	}
}

// recallWhere makes the reader give every record its line's sum and ask recall about it
// before decoding the line.
func (r *linesReader) recallWhere(recall func(record.LineSum) (uint32, bool)) {
	r.recall = recall
}

// lineSum is text's record.LineSum: the format is part of it (as the seed), because the same
// text is another item in plain and in DynamoDB JSON.
func (r *linesReader) lineSum(text []byte) record.LineSum {
	seed := uint64('p')
	if r.dec.typed {
		seed = 't'
	}
	return xxh3.Hash128Seed(text, seed).Bytes()
}

// skipWhere makes the reader a skipper: a line is one record, so it is passed over whole.
func (r *linesReader) skipWhere(skip func() bool) { r.skip = skip }

// keepLineBytes is the longest line buffer a reader keeps between lines, unless its options
// say less (options.keepBytes).
const keepLineBytes = 64 << 10

// letGo drops a large line's buffer once the line is decoded: a striped reading has a reader
// per stripe, and each would otherwise keep its last large item's line.
func (r *linesReader) letGo() {
	if cap(r.buf) > r.dec.keepBytes() {
		r.buf = nil
	}
}

// readLine returns the next line without its line ending. The slice is valid until the next
// call.
func (r *linesReader) readLine() ([]byte, error) {
	if r.mark != nil && r.off == r.mark.want() {
		r.mark.reach(r.line, r.n)
	}
	r.buf = r.buf[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
		r.off += int64(len(chunk))
		switch {
		case err == nil || (errors.Is(err, io.EOF) && (len(chunk) > 0 || len(r.buf) > 0)):
			r.line++
			line := chunk
			if len(r.buf) > 0 {
				r.buf = append(r.buf, chunk...)
				line = r.buf
			}
			line = bytes.TrimSuffix(line, []byte{'\n'})
			return bytes.TrimSuffix(line, []byte{'\r'}), nil
		case errors.Is(err, bufio.ErrBufferFull):
			if len(r.buf)+len(chunk) > maxRecordBytes {
				pos := record.Position{File: r.in.name, Line: r.line + 1, Record: r.n + 1}
				return nil, inputError(pos, fmt.Sprintf("line is longer than %d MiB; a DynamoDB item is at most 400 KB, so this is probably not one record per line", maxRecordBytes>>20), nil)
			}
			r.buf = append(r.buf, chunk...)
		case errors.Is(err, io.EOF):
			if r.in.err != nil {
				return nil, r.in.readError(record.Position{File: r.in.name, Line: r.line + 1}, r.in.err)
			}
			return nil, io.EOF
		default:
			return nil, r.in.readError(record.Position{File: r.in.name, Line: r.line + 1}, err)
		}
	}
}
