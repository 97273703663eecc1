package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// std converts the parser's tree to what encoding/json produces with UseNumber.
func std(v any) any {
	switch v := v.(type) {
	case jsonObject:
		m := make(map[string]any, len(v))
		for _, e := range v {
			m[e.key] = std(e.val)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, e := range v {
			l[i] = std(e)
		}
		return l
	}
	return v
}

func TestParseJSON(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`{}`, `[]`, ` {"a" : [ 1 , -0.5e-3 , 0 , 1E+2 ] , "b" : { } } `, `"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"`,
		`[true,false,null]`, `123456789012345678901234567890123456789012`, `"日本語"`, `-0`, `{"":""}`,
	} {
		got, err := parseJSON([]byte(in), 0, 100)
		if err != nil {
			t.Errorf("parseJSON(%s): %v", in, err)
			continue
		}
		dec := json.NewDecoder(strings.NewReader(in))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(std(got), want) {
			t.Errorf("parseJSON(%s) = %#v, want %#v", in, std(got), want)
		}
	}
	for in, want := range map[string]string{
		`01`:              "unexpected '1' after the end of the JSON value",
		`1.`:              "expected a digit after the decimal point, found the end of the input",
		`-`:               "expected a digit in the number, found the end of the input",
		`1e`:              "expected a digit in the exponent",
		`+1`:              "expected a JSON value (object, array, string, number, true, false or null), found '+'",
		`"a` + "\t" + `"`: "a string contains a raw control character (byte 0x09)",
		`"\x"`:            `invalid escape in a string: 'x' after a backslash`,
		`"\u12"`:          `invalid \u escape in a string: expected four hexadecimal digits`,
		`"\udc00"`:        `the escape \udc00 is half of a UTF-16 surrogate pair`,
		`"\ud800\u0041"`:  `the escape \ud800 is half of a UTF-16 surrogate pair`,
		`[1,]`:            "found ']' (JSON does not allow a trailing comma)",
		`{"a":1 "b":2}`:   `expected ',' or '}' after the value of "a", found '"'`,
		`[1 2]`:           "expected ',' or ']' after an array element, found '2'",
		`{"a"}`:           `expected ':' after the object key "a", found '}'`,
		`{1:2}`:           "expected a double-quoted object key, found '1'",
		`nul`:             "unexpected end of input",
		`nulL`:            "invalid literal: expected null, found 'L'",
		``:                "unexpected end of input",
		`-Infinity`:       "NaN and Infinity are not valid",
	} {
		_, err := parseJSON([]byte(in), 0, 100)
		var se *jsonSyntaxError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), want) {
			t.Errorf("parseJSON(%s) = %v, want a syntax error containing %q", in, err, want)
		}
	}
}

// FuzzParseJSON checks the parser against encoding/json: it accepts exactly the valid JSON
// texts (except those it refuses on purpose: repeated keys, too deep nesting, unpaired
// surrogate escapes) and decodes them to the same values.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`{"a":[1,-0.5e-3,true,null,"x\u00e9"],"b":{}}`, `"\ud83d\ude00"`, `[1,]`, `{"a":1,"a":2}`, `01`, `"\ud800"`, ` [ ] `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := parseJSON(data, 0, 500)
		if !utf8.Valid(data) {
			return // the readers reject invalid UTF-8 before parsing
		}
		valid := json.Valid(data)
		var se *jsonSyntaxError
		var fe *fieldError
		switch {
		case err == nil:
			if !valid {
				t.Fatalf("accepted invalid JSON %q", data)
			}
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			var want any
			if err := dec.Decode(&want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(std(v), want) {
				t.Fatalf("decoded %q as %#v, encoding/json says %#v", data, std(v), want)
			}
		case errors.As(err, &fe):
		case errors.As(err, &se):
			if se.Offset < 0 || se.Offset > len(data) {
				t.Fatalf("offset %d out of range for %q", se.Offset, data)
			}
			if valid && !strings.Contains(se.msg, "surrogate") {
				t.Fatalf("rejected valid JSON %q: %v", data, err)
			}
		default:
			t.Fatalf("error %v (%T)", err, err)
		}
	})
}
