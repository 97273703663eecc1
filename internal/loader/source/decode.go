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
	fast      *fastPlain          // the fast path, made on first use
}

// decode converts raw, whose first byte is on line pos.Line, into a record. Every error is a
// *record.InputError; errors inside a multi-line record point at the line of the problem.
// malformed says raw is not JSON text at all (as opposed to JSON with a bad value).
func (d *recordDecoder) decode(raw []byte, pos record.Position) (rec record.Record, malformed bool, err error) {
	if off := invalidUTF8(raw); off >= 0 {
		return record.Record{}, false, inputError(lineAt(pos, raw, off), utf8Reason(raw[off]), nil)
	}
	if d.fast == nil {
		d.fast = &fastPlain{overrides: d.overrides}
	}
	var item record.Item
	var ok bool
	if d.typed {
		item, ok = d.fast.typedItem(raw)
	} else {
		item, ok = d.fast.item(raw)
	}
	if ok {
		return record.Record{Item: item, Pos: pos}, false, nil
	}
	// The full path: it accepts nothing the fast path refused without a reason to give.
	maxDepth := plainMaxDepth
	if d.typed {
		maxDepth = typedMaxDepth
	}
	v, err := parseJSON(raw, 0, maxDepth)
	if err != nil {
		var se *jsonSyntaxError
		if errors.As(err, &se) {
			return record.Record{}, true, inputError(lineAt(pos, raw, se.Offset), "malformed JSON: "+se.msg, nil)
		}
		var fe *fieldError
		if errors.As(err, &fe) {
			return record.Record{}, false, fe.toInputError(pos)
		}
		return record.Record{}, false, inputError(pos, err.Error(), err)
	}
	var fe *fieldError
	if d.typed {
		item, fe = typedItem(v)
	} else {
		item, fe = plainItem(v, d.overrides)
	}
	if fe != nil {
		return record.Record{}, false, fe.toInputError(pos)
	}
	return record.Record{Item: item, Pos: pos}, false, nil
}

// lineAt moves pos to the line of byte off of raw.
func lineAt(pos record.Position, raw []byte, off int) record.Position {
	off = max(0, min(off, len(raw)))
	pos.Line += bytes.Count(raw[:off], []byte{'\n'})
	return pos
}
