package source

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// arrayReader streams the elements of one JSON array of records. It finds each element's
// extent itself (strings, escapes and bracket depth), counting lines as it goes, so that every
// record and every syntax error gets its exact line, and only one element is ever held in
// memory. The element's text is then parsed and checked by a recordDecoder.
type arrayReader struct {
	in    *input
	br    *bufio.Reader
	dec   *recordDecoder
	line  int // 1-based line of the next byte
	n     int // records returned so far
	state arrayState
	buf   []byte
	err   error // sticky: once the structure is broken, nothing after it can be trusted
}

type arrayState uint8

const (
	arrayStart arrayState = iota
	arrayFirst            // after '['
	arrayNext             // after an element
	arrayDone
)

func newArrayReader(in *input, br *bufio.Reader, lines int, dec *recordDecoder) *arrayReader {
	return &arrayReader{in: in, br: br, dec: dec, line: 1 + lines}
}

func (r *arrayReader) pos() record.Position {
	return record.Position{File: r.in.name, Line: r.line, Record: r.n + 1}
}

func (r *arrayReader) fail(err error) error {
	r.err = err
	return err
}

func (r *arrayReader) next() (record.Record, error) {
	if r.err != nil {
		return record.Record{}, r.err
	}
	for {
		c, err := r.skipSpace()
		if err != nil {
			return record.Record{}, r.endOfInput(err)
		}
		switch r.state {
		case arrayStart:
			if c != '[' {
				return record.Record{}, r.fail(r.notAnArray(c))
			}
			r.state = arrayFirst
			continue
		case arrayFirst:
			if c == ']' {
				return record.Record{}, r.fail(inputError(r.pos(), "the JSON array is empty: no records", nil))
			}
		case arrayNext:
			switch c {
			case ']':
				r.state = arrayDone
				continue
			case ',':
				if c, err = r.skipSpace(); err != nil {
					return record.Record{}, r.endOfInput(err)
				}
				if c == ']' {
					return record.Record{}, r.fail(inputError(r.pos(), "malformed JSON: a ',' is followed by ']' (JSON does not allow a trailing comma)", nil))
				}
			default:
				return record.Record{}, r.fail(inputError(r.pos(), fmt.Sprintf("malformed JSON: expected ',' or ']' after record %d, found %s", r.n, quoteByte(c)), nil))
			}
		case arrayDone:
			return record.Record{}, r.fail(inputError(r.pos(), fmt.Sprintf("malformed JSON: unexpected %s after the closing ']' of the array; a file holds one array", quoteByte(c)), nil))
		}
		return r.element(c)
	}
}

// element reads the element that starts with c and decodes it.
func (r *arrayReader) element(c byte) (record.Record, error) {
	pos := r.pos()
	raw, err := r.capture(c)
	if err != nil {
		if errors.Is(err, io.EOF) {
			if r.in.err != nil {
				return record.Record{}, r.fail(r.in.readError(r.pos(), r.in.err))
			}
			return record.Record{}, r.fail(inputError(r.pos(), fmt.Sprintf("malformed JSON: the file ends inside record %d, which starts at line %d (a closing quote, '}' or ']' is missing)", pos.Record, pos.Line), nil))
		}
		return record.Record{}, r.fail(err)
	}
	r.n++
	r.state = arrayNext
	rec, malformed, err := r.dec.decode(raw, pos)
	if malformed {
		// The element's extent came from bracket counting; if its text is not JSON the
		// boundaries may be wrong too, so stop here.
		return record.Record{}, r.fail(err)
	}
	return rec, err
}

// capture reads one JSON value starting with c into r.buf.
func (r *arrayReader) capture(c byte) ([]byte, error) {
	r.buf = append(r.buf[:0], c)
	if c != '{' && c != '[' && c != '"' {
		// A scalar: not a valid record, but read it to its end so the message can say what it is.
		for {
			b, err := r.readByte()
			if errors.Is(err, io.EOF) {
				return r.buf, nil
			}
			if err != nil {
				return nil, err
			}
			if isSpace(b) || b == ',' || b == ']' || b == '}' || b == '[' || b == '{' {
				r.unreadByte(b)
				return r.buf, nil
			}
			if err := r.add(b); err != nil {
				return nil, err
			}
		}
	}
	depth, inString, escaped := 0, c == '"', false
	if !inString {
		depth = 1
	}
	for {
		b, err := r.readByte()
		if err != nil {
			return nil, err
		}
		if err := r.add(b); err != nil {
			return nil, err
		}
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
				if depth == 0 {
					return r.buf, nil
				}
			}
		case b == '"':
			inString = true
		case b == '{' || b == '[':
			depth++
		case b == '}' || b == ']':
			depth--
			if depth == 0 {
				return r.buf, nil
			}
		}
	}
}

func (r *arrayReader) add(b byte) error {
	if len(r.buf) >= maxRecordBytes {
		return inputError(r.pos(), fmt.Sprintf("record %d is larger than %d MiB; a DynamoDB item is at most 400 KB, so the file's structure is probably broken (a missing quote or bracket)", r.n+1, maxRecordBytes>>20), nil)
	}
	r.buf = append(r.buf, b)
	return nil
}

func (r *arrayReader) readByte() (byte, error) {
	b, err := r.br.ReadByte()
	if err == nil && b == '\n' {
		r.line++
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, r.in.readError(r.pos(), err)
	}
	return b, err
}

func (r *arrayReader) unreadByte(b byte) {
	if r.br.UnreadByte() == nil && b == '\n' {
		r.line--
	}
}

func (r *arrayReader) skipSpace() (byte, error) {
	for {
		b, err := r.readByte()
		if err != nil || !isSpace(b) {
			return b, err
		}
	}
}

// endOfInput handles the end of the text (or a failed read) between elements.
func (r *arrayReader) endOfInput(err error) error {
	if !errors.Is(err, io.EOF) {
		return r.fail(err)
	}
	if r.in.err != nil {
		return r.fail(r.in.readError(r.pos(), r.in.err))
	}
	switch r.state {
	case arrayDone:
		r.err = io.EOF
		return io.EOF
	case arrayStart:
		return r.fail(inputError(r.pos(), "the file is empty (only white space): no records", nil))
	}
	return r.fail(inputError(r.pos(), "malformed JSON: the file ends before the array is closed: expected ',' or ']'", nil))
}

func (r *arrayReader) notAnArray(c byte) error {
	reason := fmt.Sprintf("malformed JSON: expected a JSON array of objects ('[') at the start of the file, found %s", quoteByte(c))
	if c == '{' {
		reason += "; for one object per line use format jsonl (or the .jsonl extension), for DynamoDB JSON such as an S3 export use format dynamodb_json"
	}
	return inputError(r.pos(), reason, nil)
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

func quoteByte(c byte) string {
	if c < utf8.RuneSelf {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}
