package source

import (
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

func TestRead(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		files map[string]string
		spec  Spec // BaseDir is set to the directory holding files
		want  []string
	}{
		{
			name: "json array with exact numbers, unicode and nesting",
			files: map[string]string{"data/orders.json": `[
  {"pk": "a", "price": 0.1, "big": 12345678901234567890.123456, "e": 1.5E+3, "z": -0.0},
  {
    "pk": "ü—日本語 😀", "esc": "\u00e9\ud83d\ude00\n",
    "l": [1, "x", null, true, {"k": []}], "m": {"in": {"deep": false}}
  }
]`},
			spec: Spec{Patterns: []string{"data/orders.json"}},
			want: []string{
				`data/orders.json:2#1 {"big":{"N":"12345678901234567890.123456"},"e":{"N":"1500"},"pk":{"S":"a"},"price":{"N":"0.1"},"z":{"N":"0"}}`,
				`data/orders.json:3#2 {"esc":{"S":"é😀\n"},"l":{"L":[{"N":"1"},{"S":"x"},{"NULL":true},{"BOOL":true},{"M":{"k":{"L":[]}}}]},"m":{"M":{"in":{"M":{"deep":{"BOOL":false}}}}},"pk":{"S":"ü—日本語 😀"}}`,
			},
		},
		{
			name:  "json lines with blank lines and CRLF",
			files: map[string]string{"a.ndjson": "{\"pk\":\"a\",\"n\":7}\r\n\r\n  \n{\"pk\":\"b\",\"n\":-12.50}\n"},
			spec:  Spec{Patterns: []string{"a.ndjson"}},
			want: []string{
				`a.ndjson:1#1 {"n":{"N":"7"},"pk":{"S":"a"}}`,
				`a.ndjson:4#2 {"n":{"N":"-12.5"},"pk":{"S":"b"}}`,
			},
		},
		{
			name:  "gzip json lines",
			files: map[string]string{"a.jsonl.gz": "\x00"}, // replaced below
			spec:  Spec{Patterns: []string{"*.gz"}},
			want:  []string{`a.jsonl.gz:1#1 {"pk":{"S":"zipped"}}`, `a.jsonl.gz:2#2 {"pk":{"S":"too"}}`},
		},
		{
			name: "csv with every type",
			files: map[string]string{"t.csv": "pk,n,b,ok,nil,ss,ns,bs,l,m,s\n" +
				`a,12.50,AAEC,TRUE,true,x;y,1;2.0,AA==;AQ==,"[1,""two"",null]","{""k"":{""n"":1}}",plain` + "\n" +
				"b,,,,,,,,,,\n"},
			spec: Spec{Patterns: []string{"t.csv"}, CSV: CSVOptions{Columns: map[string]string{
				"n": "N", "b": "B", "ok": "BOOL", "nil": "NULL", "ss": "SS", "ns": "NS", "bs": "BS", "l": "L", "m": "M", "s": "S",
			}}},
			want: []string{
				`t.csv:2#1 {"b":{"B":"AAEC"},"bs":{"BS":["AA==","AQ=="]},"l":{"L":[{"N":"1"},{"S":"two"},{"NULL":true}]},"m":{"M":{"k":{"M":{"n":{"N":"1"}}}}},"n":{"N":"12.5"},"nil":{"NULL":true},"ns":{"NS":["1","2"]},"ok":{"BOOL":true},"pk":{"S":"a"},"s":{"S":"plain"},"ss":{"SS":["x","y"]}}`,
				`t.csv:3#2 {"pk":{"S":"b"}}`,
			},
		},
		{
			name:  "csv keeps empty strings, custom separator, quoted multi-line cell",
			files: map[string]string{"t.csv": "pk,note,tags\n\"a\",\"line one\nline two\",x|y\nb,,\n"},
			spec:  Spec{Patterns: []string{"t.csv"}, CSV: CSVOptions{KeepEmpty: true, SetSeparator: "|", Columns: map[string]string{"tags": "ss"}}},
			want: []string{
				`t.csv:2#1 {"note":{"S":"line one\nline two"},"pk":{"S":"a"},"tags":{"SS":["x","y"]}}`,
				`t.csv:4#2 {"note":{"S":""},"pk":{"S":"b"}}`,
			},
		},
		{
			name: "dynamodb json array, both shapes, every type",
			files: map[string]string{"x.ddb.json": `[
{"Item": {"pk": {"S": "a"}, "n": {"N": "0.10"}, "b": {"B": "3q2+7w=="}, "t": {"BOOL": false}, "z": {"NULL": true}}},
{"pk": {"S": "b"}, "ss": {"SS": ["x", ""]}, "ns": {"NS": ["1e2", "-3"]}, "bs": {"BS": ["AA==", ""]},
 "l": {"L": [{"S": "in"}, {"M": {"k": {"N": "1"}}}]}, "m": {"M": {}}},
{"Item": {"S": "only attribute named Item"}}
]`},
			spec: Spec{Patterns: []string{"x.ddb.json"}},
			want: []string{
				`x.ddb.json:2#1 {"b":{"B":"3q2+7w=="},"n":{"N":"0.1"},"pk":{"S":"a"},"t":{"BOOL":false},"z":{"NULL":true}}`,
				`x.ddb.json:3#2 {"bs":{"BS":["AA==",""]},"l":{"L":[{"S":"in"},{"M":{"k":{"N":"1"}}}]},"m":{"M":{}},"ns":{"NS":["100","-3"]},"pk":{"S":"b"},"ss":{"SS":["x",""]}}`,
				`x.ddb.json:5#3 {"Item":{"S":"only attribute named Item"}}`,
			},
		},
		{
			name:  "dynamodb json lines (S3 export) with leading blank lines",
			files: map[string]string{"export.json.gz": "\x00"}, // replaced below
			spec:  Spec{Patterns: []string{"export.json.gz"}, Format: FormatDynamoDBJSON},
			want: []string{
				`export.json.gz:3#1 {"pk":{"S":"a"}}`,
				`export.json.gz:4#2 {"pk":{"S":"b"},"v":{"N":"99999999999999999999999999999999999999"}}`,
			},
		},
		{
			name: "globs over several files, sorted and de-duplicated",
			files: map[string]string{
				"d/b.jsonl": `{"pk":"b"}`, "d/a.jsonl": `{"pk":"a"}`, "d/c.json": `[{"pk":"c"}]`, "d/skip.txt": "x", "d/sub/x.jsonl": `{"pk":"x"}`,
			},
			spec: Spec{Patterns: []string{"d/*.json*", "d/a.jsonl", "./d/b.jsonl"}},
			want: []string{`d/a.jsonl:1#1 {"pk":{"S":"a"}}`, `d/b.jsonl:1#1 {"pk":{"S":"b"}}`, `d/c.json:1#1 {"pk":{"S":"c"}}`},
		},
		{
			name:  "attribute type overrides",
			files: map[string]string{"o.jsonl": `{"pk":"a","tags":["x","y"],"avatar":"AAE=","price":"12.50","qty":"7","ns":[1,"2.5"],"bs":["AA=="],"s":12,"flag":"true","gone":null,"l":[1],"m":{"a":1}}` + "\n"},
			spec: Spec{Patterns: []string{"o.jsonl"}, AttributeTypes: map[string]string{
				"tags": "SS", "avatar": "B", "price": "N", "qty": "n", "ns": "NS", "bs": "BS", "s": "S", "flag": "BOOL", "gone": "B", "l": "L", "m": "M", "absent": "SS",
			}},
			want: []string{`o.jsonl:1#1 {"avatar":{"B":"AAE="},"bs":{"BS":["AA=="]},"flag":{"BOOL":true},"gone":{"NULL":true},"l":{"L":[{"N":"1"}]},"m":{"M":{"a":{"N":"1"}}},"ns":{"NS":["1","2.5"]},"pk":{"S":"a"},"price":{"N":"12.5"},"qty":{"N":"7"},"s":{"S":"12"},"tags":{"SS":["x","y"]}}`},
		},
		{
			name: "inline items",
			spec: Spec{Inline: "[{\"pk\": \"a\", \"n\": 1.10},\n {\"pk\": \"b\", \"tags\": [\"x\"]}]", AttributeTypes: map[string]string{"tags": "SS"}},
			want: []string{`items:1#1 {"n":{"N":"1.1"},"pk":{"S":"a"}}`, `items:2#2 {"pk":{"S":"b"},"tags":{"SS":["x"]}}`},
		},
		{
			name: "inline dynamodb json",
			spec: Spec{Inline: `[{"pk": {"S": "a"}}]`, Format: FormatDynamoDBJSON},
			want: []string{`items:1#1 {"pk":{"S":"a"}}`},
		},
		{
			name:  "explicit format overrides the extension",
			files: map[string]string{"data.txt": "{\"pk\":\"a\"}\n"},
			spec:  Spec{Patterns: []string{"data.txt"}, Format: FormatJSONLines},
			want:  []string{`data.txt:1#1 {"pk":{"S":"a"}}`},
		},
		{
			name:  "gzip recognized by content, nesting of exactly 32 levels",
			files: map[string]string{"deep.json": "[{\"a\":" + strings.Repeat("[", 32) + strings.Repeat("]", 32) + "}]"},
			spec:  Spec{Patterns: []string{"deep.json"}},
			want:  []string{`deep.json:1#1 {"a":` + strings.Repeat(`{"L":[`, 31) + `{"L":[]}` + strings.Repeat("]}", 31) + "}"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			files := tc.files
			switch tc.name {
			case "gzip json lines":
				files = map[string]string{"a.jsonl.gz": gzipped(t, "{\"pk\":\"zipped\"}\n{\"pk\":\"too\"}\n")}
			case "dynamodb json lines (S3 export) with leading blank lines":
				files = map[string]string{"export.json.gz": gzipped(t, "\n  \n"+`{"Item":{"pk":{"S":"a"}}}`+"\n"+`{"Item":{"pk":{"S":"b"},"v":{"N":"99999999999999999999999999999999999999"}}}`+"\n")}
			}
			spec := tc.spec
			if files != nil {
				spec.BaseDir = writeFiles(t, files)
			}
			recs, err := readAll(spec)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if got, want := showAll(recs), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("records:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestFiles(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"b.csv": "x\n1\n", "a.jsonl": "{}\n", "sub/c.ddbjson": "[]", "sub/d.json.gz": ""})
	spec := Spec{BaseDir: dir, Patterns: []string{"sub/*", "*.csv", "a.jsonl", filepath.Join(dir, "b.csv")}}
	got, err := Files(spec)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a.jsonl", "b.csv", "sub/c.ddbjson", "sub/d.json.gz"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Files = %q, want %q", got, want)
	}
	if p := spec.Path("b.csv"); p != filepath.Join(dir, "b.csv") {
		t.Errorf("Path = %q", p)
	}
	files, err := resolve(&spec)
	if err != nil {
		t.Fatal(err)
	}
	formats := make([]Format, len(files))
	for i, f := range files {
		formats[i] = f.format
	}
	if want := []Format{FormatJSONLines, FormatCSV, FormatDynamoDBJSON, FormatJSON}; !reflect.DeepEqual(formats, want) {
		t.Errorf("formats = %q, want %q", formats, want)
	}
	if got, err := Files(Spec{Inline: "[]"}); err != nil || len(got) != 0 {
		t.Errorf("Files(inline) = %q, %v; want no files", got, err)
	}
}

func TestInferFormat(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]Format{
		"a.json": FormatJSON, "A.JSON.GZ": FormatJSON, "a.jsonl": FormatJSONLines, "a.ndjson.gz": FormatJSONLines,
		"a.csv": FormatCSV, "a.csv.gz": FormatCSV, "a.ddb.json": FormatDynamoDBJSON, "a.ddbjson": FormatDynamoDBJSON,
		"a.ddb.jsonl.gz": FormatDynamoDBJSON, "a.txt": "", "json": "", "a.gz": "",
	} {
		got, ok := inferFormat(name)
		if got != want || ok != (want != "") {
			t.Errorf("inferFormat(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}

func TestSpecErrors(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"a.txt": "x", "a.json": "[{}]", "sub/b.json": "[{}]", "c.csv": "pk,price\na,1\n"})
	for _, tc := range []struct {
		name     string
		spec     Spec
		field    string
		want     string
		checks   bool // Spec.Check passes: the problem shows only when files are resolved
		openOnly bool // only Open reads CSV headers
	}{
		{"neither", Spec{}, "Patterns", "set file patterns or inline items", false, false},
		{"both", Spec{Patterns: []string{"a.json"}, Inline: "[]"}, "Inline", "cannot be used together", false, false},
		{"unknown format", Spec{Patterns: []string{"a.json"}, Format: "yaml"}, "Format", `Format "yaml": unknown format`, false, false},
		{"inline csv", Spec{Inline: "[]", Format: FormatCSV}, "Format", "inline items are a JSON array", false, false},
		{"empty pattern", Spec{Patterns: []string{" "}}, "Patterns", "a pattern is empty", false, false},
		{"bad pattern", Spec{Patterns: []string{"a[.json"}}, "Patterns", `Patterns "a[.json": is not a valid glob pattern`, false, false},
		{"unknown override type", Spec{Patterns: []string{"a.json"}, AttributeTypes: map[string]string{"tags": "STRINGSET"}}, "AttributeTypes", `AttributeTypes "tags": unknown type "STRINGSET"; use one of S, N, B, BOOL, NULL, SS, NS, BS, L, M`, false, false},
		{"empty override name", Spec{Patterns: []string{"a.json"}, AttributeTypes: map[string]string{"": "S"}}, "AttributeTypes", "attribute name is empty", false, false},
		{"unknown csv type", Spec{Patterns: []string{"a.json"}, CSV: CSVOptions{Columns: map[string]string{"n": "INT"}}}, "CSV.Columns", `CSV.Columns "n": unknown type "INT"`, false, false},
		{"no match", Spec{Patterns: []string{"*.tsv"}}, "Patterns", `Patterns "*.tsv": matches no files (relative to `, true, false},
		{"missing file", Spec{Patterns: []string{"nope.json"}}, "Patterns", `Patterns "nope.json": no such file`, true, false},
		{"directory", Spec{Patterns: []string{"sub"}}, "Patterns", "is a directory", true, false},
		{"unknown extension", Spec{Patterns: []string{"a.*"}}, "Format", `Format "a.txt": cannot tell the file's format from its extension; set format to json, jsonl, csv or dynamodb_json`, true, false},
		{"csv column in no header", Spec{Patterns: []string{"c.csv"}, CSV: CSVOptions{Columns: map[string]string{"price": "N", "prcie": "N"}}}, "CSV.Columns", `CSV.Columns "prcie": is not a column of any CSV file's header; check its spelling`, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			spec := tc.spec
			spec.BaseDir = dir
			if err := spec.Check(); (err == nil) != tc.checks {
				t.Errorf("Check = %v, want error: %v", err, !tc.checks)
			}
			errs := map[string]error{"Open": openErr(spec)}
			if !tc.openOnly {
				errs["Files"] = filesErr(spec)
			}
			for what, err := range errs {
				var se *SpecError
				if !errors.As(err, &se) {
					t.Fatalf("%s: error %v (%T), want *SpecError", what, err, err)
				}
				if se.Field != tc.field || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: error %q (field %s), want field %s and %q", what, err, se.Field, tc.field, tc.want)
				}
			}
		})
	}
}

func filesErr(spec Spec) error {
	_, err := Files(spec)
	return err
}

func openErr(spec Spec) error {
	_, err := Open(spec)
	return err
}

// A bad record does not end the file when the file's structure is intact; a broken structure
// stops reading and repeats its error.
func TestContinueAfterError(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"a.jsonl": "{\"pk\":\"a\"}\n{\"pk\":\n{\"pk\":\"c\",\"n\":1e999}\n{\"pk\":\"d\"}\n",
		"b.csv":   "pk,n\nx,1\ny,2,3\nz,3\n",
		"c.json":  "[{\"pk\":\"e\"}, {\"pk\":NaN}, {\"pk\":\"f\"}]",
		"d.jsonl": "{\"pk\":\"never reached\"}\n",
	})
	r, err := Open(Spec{BaseDir: dir, Patterns: []string{"a.jsonl", "b.csv", "c.json", "d.jsonl"}, CSV: CSVOptions{Columns: map[string]string{"n": "N"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []string
	for range 20 {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			got = append(got, "error "+err.Error())
			continue
		}
		got = append(got, show(rec))
	}
	want := []string{
		`a.jsonl:1#1 {"pk":{"S":"a"}}`,
		`error a.jsonl:2: malformed JSON: unexpected end of input: the value is cut short (a closing quote, '}' or ']' is missing)`,
		`error a.jsonl:3: attribute "n": "1e999" is not a valid DynamoDB number: its magnitude exceeds DynamoDB's maximum of 9.9999999999999999999999999999999999999E+125`,
		`a.jsonl:4#4 {"pk":{"S":"d"}}`,
		`b.csv:2#1 {"n":{"N":"1"},"pk":{"S":"x"}}`,
		`error b.csv:3 (record 2): the row has 3 fields but the header has 2 columns; quote cells that contain the delimiter`,
		`b.csv:4#3 {"n":{"N":"3"},"pk":{"S":"z"}}`,
		`c.json:1#1 {"pk":{"S":"e"}}`,
	}
	broken := `error c.json:1 (record 2): malformed JSON: expected a JSON value, found 'N': NaN and Infinity are not valid in JSON or in DynamoDB numbers`
	for len(want) < 20 {
		want = append(want, broken)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := r.Next(); err == nil || errors.Is(err, io.EOF) {
		t.Errorf("Next after Close = %v, want an error", err)
	}
}

// After a bad row or line, reading goes on where the format says where the next record
// starts, and stops (repeating its error) where it does not.
func TestContinueAfterBadRow(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file, body string
		want             []string // records and errors, up to io.EOF or a repeated error
	}{
		{"csv bare quote", "a.csv", "pk,n\nx,1\ny\"y,2\nz,3\n", []string{
			`a.csv:2#1 {"n":{"N":"1"},"pk":{"S":"x"}}`,
			`error a.csv:3 (record 2): malformed CSV: bare " in non-quoted-field; quote the cell and double the quotes inside it`,
			`a.csv:4#3 {"n":{"N":"3"},"pk":{"S":"z"}}`,
		}},
		{"csv bare quote after a multi-line cell", "a.csv", "pk,n\n\"x\nx\",1\"\nz,3\n", []string{
			`error a.csv:3 (record 1): malformed CSV: bare " in non-quoted-field; quote the cell and double the quotes inside it`,
			`a.csv:4#2 {"n":{"N":"3"},"pk":{"S":"z"}}`,
		}},
		{"csv bad cells and ragged rows", "a.csv", "pk,n\nx,one\ny\nz,3\n", []string{
			`error a.csv:2 (record 1): attribute "n": "one" is not a valid DynamoDB number: expected decimal digits with an optional sign, fraction and exponent`,
			`error a.csv:3 (record 2): the row has 1 fields but the header has 2 columns; quote cells that contain the delimiter`,
			`a.csv:4#3 {"n":{"N":"3"},"pk":{"S":"z"}}`,
		}},
		{"csv unterminated quote stops", "a.csv", "pk,n\nx,\"1\ny,2\n", []string{
			`error a.csv:3 (record 1): malformed CSV: extraneous or missing " in quoted-field`,
			`repeated`,
		}},
		{"dynamodb json lines", "a.ddb.json", "{\"pk\":{\"S\":\"a\"}}\n{\"pk\":{\"X\":\"b\"}}\n{\"pk\":\n{\"Item\":{\"pk\":{\"S\":\"d\"}}}\n", []string{
			`a.ddb.json:1#1 {"pk":{"S":"a"}}`,
			`error a.ddb.json:2: attribute "pk": unknown type tag "X"; expected one of S, N, B, BOOL, NULL, SS, NS, BS, L, M (upper case)`,
			`error a.ddb.json:3: malformed JSON: unexpected end of input: the value is cut short (a closing quote, '}' or ']' is missing)`,
			`a.ddb.json:4#4 {"pk":{"S":"d"}}`,
		}},
		{"json lines blank and bad lines", "a.jsonl", "\n{\"pk\":1e999}\n\n\xff\n{\"pk\":\"e\"}", []string{
			`error a.jsonl:2 (record 1): attribute "pk": "1e999" is not a valid DynamoDB number: its magnitude exceeds DynamoDB's maximum of 9.9999999999999999999999999999999999999E+125`,
			`error a.jsonl:4 (record 2): invalid UTF-8 (byte 0xff); the file must be UTF-8 encoded (was it saved as Latin-1 or UTF-16?)`,
			`a.jsonl:5#3 {"pk":{"S":"e"}}`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := writeFiles(t, map[string]string{tc.file: tc.body})
			r, err := Open(Spec{BaseDir: dir, Patterns: []string{tc.file}, CSV: CSVOptions{Columns: map[string]string{"n": "N"}}})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var got []string
			var last error
			for range 20 {
				rec, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil && err == last { //nolint:errorlint // identity: the reader stopped
					got = append(got, "repeated")
					break
				}
				last = err
				if err != nil {
					got = append(got, "error "+err.Error())
					continue
				}
				got = append(got, show(rec))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// InputError positions must be usable by people: the file as the user named it, the line
// where the record starts (or where a syntax error is), the record index.
func TestPositions(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"p.json": "\n\n[\n  {\"pk\": \"a\"},\n\n  {\n    \"pk\": \"b\",\n    \"n\": \"x\"\n  }\n]",
		"p.csv":  "pk,\"multi\nline header\"\n\"a\",\"1\n2\n3\"\nb,\n",
	})
	recs, err := readAll(Spec{BaseDir: dir, Patterns: []string{"p.*"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []record.Position
	for _, r := range recs {
		got = append(got, r.Pos)
	}
	want := []record.Position{
		{File: "p.csv", Line: 3, Record: 1}, {File: "p.csv", Line: 6, Record: 2},
		{File: "p.json", Line: 4, Record: 1}, {File: "p.json", Line: 6, Record: 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("positions %+v, want %+v", got, want)
	}
}

// TestMayBeObjectSet: from names alone, only S3 objects of one bucket in DynamoDB JSON (by
// the spec's format or their extensions) may be a set.
func TestMayBeObjectSet(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		format Format
		names  []string
		want   bool
	}{
		{"", []string{"s3://b/seed/1.ddb.jsonl.gz", "s3://b/seed/2.ddb.jsonl.gz"}, true},
		{FormatDynamoDBJSON, []string{"s3://b/export/data/abc.json.gz"}, true},
		{"", []string{"s3://b/export/data/abc.json.gz"}, false}, // plain JSON by its extension
		{"", []string{"s3://b/seed/1.ddb.jsonl", "s3://c/seed/2.ddb.jsonl"}, false},
		{"", []string{"s3://b/seed/1.ddb.jsonl", "/data/2.ddb.jsonl"}, false},
		{"", []string{"s3://b/seed/1.jsonl"}, false},
		{FormatDynamoDBJSON, []string{"/data/1.ddb.jsonl"}, false},
		{FormatDynamoDBJSON, nil, false},
	} {
		if got := MayBeObjectSet(Spec{Format: tc.format}, tc.names); got != tc.want {
			t.Errorf("MayBeObjectSet(format %q, %v) = %v, want %v", tc.format, tc.names, got, tc.want)
		}
	}
}
