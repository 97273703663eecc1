package source

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

func TestInputErrors(t *testing.T) {
	t.Parallel()
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	deepTyped := func(n int) string {
		return strings.Repeat(`{"L":[`, n-1) + `{"L":[]}` + strings.Repeat("]}", n-1)
	}
	for _, tc := range []struct {
		name    string
		file    string // name of the single input file
		content string // prefixes: "gzip:" gzip the rest, "trunc-gzip:" and cut it short, "corrupt-gzip:" and break its checksum
		spec    Spec   // Patterns and BaseDir are filled in
		line    int    // -1: any line (where a truncated gzip stream ends depends on compression)
		attr    string
		want    string // a substring of the message, after "file:line"
	}{
		// Structure.
		{name: "malformed json: trailing comma in object", file: "a.json", content: "[\n{\"pk\": \"a\",}\n]", line: 2, want: "malformed JSON: expected an object key after ',', found '}' (JSON does not allow a trailing comma)"},
		{name: "malformed json: missing comma between records", file: "a.json", content: "[{\"pk\":\"a\"}\n {\"pk\":\"b\"}]", line: 2, want: "expected ',' or ']' after record 1, found '{'"},
		{name: "malformed json: error inside a multi-line record", file: "a.json", content: "[\n{\n\"pk\": \"a\",\n\"x\": tru\n}]", line: 4, want: `malformed JSON: invalid literal: expected true, found '\n'`},
		{name: "malformed json: truncated array", file: "a.json", content: "[{\"pk\":\"a\"},\n{\"pk\":", line: 2, want: "the file ends inside record 2, which starts at line 2"},
		{name: "malformed json: unclosed array", file: "a.json", content: "[{\"pk\":\"a\"}\n", line: 2, want: "the file ends before the array is closed: expected ',' or ']'"},
		{name: "malformed json: trailing comma in array", file: "a.json", content: "[{\"pk\":\"a\"},\n]", line: 2, want: "JSON does not allow a trailing comma"},
		{name: "malformed json: data after the array", file: "a.json", content: "[{\"pk\":\"a\"}]\n[]", line: 2, want: "unexpected '[' after the closing ']' of the array"},
		{name: "malformed json: not an array", file: "a.json", content: "{\"pk\":\"a\"}", line: 1, want: "expected a JSON array of objects ('[') at the start of the file, found '{'; for one object per line use format jsonl"},
		{name: "malformed json line", file: "a.jsonl", content: "{\"pk\":\"a\"}\n{\"pk\" \"b\"}\n", line: 2, want: `malformed JSON: expected ':' after the object key "pk", found '"'`},
		{name: "two values on one line", file: "a.jsonl", content: "{\"pk\":\"a\"} {\"pk\":\"b\"}\n", line: 1, want: "malformed JSON: unexpected '{' after the end of the JSON value; a record holds one value"},
		{name: "single quotes", file: "a.jsonl", content: "{'pk':'a'}", line: 1, want: "JSON strings use double quotes"},
		{name: "record not an object in array", file: "a.json", content: "[{\"pk\":\"a\"},\n 42]", line: 2, want: "a record must be a JSON object, found a number"},
		{name: "record not an object in lines", file: "a.jsonl", content: "[1]\n", line: 1, want: "a record must be a JSON object, found an array"},
		{name: "ddb record not an object", file: "a.ddb.jsonl", content: "\"x\"\n", line: 1, want: "a record must be a JSON object"},
		{name: "duplicate attribute", file: "a.jsonl", content: "{\"pk\":\"a\",\"pk\":\"b\"}", line: 1, attr: "pk", want: "appears twice in the same object"},
		{name: "duplicate nested key in big object", file: "a.jsonl", content: `{"m":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"a":10}}`, line: 1, attr: "m", want: "in m.a: appears twice"},

		// Files.
		{name: "truncated gzip", file: "a.jsonl.gz", content: "trunc-gzip:" + strings.Repeat("{\"pk\":\"abcdefghij\"}\n", 500), line: -1, want: "the gzip data is corrupt or truncated"},
		{name: "truncated gzip csv", file: "a.csv.gz", content: "trunc-gzip:pk,n\n" + strings.Repeat("abcdefgh,12345\n", 800), line: -1, want: "the gzip data is corrupt or truncated"},
		{name: "corrupt gzip", file: "a.json.gz", content: "corrupt-gzip:[" + strings.Repeat("{\"pk\":\"abcdefghij\"},\n", 50) + "{\"pk\":\"z\"}]", line: 51, want: "the gzip data is corrupt or truncated"},
		{name: "gzip name without gzip data", file: "a.jsonl.gz", content: "{\"pk\":\"a\"}\n", line: 1, want: "the file name ends in .gz but the file is not gzip-compressed"},
		{name: "byte order mark", file: "a.json", content: "\xEF\xBB\xBF[{\"pk\":\"a\"}]", line: 1, want: "file starts with a UTF-8 byte order mark; save it without one"},
		{name: "byte order mark in gzip csv", file: "a.csv.gz", content: "gzip:\xEF\xBB\xBFpk\na\n", line: 1, want: "file starts with a UTF-8 byte order mark"},
		{name: "utf-16", file: "a.csv", content: "\xFF\xFEp\x00k\x00", line: 1, want: "UTF-16 byte order mark"},
		{name: "empty json file", file: "a.json", content: "", line: 1, want: "the file is empty: no records"},
		{name: "empty gzip file", file: "a.json.gz", content: "gzip:", line: 1, want: "the file is empty: no records"},
		{name: "white space json file", file: "a.json", content: "\n \n", line: 3, want: "no records"},
		{name: "empty json array", file: "a.json", content: "[ ]", line: 1, want: "the JSON array is empty: no records"},
		{name: "blank json lines file", file: "a.jsonl", content: "\n\n", line: 1, want: "no records"},
		{name: "empty csv file", file: "a.csv", content: "", line: 1, want: "no records"},
		{name: "header-only csv file", file: "a.csv", content: "pk,n\n", line: 1, want: "header but no data rows: no records"},
		{name: "white space ddb file", file: "a.ddb.json", content: " \n", line: 1, want: "no records"},

		// Text.
		{name: "invalid utf-8 in json array", file: "a.json", content: "[\n{\"pk\": \"a\"},\n{\"pk\":\n\"caf\xe9\"}]", line: 4, want: "invalid UTF-8 (byte 0xe9); the file must be UTF-8 encoded"},
		{name: "invalid utf-8 in json lines", file: "a.jsonl", content: "{\"pk\":\"a\"}\n{\"pk\":\"\xff\"}\n", line: 2, want: "invalid UTF-8"},
		{name: "invalid utf-8 in ddb json", file: "a.ddb.json", content: "[{\"pk\":{\"S\":\"\xc3\"}}]", line: 1, want: "invalid UTF-8"},
		{name: "invalid utf-8 in csv cell", file: "a.csv", content: "pk,name\na,M\xfcller\n", line: 2, attr: "name", want: "not valid UTF-8 (byte 0xfc)"},
		{name: "invalid utf-8 in csv header", file: "a.csv", content: "pk,n\xe4me\na,b\n", line: 1, want: "header column 2 is not valid UTF-8"},
		{name: "lone surrogate escape", file: "a.jsonl", content: `{"pk":"\ud800x"}`, line: 1, want: `the escape \ud800 is half of a UTF-16 surrogate pair`},

		// Numbers.
		{name: "NaN in json", file: "a.json", content: "[{\"pk\":\"a\",\n\"n\": NaN}]", line: 2, want: "malformed JSON: expected a JSON value, found 'N': NaN and Infinity are not valid in JSON or in DynamoDB numbers"},
		{name: "Infinity in json lines", file: "a.jsonl", content: `{"n": -Infinity}`, line: 1, want: "NaN and Infinity are not valid"},
		{name: "Infinity in ddb json", file: "a.ddb.jsonl", content: `{"n": {"N": "Infinity"}}`, line: 1, attr: "n", want: "NaN and Infinity are not numbers in DynamoDB"},
		{name: "NaN through an N override", file: "a.jsonl", content: `{"n": "NaN"}`, spec: Spec{AttributeTypes: map[string]string{"n": "N"}}, line: 1, attr: "n", want: "NaN and Infinity"},
		{name: "39-digit number", file: "a.json", content: "[{\"pk\":\"a\"},{\"n\": 123456789012345678901234567890123456789}]", line: 1, attr: "n", want: "it has 39 significant digits; DynamoDB allows at most 38"},
		{name: "39-digit number in a csv cell", file: "a.csv", content: "n\n1234567890123456789012345678901234567.89\n", spec: Spec{CSV: CSVOptions{Columns: map[string]string{"n": "N"}}}, line: 2, attr: "n", want: "39 significant digits"},
		{name: "39-digit number in a ddb set", file: "a.ddb.jsonl", content: `{"ns": {"NS": ["1", "123456789012345678901234567890123456789"]}}`, line: 1, attr: "ns", want: "set member 2: \"123456789012345678901234567890123456789\" is not a valid DynamoDB number"},
		{name: "number in a nested list", file: "a.jsonl", content: `{"a": {"b": [1, 2, 1e200]}}`, line: 1, attr: "a", want: "in a.b[2]: \"1e200\" is not a valid DynamoDB number"},

		// Binary.
		{name: "invalid base64 in ddb json", file: "a.ddb.json", content: "[\n{\"b\": {\"B\": \"not base64!\"}}]", line: 2, attr: "b", want: `"not base64!" is not valid base64`},
		{name: "invalid base64 through a B override", file: "a.jsonl", content: `{"avatar": "AAE"}`, spec: Spec{AttributeTypes: map[string]string{"avatar": "B"}}, line: 1, attr: "avatar", want: "is not valid base64"},
		{name: "invalid base64 in a csv cell", file: "a.csv", content: "b\n%%%\n", spec: Spec{CSV: CSVOptions{Columns: map[string]string{"b": "B"}}}, line: 2, attr: "b", want: "is not valid base64"},
		{name: "invalid base64 in a ddb binary set", file: "a.ddb.jsonl", content: `{"bs": {"BS": ["AA==", "A"]}}`, line: 1, attr: "bs", want: "set member 2: \"A\" is not valid base64"},

		// CSV.
		{name: "ragged csv row", file: "a.csv", content: "pk,n\na,1\nb\n", line: 3, want: "the row has 1 fields but the header has 2 columns"},
		{name: "csv duplicate column", file: "a.csv", content: "pk,n,pk\na,1,2\n", line: 1, want: `header column "pk" appears twice (columns 1 and 3)`},
		{name: "csv empty column name", file: "a.csv", content: "pk,,n\na,1,2\n", line: 1, want: "header column 2 has no name"},
		{name: "csv bare quote", file: "a.csv", content: "pk\na\"b\n", line: 2, want: `malformed CSV: bare " in non-quoted-field`},
		{name: "csv unterminated quote", file: "a.csv", content: "pk\n\"abc\n", line: 2, want: `malformed CSV: extraneous or missing " in quoted-field`},
		{name: "csv bad number", file: "a.csv", content: "pk,n\na,12abc\n", spec: Spec{CSV: CSVOptions{Columns: map[string]string{"n": "N"}}}, line: 2, attr: "n", want: `"12abc" is not a valid DynamoDB number`},
		{name: "csv bad bool", file: "a.csv", content: "pk,ok\na,yes\n", spec: Spec{CSV: CSVOptions{Columns: map[string]string{"ok": "BOOL"}}}, line: 2, attr: "ok", want: `a BOOL cell must be true or false, found "yes"`},
		{name: "csv bad null", file: "a.csv", content: "pk,z\na,0\n", spec: Spec{CSV: CSVOptions{Columns: map[string]string{"z": "NULL"}}}, line: 2, attr: "z", want: "a NULL cell must be true or null"},
		{name: "csv bad json in L", file: "a.csv", content: "pk,l\na,\"[1,\"\n", spec: Spec{CSV: CSVOptions{Columns: map[string]string{"l": "L"}}}, line: 2, attr: "l", want: "an L cell must hold JSON: malformed JSON: unexpected end of input"},
		{name: "csv object in L", file: "a.csv", content: "pk,l\na,{}\n", spec: Spec{CSV: CSVOptions{Columns: map[string]string{"l": "L"}}}, line: 2, attr: "l", want: "an L cell must hold an array in JSON, found an object"},
		{name: "csv bad json in M", file: "a.csv", content: "pk,m\na,\"{\"\"k\"\": }\"\n", spec: Spec{CSV: CSVOptions{Columns: map[string]string{"m": "M"}}}, line: 2, attr: "m", want: "an M cell must hold JSON: malformed JSON: expected a JSON value (object, array, string, number, true, false or null), found '}'"},
		{name: "csv stray set separator", file: "a.csv", content: "pk,ss\na,x;;y\n", spec: Spec{CSV: CSVOptions{Columns: map[string]string{"ss": "SS"}}}, line: 2, attr: "ss", want: `set member 2 is empty; remove the stray ";" separator`},
		{name: "csv duplicate set member", file: "a.csv", content: "pk,ns\na,1;2;1.0\n", spec: Spec{CSV: CSVOptions{Columns: map[string]string{"ns": "NS"}}}, line: 2, attr: "ns", want: `set member "1.0" appears twice (members 1 and 3)`},
		{name: "csv deep L cell", file: "a.csv", content: "l\n" + deep(33) + "\n", spec: Spec{CSV: CSVOptions{Columns: map[string]string{"l": "L"}}}, line: 2, attr: "l", want: "nested more than 32 levels deep"},

		// Sets.
		{name: "ddb duplicate string set member", file: "a.ddb.jsonl", content: `{"ss": {"SS": ["a", "b", "a"]}}`, line: 1, attr: "ss", want: `set member "a" appears twice (members 1 and 3); members of a set must be unique`},
		{name: "ddb duplicate number set member by value", file: "a.ddb.jsonl", content: `{"ns": {"NS": ["1.50", "15E-1"]}}`, line: 1, attr: "ns", want: `set member "15E-1" appears twice`},
		{name: "ddb duplicate binary set member", file: "a.ddb.jsonl", content: `{"bs": {"BS": ["AAE=", "AAE="]}}`, line: 1, attr: "bs", want: "appears twice"},
		{name: "override duplicate set member", file: "a.jsonl", content: `{"tags": ["x", "x"]}`, spec: Spec{AttributeTypes: map[string]string{"tags": "SS"}}, line: 1, attr: "tags", want: `set member "x" appears twice`},
		{name: "ddb empty set", file: "a.ddb.jsonl", content: `{"ss": {"SS": []}}`, line: 1, attr: "ss", want: "the SS set is empty; DynamoDB has no empty sets"},
		{name: "override empty set", file: "a.jsonl", content: `{"tags": []}`, spec: Spec{AttributeTypes: map[string]string{"tags": "NS"}}, line: 1, attr: "tags", want: "the NS set is empty"},
		{name: "ddb number set member not a string", file: "a.ddb.jsonl", content: `{"ns": {"NS": [1]}}`, line: 1, attr: "ns", want: `in ns[0]: type NS needs string members, found a number (write numbers as strings, such as "42")`},

		// Overrides that do not fit the value.
		{name: "override SS on a string", file: "a.jsonl", content: `{"tags": "x"}`, spec: Spec{AttributeTypes: map[string]string{"tags": "SS"}}, line: 1, attr: "tags", want: "type SS needs a JSON array of members, found a string"},
		{name: "override SS with an object member", file: "a.jsonl", content: `{"tags": ["x", {}]}`, spec: Spec{AttributeTypes: map[string]string{"tags": "SS"}}, line: 1, attr: "tags", want: "in tags[1]: type SS needs string members, found an object"},
		{name: "override N on a boolean", file: "a.jsonl", content: `{"n": true}`, spec: Spec{AttributeTypes: map[string]string{"n": "N"}}, line: 1, attr: "n", want: "cannot convert a boolean to type N"},
		{name: "override BOOL on other text", file: "a.jsonl", content: `{"b": "yes"}`, spec: Spec{AttributeTypes: map[string]string{"b": "BOOL"}}, line: 1, attr: "b", want: `type BOOL needs true or false, found "yes"`},
		{name: "override NULL on a value", file: "a.jsonl", content: `{"z": 0}`, spec: Spec{AttributeTypes: map[string]string{"z": "NULL"}}, line: 1, attr: "z", want: "type NULL only accepts null"},
		{name: "override M on an array", file: "a.jsonl", content: `{"m": []}`, spec: Spec{AttributeTypes: map[string]string{"m": "M"}}, line: 1, attr: "m", want: "cannot convert an array to type M"},

		// Nesting and names.
		{name: "json nested 33 levels", file: "a.json", content: "[\n{\"a\": " + deep(33) + "}]", line: 2, attr: "a", want: "lists and maps are nested more than 32 levels deep; DynamoDB allows at most 32"},
		{name: "ddb nested 33 levels", file: "a.ddb.jsonl", content: `{"a": ` + deepTyped(33) + `}`, line: 1, attr: "a", want: "nested more than 32 levels deep"},
		{name: "ddb nested far too deep", file: "a.ddb.jsonl", content: `{"a": ` + deepTyped(200) + `}`, line: 1, attr: "a", want: "nested more than 32 levels deep"},
		{name: "empty attribute name", file: "a.json", content: `[{"": 1}]`, line: 1, want: "an attribute name is empty"},
		{name: "empty nested name", file: "a.jsonl", content: `{"m": {"": 1}}`, line: 1, attr: "m", want: "an attribute name is empty"},
		{name: "empty ddb attribute name", file: "a.ddb.jsonl", content: `{"Item": {"": {"S": "x"}, "a": {"S": "y"}}}`, line: 1, want: "an attribute name is empty"},

		// DynamoDB JSON typing.
		{name: "ddb unknown type tag", file: "a.ddb.jsonl", content: `{"pk": {"STRING": "a"}}`, line: 1, attr: "pk", want: `unknown type tag "STRING"; expected one of S, N, B, BOOL, NULL, SS, NS, BS, L, M`},
		{name: "ddb lower-case tag", file: "a.ddb.jsonl", content: `{"pk": {"s": "a"}}`, line: 1, attr: "pk", want: `unknown type tag "s"`},
		{name: "ddb two tags", file: "a.ddb.jsonl", content: `{"pk": {"S": "a", "N": "1"}}`, line: 1, attr: "pk", want: "the typed value has 2 type tags (N, S); a value has exactly one"},
		{name: "ddb no tag", file: "a.ddb.jsonl", content: `{"pk": {}}`, line: 1, attr: "pk", want: "has no type tag"},
		{name: "ddb untyped value", file: "a.ddb.jsonl", content: `{"pk": "a"}`, line: 1, attr: "pk", want: `expected a typed value such as {"S": "text"} or {"N": "42"}, found a string`},
		{name: "ddb number not a string", file: "a.ddb.jsonl", content: `{"n": {"N": 42}}`, line: 1, attr: "n", want: `type N needs a number written as a string, such as "42", found a number`},
		{name: "ddb string not a string", file: "a.ddb.jsonl", content: `{"s": {"S": 1}}`, line: 1, attr: "s", want: "type S needs a string, found a number"},
		{name: "ddb bool as a string", file: "a.ddb.jsonl", content: `{"b": {"BOOL": "true"}}`, line: 1, attr: "b", want: "type BOOL needs true or false, found a string"},
		{name: "ddb null false", file: "a.ddb.jsonl", content: `{"z": {"NULL": false}}`, line: 1, attr: "z", want: `type NULL must be written {"NULL": true}, found false`},
		{name: "ddb list not an array", file: "a.ddb.jsonl", content: `{"l": {"L": {}}}`, line: 1, attr: "l", want: "type L needs an array of typed values, found an object"},
		{name: "ddb bad value inside map inside list", file: "a.ddb.jsonl", content: `{"l": {"L": [{"S": "ok"}, {"M": {"k": {"BOOL": 1}}}]}}`, line: 1, attr: "l", want: "in l[1].k: type BOOL needs true or false"},
		{name: "ddb set not an array", file: "a.ddb.jsonl", content: `{"ss": {"SS": "a"}}`, line: 1, attr: "ss", want: "type SS needs an array of strings, found a string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			content := tc.content
			switch {
			case strings.HasPrefix(content, "gzip:"):
				content = gzipped(t, strings.TrimPrefix(content, "gzip:"))
			case strings.HasPrefix(content, "trunc-gzip:"):
				z := gzipped(t, strings.TrimPrefix(content, "trunc-gzip:"))
				content = z[:len(z)*2/3]
			case strings.HasPrefix(content, "corrupt-gzip:"):
				z := []byte(gzipped(t, strings.TrimPrefix(content, "corrupt-gzip:")))
				z[len(z)-6] ^= 0xff // the CRC-32 in the trailer
				content = string(z)
			}
			spec := tc.spec
			spec.BaseDir = writeFiles(t, map[string]string{tc.file: content})
			spec.Patterns = []string{tc.file}
			_, err := readAll(spec)
			var ie *record.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T), want *record.InputError", err, err)
			}
			msg := err.Error()
			line := tc.line
			if line == -1 && ie.Pos.Line > 0 {
				line = ie.Pos.Line
			}
			if ie.Pos.File != tc.file || ie.Pos.Line != line || !strings.HasPrefix(msg, tc.file+":"+strconv.Itoa(line)) {
				t.Errorf("error %q at %+v, want it at %s:%d", msg, ie.Pos, tc.file, tc.line)
			}
			if ie.Attribute != tc.attr {
				t.Errorf("error %q names attribute %q, want %q", msg, ie.Attribute, tc.attr)
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q\nwant it to contain %q", msg, tc.want)
			}
		})
	}
}

func TestInlineErrors(t *testing.T) {
	t.Parallel()
	for inline, want := range map[string]string{
		"[]":                          "items:1: the JSON array is empty: no records",
		"[{\"a\": 1},\n\"b\"]":        "items:2: a record must be a JSON object, found a string",
		"[{\"a\": 1}, {\"a\": 1.2.3}": "items:1 (record 2): malformed JSON: expected ',' or '}' after the value of \"a\", found '.'",
	} {
		_, err := readAll(Spec{Inline: inline})
		var ie *record.InputError
		if !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("inline %q: error %v, want %q", inline, err, want)
		}
	}
}
