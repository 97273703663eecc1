package source

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// The fuzz targets feed arbitrary bytes to each reader and check that it never panics, that
// every error is a *record.InputError at a position in the file, that it always ends, and
// that every item it does produce is valid for DynamoDB. The line formats are read a second
// time passing over every other record, which must keep those promises too.

func FuzzJSON(f *testing.F) {
	for _, s := range []string{
		`[{"pk":"a","n":0.1,"tags":["x","y"],"b":"AAE=","m":{"l":[1,null,true]}}]`,
		"[\n{\"pk\": \"a\"},\n{\"pk\": \"b\"}\n]",
		`[{"pk":"\ud83d\ude00\u00e9"}, {"n": 1e5}]`,
		`[{"a":[[[[]]]]}, 42, "x"]`,
		`[{"pk":"a",}]`, `[{"n":NaN}]`, `[]`, ``, `{"pk":"a"}`, "\xef\xbb\xbf[]", `[{"a":"\ud800"}]`,
		`[{"n":123456789012345678901234567890123456789}]`, `[{"tags":["x","x"]}]`, `[{"":1}]`,
	} {
		f.Add([]byte(s))
	}
	f.Add(gzipBytes(f, `[{"pk":"zipped"}]`))
	o := &options{overrides: map[string]attrType{"tags": typeSS, "n": typeN, "b": typeB, "ns": typeNS, "bs": typeBS}}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, "f.json", FormatJSON, data, o)
	})
}

func FuzzJSONLines(f *testing.F) {
	for _, s := range []string{
		"{\"pk\":\"a\",\"n\":-12.50}\n{\"pk\":\"b\"}\r\n\n",
		"{\"pk\":\"a\"}\n{\"pk\" \"b\"}\n{\"pk\":\"c\"}",
		`{"a":{"b":{"c":[1,2,{"d":null}]}}}`,
		"{\"s\":\"caf\xe9\"}\n", "[1]\n", "\n\n", `{"pk":"a"} {"pk":"b"}`, `{"tags":[]}`, `{"n":"12.50"}`,
	} {
		f.Add([]byte(s))
	}
	o := &options{overrides: map[string]attrType{"tags": typeSS, "n": typeN, "flag": typeBOOL, "z": typeNULL, "l": typeL, "m": typeM, "s": typeS}}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, "f.jsonl", FormatJSONLines, data, o)
		fuzzReadSkipping(t, "f.jsonl", FormatJSONLines, data, o)
	})
}

func FuzzCSV(f *testing.F) {
	for _, s := range []struct {
		data  string
		typed bool
	}{
		{"pk,n\na,1\nb,2\n", false},
		{"pk,\"multi\nline\"\n\"a\",\"1\n2\"\n", false},
		{"pk,pk\na,b\n", false},
		{"pk\na\"b\n", false},
		{"a,1.50,AAE=,true,true,x;y,1;2,AA==;AQ==,\"[1,\"\"x\"\"]\",\"{\"\"k\"\":1}\"\n", true},
		{",,,,,,,,,\n", true},
		{"x,abc,%%,maybe,0,x;;y,1;1.0,A,[,{\n", true},
		{"x,1\n", true},
	} {
		f.Add([]byte(s.data), s.typed)
	}
	f.Add(gzipBytes(f, "pk,n\na,1\n"), false)
	typed := &options{setSep: ";", csvColumns: map[string]attrType{
		"s": typeS, "n": typeN, "b": typeB, "bool": typeBOOL, "null": typeNULL, "ss": typeSS, "ns": typeNS, "bs": typeBS, "l": typeL, "m": typeM,
	}}
	untyped := &options{setSep: ";", keepEmpty: true}
	f.Fuzz(func(t *testing.T, data []byte, withTypes bool) {
		if withTypes {
			fuzzRead(t, "f.csv", FormatCSV, append([]byte("s,n,b,bool,null,ss,ns,bs,l,m\n"), data...), typed)
			return
		}
		fuzzRead(t, "f.csv", FormatCSV, data, untyped)
	})
}

func FuzzDynamoDBJSON(f *testing.F) {
	for _, s := range []string{
		`{"Item":{"pk":{"S":"a"},"n":{"N":"1.50"},"b":{"B":"AAE="},"t":{"BOOL":true},"z":{"NULL":true}}}` + "\n",
		`[{"pk":{"S":"a"},"ss":{"SS":["x","y"]},"ns":{"NS":["1","2"]},"bs":{"BS":["AA=="]}}]`,
		`{"l":{"L":[{"M":{"k":{"S":"v"}}}]}}`,
		`{"Item":{"S":"x"}}`, `{"pk":{"S":"a","N":"1"}}`, `{"pk":{"X":"a"}}`, `{"z":{"NULL":false}}`,
		`{"ss":{"SS":[]}}`, `{"ss":{"SS":["a","a"]}}`, `{"b":{"B":"!!"}}`, `{"n":{"N":"NaN"}}`, "[\n]", ` `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, "f.ddb.json", FormatDynamoDBJSON, data, &options{})
		fuzzReadSkipping(t, "f.ddb.json", FormatDynamoDBJSON, data, &options{})
	})
}

func gzipBytes(tb testing.TB, s string) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func fuzzRead(t *testing.T, name string, format Format, data []byte, o *options) {
	t.Helper()
	readFuzz(t, name, format, data, o, false)
}

// fuzzReadSkipping is fuzzRead asking the reader, where it can, to pass over every other
// record.
func fuzzReadSkipping(t *testing.T, name string, format Format, data []byte, o *options) {
	t.Helper()
	readFuzz(t, name, format, data, o, true)
}

func readFuzz(t *testing.T, name string, format Format, data []byte, o *options, skipping bool) {
	t.Helper()
	fr, err := newFileReader(name, bytes.NewReader(data), format, o, nil, false)
	if err != nil {
		requireInputError(t, name, err)
		return
	}
	asked := 0
	if sk, ok := fr.(skipper); ok && skipping {
		sk.skipWhere(func() bool { asked++; return asked%2 == 0 })
	}
	var last error
	lastRecord := 0
	// Every record or recoverable error consumes at least one byte of (decompressed) input;
	// gzip can expand, so allow generously, but never forever.
	for calls := 0; calls < 64*len(data)+64; calls++ {
		rec, err := fr.next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			requireInputError(t, name, err)
			if err == last { //nolint:errorlint // identity: a repeated error means the reader stopped
				return
			}
			last = err
			continue
		}
		if rec.Pos.File != name || rec.Pos.Line < 1 || rec.Pos.Record <= lastRecord {
			t.Fatalf("bad position %+v after record %d", rec.Pos, lastRecord)
		}
		lastRecord = rec.Pos.Record
		if rec.Skipped {
			if !skipping || rec.Item != nil {
				t.Fatalf("record at %v: skipped %v with item %v", rec.Pos, skipping, rec.Item)
			}
			continue
		}
		if msg := checkItem(rec.Item); msg != "" {
			t.Fatalf("record at %v: %s", rec.Pos, msg)
		}
	}
	t.Fatalf("the reader did not reach the end of %d bytes", len(data))
}

func requireInputError(t *testing.T, name string, err error) {
	t.Helper()
	var ie *record.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T), want *record.InputError", err, err)
	}
	if ie.Pos.File != name || ie.Pos.Line < 0 || ie.Reason == "" {
		t.Fatalf("error %q has a bad position or no reason: %+v", err, ie)
	}
}

// checkItem returns what is wrong with an item by DynamoDB's rules, or "".
func checkItem(item record.Item) string {
	if item == nil {
		return "nil item"
	}
	for name, v := range item {
		if msg := checkName(name); msg != nil {
			return msg.reason
		}
		if msg := checkValue(v, 1); msg != "" {
			return name + ": " + msg
		}
	}
	return ""
}

func checkValue(av types.AttributeValue, depth int) string {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		if !utf8.ValidString(v.Value) {
			return "invalid UTF-8 in a string"
		}
	case *types.AttributeValueMemberN:
		return checkNumber(v.Value)
	case *types.AttributeValueMemberNULL:
		if !v.Value {
			return "NULL false"
		}
	case *types.AttributeValueMemberSS:
		return checkSet(v.Value, func(s string) string { return s })
	case *types.AttributeValueMemberNS:
		for _, n := range v.Value {
			if msg := checkNumber(n); msg != "" {
				return msg
			}
		}
		return checkSet(v.Value, func(s string) string { return s })
	case *types.AttributeValueMemberBS:
		return checkSet(v.Value, func(b []byte) string { return string(b) })
	case *types.AttributeValueMemberL:
		if depth > ddbitem.MaxDepth {
			return "list too deep"
		}
		for _, e := range v.Value {
			if msg := checkValue(e, depth+1); msg != "" {
				return msg
			}
		}
	case *types.AttributeValueMemberM:
		if depth > ddbitem.MaxDepth {
			return "map too deep"
		}
		for k, e := range v.Value {
			if k == "" || !utf8.ValidString(k) {
				return "bad map key"
			}
			if msg := checkValue(e, depth+1); msg != "" {
				return msg
			}
		}
	case *types.AttributeValueMemberB, *types.AttributeValueMemberBOOL:
	default:
		return "unknown value type"
	}
	return ""
}

func checkNumber(n string) string {
	if c, err := ddbitem.CanonicalNumber(n); err != nil || c != n {
		return "number " + n + " is not canonical"
	}
	return ""
}

func checkSet[T any](members []T, key func(T) string) string {
	if len(members) == 0 {
		return "empty set"
	}
	seen := make(map[string]bool, len(members))
	for _, m := range members {
		if seen[key(m)] {
			return "duplicate set member"
		}
		seen[key(m)] = true
	}
	return ""
}
