package source

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// This file words the tokenizer's errors for people. jsontext says where the text stopped
// being JSON; what was expected there comes from the decoder's state (inside an object or
// array, after how many tokens), and what was found from the bytes at that point. Every message
// names the byte offset, which decode turns into a line.

// jsonSyntaxError is malformed JSON at a byte offset of the text being read.
type jsonSyntaxError struct {
	Offset int
	msg    string
}

func (e *jsonSyntaxError) Error() string { return e.msg }

func syntaxErrorf(off int, format string, args ...any) *jsonSyntaxError {
	return &jsonSyntaxError{Offset: off, msg: fmt.Sprintf(format, args...)}
}

const eofReason = "unexpected end of input: the value is cut short (a closing quote, '}' or ']' is missing)"

// syntax turns an error of r.dec into a *jsonSyntaxError, or for a repeated member name into
// a final *fieldError. nil stays nil. The error's kind is trusted only where the walk says a
// token starts: where a name belongs the tokenizer reads whatever value is there, and reports
// what it finds wrong inside it.
func (r *jsonReader) syntax(err error) error {
	if err == nil {
		return nil
	}
	raw := r.raw
	var se *jsontext.SyntacticError
	if !errors.As(err, &se) { // io.EOF: no value at all
		return syntaxErrorf(len(raw), eofReason)
	}
	at := int(se.ByteOffset)
	if errors.Is(se.Err, io.ErrUnexpectedEOF) && !inToken(raw, at) {
		at = len(raw)
	}
	// Walk from the end of the last good token to where the next token should start.
	depth := r.dec.StackDepth()
	kind, n := r.dec.StackIndex(depth)
	key := truncate(r.dec.StackPointer().LastToken(), 40)
	i := spaceEnd(raw, int(r.dec.InputOffset()))
	switch {
	case i >= len(raw):
		return syntaxErrorf(len(raw), eofReason)
	case depth == 0 && n > 0:
		return syntaxErrorf(i, "unexpected %s after the end of the JSON value; a record holds one value", found(raw, i))
	case kind == '{' && n%2 == 1: // after a name
		if raw[i] != ':' {
			return syntaxErrorf(i, "expected ':' after the object key %q, found %s", key, found(raw, i))
		}
		return valueError(raw, spaceEnd(raw, i+1), at)
	case n > 0: // after a member or an element
		if raw[i] != ',' {
			if kind == '{' {
				return syntaxErrorf(i, "expected ',' or '}' after the value of %q, found %s", key, found(raw, i))
			}
			return syntaxErrorf(i, "expected ',' or ']' after an array element, found %s", found(raw, i))
		}
		i = spaceEnd(raw, i+1)
		switch {
		case i >= len(raw):
			return syntaxErrorf(len(raw), eofReason)
		case kind == '{' && raw[i] == '}':
			return syntaxErrorf(i, "expected an object key after ',', found '}' (JSON does not allow a trailing comma)")
		case kind == '[' && raw[i] == ']':
			return syntaxErrorf(i, "expected a value after ',', found ']' (JSON does not allow a trailing comma)")
		}
	}
	if kind != '{' {
		return valueError(raw, i, at)
	}
	switch raw[i] {
	case '"':
		if errors.Is(se.Err, jsontext.ErrDuplicateName) {
			return r.duplicate(i, se.JSONPointer.LastToken())
		}
		return stringError(raw, at)
	case '\'':
		return syntaxErrorf(i, "expected a double-quoted object key, found %s: JSON strings use double quotes", found(raw, i))
	}
	return syntaxErrorf(i, "expected a double-quoted object key, found %s", found(raw, i))
}

// inToken reports whether the tokenizer's offset for a cut-short text points into a string,
// at an escape it could not finish; elsewhere the problem is the end of the text.
func inToken(raw []byte, at int) bool { return at < len(raw) && raw[at] == '\\' }

// valueError words the problem with the value that starts at i (where the tokenizer reported
// it at at).
func valueError(raw []byte, i, at int) error {
	if i >= len(raw) {
		return syntaxErrorf(len(raw), eofReason)
	}
	switch c := raw[i]; {
	case c == '"':
		return stringError(raw, at)
	case c == '-' || (c >= '0' && c <= '9'):
		return numberError(raw, i, at)
	case c == 't' || c == 'f' || c == 'n':
		word := "null"
		switch c {
		case 't':
			word = "true"
		case 'f':
			word = "false"
		}
		if at >= len(raw) {
			return syntaxErrorf(len(raw), eofReason)
		}
		return syntaxErrorf(at, "invalid literal: expected %s, found %s", word, found(raw, at))
	case c == 'N' || c == 'I':
		return syntaxErrorf(i, "expected a JSON value, found %s: NaN and Infinity are not valid in JSON or in DynamoDB numbers", found(raw, i))
	case c == '\'':
		return syntaxErrorf(i, "expected a JSON value, found %s: JSON strings use double quotes", found(raw, i))
	}
	return syntaxErrorf(i, "expected a JSON value (object, array, string, number, true, false or null), found %s", found(raw, i))
}

// numberError words a number that starts at i and breaks JSON's grammar at at: the digit
// that must follow a sign, a decimal point or an exponent is missing.
func numberError(raw []byte, i, at int) error {
	if at <= i || at > len(raw) {
		at = len(raw)
	}
	what := "in the number"
	switch p := raw[at-1]; {
	case p == '.':
		what = "after the decimal point"
	case p == 'e' || p == 'E' || (p == '+' || p == '-') && at-1 > i:
		what = "in the exponent"
	}
	if at < len(raw) && (raw[at] == 'I' || raw[at] == 'N') {
		return syntaxErrorf(at, "expected a digit %s, found %s: NaN and Infinity are not valid in JSON or in DynamoDB numbers", what, found(raw, at))
	}
	return syntaxErrorf(at, "expected a digit %s, found %s", what, found(raw, at))
}

// stringError words a string that the tokenizer rejected at at: a raw control character, a
// bad escape, or the end of the text.
func stringError(raw []byte, at int) error {
	if at >= len(raw) {
		return syntaxErrorf(len(raw), eofReason)
	}
	if c := raw[at]; c < 0x20 {
		return syntaxErrorf(at, "a string contains a raw control character (byte 0x%02x), which JSON does not allow; escape it (\\n, \\t, \\u00XX) or check for a missing closing quote", c)
	} else if c != '\\' {
		return syntaxErrorf(len(raw), eofReason)
	}
	if at+1 >= len(raw) {
		return syntaxErrorf(len(raw), eofReason)
	}
	switch raw[at+1] {
	case 'u':
		r, ok := hex4(raw, at+2)
		if !ok {
			return syntaxErrorf(at+1, "invalid \\u escape in a string: expected four hexadecimal digits")
		}
		if utf16.IsSurrogate(r) {
			return syntaxErrorf(at, "the escape \\u%04x is half of a UTF-16 surrogate pair without its other half; that is not valid Unicode", r)
		}
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
	default:
		return syntaxErrorf(at+1, "invalid escape in a string: %s after a backslash; JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX", found(raw, at+1))
	}
	return syntaxErrorf(len(raw), eofReason) // a good escape: the text ends after it
}

// duplicate words the repeated member name that starts at at, unless the ':' after it is
// missing: that is malformed text, and reported first as it would be after any other name.
func (r *jsonReader) duplicate(at int, name string) error {
	raw := r.raw
	i := spaceEnd(raw, stringEnd(raw, at))
	switch {
	case i >= len(raw):
		return syntaxErrorf(len(raw), eofReason)
	case raw[i] != ':':
		return syntaxErrorf(i, "expected ':' after the object key %q, found %s", truncate(name, 40), found(raw, i))
	}
	fe := newFieldError(nil, "appears twice in the same object; each name may appear once").inKey(name)
	fe.final = true
	return fe
}

// stringEnd returns the offset just after the valid JSON string that starts at i.
func stringEnd(raw []byte, i int) int {
	for i++; i < len(raw); i++ {
		switch raw[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(raw)
}

func spaceEnd(raw []byte, i int) int {
	for i < len(raw) && isSpace(raw[i]) {
		i++
	}
	return i
}

// found describes the byte at i for messages.
func found(raw []byte, i int) string {
	if i >= len(raw) {
		return "the end of the input"
	}
	if raw[i] >= utf8.RuneSelf {
		r, _ := utf8.DecodeRune(raw[i:])
		return strconv.QuoteRune(r)
	}
	return quoteByte(raw[i])
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
