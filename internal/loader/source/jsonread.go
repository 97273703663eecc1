package source

import (
	"bytes"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// jsonReader reads the JSON text of one record (or CSV cell) for the converters in convert.go
// and ddbjson.go, which turn its values straight into attribute values. The tokenizer is
// jsontext's: it checks the grammar, escapes (an unpaired surrogate is an error, not U+FFFD)
// and repeated member names. This file adds DynamoDB's nesting limit and hands out strings
// and numbers as slices of the record's text, so numbers keep their decimal text;
// jsonsyntax.go words what the tokenizer rejects.
//
// Every read consumes one whole value. A problem with a value (a bad number, a wrong type) is
// a *fieldError returned once that value is read to its end, so that the caller can read on:
// malformed text anywhere in the record is reported before any problem with a value, because
// the array reader stops at malformed JSON and goes on after a bad value. Malformed text is a
// *jsonSyntaxError, and a problem of the text itself (a repeated name, too deep) a *fieldError
// marked final; both end the reading.
type jsonReader struct {
	dec      jsontext.Decoder
	in       bytes.Buffer // the decoder reads directly from a bytes.Buffer, without copying
	raw      []byte
	text     string // raw as a string: strings without escapes and numbers are slices of it
	base     int    // depth of the first value: 0 for a record, 1 for a CSV cell
	maxDepth int
	names    map[string]string // interned member names: datasets repeat them

	elems  []types.AttributeValue // stack of list elements being built
	member []member               // stack of map members being built
	vals   record.Values

	ahead *jsonReader // a second reader over part of the text, for the export shape (ddbjson.go)
}

type member struct {
	name string
	val  types.AttributeValue
}

// Nesting limits. Plain JSON nests exactly as the item will; DynamoDB JSON wraps every value
// in a {"TAG": ...} object, so it nests about twice as deep and its converter checks the real
// depth.
const (
	plainMaxDepth = ddbitem.MaxDepth
	typedMaxDepth = 2*ddbitem.MaxDepth + 4
)

const maxInternedNames = 4096

func errTooDeep() *fieldError {
	return newFieldError(nil, "lists and maps are nested more than %d levels deep; DynamoDB allows at most %d", ddbitem.MaxDepth, ddbitem.MaxDepth)
}

// start readies r for text (raw is the same bytes). base is the depth of the value itself and
// a list or map deeper than maxDepth is an error.
func (r *jsonReader) start(raw []byte, text string, base, maxDepth int) {
	r.raw, r.text, r.base, r.maxDepth = raw, text, base, maxDepth
	r.in = *bytes.NewBuffer(raw)
	r.dec.Reset(&r.in)
	r.vals.Start()
}

// release lets go of the last record's text and value blocks, which a large item would
// otherwise keep alive in every reader of a striped reading until its next record.
func (r *jsonReader) release() {
	r.raw, r.text = nil, ""
	r.in = bytes.Buffer{}
	r.dec.Reset(&r.in)
	r.vals = record.Values{}
	r.elems, r.member = nil, nil // their arrays still point at the last item's values
}

// kind is the kind of the next value; 0 when the text is malformed there (the next read
// returns the error).
func (r *jsonReader) kind() jsontext.Kind { return r.dec.PeekKind() }

// more reports whether the object or array being read has another member or element.
func (r *jsonReader) more() bool {
	k := r.dec.PeekKind()
	return k != '}' && k != ']'
}

// open reads the '{' or '[' at hand, which must not nest deeper than the limit.
func (r *jsonReader) open() error {
	if r.base+r.dec.StackDepth() > r.maxDepth {
		fe := errTooDeep()
		fe.final = true
		return fe
	}
	if _, err := r.dec.ReadToken(); err != nil {
		return r.syntax(err)
	}
	return nil
}

// token reads a delimiter or a literal.
func (r *jsonReader) token() (jsontext.Token, error) {
	t, err := r.dec.ReadToken()
	if err != nil {
		return t, r.syntax(err)
	}
	return t, nil
}

// end checks that nothing but white space follows the value read.
func (r *jsonReader) end() error {
	if i := spaceEnd(r.raw, int(r.dec.InputOffset())); i < len(r.raw) {
		return syntaxErrorf(i, "unexpected %s after the end of the JSON value; a record holds one value", found(r.raw, i))
	}
	return nil
}

// name reads an object member's name.
func (r *jsonReader) name() (string, error) {
	v, err := r.dec.ReadValue()
	if err != nil {
		return "", r.syntax(err)
	}
	end := int(r.dec.InputOffset())
	if bytes.IndexByte(v, '\\') >= 0 {
		return unquote(v), nil // escapes are rare in names: not worth interning
	}
	b := v[1 : len(v)-1]
	if n, ok := r.names[string(b)]; ok {
		return n, nil
	}
	if r.names == nil {
		r.names = map[string]string{}
	}
	if len(r.names) < maxInternedNames {
		n := string(b) // its own copy: the record's text may be large
		r.names[n] = n
		return n, nil
	}
	return r.text[end-len(v)+1 : end-1], nil
}

// string reads a string value: a slice of the text unless it has escapes.
func (r *jsonReader) string() (string, error) {
	v, err := r.dec.ReadValue()
	if err != nil {
		return "", r.syntax(err)
	}
	if bytes.IndexByte(v, '\\') >= 0 {
		return unquote(v), nil
	}
	end := int(r.dec.InputOffset())
	return r.text[end-len(v)+1 : end-1], nil
}

// numberText reads a number's text; DynamoDB's rules (digits, range) are the converters' to apply.
func (r *jsonReader) numberText() (string, error) {
	v, err := r.dec.ReadValue()
	if err != nil {
		return "", r.syntax(err)
	}
	end := int(r.dec.InputOffset())
	return r.text[end-len(v) : end], nil
}

func unquote(v jsontext.Value) string {
	b, _ := jsontext.AppendUnquote(nil, v) // the decoder has checked v
	return string(b)
}

// skip reads the value at hand without converting it, checking only the text.
func (r *jsonReader) skip() error {
	k := r.dec.PeekKind()
	if k != '{' && k != '[' {
		_, err := r.dec.ReadValue()
		return r.syntax(err)
	}
	if err := r.open(); err != nil {
		return err
	}
	for i := 0; r.more(); i++ {
		if k == '[' {
			if err := r.skip(); err != nil {
				return atIndex(err, i)
			}
			continue
		}
		name, err := r.name()
		if err != nil {
			return err
		}
		if err := r.skip(); err != nil {
			return atKey(err, name)
		}
	}
	_, err := r.token()
	return err
}

// final returns err if it ends the reading: malformed text, or a problem of the text itself.
// nil and a problem with one value give nil.
func final(err error) error {
	if err == nil {
		return nil
	}
	var fe *fieldError
	if errors.As(err, &fe) && !fe.final {
		return nil
	}
	return err
}

// note keeps err in *first if it is the first problem with a value, and returns nil so that the
// caller reads on; any other error it returns, to end the reading.
func note(first **fieldError, err error) error {
	if err == nil {
		return nil
	}
	var fe *fieldError
	if !errors.As(err, &fe) || fe.final {
		return err
	}
	if *first == nil {
		*first = fe
	}
	return nil
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

// kindName names a JSON value's kind for messages.
func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case '[':
		return "an array"
	case '{':
		return "an object"
	}
	return "nothing"
}
