package source

import (
	"encoding/base64"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// maxNameBytes is DynamoDB's limit on an attribute name (and on a map key).
const maxNameBytes = 65535

// plainItem reads a plain-JSON record. overrides give some top-level attributes a type JSON
// cannot express (sets, binary, numbers written as strings).
func (r *jsonReader) plainItem(overrides map[string]attrType) (record.Item, error) {
	if k := r.kind(); k != '{' {
		if err := r.skip(); err != nil {
			return nil, err
		}
		if err := r.end(); err != nil {
			return nil, err
		}
		return nil, newFieldError(nil, "a record must be a JSON object, found %s", kindName(k))
	}
	item, err := r.plainObject(overrides)
	if err := final(err); err != nil {
		return nil, err
	}
	if err := r.end(); err != nil {
		return nil, err
	}
	return item, err
}

// plainValue maps JSON types onto DynamoDB types: string S, number N (exact), boolean BOOL,
// null NULL, array L, object M.
func (r *jsonReader) plainValue() (types.AttributeValue, error) {
	switch r.kind() {
	case '"':
		s, err := r.string()
		if err != nil {
			return nil, err
		}
		v := r.vals.S.Next()
		v.Value = s
		return v, nil
	case '0':
		s, err := r.numberText()
		if err != nil {
			return nil, err
		}
		return r.numberValue(s)
	case 't', 'f':
		t, err := r.token()
		if err != nil {
			return nil, err
		}
		v := r.vals.BOOL.Next()
		v.Value = t.Kind() == 't'
		return v, nil
	case 'n':
		if _, err := r.token(); err != nil {
			return nil, err
		}
		v := r.vals.NULL.Next()
		v.Value = true
		return v, nil
	case '[':
		l, err := r.list(r.plainValue)
		if err != nil {
			return nil, err
		}
		v := r.vals.L.Next()
		v.Value = l
		return v, nil
	case '{':
		m, err := r.plainObject(nil)
		if err != nil {
			return nil, err
		}
		v := r.vals.M.Next()
		v.Value = m
		return v, nil
	}
	_, err := r.token() // malformed: the read words it
	return nil, err
}

// plainObject reads an object into a map; overrides name the types of some members.
func (r *jsonReader) plainObject(overrides map[string]attrType) (map[string]types.AttributeValue, error) {
	return r.members(func(name string) (types.AttributeValue, error) {
		if t, ok := overrides[name]; ok {
			return r.plainAs(t)
		}
		return r.plainValue()
	})
}

// members reads the object at hand, each member's value with value, into a map. Names must be
// valid DynamoDB names.
func (r *jsonReader) members(value func(name string) (types.AttributeValue, error)) (map[string]types.AttributeValue, error) {
	if err := r.open(); err != nil {
		return nil, err
	}
	base := len(r.member)
	defer func() { r.member = r.member[:base] }()
	var first *fieldError
	for r.more() {
		name, err := r.name()
		if err != nil {
			return nil, err
		}
		if fe := checkName(name); fe != nil && first == nil {
			first = fe
		}
		v, err := value(name)
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
	if first != nil {
		return nil, first
	}
	members := r.member[base:]
	m := make(map[string]types.AttributeValue, len(members))
	for _, e := range members {
		m[e.name] = e.val
	}
	return m, nil
}

// list reads the array at hand, each element with value.
func (r *jsonReader) list(value func() (types.AttributeValue, error)) ([]types.AttributeValue, error) {
	if err := r.open(); err != nil {
		return nil, err
	}
	base := len(r.elems)
	defer func() { r.elems = r.elems[:base] }()
	var first *fieldError
	for i := 0; r.more(); i++ {
		v, err := value()
		if err != nil {
			if err := note(&first, atIndex(err, i)); err != nil {
				return nil, err
			}
			continue
		}
		r.elems = append(r.elems, v)
	}
	if _, err := r.token(); err != nil {
		return nil, err
	}
	if first != nil {
		return nil, first
	}
	return append(make([]types.AttributeValue, 0, len(r.elems)-base), r.elems[base:]...), nil // [] stays an empty list, not nil
}

func (r *jsonReader) numberValue(s string) (types.AttributeValue, error) {
	c, err := ddbitem.CanonicalNumber(s)
	if err != nil {
		return nil, newFieldError(err, "%s", err.Error())
	}
	v := r.vals.N.Next()
	v.Value = c
	return v, nil
}

// plainAs reads a plain-JSON value as the type an override names. null stays NULL: a missing
// optional value should not fail the load.
func (r *jsonReader) plainAs(t attrType) (types.AttributeValue, error) {
	k := r.kind()
	cannot := func() (types.AttributeValue, error) {
		if err := r.skip(); err != nil {
			return nil, err
		}
		return nil, newFieldError(nil, "cannot convert %s to type %s", kindName(k), t)
	}
	if k == 'n' {
		return r.plainValue()
	}
	switch t {
	case typeS:
		if k == '"' {
			return r.plainValue()
		}
		if k == '0' {
			s, err := r.numberText()
			if err != nil {
				return nil, err
			}
			return &types.AttributeValueMemberS{Value: s}, nil
		}
	case typeN:
		if k == '"' || k == '0' {
			s, err := r.scalarText(k)
			if err != nil {
				return nil, err
			}
			return r.numberValue(s)
		}
	case typeB:
		if k == '"' {
			s, err := r.string()
			if err != nil {
				return nil, err
			}
			b, fe := decodeBase64(s)
			if fe != nil {
				return nil, fe
			}
			return &types.AttributeValueMemberB{Value: b}, nil
		}
	case typeBOOL:
		if k == 't' || k == 'f' {
			return r.plainValue()
		}
		if k == '"' {
			s, err := r.string()
			if err != nil {
				return nil, err
			}
			if b, ok := parseBool(s); ok {
				return &types.AttributeValueMemberBOOL{Value: b}, nil
			}
			return nil, newFieldError(nil, "type BOOL needs true or false, found %q", truncate(s, 40))
		}
	case typeNULL:
		if err := r.skip(); err != nil {
			return nil, err
		}
		return nil, newFieldError(nil, "type NULL only accepts null, found %s", kindName(k))
	case typeSS, typeNS, typeBS:
		if k == '[' {
			return r.plainSet(t)
		}
		if err := r.skip(); err != nil {
			return nil, err
		}
		return nil, newFieldError(nil, "type %s needs a JSON array of members, found %s", t, kindName(k))
	case typeL:
		if k == '[' {
			return r.plainValue()
		}
	case typeM:
		if k == '{' {
			return r.plainValue()
		}
	}
	return cannot()
}

// scalarText reads a string's or a number's text.
func (r *jsonReader) scalarText(k jsontext.Kind) (string, error) {
	if k == '"' {
		return r.string()
	}
	return r.numberText()
}

// plainSet builds a set from the members of a JSON array: strings (or numbers) for SS,
// numbers or numeric strings for NS, base64 strings for BS.
func (r *jsonReader) plainSet(t attrType) (types.AttributeValue, error) {
	if err := r.open(); err != nil {
		return nil, err
	}
	var members []string
	var first *fieldError
	for i := 0; r.more(); i++ {
		k := r.kind()
		var err error
		switch {
		case k == '"' || k == '0' && t != typeBS:
			var s string
			if s, err = r.scalarText(k); err == nil {
				members = append(members, s)
			}
		case k == '0':
			if err = r.skip(); err == nil {
				err = newFieldError(nil, "type BS needs base64 strings, found a number")
			}
		default:
			if err = r.skip(); err == nil {
				err = newFieldError(nil, "type %s needs %s members, found %s", t, memberKind(t), kindName(k))
			}
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

func memberKind(t attrType) string {
	switch t {
	case typeNS:
		return "number"
	case typeBS:
		return "base64 string"
	}
	return "string"
}

// number converts a number's text for the converters that make no item values of their own.
func number(s string) (types.AttributeValue, *fieldError) {
	c, err := ddbitem.CanonicalNumber(s)
	if err != nil {
		return nil, newFieldError(err, "%s", err.Error())
	}
	return &types.AttributeValueMemberN{Value: c}, nil
}

func decodeBase64(s string) ([]byte, *fieldError) {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, newFieldError(err, "%q is not valid base64 (standard alphabet, with padding)", truncate(s, 40))
	}
	return b, nil
}

func parseBool(s string) (value, ok bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

func checkName(name string) *fieldError {
	switch {
	case name == "":
		return newFieldError(nil, "an attribute name is empty; DynamoDB names need at least one character")
	case len(name) > maxNameBytes:
		return newFieldError(nil, "an attribute name is %d bytes long; DynamoDB allows at most %d", len(name), maxNameBytes).inKey(truncate(name, 40))
	}
	return nil
}
