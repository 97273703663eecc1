package source

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// fastPlain decodes a plain-JSON record (item; DynamoDB JSON: typedItem, fasttyped.go)
// straight into attribute values, without the intermediate tree of parseJSON: reading was
// most of a load's CPU, and most of that was allocation. It only handles records the full
// path accepts, and gives the same item for them; on anything unusual (a bad number, a
// duplicate name, too deep, not an object) it gives up and the caller runs the full path,
// which finds the error and words it. Differential fuzz tests hold the two paths together.
//
// Memory: the record's text becomes one string and every string without escapes is a slice
// of it; value structs come from one block per type and record (record.Values).
type fastPlain struct {
	p         parser
	text      string
	overrides map[string]attrType
	names     map[string]string // interned attribute names: datasets repeat them

	elems  []types.AttributeValue // stack of list elements being built
	member []fastMember           // stack of map members being built

	vals record.Values
}

type fastMember struct {
	name string
	val  types.AttributeValue
}

const maxInternedNames = 4096

// start readies f for the record raw.
func (f *fastPlain) start(raw []byte, maxDepth int) {
	f.text = string(raw)
	f.p = parser{data: raw, maxDepth: maxDepth}
	f.vals.Start()
	f.p.skipSpace()
}

// item decodes raw (valid UTF-8) or reports ok=false.
func (f *fastPlain) item(raw []byte) (record.Item, bool) {
	f.start(raw, plainMaxDepth)
	if f.p.pos >= len(raw) || raw[f.p.pos] != '{' {
		return nil, false
	}
	item, ok := f.object(0, true)
	if !ok {
		return nil, false
	}
	f.p.skipSpace()
	if f.p.pos != len(raw) {
		return nil, false
	}
	return item, true
}

// object reads the object at p.pos into a map. top applies the type overrides, which only
// name top-level attributes.
func (f *fastPlain) object(depth int, top bool) (map[string]types.AttributeValue, bool) {
	if depth > plainMaxDepth {
		return nil, false
	}
	return f.members(func(name string) (types.AttributeValue, bool) {
		t, over := f.overrides[name]
		if !top || !over {
			return f.value(depth + 1)
		}
		raw, err := f.p.value(depth + 1)
		if err != nil {
			return nil, false
		}
		v, fe := convertAs(raw, t)
		return v, fe == nil
	})
}

// members reads the object at p.pos, each member's value with value, into a map. A name
// that is empty, too long or repeated is the full path's to report.
func (f *fastPlain) members(value func(name string) (types.AttributeValue, bool)) (map[string]types.AttributeValue, bool) {
	p := &f.p
	p.pos++ // '{'
	base := len(f.member)
	defer func() { f.member = f.member[:base] }()
	p.skipSpace()
	if f.at('}') {
		p.pos++
		return map[string]types.AttributeValue{}, true
	}
	for {
		if !f.at('"') {
			return nil, false
		}
		name, ok := f.name()
		if !ok || name == "" || len(name) > maxNameBytes || !f.colon() {
			return nil, false
		}
		v, ok := value(name)
		if !ok {
			return nil, false
		}
		f.member = append(f.member, fastMember{name, v})
		if more, ok := f.next('}'); !ok {
			return nil, false
		} else if !more {
			members := f.member[base:]
			m := make(map[string]types.AttributeValue, len(members))
			for _, e := range members {
				m[e.name] = e.val
			}
			return m, len(m) == len(members) // fewer: a repeated name
		}
	}
}

func (f *fastPlain) value(depth int) (types.AttributeValue, bool) {
	p := &f.p
	if p.pos >= len(p.data) {
		return nil, false
	}
	switch c := p.data[p.pos]; {
	case c == '"':
		s, ok := f.string()
		if !ok {
			return nil, false
		}
		v := f.vals.S.Next()
		v.Value = s
		return v, true
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.pos
		if p.scanNumber() != nil {
			return nil, false
		}
		c, err := ddbitem.CanonicalNumber(f.text[start:p.pos])
		if err != nil {
			return nil, false
		}
		v := f.vals.N.Next()
		v.Value = c
		return v, true
	case c == '{':
		m, ok := f.object(depth, false)
		if !ok {
			return nil, false
		}
		v := f.vals.M.Next()
		v.Value = m
		return v, true
	case c == '[':
		l, ok := f.array(depth)
		if !ok {
			return nil, false
		}
		v := f.vals.L.Next()
		v.Value = l
		return v, true
	case c == 't' || c == 'f':
		word := "true"
		if c == 'f' {
			word = "false"
		}
		if p.literal(word) != nil {
			return nil, false
		}
		v := f.vals.BOOL.Next()
		v.Value = c == 't'
		return v, true
	case c == 'n':
		if p.literal("null") != nil {
			return nil, false
		}
		v := f.vals.NULL.Next()
		v.Value = true
		return v, true
	}
	return nil, false
}

func (f *fastPlain) array(depth int) ([]types.AttributeValue, bool) {
	if depth > plainMaxDepth {
		return nil, false
	}
	return f.list(func() (types.AttributeValue, bool) { return f.value(depth + 1) })
}

// list reads the array at p.pos, each element with value.
func (f *fastPlain) list(value func() (types.AttributeValue, bool)) ([]types.AttributeValue, bool) {
	p := &f.p
	p.pos++ // '['
	base := len(f.elems)
	defer func() { f.elems = f.elems[:base] }()
	p.skipSpace()
	if f.at(']') {
		p.pos++
		return []types.AttributeValue{}, true
	}
	for {
		v, ok := value()
		if !ok {
			return nil, false
		}
		f.elems = append(f.elems, v)
		if more, ok := f.next(']'); !ok {
			return nil, false
		} else if !more {
			return append([]types.AttributeValue(nil), f.elems[base:]...), true
		}
	}
}

// at reports whether the byte at p.pos is c.
func (f *fastPlain) at(c byte) bool { return f.p.pos < len(f.p.data) && f.p.data[f.p.pos] == c }

// colon moves past the ':' after an object key, and the spaces around it.
func (f *fastPlain) colon() bool {
	f.p.skipSpace()
	if !f.at(':') {
		return false
	}
	f.p.pos++
	f.p.skipSpace()
	return true
}

// next moves past what follows an element of an object or array: a ',' (more is true) or
// the closing byte (more is false); anything else is not ok.
func (f *fastPlain) next(closing byte) (more, ok bool) {
	f.p.skipSpace()
	switch {
	case f.at(','):
		f.p.pos++
		f.p.skipSpace()
		return true, true
	case f.at(closing):
		f.p.pos++
		return false, true
	}
	return false, false
}

// string reads the string at p.pos as a slice of the record's text when it has no escapes;
// with escapes the parser decodes it into a new string.
func (f *fastPlain) string() (string, bool) {
	p := &f.p
	start := p.pos + 1
	for i := start; i < len(p.data); i++ {
		switch c := p.data[i]; {
		case c == '"':
			p.pos = i + 1
			return f.text[start:i], true
		case c == '\\':
			s, err := p.string()
			return s, err == nil
		case c < 0x20:
			return "", false
		}
	}
	return "", false
}

// name reads an object key, interned so that each record does not keep its own copy.
func (f *fastPlain) name() (string, bool) {
	p := &f.p
	start := p.pos + 1
	s, ok := f.string()
	if !ok {
		return "", false
	}
	if p.pos-1-start != len(s) {
		return s, true // it had escapes: rare, not worth interning
	}
	if n, ok := f.names[string(p.data[start:p.pos-1])]; ok {
		return n, true
	}
	if f.names == nil {
		f.names = map[string]string{}
	}
	if len(f.names) < maxInternedNames {
		n := string(p.data[start : p.pos-1]) // its own copy: the text may be large
		f.names[n] = n
		return n, true
	}
	return s, true
}
