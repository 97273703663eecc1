package source

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// readPlain reads raw as a plain-JSON record, as decode does after its UTF-8 check.
func readPlain(raw []byte) (record.Item, error) {
	var r jsonReader
	r.start(raw, string(raw), 0, plainMaxDepth)
	return r.plainItem(nil)
}

func readTyped(raw []byte) (record.Item, error) {
	var r jsonReader
	r.start(raw, string(raw), 0, typedMaxDepth)
	return r.typedItem()
}

// refItem converts what encoding/json decodes (with UseNumber) the way the readers should:
// an independent reference for their values. ok is false where DynamoDB refuses the record.
func refItem(data []byte) (record.Item, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	if av, ok := refValue(m, 0); ok {
		if mv, ok := av.(*types.AttributeValueMemberM); ok {
			return mv.Value, true
		}
	}
	return nil, false
}

func refValue(v any, depth int) (types.AttributeValue, bool) {
	switch v := v.(type) {
	case nil:
		return &types.AttributeValueMemberNULL{Value: true}, true
	case string:
		return &types.AttributeValueMemberS{Value: v}, true
	case bool:
		return &types.AttributeValueMemberBOOL{Value: v}, true
	case json.Number:
		c, err := ddbitem.CanonicalNumber(string(v))
		return &types.AttributeValueMemberN{Value: c}, err == nil
	case []any:
		l := make([]types.AttributeValue, len(v))
		for i, e := range v {
			av, ok := refValue(e, depth+1)
			if !ok || depth >= plainMaxDepth && isContainer(e) {
				return nil, false
			}
			l[i] = av
		}
		return &types.AttributeValueMemberL{Value: l}, true
	case map[string]any:
		m := make(map[string]types.AttributeValue, len(v))
		for k, e := range v {
			av, ok := refValue(e, depth+1)
			if !ok || k == "" || depth >= plainMaxDepth && isContainer(e) {
				return nil, false
			}
			m[k] = av
		}
		return &types.AttributeValueMemberM{Value: m}, true
	}
	return nil, false
}

func isContainer(v any) bool {
	switch v.(type) {
	case []any, map[string]any:
		return true
	}
	return false
}

func TestReadPlainValues(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`{}`, ` {"a" : [ 1 , -0.5e-3 , 0 , 1E+2 ] , "b" : { } } `, `{"s":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}`,
		`{"l":[true,false,null,[],{}]}`, `{"n":12345678901234567890123456789012345678e-5}`, `{"日本":"語"}`, `{"z":-0}`,
		"{\"k\\u0000\":\"a\\u0000b\",\"esc\\\"aped\":\"x\"}", `{"a":{"b":{"c":[1,{"d":null}]}}}`,
	} {
		got, err := readPlain([]byte(in))
		want, ok := refItem([]byte(in))
		if err != nil || !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("read %s = %v, %v; encoding/json gives %v", in, showItem(got), err, showItem(want))
		}
	}
}

func TestReadSyntaxErrors(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`01`:                  "unexpected '1' after the end of the JSON value; a record holds one value",
		`1.`:                  "expected a digit after the decimal point, found the end of the input",
		`[1.e5]`:              "expected a digit after the decimal point, found 'e'",
		`-`:                   "expected a digit in the number, found the end of the input",
		`1e`:                  "expected a digit in the exponent, found the end of the input",
		`{"a":1e+}`:           "expected a digit in the exponent, found '}'",
		`+1`:                  "expected a JSON value (object, array, string, number, true, false or null), found '+'",
		`{"a":ä}`:             "expected a JSON value (object, array, string, number, true, false or null), found 'ä'",
		`"a` + "\t" + `"`:     "a string contains a raw control character (byte 0x09)",
		`"\x"`:                `invalid escape in a string: 'x' after a backslash`,
		`"\u12"`:              `invalid \u escape in a string: expected four hexadecimal digits`,
		`{"a":"\u`:            `invalid \u escape in a string: expected four hexadecimal digits`,
		`{"a":"\`:             "unexpected end of input",
		`{"a":"\u00e9`:        "unexpected end of input",
		`"\udc00"`:            `the escape \udc00 is half of a UTF-16 surrogate pair`,
		`"\ud800\u0041"`:      `the escape \ud800 is half of a UTF-16 surrogate pair`,
		`{"a":"x\uD800`:       `the escape \ud800 is half of a UTF-16 surrogate pair`,
		`[1,]`:                "expected a value after ',', found ']' (JSON does not allow a trailing comma)",
		`{"a":1,}`:            "expected an object key after ',', found '}' (JSON does not allow a trailing comma)",
		`{"a":1 "b":2}`:       `expected ',' or '}' after the value of "a", found '"'`,
		`[1 2]`:               "expected ',' or ']' after an array element, found '2'",
		`{"a"}`:               `expected ':' after the object key "a", found '}'`,
		`{1:2}`:               "expected a double-quoted object key, found '1'",
		`{{"":"",""`:          "expected a double-quoted object key, found '{'",
		`{'a':1}`:             "expected a double-quoted object key, found '\\'': JSON strings use double quotes",
		`{"a":'x'}`:           "expected a JSON value, found '\\'': JSON strings use double quotes",
		`nul`:                 "unexpected end of input",
		`nulL`:                "invalid literal: expected null, found 'L'",
		`{"a":tru}`:           "invalid literal: expected true, found '}'",
		``:                    "unexpected end of input",
		`  `:                  "unexpected end of input",
		`{"a":`:               "unexpected end of input",
		`{"a":1,"a"}`:         `expected ':' after the object key "a", found '}'`, // before the repeated name
		`-Infinity`:           "expected a digit in the number, found 'I': NaN and Infinity are not valid",
		`{"n":NaN}`:           "expected a JSON value, found 'N': NaN and Infinity are not valid",
		`{"a":1}]`:            "unexpected ']' after the end of the JSON value",
		`{"a":[1,2}`:          "expected ',' or ']' after an array element, found '}'",
		`{"a":{"b":1]}`:       `expected ',' or '}' after the value of "b", found ']'`,
		`{"a":1,"b":{"c":2}x`: `expected ',' or '}' after the value of "b", found 'x'`,
	} {
		_, err := readPlain([]byte(in))
		var se *jsonSyntaxError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), want) {
			t.Errorf("read %s = %v, want a syntax error containing %q", in, err, want)
		}
	}
}

// TestReadErrorOffsets checks that errors point at the line of the problem in a multi-line
// record (decode turns the offset into a line).
func TestReadErrorOffsets(t *testing.T) {
	t.Parallel()
	for in, line := range map[string]int{
		"{\n\"a\": 1,\n}":         3, // the '}' after the trailing comma
		"{\n\"a\": 1\n\"b\": 2}":  3,
		"{\n\"a\"\n\n: tru\n}":    4, // found '\n' where 'e' belongs
		"{\"a\":\n\"x\ny\"}":      2, // the raw newline in the string
		"{\"a\":\n1.\n}":          2,
		"{\"a\":\n\"\\ud800\n\"}": 2,
		"{\"a\": 1}\n\n x":        3,
		"{\"a\":\n[1,\n2,\n]}":    4,
	} {
		d := recordDecoder{}
		_, _, err := d.decode([]byte(in), record.Position{File: "f", Line: 1})
		var ie *record.InputError
		if !errors.As(err, &ie) || ie.Pos.Line != line {
			t.Errorf("decode %q = %v, want an error at line %d", in, err, line)
		}
	}
}

// TestReadOrderOfProblems: malformed text anywhere in a record is reported before a problem
// with a value; a repeated name or too deep a nesting, problems of the text, come in order.
func TestReadOrderOfProblems(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`{"n":1e200,"x":tru}`:              "malformed JSON: invalid literal",
		`{"n":1e200} x`:                    "malformed JSON: unexpected 'x'",
		`{"n":1e200,"n":1}`:                "appears twice",
		`{"a":1,"a":2,"b":tru}`:            "appears twice",
		`{"n":1e200,"m":{"k":1,"k":2}}`:    `in m.k: appears twice`,
		`{"":1,"n":1e200}`:                 "an attribute name is empty",
		`{"n":1e200,"":1}`:                 `"1e200" is not a valid DynamoDB number`,
		`{"l":[1,[1e200],{"":1}]}`:         `in l[1][0]: "1e200" is not a valid DynamoDB number`,
		`[1e200,tru]`:                      "malformed JSON: invalid literal",
		`{"a":` + nested(40) + `,"b":tru}`: "nested more than 32 levels deep",
	} {
		d := recordDecoder{}
		_, _, err := d.decode([]byte(in), record.Position{File: "f", Line: 1})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("decode %s = %v, want %q", in, err, want)
		}
	}
}

func nested(n int) string { return strings.Repeat("[", n) + "1" + strings.Repeat("]", n) }

// TestReadDepth: at DynamoDB's nesting limit a record is read, one deeper it is refused.
func TestReadDepth(t *testing.T) {
	t.Parallel()
	typed := func(n int) string {
		return `{"a":` + strings.Repeat(`{"L":[`, n) + `{"N":"1"}` + strings.Repeat(`]}`, n) + `}`
	}
	for n := ddbitem.MaxDepth - 1; n <= ddbitem.MaxDepth+1; n++ {
		_, err := readPlain([]byte(`{"a":` + nested(n) + `}`))
		if (err == nil) != (n <= ddbitem.MaxDepth) {
			t.Errorf("plain, %d levels: %v", n, err)
		}
		_, err = readTyped([]byte(typed(n)))
		if (err == nil) != (n <= ddbitem.MaxDepth) {
			t.Errorf("typed, %d levels: %v", n, err)
		}
	}
	// Far too deep: refused at the limit, without reading on.
	if _, err := readPlain([]byte(`{"a":` + nested(100000) + `}`)); err == nil || !strings.Contains(err.Error(), "nested more than 32") {
		t.Errorf("100,000 levels: %v", err)
	}
}

// TestReadExportShape: {"Item": {...}} is an S3-export line unless Item's value is one type
// tag with a value that fits it, or the record has other members.
func TestReadExportShape(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`{"Item":{"pk":{"S":"a"},"n":{"N":"1"}}}`: `{"n":{"N":"1"},"pk":{"S":"a"}}`,
		`{"Item":{}}`:                              `{}`,
		`{"Item":{"S":"x"}}`:                       `{"Item":{"S":"x"}}`,
		`{"Item":{"NULL":true}}`:                   `{"Item":{"NULL":true}}`,
		`{"Item":{"S":1}}`:                         `error: in S: expected a typed value such as {"S": "text"} or {"N": "42"}, found a number`,
		`{"Item":{"S":"x"},"b":{"N":"1"}}`:         `{"Item":{"S":"x"},"b":{"N":"1"}}`,
		`{"Item":{"pk":{"S":"a"}},"sk":{"S":"b"}}`: `error: in Item: unknown type tag "pk"`,
		`{"Item":{"pk":{"S":"a"}},"":{"S":"b"}}`:   `error: in Item: unknown type tag "pk"`,
		`{"Item":{"pk":{"S":1}},"sk":{"S":"b"}}`:   `error: in Item: unknown type tag "pk"`,
		`{"Item":{"pk":{"S":1}}}`:                  `error: in pk: type S needs a string, found a number`,
		`{"Item":{"a":{"S":"a"},"a":{"S":"b"}}}`:   `error: in Item.a: appears twice in the same object; each name may appear once`,
		`{"Item":{"S":"x","N":"1"}}`:               `error: in S: expected a typed value`,
		`{"Item":{"S":"x","N":"1"},"b":{"N":"1"}}`: `error: in Item: the typed value has 2 type tags (N, S); a value has exactly one`,
		`{"b":{"N":"1"},"Item":{"pk":{"S":"a"}}}`:  `error: in Item: unknown type tag "pk"`,
	} {
		item, err := readTyped([]byte(in))
		got := showItem(item)
		var fe *fieldError
		if errors.As(err, &fe) {
			got = "error: " + showPath(fe)
		} else if err != nil {
			got = "error: " + err.Error()
		}
		if !strings.HasPrefix(got, want) {
			t.Errorf("read %s = %s, want %s", in, got, want)
		}
	}
}

// showPath spells a fieldError's path and reason: "in a.b[1]: reason".
func showPath(fe *fieldError) string {
	var b strings.Builder
	for i := len(fe.path) - 1; i >= 0; i-- {
		switch s := fe.path[i]; {
		case s.isIdx:
			fmt.Fprintf(&b, "[%d]", s.index)
		case b.Len() > 0:
			b.WriteString("." + s.key)
		default:
			b.WriteString(s.key)
		}
	}
	if b.Len() == 0 {
		return fe.reason
	}
	return "in " + b.String() + ": " + fe.reason
}

// TestReadReusesNothingAcrossRecords decodes two records with one decoder and checks the
// first item is intact afterwards: slabs, stacks and the tokenizer's buffer must not hand out
// what an item holds.
func TestReadReusesNothingAcrossRecords(t *testing.T) {
	t.Parallel()
	d := recordDecoder{}
	text := []byte(`{"pk":"a","l":[1,2,{"x":"y"}],"m":{"k":"v"},"e":"\u00e9"}`)
	first, _, err := d.decode(text, record.Position{File: "f", Line: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := showItem(first.Item)
	copy(text, bytes.Repeat([]byte{' '}, len(text))) // the readers reuse their line buffer
	for range 200 {
		if _, _, err := d.decode([]byte(`{"pk":"b","l":[3,4,{"x":"z"}],"m":{"k":"w"},"e":"\u00e8"}`), record.Position{File: "f", Line: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if got := showItem(first.Item); got != want {
		t.Fatalf("the first item changed: %s, was %s", got, want)
	}
}

// FuzzReadJSON checks the reader against encoding/json: it accepts only valid JSON, and of a
// valid record it gives the values encoding/json decodes, converted independently (refItem);
// it refuses valid JSON only for a reason of its own (a repeated name, an unpaired surrogate
// escape, too deep, a value DynamoDB refuses). Errors are placed inside the text.
func FuzzReadJSON(f *testing.F) {
	for _, s := range []string{
		`{"a":[1,-0.5e-3,true,null,"x\u00e9"],"b":{}}`, `{"s":"\ud83d\ude00"}`, `[1,]`, `{"a":1,"a":2}`, `01`,
		`{"s":"\ud800"}`, ` { } `, `{"n":1e200}`, `{"":1}`, `{"a":` + nested(33) + `}`, `{"pk":{"S":"a"}}`,
		`{"Item":{"pk":{"N":"1"}}}`, `{"Item":{"S":"x"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			return // decode refuses it before reading
		}
		valid := json.Valid(data)
		item, err := readPlain(data)
		checkReadError(t, data, valid, err)
		if err == nil {
			want, ok := refItem(data)
			if !valid || !ok || !reflect.DeepEqual(item, want) {
				t.Fatalf("read %q as %s; encoding/json gives %s (valid %v)", data, showItem(item), showItem(want), valid)
			}
		}
		_, err = readTyped(data)
		checkReadError(t, data, valid, err)
		if err == nil && !valid {
			t.Fatalf("read invalid JSON %q as DynamoDB JSON", data)
		}
	})
}

func checkReadError(t *testing.T, data []byte, valid bool, err error) {
	t.Helper()
	var se *jsonSyntaxError
	var fe *fieldError
	switch {
	case err == nil:
	case errors.As(err, &se):
		if se.Offset < 0 || se.Offset > len(data) {
			t.Fatalf("offset %d out of range for %q", se.Offset, data)
		}
		if valid && !strings.Contains(se.msg, "surrogate") {
			t.Fatalf("rejected valid JSON %q: %v", data, err)
		}
	case errors.As(err, &fe):
		if !valid && !fe.final {
			t.Fatalf("%q is not JSON, but the error is about a value: %v", data, err)
		}
	default:
		t.Fatalf("error %v (%T)", err, err)
	}
}

// TestLargeRecordsAreLetGo: after a record near DynamoDB's 400 KB limit, neither the line
// reader nor the decoder keeps anything that points at its text (a striped reading has one of
// each per stripe, and each would otherwise hold its last large item until its next record);
// small records keep their buffers for reuse.
func TestLargeRecordsAreLetGo(t *testing.T) {
	t.Parallel()
	big := `{"pk":"a","l":["x",{"m":"y"}],"pad":"` + strings.Repeat("p", 300_000) + `"}`
	text := big + "\n" + `{"pk":"b"}` + "\n"
	dec := &recordDecoder{}
	lr := newLinesReader(&input{name: "f", r: strings.NewReader(text)}, bufio.NewReaderSize(strings.NewReader(text), 16<<10), 0, 0, dec)
	rec, err := lr.next()
	if err != nil {
		t.Fatal(err)
	}
	if rec.Bytes != len(big) {
		t.Errorf("Bytes %d; want the line's %d", rec.Bytes, len(big))
	}
	if cap(lr.buf) > keepLineBytes || dec.r.raw != nil || dec.r.text != "" || dec.r.member != nil || dec.r.elems != nil {
		t.Errorf("after a 300 KB record the reader keeps a %d-byte line buffer, raw %d, text %d, %d members, %d elements; want none",
			cap(lr.buf), len(dec.r.raw), len(dec.r.text), cap(dec.r.member), cap(dec.r.elems))
	}
	if pad, ok := rec.Item["pad"].(*types.AttributeValueMemberS); !ok || len(pad.Value) != 300_000 {
		t.Errorf("the large item lost its padding")
	}
	if _, err := lr.next(); err != nil {
		t.Fatal(err)
	}
	if dec.r.text == "" {
		t.Errorf("after a small record the decoder let go of its text; only large ones are let go")
	}
}
