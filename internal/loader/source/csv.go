package source

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// csvReader reads a header row, then one item per row. Cells are typed by CSVOptions.Columns.
type csvReader struct {
	in   *input
	r    *csv.Reader
	o    *options
	cols []csvColumn // nil until the header is read
	n    int         // data rows returned so far
	line int         // line where the last row read (header included) starts
	err  error       // sticky
	json jsonReader  // for L and M cells
}

type csvColumn struct {
	name string
	typ  attrType
}

func newCSVReader(in *input, br *bufio.Reader, o *options) *csvReader {
	r := csv.NewReader(br)
	r.ReuseRecord = true // cells are copied into attribute values, never kept
	return &csvReader{in: in, r: r, o: o}
}

func (c *csvReader) fail(err error) (record.Record, error) {
	c.err = err
	return record.Record{}, err
}

func (c *csvReader) next() (record.Record, error) {
	if c.err != nil {
		return record.Record{}, c.err
	}
	if c.cols == nil {
		if err := c.readHeader(); err != nil {
			return c.fail(err)
		}
	}
	row, err := c.r.Read()
	pos := record.Position{File: c.in.name, Record: c.n + 1}
	var pe *csv.ParseError
	switch {
	case errors.Is(err, io.EOF):
		if c.in.err != nil {
			pos.Line = c.line + 1 // FieldPos is not defined after a failed read
			return c.fail(c.in.readError(pos, c.in.err))
		}
		if c.n == 0 {
			return c.fail(inputError(record.Position{File: c.in.name, Line: 1}, "the file has a header but no data rows: no records", nil))
		}
		return c.fail(io.EOF)
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount):
		// The row itself was read completely; the rows after it are still good.
		c.n++
		c.line = pe.StartLine
		pos.Line = c.line
		return record.Record{}, inputError(pos, fmt.Sprintf("the row has %d fields but the header has %d columns; quote cells that contain the delimiter", len(row), len(c.cols)), nil)
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrBareQuote):
		// A quote inside an unquoted cell: the row's line was read to its end, so the rows
		// after it are still good.
		c.n++
		c.line = pe.StartLine
		pos.Line = pe.Line
		return record.Record{}, inputError(pos, "malformed CSV: "+pe.Err.Error()+"; quote the cell and double the quotes inside it", pe.Err)
	case errors.As(err, &pe):
		// A quoted cell that does not end well: where the row ends is unknown, so stop.
		pos.Line = pe.Line
		return c.fail(inputError(pos, "malformed CSV: "+pe.Err.Error(), pe.Err))
	case err != nil:
		pos.Line = c.line + 1
		return c.fail(c.in.readError(pos, err))
	}
	c.n++
	c.line, _ = c.r.FieldPos(0) // a successful Read has at least one field
	pos.Line = c.line
	item := make(record.Item, len(row))
	size := 0
	for i, cell := range row {
		size += len(cell)
		col := c.cols[i]
		av, fe := c.cell(col.typ, cell)
		if fe != nil {
			return record.Record{}, fe.inKey(col.name).toInputError(pos)
		}
		if av != nil {
			item[col.name] = av
		}
	}
	return record.Record{Item: item, Pos: pos, Bytes: size}, nil
}

func (c *csvReader) readHeader() error {
	header, err := c.r.Read()
	pos := record.Position{File: c.in.name, Line: 1}
	var pe *csv.ParseError
	switch {
	case errors.Is(err, io.EOF):
		if c.in.err != nil {
			return c.in.readError(pos, c.in.err)
		}
		return inputError(pos, "the file is empty (no header row): no records", nil)
	case errors.As(err, &pe):
		pos.Line = pe.Line
		return inputError(pos, "malformed CSV header: "+pe.Err.Error(), pe.Err)
	case err != nil:
		return c.in.readError(pos, err)
	}
	c.line, _ = c.r.FieldPos(0)
	pos.Line = c.line
	cols := make([]csvColumn, len(header))
	index := make(map[string]int, len(header))
	for i, name := range header {
		switch {
		case !utf8.ValidString(name):
			return inputError(pos, fmt.Sprintf("header column %d is not valid UTF-8; the file must be UTF-8 encoded", i+1), nil)
		case strings.TrimSpace(name) == "":
			return inputError(pos, fmt.Sprintf("header column %d has no name; every column needs one", i+1), nil)
		}
		if first, dup := index[name]; dup {
			return inputError(pos, fmt.Sprintf("header column %q appears twice (columns %d and %d); column names must be unique", name, first+1, i+1), nil)
		}
		index[name] = i
		typ, ok := c.o.csvColumns[name]
		if !ok {
			typ = typeS
		}
		cols[i] = csvColumn{name: name, typ: typ}
	}
	c.cols = cols
	return nil
}

// cell converts one cell; a nil value means the cell is omitted from the item.
func (c *csvReader) cell(t attrType, cell string) (types.AttributeValue, *fieldError) {
	if !utf8.ValidString(cell) {
		return nil, newFieldError(nil, "the cell is not valid UTF-8 (byte 0x%02x); the file must be UTF-8 encoded", cell[invalidUTF8([]byte(cell))])
	}
	if t == typeS {
		if cell == "" && !c.o.keepEmpty {
			return nil, nil
		}
		return &types.AttributeValueMemberS{Value: cell}, nil
	}
	v := strings.TrimSpace(cell)
	if v == "" {
		return nil, nil
	}
	switch t {
	case typeN:
		return number(v)
	case typeB:
		b, fe := decodeBase64(v)
		if fe != nil {
			return nil, fe
		}
		return &types.AttributeValueMemberB{Value: b}, nil
	case typeBOOL:
		b, ok := parseBool(v)
		if !ok {
			return nil, newFieldError(nil, "a BOOL cell must be true or false, found %q", truncate(v, 40))
		}
		return &types.AttributeValueMemberBOOL{Value: b}, nil
	case typeNULL:
		if strings.EqualFold(v, "true") || strings.EqualFold(v, "null") {
			return &types.AttributeValueMemberNULL{Value: true}, nil
		}
		return nil, newFieldError(nil, "a NULL cell must be true or null (or empty to omit the attribute), found %q", truncate(v, 40))
	case typeSS, typeNS, typeBS:
		return c.set(t, cell)
	default: // typeL, typeM
		return c.jsonCell(t, v)
	}
}

// set splits a set cell. An empty member is refused: in a cell it is almost always a stray
// separator rather than a deliberate empty string.
func (c *csvReader) set(t attrType, cell string) (types.AttributeValue, *fieldError) {
	members := strings.Split(cell, c.o.setSep)
	for i, m := range members {
		if t != typeSS {
			m = strings.TrimSpace(m)
			members[i] = m
		}
		if m == "" {
			return nil, newFieldError(nil, "set member %d is empty; remove the stray %q separator", i+1, c.o.setSep)
		}
	}
	return buildSet(t, members)
}

// jsonCell reads an L or M cell as plain JSON; the cell is one attribute, so its lists and
// maps start at depth 1.
func (c *csvReader) jsonCell(t attrType, v string) (types.AttributeValue, *fieldError) {
	r := &c.json
	r.start([]byte(v), v, 1, plainMaxDepth)
	want := jsontext.Kind('[')
	if t == typeM {
		want = '{'
	}
	k := r.kind()
	var av types.AttributeValue
	var err error
	if k == want {
		av, err = r.plainValue()
	} else {
		err = r.skip()
	}
	if err := final(err); err != nil {
		return nil, cellError(t, err)
	}
	if err := r.end(); err != nil {
		return nil, cellError(t, err)
	}
	if k != want {
		return nil, newFieldError(nil, "an %s cell must hold %s in JSON, found %s", t, kindName(want), kindName(k))
	}
	if err != nil {
		return nil, cellError(t, err)
	}
	return av, nil
}

// cellError is the error of a JSON cell: a *fieldError as it is, malformed JSON in a sentence.
func cellError(t attrType, err error) *fieldError {
	var fe *fieldError
	if errors.As(err, &fe) {
		return fe
	}
	return newFieldError(nil, "an %s cell must hold JSON: malformed JSON: %s", t, err.Error())
}

// checkCSVColumns reports a typed column that is in no CSV file's header, which is almost
// always a typo that would otherwise silently load the column as strings. A column missing
// from some files is fine: one dataset can hold files of different entity types.
func checkCSVColumns(files []dataFile, o *options) error {
	if len(o.csvColumns) == 0 {
		return nil
	}
	seen := make(map[string]bool)
	anyCSV := false
	for _, f := range files {
		if f.format != FormatCSV {
			continue
		}
		anyCSV = true
		for _, name := range csvHeader(f, o) {
			seen[name] = true
		}
	}
	if !anyCSV {
		return nil
	}
	var missing []string
	for name := range o.csvColumns {
		if !seen[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	return &SpecError{Field: "CSV.Columns", Key: missing[0], Reason: "is not a column of any CSV file's header; check its spelling"}
}

// csvHeader reads a file's header row. Errors are ignored here: reading the file reports them
// with their positions.
func csvHeader(f dataFile, o *options) []string {
	file, err := f.open(0, -1)
	if err != nil {
		return nil
	}
	defer file.Close()
	fr, err := newFileReader(f.name, file, f.format, o, nil, false)
	if err != nil {
		return nil
	}
	c, ok := fr.(*csvReader)
	if !ok || c.readHeader() != nil {
		return nil
	}
	names := make([]string, len(c.cols))
	for i, col := range c.cols {
		names[i] = col.name
	}
	return names
}
