package loader

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// The catalogue's datasets: a file of good records that sorts first (goodFile), then the file
// under test, whose bad record sits after several good ones and before one more. If any write
// happened before validation finished, the sink would see the good file's batches.
const (
	goodFile    = "000-good.jsonl"
	goodRecords = 60 // more than two batches
)

// errKind is the error type a catalogue case must return.
type errKind int

const (
	inputErr  errKind = iota // *record.InputError
	specErr                  // *source.SpecError
	configErr                // *ConfigError
)

// badCase is one entry of the catalogue.
type badCase struct {
	name     string
	file     string // the file under test, next to goodFile
	body     []byte
	sortKeyS bool            // the table's sort key is S (otherwise N)
	tweak    func(*Options)  // option changes (types, CSV columns, key templates, policies)
	wantKind errKind         // inputErr unless set
	wantPos  record.Position // InputError: the exact position (Line 0: any line)
	wantText string          // the position as the message must print it, e.g. "bad.jsonl:5"
	wantAttr string          // InputError: the attribute at fault ("" = none)
	reason   string          // a distinctive phrase of the reason
	also     []string        // more phrases the message must hold
}

// goodLine is a valid record for both the good file and the files under test.
func goodLine(prefix string, i int, sortKeyS bool) string {
	sk := fmt.Sprint(i)
	if sortKeyS {
		sk = fmt.Sprintf("%q", "s-"+sk)
	}
	return fmt.Sprintf(`{"pk":"%s-%d","sk":%s,"tenant":"t%d","region":"eu","user":"u%d","note":"ok é 日本"}`, prefix, i, sk, i%3, i)
}

// badJSONL is a JSON Lines body: good records on lines 1-4, bad on line 5, one more good on 6.
func badJSONL(bad string) []byte { return badJSONLS(bad, false) }

func badJSONLS(bad string, sortKeyS bool) []byte {
	var b strings.Builder
	for i := 1; i <= 4; i++ {
		b.WriteString(goodLine("b", i, sortKeyS) + "\n")
	}
	b.WriteString(bad + "\n")
	b.WriteString(goodLine("b", 6, sortKeyS) + "\n")
	return []byte(b.String())
}

// badJSONArray is a JSON array body: good records on lines 2-5, the bad one on line 6 (record 5).
func badJSONArray(bad string) []byte {
	var b strings.Builder
	b.WriteString("[\n")
	for i := 1; i <= 4; i++ {
		b.WriteString(goodLine("b", i, false) + ",\n")
	}
	b.WriteString(bad + ",\n")
	b.WriteString(goodLine("b", 6, false) + "\n]\n")
	return []byte(b.String())
}

// badDDBLines is a DynamoDB JSON body in the S3-export shape: bad on line 5.
func badDDBLines(bad string) []byte {
	var b strings.Builder
	for i := 1; i <= 4; i++ {
		fmt.Fprintf(&b, `{"Item":{"pk":{"S":"b-%d"},"sk":{"N":"%d"},"v":{"S":"ok"}}}`+"\n", i, i)
	}
	b.WriteString(bad + "\n")
	b.WriteString(`{"Item":{"pk":{"S":"b-6"},"sk":{"N":"6"}}}` + "\n")
	return []byte(b.String())
}

// badCSV is a CSV body with header pk,sk,<extra>: good rows on lines 2-5, bad row on line 6
// (record 5).
func badCSV(extra, goodCell, bad string) []byte {
	var b strings.Builder
	b.WriteString("pk,sk," + extra + "\n")
	for i := 1; i <= 4; i++ {
		fmt.Fprintf(&b, "b-%d,%d,%s\n", i, i, goodCell)
	}
	b.WriteString(bad + "\n")
	fmt.Fprintf(&b, "b-6,6,%s\n", goodCell)
	return []byte(b.String())
}

func csvTypes(cols map[string]string) func(*Options) {
	return func(o *Options) {
		o.Source.CSV.Columns = map[string]string{"sk": "N"}
		for k, v := range cols {
			o.Source.CSV.Columns[k] = v
		}
	}
}

func attributeTypes(m map[string]string) func(*Options) {
	return func(o *Options) { o.Source.AttributeTypes = m }
}

// truncatedGzip returns 3,000 JSON Lines records gzipped and cut in the middle, and the line
// the reader must report: the one after the last complete line the cut stream still holds.
func truncatedGzip() (body []byte, line int) {
	var text strings.Builder
	for i := 1; i <= 3000; i++ {
		// Varied text, so that the stream does not compress to almost nothing.
		fmt.Fprintf(&text, `{"pk":"b-%d","sk":%d,"h":"%x"}`+"\n", i, i, uint64(i)*0x9E3779B97F4A7C15)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	_, _ = zw.Write([]byte(text.String()))
	_ = zw.Close()
	body = z.Bytes()[:z.Len()/2]
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	got, _ := io.ReadAll(zr) // what survives the cut
	return body, bytes.Count(got, []byte{'\n'}) + 1
}

func nestedLists(depth int) string {
	return strings.Repeat("[", depth) + "1" + strings.Repeat("]", depth)
}

func catalogue() []badCase {
	gz, gzLine := truncatedGzip()
	at := func(file string, line, rec int) record.Position {
		return record.Position{File: file, Line: line, Record: rec}
	}
	return []badCase{
		{
			name: "malformed JSON", file: "bad.jsonl",
			body:    badJSONL(`{"pk":"b-5","sk":5,"note":"unterminated}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5",
			reason: "malformed JSON", also: []string{"closing quote"},
		},
		{
			name: "trailing comma in a JSON array", file: "bad.json",
			body:    []byte("[\n" + goodLine("b", 1, false) + ",\n" + goodLine("b", 2, false) + ",\n]\n"),
			wantPos: at("bad.json", 4, 3), wantText: "bad.json:4",
			reason: "JSON does not allow a trailing comma",
		},
		{
			name: "truncated gzip", file: "bad.jsonl.gz", body: gz,
			wantPos: at("bad.jsonl.gz", gzLine, 0), wantText: fmt.Sprintf("bad.jsonl.gz:%d", gzLine),
			reason: "the gzip data is corrupt or truncated", also: []string{"copied completely"},
		},
		{
			name: "gz name but not gzip", file: "bad.jsonl.gz", body: badJSONL(goodLine("b", 5, false)),
			wantPos: at("bad.jsonl.gz", 1, 0), wantText: "bad.jsonl.gz:1",
			reason: "not gzip-compressed",
		},
		{
			name: "missing key attribute", file: "bad.jsonl",
			body:    badJSONL(`{"pk":"b-5","note":"no sort key"}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5", wantAttr: "sk",
			reason: `sort key "sk" is missing`, also: []string{"sk (N)"},
		},
		{
			name: "missing key attribute in a JSON array", file: "bad.json",
			body:    badJSONArray(`{"sk":5}`),
			wantPos: at("bad.json", 6, 5), wantText: "bad.json:6 (record 5)", wantAttr: "pk",
			reason: `partition key "pk" is missing`,
		},
		{
			name: "wrong key type", file: "bad.jsonl",
			body:    badJSONL(`{"pk":5,"sk":5}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5", wantAttr: "pk",
			reason: "must be a string (S) but is a number (N)",
		},
		{
			name: "empty key string", file: "bad.jsonl",
			body:    badJSONL(`{"pk":"","sk":5}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5", wantAttr: "pk",
			reason: "is empty; DynamoDB key values must not be empty",
		},
		{
			name: "oversized item", file: "bad.jsonl",
			body:    badJSONL(`{"pk":"b-5","sk":5,"blob":"` + strings.Repeat("x", 410_000) + `"}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5",
			reason: "item is 410", also: []string{"at most 409600 (400 KB)"},
		},
		{
			name: "oversized partition key", file: "bad.jsonl",
			body:    badJSONL(`{"pk":"` + strings.Repeat("p", 2049) + `","sk":5}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5", wantAttr: "pk",
			reason: "is 2049 bytes; DynamoDB allows at most 2048",
		},
		{
			name: "oversized sort key", file: "bad.jsonl", sortKeyS: true,
			body:    badJSONLS(`{"pk":"b-5","sk":"`+strings.Repeat("s", 1025)+`"}`, true),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5", wantAttr: "sk",
			reason: "is 1025 bytes; DynamoDB allows at most 1024",
		},
		{
			name: "duplicate primary keys in one file", file: "bad.jsonl",
			body:    badJSONL(`{"pk":"b-2","sk":2.0}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5",
			reason: "duplicate primary key", also: []string{`pk "b-2", sk 2`, "bad.jsonl:2", "last_wins or first_wins"},
		},
		{
			name: "duplicate primary keys across files", file: "bad.jsonl",
			body:    badJSONL(`{"pk":"good-7","sk":7e0}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5",
			reason: "duplicate primary key", also: []string{`pk "good-7", sk 7`, goodFile + ":7"},
		},
		{
			name: "NaN literal", file: "bad.jsonl",
			body:    badJSONL(`{"pk":"b-5","sk":5,"score":NaN}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5",
			reason: "NaN and Infinity are not valid",
		},
		{
			name: "NaN text as a number", file: "bad.jsonl", tweak: attributeTypes(map[string]string{"score": "N"}),
			body:    badJSONL(`{"pk":"b-5","sk":5,"score":"NaN"}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5", wantAttr: "score",
			reason: "NaN and Infinity are not numbers in DynamoDB",
		},
		{
			name: "negative Infinity literal", file: "bad.jsonl",
			body:    badJSONL(`{"pk":"b-5","sk":5,"score":-Infinity}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5",
			reason: "NaN and Infinity are not valid",
		},
		{
			name: "Infinity in DynamoDB JSON", file: "bad.ddb.json",
			body:    badDDBLines(`{"Item":{"pk":{"S":"b-5"},"sk":{"N":"5"},"score":{"N":"Infinity"}}}`),
			wantPos: at("bad.ddb.json", 5, 5), wantText: "bad.ddb.json:5", wantAttr: "score",
			reason: "NaN and Infinity are not numbers in DynamoDB",
		},
		{
			name: "39-digit number", file: "bad.jsonl",
			body:    badJSONL(`{"pk":"b-5","sk":5,"big":123456789012345678901234567890123456789}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5", wantAttr: "big",
			reason: "39 significant digits; DynamoDB allows at most 38",
		},
		{
			name: "number above the range", file: "bad.ddb.json",
			body:    badDDBLines(`{"Item":{"pk":{"S":"b-5"},"sk":{"N":"5"},"big":{"N":"1E+126"}}}`),
			wantPos: at("bad.ddb.json", 5, 5), wantText: "bad.ddb.json:5", wantAttr: "big",
			reason: "exceeds DynamoDB's maximum",
		},
		{
			name: "invalid base64 through a B override", file: "bad.jsonl", tweak: attributeTypes(map[string]string{"img": "B"}),
			body:    badJSONL(`{"pk":"b-5","sk":5,"img":"not base64!"}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5", wantAttr: "img",
			reason: `"not base64!" is not valid base64`,
		},
		{
			name: "invalid base64 in DynamoDB JSON", file: "bad.ddb.json",
			body:    badDDBLines(`{"Item":{"pk":{"S":"b-5"},"sk":{"N":"5"},"img":{"B":"QUJD="}}}`),
			wantPos: at("bad.ddb.json", 5, 5), wantText: "bad.ddb.json:5", wantAttr: "img",
			reason: `"QUJD=" is not valid base64`,
		},
		{
			name: "ragged CSV row", file: "bad.csv", tweak: csvTypes(nil),
			body:    badCSV("name", "x", "b-5,5,Smith, John"),
			wantPos: at("bad.csv", 6, 5), wantText: "bad.csv:6 (record 5)",
			reason: "the row has 4 fields but the header has 3 columns", also: []string{"quote cells"},
		},
		{
			name: "bad CSV number cell", file: "bad.csv", tweak: csvTypes(map[string]string{"qty": "N"}),
			body:    badCSV("qty", "3", "b-5,5,twelve"),
			wantPos: at("bad.csv", 6, 5), wantText: "bad.csv:6 (record 5)", wantAttr: "qty",
			reason: `"twelve" is not a valid DynamoDB number`,
		},
		{
			name: "invalid UTF-8 in JSON Lines", file: "bad.jsonl",
			body:    badJSONL("{\"pk\":\"b-5\",\"sk\":5,\"name\":\"caf\xe9\"}"),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5",
			reason: "invalid UTF-8 (byte 0xe9)", also: []string{"Latin-1"},
		},
		{
			name: "invalid UTF-8 in a CSV cell", file: "bad.csv", tweak: csvTypes(nil),
			body:    badCSV("name", "x", "b-5,5,caf\xe9"),
			wantPos: at("bad.csv", 6, 5), wantText: "bad.csv:6 (record 5)", wantAttr: "name",
			reason: "not valid UTF-8 (byte 0xe9)",
		},
		{
			name: "UTF-8 byte order mark", file: "bad.jsonl",
			body:    append([]byte("\xEF\xBB\xBF"), badJSONL(goodLine("b", 5, false))...),
			wantPos: at("bad.jsonl", 1, 0), wantText: "bad.jsonl:1",
			reason: "byte order mark; save it without one",
		},
		{
			name: "empty file", file: "bad.jsonl", body: nil,
			wantPos: at("bad.jsonl", 1, 0), wantText: "bad.jsonl:1",
			reason: "the file is empty",
		},
		{
			name: "CSV header without rows", file: "bad.csv", tweak: csvTypes(nil),
			body:    []byte("pk,sk\n"),
			wantPos: at("bad.csv", 1, 0), wantText: "bad.csv:1",
			reason: "header but no data rows",
		},
		{
			name: "unpaired surrogate escape", file: "bad.jsonl",
			body:    badJSONL(`{"pk":"b-5","sk":5,"name":"half \ud83e pair"}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5",
			reason: "half of a UTF-16 surrogate pair",
		},
		{
			name: "CRLF line endings", file: "bad.jsonl",
			body:    bytes.ReplaceAll(badJSONL(`{"pk":"b-5","sk":"five"}`), []byte("\n"), []byte("\r\n")),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5", wantAttr: "sk",
			reason: "must be a number (N) but is a string (S)",
		},
		{
			// A quoted cell spanning two lines moves every later row down one line.
			name: "bad CSV row after a multi-line cell", file: "bad.csv", tweak: csvTypes(map[string]string{"active": "BOOL"}),
			body:    []byte("pk,sk,note,active\nb-1,1,\"two\nlines\",true\nb-2,2,x,false\nb-3,3,x,yes\nb-4,4,x,true\n"),
			wantPos: at("bad.csv", 5, 3), wantText: "bad.csv:5 (record 3)", wantAttr: "active",
			reason: `a BOOL cell must be true or false, found "yes"`,
		},
		{
			name: "bad element of a DynamoDB JSON array", file: "bad.ddb.json",
			body: []byte("[\n" + `{"pk":{"S":"b-1"},"sk":{"N":"1"}},` + "\n" + `{"pk":{"S":"b-2"},"sk":{"N":"2"}},` + "\n" +
				`{"pk":{"S":"b-3"},` + "\n" + `"sk":{"N":"3"},"flag":{"NULL":false}},` + "\n" + `{"pk":{"S":"b-4"},"sk":{"N":"4"}}` + "\n]\n"),
			wantPos: at("bad.ddb.json", 4, 3), wantText: "bad.ddb.json:4 (record 3)", wantAttr: "flag",
			reason: `type NULL must be written {"NULL": true}, found false`,
		},
		{
			name: "empty text as a number key (N override)", file: "bad.jsonl",
			tweak:   func(o *Options) { o.Source.AttributeTypes = map[string]string{"sk": "N"} },
			body:    badJSONL(`{"pk":"b-5","sk":""}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5", wantAttr: "sk",
			reason: "is not a valid DynamoDB number",
		},
		{
			name: "unknown type override", file: "bad.jsonl", tweak: attributeTypes(map[string]string{"score": "STRING"}),
			body:     badJSONL(goodLine("b", 5, false)),
			wantKind: specErr, wantText: `AttributeTypes "score"`,
			reason: `unknown type "STRING"`, also: []string{"S, N, B, BOOL"},
		},
		{
			name: "unknown CSV column type", file: "bad.csv", tweak: csvTypes(map[string]string{"qty": "int"}),
			body:     badCSV("qty", "3", "b-5,5,4"),
			wantKind: specErr, wantText: `CSV.Columns "qty"`,
			reason: `unknown type "int"`,
		},
		{
			name: "unknown duplicate policy", file: "bad.jsonl", tweak: func(o *Options) { o.Duplicates = "keep_both" },
			body:     badJSONL(goodLine("b", 5, false)),
			wantKind: configErr, wantText: "Duplicates",
			reason: `unknown duplicate policy "keep_both"`,
		},
		{
			name: "shard settings without {shard}", file: "bad.jsonl",
			tweak: func(o *Options) {
				o.Keys = keys.Options{PartitionKey: "{tenant}", ShardAttribute: "user", ShardCount: 4}
			},
			body: badJSONL(goodLine("b", 5, false)), wantKind: configErr, wantText: "ShardAttribute",
			reason: "no key template uses {shard}",
		},
		{
			name: "set with duplicate members", file: "bad.jsonl", tweak: attributeTypes(map[string]string{"tags": "SS"}),
			body:    badJSONL(`{"pk":"b-5","sk":5,"tags":["red","blue","red"]}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5", wantAttr: "tags",
			reason: `set member "red" appears twice (members 1 and 3)`,
		},
		{
			name: "number set with equal members", file: "bad.ddb.json",
			body:    badDDBLines(`{"Item":{"pk":{"S":"b-5"},"sk":{"N":"5"},"ns":{"NS":["1.50","2","15E-1"]}}}`),
			wantPos: at("bad.ddb.json", 5, 5), wantText: "bad.ddb.json:5", wantAttr: "ns",
			reason: "appears twice (members 1 and 3)",
		},
		{
			name: "empty set", file: "bad.jsonl", tweak: attributeTypes(map[string]string{"scores": "NS"}),
			body:    badJSONL(`{"pk":"b-5","sk":5,"scores":[]}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5", wantAttr: "scores",
			reason: "the NS set is empty; DynamoDB has no empty sets",
		},
		{
			name: "empty set in a CSV cell", file: "bad.csv", tweak: csvTypes(map[string]string{"tags": "SS"}),
			body:    badCSV("tags", "a;b", "b-5,5,a;;b"),
			wantPos: at("bad.csv", 6, 5), wantText: "bad.csv:6 (record 5)", wantAttr: "tags",
			reason: `set member 2 is empty; remove the stray ";" separator`,
		},
		{
			// The good record on line 4 nests exactly 32 levels: the limit itself is allowed.
			name: "nesting deeper than 32 levels", file: "bad.jsonl",
			body: []byte(strings.Join([]string{
				goodLine("b", 1, false), goodLine("b", 2, false), goodLine("b", 3, false),
				`{"pk":"b-4","sk":4,"deep":` + nestedLists(32) + `}`,
				`{"pk":"b-5","sk":5,"deep":` + nestedLists(33) + `}`,
				goodLine("b", 6, false),
			}, "\n") + "\n"),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5", wantAttr: "deep",
			reason: "nested more than 32 levels deep; DynamoDB allows at most 32",
		},
		{
			name: "nesting deeper than 32 levels in DynamoDB JSON", file: "bad.ddb.json",
			body: badDDBLines(`{"Item":{"pk":{"S":"b-5"},"sk":{"N":"5"},"deep":` +
				strings.Repeat(`{"L":[`, 33) + `{"N":"1"}` + strings.Repeat(`]}`, 33) + `}}`),
			wantPos: at("bad.ddb.json", 5, 5), wantText: "bad.ddb.json:5", wantAttr: "deep",
			reason: "nested more than 32 levels deep",
		},
		{
			name: "record that is not an object", file: "bad.jsonl",
			body:    badJSONL(`["b-5",5]`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5",
			reason: "a record must be a JSON object, found an array",
		},
		{
			name: "array element that is not an object", file: "bad.json",
			body:    badJSONArray(`"b-5"`),
			wantPos: at("bad.json", 6, 5), wantText: "bad.json:6 (record 5)",
			reason: "a record must be a JSON object, found a string",
		},
		{
			name: "repeated attribute name", file: "bad.jsonl",
			body:    badJSONL(`{"pk":"b-5","sk":5,"qty":1,"qty":2}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5", wantAttr: "qty",
			reason: "appears twice in the same object",
		},
		{
			name: "unknown DynamoDB JSON type tag", file: "bad.ddb.json",
			body:    badDDBLines(`{"Item":{"pk":{"S":"b-5"},"sk":{"N":"5"},"v":{"STRING":"x"}}}`),
			wantPos: at("bad.ddb.json", 5, 5), wantText: "bad.ddb.json:5", wantAttr: "v",
			reason: `unknown type tag "STRING"`, also: []string{"S, N, B"},
		},
		{
			name: "DynamoDB JSON number not written as a string", file: "bad.ddb.json",
			body:    badDDBLines(`{"Item":{"pk":{"S":"b-5"},"sk":{"N":5}}}`),
			wantPos: at("bad.ddb.json", 5, 5), wantText: "bad.ddb.json:5", wantAttr: "sk",
			reason: `type N needs a number written as a string`,
		},
		{
			name: "key template placeholder missing from the item", file: "bad.jsonl",
			// The template gives the good file's records and these the same keys: last_wins
			// keeps those duplicates out of the errors, which list every invalid record.
			tweak: func(o *Options) {
				o.Keys = keys.Options{PartitionKey: "{tenant}#{region}"}
				o.Duplicates = DuplicateLastWins
			},
			body:    badJSONL(`{"pk":"b-5","sk":5,"tenant":"t1"}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5", wantAttr: "region",
			reason: `uses {region}, but the item has no attribute "region"`,
		},
		{
			name: "shard attribute missing from the item", file: "bad.jsonl",
			tweak: func(o *Options) {
				o.Keys = keys.Options{PartitionKey: "{tenant}#{shard}", ShardAttribute: "user", ShardCount: 8}
				o.Duplicates = DuplicateLastWins // as above
			},
			body:    badJSONL(`{"pk":"b-5","sk":5,"tenant":"t1"}`),
			wantPos: at("bad.jsonl", 5, 5), wantText: "bad.jsonl:5", wantAttr: "user",
			reason: `shard attribute "user" is missing`,
		},
	}
}

// TestBadInputCatalogue runs every kind of bad input through Load and checks the error's type,
// position, attribute and reason, and that nothing at all was written.
func TestBadInputCatalogue(t *testing.T) {
	t.Parallel()
	cases := catalogue()
	if len(cases) < 24 {
		t.Fatalf("the catalogue has %d cases; it must keep at least 24", len(cases))
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("two cases are named %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			var good strings.Builder
			for i := 1; i <= goodRecords; i++ {
				good.WriteString(goodLine("good", i, tc.sortKeyS) + "\n")
			}
			writeFile(t, dir, goodFile, good.String())
			if err := os.WriteFile(filepath.Join(dir, tc.file), tc.body, 0o600); err != nil {
				t.Fatal(err)
			}
			schema := hashRange()
			if tc.sortKeyS {
				schema.SortKey = &keys.Attr{Name: "sk", Type: "S"}
			}
			o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{goodFile, tc.file}}, Write: fastWrite()}
			if tc.tweak != nil {
				tc.tweak(&o)
			}
			s := newSink(schema)

			res, err := Load(context.Background(), s, "t", schema, o)

			if err == nil {
				t.Fatalf("Load succeeded (%d items written); want an error", res.Stats.Written)
			}
			msg := err.Error()
			t.Logf("%T: %s", err, truncateForLog(msg))
			checkKind(t, tc, err)
			for _, want := range append([]string{tc.wantText, tc.reason}, tc.also...) {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q\n\tdoes not contain %q", msg, want)
				}
			}
			if tc.wantAttr != "" && !strings.Contains(msg, fmt.Sprintf("attribute %q", tc.wantAttr)) {
				t.Errorf("message %q does not name the attribute %q", msg, tc.wantAttr)
			}
			if calls := sinkCalls(s); calls != 0 {
				t.Errorf("%d BatchWriteItem calls for invalid input; want none", calls)
			}
			if res != nil {
				t.Errorf("Load returned a result %+v with a validation error; want nil", res)
			}
		})
	}
}

// checkKind checks the error's type and, for an InputError, its position and attribute.
func checkKind(t *testing.T, tc badCase, err error) {
	t.Helper()
	var ie *record.InputError
	var se *source.SpecError
	var ce *ConfigError
	switch tc.wantKind {
	case inputErr:
		if !errors.As(err, &ie) {
			t.Fatalf("err = %v (%T); want a *record.InputError", err, err)
		}
		if ie.Pos.File != tc.wantPos.File || (tc.wantPos.Line != 0 && ie.Pos.Line != tc.wantPos.Line) ||
			(tc.wantPos.Record != 0 && ie.Pos.Record != tc.wantPos.Record) {
			t.Errorf("position %+v; want %+v", ie.Pos, tc.wantPos)
		}
		if ie.Attribute != tc.wantAttr {
			t.Errorf("attribute %q; want %q", ie.Attribute, tc.wantAttr)
		}
		if ie.Reason == "" {
			t.Error("the error has no reason")
		}
	case specErr:
		if !errors.As(err, &se) {
			t.Fatalf("err = %v (%T); want a *source.SpecError", err, err)
		}
		if errors.As(err, &ie) {
			t.Errorf("an option problem is also an InputError: %v", err)
		}
	case configErr:
		if !errors.As(err, &ce) {
			t.Fatalf("err = %v (%T); want a *ConfigError", err, err)
		}
		if errors.As(err, &ie) {
			t.Errorf("an option problem is also an InputError: %v", err)
		}
	}
}

func sinkCalls(s *sink) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// truncateForLog keeps logged messages readable when they quote long values.
func truncateForLog(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}
