package source

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// Format is a dataset file format.
type Format string

// The supported formats. The empty Format infers each file's format from its extension.
const (
	FormatJSON         Format = "json"          // one JSON array of plain-JSON objects
	FormatJSONLines    Format = "jsonl"         // one plain-JSON object per line
	FormatCSV          Format = "csv"           // a header row, then one item per row
	FormatDynamoDBJSON Format = "dynamodb_json" // typed values, as an array or one per line
)

// CSVOptions says how CSV cells become attribute values.
type CSVOptions struct {
	// Columns maps a column name to its type: S, N, B (base64), BOOL, NULL, SS, NS, BS, L or M
	// (L and M cells hold JSON). Columns not listed are S.
	Columns map[string]string
	// SetSeparator separates the members inside SS, NS and BS cells; "" means ";".
	SetSeparator string
	// KeepEmpty keeps empty S cells as empty strings; by default they are omitted from the
	// item. Empty cells of other types are always omitted.
	KeepEmpty bool
}

// Spec says where a dataset comes from and how to read it.
type Spec struct {
	// Patterns are file paths or filepath.Glob patterns, relative to BaseDir unless absolute,
	// or s3://bucket/key patterns read through Objects. They are expanded, de-duplicated and
	// sorted; a pattern that matches nothing is an error.
	Patterns []string
	// BaseDir is the directory relative patterns start from; "" is the working directory.
	BaseDir string
	// Format applies to every file; "" infers it per file from the extension (after ".gz"):
	// .json, .jsonl/.ndjson, .csv, .ddb.json/.ddbjson/.ddb.jsonl.
	Format Format
	// Inline is a JSON array of plain-JSON items, used instead of Patterns.
	Inline string
	// CSV configures CSV files.
	CSV CSVOptions
	// AttributeTypes overrides the type of top-level attributes of plain JSON records (json,
	// jsonl, inline): for example a JSON array of strings as SS, a base64 string as B, the
	// string "12.50" as N. A JSON null stays NULL whatever the override.
	AttributeTypes map[string]string
	// Objects reads the patterns of the form s3://bucket/key (S3Scheme); nil refuses them.
	Objects ObjectStore `json:"-"`
}

// SpecError is a problem with the Spec itself rather than with the data: a bad format or type
// name, a pattern that matches nothing, a file whose format cannot be inferred.
type SpecError struct {
	Field  string // the Spec field at fault, e.g. "Patterns", "Format", "CSV.Columns"
	Key    string // the pattern, file or map key concerned; empty when the whole field is
	Reason string
	Err    error // the underlying cause, if any
}

func (e *SpecError) Error() string {
	var b strings.Builder
	b.WriteString(e.Field)
	if e.Key != "" {
		fmt.Fprintf(&b, " %q", e.Key)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	if e.Err != nil && !strings.Contains(e.Reason, e.Err.Error()) {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *SpecError) Unwrap() error { return e.Err }

// attrType is a DynamoDB attribute type named in a Spec.
type attrType uint8

const (
	typeS attrType = iota + 1
	typeN
	typeB
	typeBOOL
	typeNULL
	typeSS
	typeNS
	typeBS
	typeL
	typeM
)

var typeNames = map[string]attrType{
	"S": typeS, "N": typeN, "B": typeB, "BOOL": typeBOOL, "NULL": typeNULL,
	"SS": typeSS, "NS": typeNS, "BS": typeBS, "L": typeL, "M": typeM,
}

const typeList = "S, N, B, BOOL, NULL, SS, NS, BS, L, M"

func (t attrType) String() string {
	for name, v := range typeNames {
		if v == t {
			return name
		}
	}
	return "?"
}

// parseType reads a type name; case does not matter, since people write "ss" as often as "SS".
func parseType(name string) (attrType, bool) {
	t, ok := typeNames[strings.ToUpper(strings.TrimSpace(name))]
	return t, ok
}

// options is a Spec compiled for the readers.
type options struct {
	overrides  map[string]attrType
	csvColumns map[string]attrType
	setSep     string
	keepEmpty  bool
	buffer     int // bytes of each read buffer; 0 is bufferSize
}

func (o *options) bufferSize() int {
	if o.buffer > 0 {
		return o.buffer
	}
	return bufferSize
}

// keepBytes is the longest record whose buffers a reader keeps between records: a striped
// reading, with a reader per stripe, keeps less than one reader alone does.
func (o *options) keepBytes() int { return min(keepLineBytes, 2*o.bufferSize()) }

// Check reports the first problem with the Spec's settings, without reading any file: exactly
// one of Patterns and Inline, known format and type names, well-formed patterns. (Validating
// is the loader's pass over the data; checking is of settings.)
func (s Spec) Check() error {
	_, err := compile(&s)
	return err
}

func compile(spec *Spec) (*options, error) {
	switch {
	case len(spec.Patterns) > 0 && spec.Inline != "":
		return nil, &SpecError{Field: "Inline", Reason: "inline items and file patterns cannot be used together; set one of them"}
	case len(spec.Patterns) == 0 && spec.Inline == "":
		return nil, &SpecError{Field: "Patterns", Reason: "no data: set file patterns or inline items"}
	}
	for _, p := range spec.Patterns {
		if strings.TrimSpace(p) == "" {
			return nil, &SpecError{Field: "Patterns", Reason: "a pattern is empty"}
		}
		if _, err := filepath.Match(p, ""); err != nil {
			return nil, &SpecError{Field: "Patterns", Key: p, Reason: "is not a valid glob pattern", Err: err}
		}
	}
	switch spec.Format {
	case "", FormatJSON, FormatJSONLines, FormatCSV, FormatDynamoDBJSON:
	default:
		return nil, &SpecError{Field: "Format", Key: string(spec.Format), Reason: "unknown format; use json, jsonl, csv or dynamodb_json, or leave it empty to infer it from each file's extension"}
	}
	if spec.Inline != "" && (spec.Format == FormatCSV || spec.Format == FormatJSONLines) {
		return nil, &SpecError{Field: "Format", Key: string(spec.Format), Reason: "inline items are a JSON array; use format json or dynamodb_json with them, or leave format empty"}
	}
	o := &options{setSep: spec.CSV.SetSeparator, keepEmpty: spec.CSV.KeepEmpty}
	if o.setSep == "" {
		o.setSep = ";"
	}
	var err error
	if o.overrides, err = compileTypes("AttributeTypes", "attribute", spec.AttributeTypes); err != nil {
		return nil, err
	}
	if o.csvColumns, err = compileTypes("CSV.Columns", "column", spec.CSV.Columns); err != nil {
		return nil, err
	}
	return o, nil
}

func compileTypes(field, what string, in map[string]string) (map[string]attrType, error) {
	out := make(map[string]attrType, len(in))
	// Sorted so that the same Spec always reports the same error first.
	names := make([]string, 0, len(in))
	for name := range in {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if name == "" {
			return nil, &SpecError{Field: field, Reason: "a " + what + " name is empty"}
		}
		t, ok := parseType(in[name])
		if !ok {
			return nil, &SpecError{Field: field, Key: name, Reason: fmt.Sprintf("unknown type %q; use one of %s", in[name], typeList)}
		}
		out[name] = t
	}
	return out, nil
}
