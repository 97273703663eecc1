package source

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
)

// This file is a small JSON parser for one record's text. encoding/json would do, but it
// silently keeps the last of two equal keys, replaces invalid UTF-8 and unpaired surrogate
// escapes with U+FFFD, loses member order, and its streaming decoder reports offsets that are
// hard to map back to lines. Here every problem is an error at an exact byte offset, numbers
// stay decimal text, and it is several times faster than encoding/json's token API. The fuzz
// tests check it against encoding/json.

// jsonObject is a decoded JSON object with its members in document order, so that errors are
// reported in a stable order.
type jsonObject []jsonMember

type jsonMember struct {
	key string
	val any
}

// Decoded values are nil, bool, string, json.Number (the decimal text), []any and jsonObject.

// Nesting limits. Plain JSON nests exactly as the item will; DynamoDB JSON wraps every value
// in a {"TAG": ...} object, so it nests about twice as deep and its converter checks the real
// depth.
const (
	plainMaxDepth = ddbitem.MaxDepth
	typedMaxDepth = 2*ddbitem.MaxDepth + 4
)

func errTooDeep() *fieldError {
	return newFieldError(nil, "lists and maps are nested more than %d levels deep; DynamoDB allows at most %d", ddbitem.MaxDepth, ddbitem.MaxDepth)
}

// jsonSyntaxError is malformed JSON at a byte offset of the parsed text.
type jsonSyntaxError struct {
	Offset int
	msg    string
}

func (e *jsonSyntaxError) Error() string { return e.msg }

// parseJSON decodes exactly one JSON value from raw, which must be valid UTF-8 (callers check
// first, to report it with a better message). depth is the depth of the value itself (0 for a
// record, 1 for a CSV cell that is one attribute); a list or map deeper than maxDepth is an
// error. Errors are *jsonSyntaxError for malformed text and *fieldError for content problems.
func parseJSON(raw []byte, depth, maxDepth int) (any, error) {
	p := parser{data: raw, maxDepth: maxDepth}
	p.skipSpace()
	v, err := p.value(depth)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos < len(p.data) {
		return nil, p.errorf("unexpected %s after the end of the JSON value; a record holds one value", p.found())
	}
	return v, nil
}

type parser struct {
	data     []byte
	pos      int
	maxDepth int
	buf      []byte // scratch for strings with escapes
}

func (p *parser) errorf(format string, args ...any) error {
	return &jsonSyntaxError{Offset: p.pos, msg: fmt.Sprintf(format, args...)}
}

func (p *parser) eof() error {
	return &jsonSyntaxError{Offset: len(p.data), msg: "unexpected end of input: the value is cut short (a closing quote, '}' or ']' is missing)"}
}

// found describes the byte at the current position for messages.
func (p *parser) found() string {
	if p.pos >= len(p.data) {
		return "the end of the input"
	}
	c := p.data[p.pos]
	if c >= utf8.RuneSelf {
		r, _ := utf8.DecodeRune(p.data[p.pos:])
		return strconv.QuoteRune(r)
	}
	return quoteByte(c)
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (any, error) {
	if p.pos >= len(p.data) {
		return nil, p.eof()
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		return p.string()
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == 'N' || c == 'I':
		return nil, p.errorf("expected a JSON value, found %s: NaN and Infinity are not valid in JSON or in DynamoDB numbers", p.found())
	case c == '\'':
		return nil, p.errorf("expected a JSON value, found %s: JSON strings use double quotes", p.found())
	default:
		return nil, p.errorf("expected a JSON value (object, array, string, number, true, false or null), found %s", p.found())
	}
}

func (p *parser) object(depth int) (any, error) {
	if depth > p.maxDepth {
		return nil, errTooDeep()
	}
	p.pos++ // '{'
	obj := jsonObject{}
	var seen keySet
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return obj, nil
	}
	for {
		if p.pos >= len(p.data) {
			return nil, p.eof()
		}
		if p.data[p.pos] != '"' {
			if len(obj) > 0 && p.data[p.pos] == '}' {
				return nil, p.errorf("expected an object key after ',', found '}' (JSON does not allow a trailing comma)")
			}
			if p.data[p.pos] == '\'' {
				return nil, p.errorf("expected a double-quoted object key, found %s: JSON strings use double quotes", p.found())
			}
			return nil, p.errorf("expected a double-quoted object key, found %s", p.found())
		}
		key, err := p.string()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.eof()
		}
		if p.data[p.pos] != ':' {
			return nil, p.errorf("expected ':' after the object key %q, found %s", truncate(key, 40), p.found())
		}
		p.pos++
		p.skipSpace()
		if seen.duplicate(obj, key) {
			return nil, newFieldError(nil, "appears twice in the same object; each name may appear once").inKey(key)
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, atKey(err, key)
		}
		obj = append(obj, jsonMember{key: key, val: v})
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.eof()
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
			p.skipSpace()
		case '}':
			p.pos++
			return obj, nil
		default:
			return nil, p.errorf("expected ',' or '}' after the value of %q, found %s", truncate(key, 40), p.found())
		}
	}
}

func (p *parser) array(depth int) (any, error) {
	if depth > p.maxDepth {
		return nil, errTooDeep()
	}
	p.pos++ // '['
	arr := []any{}
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return arr, nil
	}
	for {
		if p.pos < len(p.data) && p.data[p.pos] == ']' {
			return nil, p.errorf("expected a value after ',', found ']' (JSON does not allow a trailing comma)")
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, atIndex(err, len(arr))
		}
		arr = append(arr, v)
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.eof()
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
			p.skipSpace()
		case ']':
			p.pos++
			return arr, nil
		default:
			return nil, p.errorf("expected ',' or ']' after an array element, found %s", p.found())
		}
	}
}

func (p *parser) literal(word string) error {
	for i := 0; i < len(word); i++ {
		if p.pos >= len(p.data) {
			return p.eof()
		}
		if p.data[p.pos] != word[i] {
			return p.errorf("invalid literal: expected %s, found %s", word, p.found())
		}
		p.pos++
	}
	return nil
}

// number checks JSON's number grammar and keeps the text; DynamoDB's rules (digits, range)
// are applied when the value is converted.
func (p *parser) number() (any, error) {
	start := p.pos
	if err := p.scanNumber(); err != nil {
		return nil, err
	}
	return json.Number(p.data[start:p.pos]), nil
}

// scanNumber moves past the number at p.pos.
func (p *parser) scanNumber() error {
	if p.data[p.pos] == '-' {
		p.pos++
	}
	digits := func(what string) error {
		if p.pos >= len(p.data) || p.data[p.pos] < '0' || p.data[p.pos] > '9' {
			if p.pos < len(p.data) && (p.data[p.pos] == 'I' || p.data[p.pos] == 'N') {
				return p.errorf("expected a digit %s, found %s: NaN and Infinity are not valid in JSON or in DynamoDB numbers", what, p.found())
			}
			return p.errorf("expected a digit %s, found %s", what, p.found())
		}
		for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
			p.pos++
		}
		return nil
	}
	if p.pos < len(p.data) && p.data[p.pos] == '0' {
		p.pos++ // JSON allows no leading zeros: "01" ends the number after "0"
	} else if err := digits("in the number"); err != nil {
		return err
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if err := digits("after the decimal point"); err != nil {
			return err
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		return digits("in the exponent")
	}
	return nil
}

// string reads a double-quoted string starting at p.pos.
func (p *parser) string() (string, error) {
	p.pos++ // '"'
	start := p.pos
	// Fast path: no escapes.
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c == '"' {
			s := string(p.data[start:p.pos])
			p.pos++
			return s, nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", p.controlError(c)
		}
		p.pos++
	}
	p.buf = append(p.buf[:0], p.data[start:p.pos]...)
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return string(p.buf), nil
		case c < 0x20:
			return "", p.controlError(c)
		case c != '\\':
			p.buf = append(p.buf, c)
			p.pos++
			continue
		}
		if p.pos+1 >= len(p.data) {
			return "", p.eof()
		}
		p.pos++
		switch e := p.data[p.pos]; e {
		case '"', '\\', '/':
			p.buf = append(p.buf, e)
		case 'b':
			p.buf = append(p.buf, '\b')
		case 'f':
			p.buf = append(p.buf, '\f')
		case 'n':
			p.buf = append(p.buf, '\n')
		case 'r':
			p.buf = append(p.buf, '\r')
		case 't':
			p.buf = append(p.buf, '\t')
		case 'u':
			r, err := p.unicodeEscape()
			if err != nil {
				return "", err
			}
			p.buf = utf8.AppendRune(p.buf, r)
			continue
		default:
			return "", p.errorf("invalid escape in a string: %s after a backslash; JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX", p.found())
		}
		p.pos++
	}
	return "", p.eof()
}

func (p *parser) controlError(c byte) error {
	return p.errorf("a string contains a raw control character (byte 0x%02x), which JSON does not allow; escape it (\\n, \\t, \\u00XX) or check for a missing closing quote", c)
}

// unicodeEscape reads \uXXXX (p.pos at the 'u'), and a following low surrogate when the first
// is a high one. An unpaired surrogate is an error: it is not a character.
func (p *parser) unicodeEscape() (rune, error) {
	at := p.pos - 1
	r, ok := hex4(p.data, p.pos+1)
	if !ok {
		return 0, p.errorf("invalid \\u escape in a string: expected four hexadecimal digits")
	}
	p.pos += 5
	if !utf16.IsSurrogate(r) {
		return r, nil
	}
	if r < 0xDC00 {
		if p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
			if lo, ok := hex4(p.data, p.pos+2); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				p.pos += 6
				return utf16.DecodeRune(r, lo), nil
			}
		}
	}
	return 0, &jsonSyntaxError{Offset: at, msg: fmt.Sprintf("the escape \\u%04x is half of a UTF-16 surrogate pair without its other half; that is not valid Unicode", r)}
}

func hex4(raw []byte, i int) (rune, bool) {
	if i < 0 || i+4 > len(raw) {
		return 0, false
	}
	var r rune
	for _, c := range raw[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// keySet finds repeated member names (encoding/json would keep the last silently). Small
// objects are scanned; a map is built only once an object grows.
type keySet struct{ m map[string]struct{} }

func (s *keySet) duplicate(obj jsonObject, key string) bool {
	const scanLimit = 8
	if len(obj) < scanLimit {
		for _, m := range obj {
			if m.key == key {
				return true
			}
		}
		return false
	}
	if s.m == nil {
		s.m = make(map[string]struct{}, 2*len(obj))
		for _, m := range obj {
			s.m[m.key] = struct{}{}
		}
	}
	if _, dup := s.m[key]; dup {
		return true
	}
	s.m[key] = struct{}{}
	return false
}

func atIndex(err error, i int) error {
	var fe *fieldError
	if errors.As(err, &fe) {
		return fe.inIndex(i)
	}
	return err
}

func atKey(err error, k string) error {
	var fe *fieldError
	if errors.As(err, &fe) {
		return fe.inKey(k)
	}
	return err
}

// invalidUTF8 returns the offset of the first byte of b that is not valid UTF-8, or -1.
func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

func utf8Reason(b byte) string {
	return fmt.Sprintf("invalid UTF-8 (byte 0x%02x); the file must be UTF-8 encoded (was it saved as Latin-1 or UTF-16?)", b)
}
