package source

import (
	"bytes"
	"errors"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// recordDecoder turns the raw JSON text of one record into an item, for every JSON-based
// format: array elements, JSON Lines lines and inline items, plain or DynamoDB JSON.
type recordDecoder struct {
	typed     bool                // DynamoDB JSON rather than plain JSON
	overrides map[string]attrType // plain JSON only
	keep      int                 // options.keepBytes; 0: keepLineBytes
	r         jsonReader
}

// keepBytes is the longest record whose buffers the decoder, and its lines reader, keep for
// the next record.
func (d *recordDecoder) keepBytes() int {
	if d.keep > 0 {
		return d.keep
	}
	return keepLineBytes
}

// decode converts raw, whose first byte is on line pos.Line, into a record. Every error is a
// *record.InputError; errors inside a multi-line record point at the line of the problem.
// malformed says raw is not JSON text at all (as opposed to JSON with a bad value).
func (d *recordDecoder) decode(raw []byte, pos record.Position) (rec record.Record, malformed bool, err error) {
	if off := invalidUTF8(raw); off >= 0 {
		return record.Record{}, false, inputError(lineAt(pos, raw, off), utf8Reason(raw[off]), nil)
	}
	var item record.Item
	if d.typed {
		d.r.start(raw, string(raw), 0, typedMaxDepth)
		item, err = d.r.typedItem()
	} else {
		d.r.start(raw, string(raw), 0, plainMaxDepth)
		item, err = d.r.plainItem(d.overrides)
	}
	if len(raw) > d.keepBytes() {
		d.r.release()
	}
	if err == nil {
		return record.Record{Item: item, Pos: pos, Bytes: len(raw)}, false, nil
	}
	var se *jsonSyntaxError
	var fe *fieldError
	switch {
	case errors.As(err, &se):
		return record.Record{}, true, inputError(lineAt(pos, raw, se.Offset), "malformed JSON: "+se.msg, nil)
	case errors.As(err, &fe):
		return record.Record{}, false, fe.toInputError(pos)
	}
	return record.Record{}, false, inputError(pos, err.Error(), err)
}

// lineAt moves pos to the line of byte off of raw.
func lineAt(pos record.Position, raw []byte, off int) record.Position {
	off = max(0, min(off, len(raw)))
	pos.Line += bytes.Count(raw[:off], []byte{'\n'})
	return pos
}

// DecodeItem decodes one item in DynamoDB JSON ({"name": {"S": "..."}, ...}, or the export
// shape {"Item": {...}}), as a line of a DynamoDB JSON file reads.
func DecodeItem(raw []byte) (record.Item, error) {
	d := recordDecoder{typed: true}
	rec, _, err := d.decode(raw, record.Position{File: "item", Line: 1})
	return rec.Item, err
}
