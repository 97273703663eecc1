package source

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// typedItem is fastPlain's counterpart for DynamoDB JSON records ({"pk": {"S": "a"}}, or the
// S3-export line {"Item": {...}}): the same contract, the full path (typedItem in ddbjson.go)
// decides anything it does not take. It takes S, N, BOOL, NULL, L and M values; binaries and
// sets, rarer, go the full path.
func (f *fastPlain) typedItem(raw []byte) (record.Item, bool) {
	f.start(raw, typedMaxDepth)
	p := &f.p
	if p.pos >= len(raw) || raw[p.pos] != '{' {
		return nil, false
	}
	item, ok := f.exportItem()
	if !ok {
		p.pos = 0
		p.skipSpace()
		if item, ok = f.typedMap(1); !ok {
			return nil, false
		}
	}
	p.skipSpace()
	if p.pos != len(raw) {
		return nil, false
	}
	return item, true
}

// exportItem reads {"Item": {attributes}} when that is the whole record and cannot be read as
// a typed map whose only attribute is named Item (its one member a type tag), which the full
// path reads that way.
func (f *fastPlain) exportItem() (record.Item, bool) {
	p := &f.p
	p.pos++ // '{'
	p.skipSpace()
	if !f.at('"') {
		return nil, false
	}
	if key, ok := f.string(); !ok || key != "Item" || !f.colon() || !f.at('{') {
		return nil, false
	}
	item, ok := f.typedMap(1)
	if !ok || len(item) == 1 && isTypeTag(item) {
		return nil, false
	}
	p.skipSpace()
	if !f.at('}') {
		return nil, false
	}
	p.pos++
	return item, true
}

func isTypeTag(item record.Item) bool {
	for name := range item {
		_, ok := typeNames[name]
		return ok
	}
	return false
}

// typedMap reads an object of attributes, each a typed value at depth.
func (f *fastPlain) typedMap(depth int) (map[string]types.AttributeValue, bool) {
	return f.members(func(string) (types.AttributeValue, bool) { return f.typedValue(depth) })
}

// typedValue reads one {"TAG": value} object; depth is the attribute's (1 at the top).
func (f *fastPlain) typedValue(depth int) (types.AttributeValue, bool) {
	p := &f.p
	if !f.at('{') {
		return nil, false
	}
	p.pos++
	p.skipSpace()
	if !f.at('"') {
		return nil, false
	}
	tag, ok := f.string()
	if !ok || !f.colon() || p.pos >= len(p.data) {
		return nil, false
	}
	var v types.AttributeValue
	c := p.data[p.pos]
	switch {
	case tag == "S" && c == '"':
		s, ok := f.string()
		if !ok {
			return nil, false
		}
		m := f.vals.S.Next()
		m.Value, v = s, m
	case tag == "N" && c == '"':
		s, ok := f.string()
		if !ok {
			return nil, false
		}
		n, err := ddbitem.CanonicalNumber(s)
		if err != nil {
			return nil, false
		}
		m := f.vals.N.Next()
		m.Value, v = n, m
	case tag == "BOOL" && (c == 't' || c == 'f'):
		word := "false"
		if c == 't' {
			word = "true"
		}
		if p.literal(word) != nil {
			return nil, false
		}
		m := f.vals.BOOL.Next()
		m.Value, v = c == 't', m
	case tag == "NULL" && c == 't':
		if p.literal("true") != nil {
			return nil, false
		}
		m := f.vals.NULL.Next()
		m.Value, v = true, m
	case tag == "L" && c == '[' && depth <= ddbitem.MaxDepth:
		l, ok := f.list(func() (types.AttributeValue, bool) { return f.typedValue(depth + 1) })
		if !ok {
			return nil, false
		}
		m := f.vals.L.Next()
		m.Value, v = l, m
	case tag == "M" && c == '{' && depth <= ddbitem.MaxDepth:
		mm, ok := f.typedMap(depth + 1)
		if !ok {
			return nil, false
		}
		m := f.vals.M.Next()
		m.Value, v = mm, m
	default: // B, sets, unknown tags, values of the wrong kind: the full path
		return nil, false
	}
	p.skipSpace()
	if !f.at('}') {
		return nil, false // a second tag, or garbage
	}
	p.pos++
	return v, true
}
