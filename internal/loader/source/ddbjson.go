package source

import (
	"bytes"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// typedItem reads a DynamoDB JSON record: either the S3-export line shape
// {"Item": {"pk": {"S": "a"}}} or a plain typed map {"pk": {"S": "a"}}. A typed map whose only
// attribute is named Item ({"Item": {"S": "x"}}) has a single type tag whose value fits the
// tag, and keeps that meaning.
func (r *jsonReader) typedItem() (record.Item, error) {
	if k := r.kind(); k != '{' {
		if err := r.skip(); err != nil {
			return nil, err
		}
		if err := r.end(); err != nil {
			return nil, err
		}
		return nil, newFieldError(nil, `a record must be a JSON object such as {"pk": {"S": "a"}}, found %s`, kindName(k))
	}
	if err := r.open(); err != nil {
		return nil, err
	}
	base := len(r.member)
	defer func() { r.member = r.member[:base] }()
	var first *fieldError
	// The export shape holds while the record's only member is Item: its value is read as the
	// attributes, and read again as a typed value if a second member turns up.
	var export map[string]types.AttributeValue
	var exportErr *fieldError
	exportFrom, exportTo := -1, -1
	for n := 0; r.more(); n++ {
		if n == 1 && exportFrom >= 0 {
			// Item is an attribute after all; its value, not one type tag, fails as a typed value.
			v, err := r.again(exportFrom, exportTo).typedValue(1)
			if err != nil {
				if err := note(&first, atKey(err, "Item")); err != nil {
					return nil, err
				}
			} else {
				r.member = append(r.member, member{"Item", v})
			}
			exportFrom = -1
		}
		name, err := r.name()
		if err != nil {
			return nil, err
		}
		if fe := checkName(name); fe != nil && first == nil {
			first = fe
		}
		if n == 0 && name == "Item" && r.kind() == '{' {
			if from := r.valueStart(); !r.oneTag(from) {
				export, err = r.typedMap(1)
				if err := note(&exportErr, err); err != nil {
					return nil, atKey(err, name)
				}
				exportFrom, exportTo = from, int(r.dec.InputOffset())
				continue
			}
		}
		v, err := r.typedValue(1)
		if err != nil {
			if err := note(&first, atKey(err, name)); err != nil {
				return nil, err
			}
			continue
		}
		r.member = append(r.member, member{name, v})
	}
	if _, err := r.token(); err != nil {
		return nil, err
	}
	if err := r.end(); err != nil {
		return nil, err
	}
	switch {
	case exportFrom >= 0 && exportErr != nil:
		return nil, exportErr
	case exportFrom >= 0:
		return export, nil
	case first != nil:
		return nil, first
	}
	members := r.member[base:]
	item := make(record.Item, len(members))
	for _, e := range members {
		item[e.name] = e.val
	}
	return item, nil
}

// typedMap reads an object of attributes, each a typed value at depth.
func (r *jsonReader) typedMap(depth int) (map[string]types.AttributeValue, error) {
	return r.members(func(string) (types.AttributeValue, error) { return r.typedValue(depth) })
}

// typedValue reads one {"TAG": value} object. depth is the attribute depth (1 at the top);
// lists and maps deeper than ddbitem.MaxDepth are rejected.
func (r *jsonReader) typedValue(depth int) (types.AttributeValue, error) {
	if k := r.kind(); k != '{' {
		if err := r.skip(); err != nil {
			return nil, err
		}
		return nil, newFieldError(nil, `expected a typed value such as {"S": "text"} or {"N": "42"}, found %s`, kindName(k))
	}
	if err := r.open(); err != nil {
		return nil, err
	}
	if !r.more() {
		if _, err := r.token(); err != nil {
			return nil, err
		}
		return nil, newFieldError(nil, `the typed value {} has no type tag; expected exactly one of %s`, typeList)
	}
	tag, t, err := r.tag()
	if err != nil {
		return nil, err
	}
	v, err := r.tagged(tag, t, depth)
	if err != nil {
		if err := final(err); err != nil {
			return nil, atKey(err, tag)
		}
	}
	if r.more() {
		tags := []string{tag}
		for r.more() {
			tag, _, err := r.tag()
			if err != nil {
				return nil, err
			}
			if err := r.skip(); err != nil {
				return nil, atKey(err, tag)
			}
			tags = append(tags, tag)
		}
		if _, err := r.token(); err != nil {
			return nil, err
		}
		sort.Strings(tags)
		return nil, newFieldError(nil, "the typed value has %d type tags (%s); a value has exactly one", len(tags), strings.Join(tags, ", "))
	}
	if _, err := r.token(); err != nil {
		return nil, err
	}
	return v, err
}

// tagged reads the value of the type tag tag, which is t (0: not a type tag).
func (r *jsonReader) tagged(tag string, t attrType, depth int) (types.AttributeValue, error) {
	k := r.kind()
	fail := func(fe *fieldError) error { // after reading the value to its end
		if err := r.skip(); err != nil {
			return err
		}
		return fe
	}
	wrong := func(want string) error {
		return fail(newFieldError(nil, "type %s needs %s, found %s", tag, want, kindName(k)))
	}
	if t == 0 {
		return nil, fail(newFieldError(nil, "unknown type tag %q; expected one of %s (upper case)", truncate(tag, 20), typeList))
	}
	switch t {
	case typeS:
		if k != '"' {
			return nil, wrong("a string")
		}
		return r.plainValue()
	case typeN:
		if k != '"' {
			return nil, wrong(`a number written as a string, such as "42"`)
		}
		s, err := r.string()
		if err != nil {
			return nil, err
		}
		return r.numberValue(s)
	case typeB:
		if k != '"' {
			return nil, wrong("a base64 string")
		}
		s, err := r.string()
		if err != nil {
			return nil, err
		}
		b, fe := decodeBase64(s)
		if fe != nil {
			return nil, fe
		}
		return &types.AttributeValueMemberB{Value: b}, nil
	case typeBOOL:
		if k != 't' && k != 'f' {
			return nil, wrong("true or false")
		}
		return r.plainValue()
	case typeNULL:
		switch k {
		case 't':
			if _, err := r.token(); err != nil {
				return nil, err
			}
			v := r.vals.NULL.Next()
			v.Value = true
			return v, nil
		case 'f':
			return nil, fail(newFieldError(nil, `type NULL must be written {"NULL": true}, found false`))
		}
		return nil, fail(newFieldError(nil, `type NULL must be written {"NULL": true}, found %s`, kindName(k)))
	case typeSS, typeNS, typeBS:
		if k != '[' {
			return nil, fail(newFieldError(nil, "type %s needs an array of %ss, found %s", t, memberKind(t), kindName(k)))
		}
		return r.typedSet(t)
	case typeL:
		if k != '[' {
			return nil, wrong("an array of typed values")
		}
		if depth > ddbitem.MaxDepth {
			return nil, fail(errTooDeep())
		}
		l, err := r.list(func() (types.AttributeValue, error) { return r.typedValue(depth + 1) })
		if err != nil {
			return nil, err
		}
		v := r.vals.L.Next()
		v.Value = l
		return v, nil
	default: // typeM
		if k != '{' {
			return nil, wrong("an object of typed values")
		}
		if depth > ddbitem.MaxDepth {
			return nil, fail(errTooDeep())
		}
		m, err := r.typedMap(depth + 1)
		if err != nil {
			return nil, err
		}
		v := r.vals.M.Next()
		v.Value = m
		return v, nil
	}
}

// typedSet reads the members of {"SS": [...]}, {"NS": [...]} or {"BS": [...]}: every member is a
// string.
func (r *jsonReader) typedSet(t attrType) (types.AttributeValue, error) {
	if err := r.open(); err != nil {
		return nil, err
	}
	var members []string
	var first *fieldError
	for i := 0; r.more(); i++ {
		var err error
		if k := r.kind(); k == '"' {
			var s string
			if s, err = r.string(); err == nil {
				members = append(members, s)
			}
		} else if err = r.skip(); err == nil {
			hint := ""
			if k == '0' && t == typeNS {
				hint = ` (write numbers as strings, such as "42")`
			}
			err = newFieldError(nil, "type %s needs string members, found %s%s", t, kindName(k), hint)
		}
		if err != nil {
			if err := note(&first, atIndex(err, i)); err != nil {
				return nil, err
			}
		}
	}
	if _, err := r.token(); err != nil {
		return nil, err
	}
	if first != nil {
		return nil, first
	}
	v, fe := buildSet(t, members)
	if fe != nil {
		return nil, fe
	}
	return v, nil
}

// tag reads the name of a typed value's member, a type tag. Every value of DynamoDB JSON has
// one, so the common tags are found without a map; t is 0 for a name that is no type tag.
func (r *jsonReader) tag() (tag string, t attrType, err error) {
	v, err := r.dec.ReadValue()
	if err != nil {
		return "", 0, r.syntax(err)
	}
	if bytes.IndexByte(v, '\\') >= 0 {
		tag = unquote(v)
		return tag, typeNames[tag], nil
	}
	switch string(v[1 : len(v)-1]) {
	case "S":
		return "S", typeS, nil
	case "N":
		return "N", typeN, nil
	case "M":
		return "M", typeM, nil
	case "L":
		return "L", typeL, nil
	case "BOOL":
		return "BOOL", typeBOOL, nil
	case "NULL":
		return "NULL", typeNULL, nil
	}
	end := int(r.dec.InputOffset())
	tag = r.text[end-len(v)+1 : end-1]
	return tag, typeNames[tag], nil
}

// valueStart returns the offset of the value after the member name just read.
func (r *jsonReader) valueStart() int {
	return spaceEnd(r.raw, spaceEnd(r.raw, int(r.dec.InputOffset()))+1) // past the ':'
}

// oneTag reports whether the object at offset from is a single type tag whose value is of the
// kind the tag takes, such as {"S": "x"}. It looks ahead with a second decoder, which for an
// export line stops at the first name: attributes are rarely named like type tags.
func (r *jsonReader) oneTag(from int) bool {
	a := r.again(from, len(r.raw))
	if _, err := a.dec.ReadToken(); err != nil {
		return false
	}
	_, t, err := a.tag()
	if err != nil || t == 0 {
		return false
	}
	var fits bool
	switch k := a.kind(); t {
	case typeS, typeN, typeB:
		fits = k == '"'
	case typeBOOL, typeNULL:
		fits = k == 't' || k == 'f'
	case typeSS, typeNS, typeBS, typeL:
		fits = k == '['
	case typeM:
		fits = k == '{'
	}
	return fits && a.dec.SkipValue() == nil && a.kind() == jsontext.KindEndObject
}

// again returns a second reader over the text from from to to, which is at depth 1.
func (r *jsonReader) again(from, to int) *jsonReader {
	if r.ahead == nil {
		r.ahead = &jsonReader{}
	}
	r.ahead.start(r.raw[from:to], r.text[from:to], 1, typedMaxDepth)
	return r.ahead
}
