package source

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// typedItem converts a DynamoDB JSON record: either the S3-export line shape
// {"Item": {"pk": {"S": "a"}}} or a plain typed map {"pk": {"S": "a"}}.
func typedItem(v any) (record.Item, *fieldError) {
	obj, ok := v.(jsonObject)
	if !ok {
		return nil, newFieldError(nil, `a record must be a JSON object such as {"pk": {"S": "a"}}, found %s`, kind(v))
	}
	if inner, ok := exportShape(obj); ok {
		obj = inner
	}
	item := make(record.Item, len(obj))
	for _, m := range obj {
		if fe := checkName(m.key); fe != nil {
			return nil, fe
		}
		av, fe := typedValue(m.val, 1)
		if fe != nil {
			return nil, fe.inKey(m.key)
		}
		item[m.key] = av
	}
	return item, nil
}

// exportShape recognizes {"Item": {...attributes...}}. A typed map whose only attribute is
// named Item ({"Item": {"S": "x"}}) has a single type tag whose value fits the tag, and keeps
// that meaning.
func exportShape(obj jsonObject) (jsonObject, bool) {
	if len(obj) != 1 || obj[0].key != "Item" {
		return nil, false
	}
	inner, ok := obj[0].val.(jsonObject)
	if !ok {
		return nil, false
	}
	if len(inner) == 1 && fitsTag(inner[0].key, inner[0].val) {
		return nil, false
	}
	return inner, true
}

func fitsTag(tag string, v any) bool {
	switch tag {
	case "S", "N", "B":
		_, ok := v.(string)
		return ok
	case "BOOL", "NULL":
		_, ok := v.(bool)
		return ok
	case "SS", "NS", "BS", "L":
		_, ok := v.([]any)
		return ok
	case "M":
		_, ok := v.(jsonObject)
		return ok
	}
	return false
}

// typedValue converts one {"TAG": value} object. depth is the attribute depth (1 at the top);
// lists and maps deeper than ddbitem.MaxDepth are rejected.
func typedValue(v any, depth int) (types.AttributeValue, *fieldError) {
	obj, ok := v.(jsonObject)
	if !ok {
		return nil, newFieldError(nil, `expected a typed value such as {"S": "text"} or {"N": "42"}, found %s`, kind(v))
	}
	switch len(obj) {
	case 0:
		return nil, newFieldError(nil, `the typed value {} has no type tag; expected exactly one of %s`, typeList)
	case 1:
	default:
		tags := make([]string, len(obj))
		for i, m := range obj {
			tags[i] = m.key
		}
		sort.Strings(tags)
		return nil, newFieldError(nil, "the typed value has %d type tags (%s); a value has exactly one", len(obj), strings.Join(tags, ", "))
	}
	tag, val := obj[0].key, obj[0].val
	t, ok := typeNames[tag]
	if !ok {
		return nil, newFieldError(nil, "unknown type tag %q; expected one of %s (upper case)", truncate(tag, 20), typeList)
	}
	wrong := func(want string) *fieldError {
		return newFieldError(nil, "type %s needs %s, found %s", tag, want, kind(val))
	}
	switch t {
	case typeS:
		if s, ok := val.(string); ok {
			return &types.AttributeValueMemberS{Value: s}, nil
		}
		return nil, wrong("a string")
	case typeN:
		if s, ok := val.(string); ok {
			return number(s)
		}
		return nil, wrong(`a number written as a string, such as "42"`)
	case typeB:
		if s, ok := val.(string); ok {
			b, fe := decodeBase64(s)
			if fe != nil {
				return nil, fe
			}
			return &types.AttributeValueMemberB{Value: b}, nil
		}
		return nil, wrong("a base64 string")
	case typeBOOL:
		if b, ok := val.(bool); ok {
			return &types.AttributeValueMemberBOOL{Value: b}, nil
		}
		return nil, wrong("true or false")
	case typeNULL:
		if b, ok := val.(bool); ok && b {
			return &types.AttributeValueMemberNULL{Value: true}, nil
		}
		return nil, newFieldError(nil, `type NULL must be written {"NULL": true}, found %s`, describe(val))
	case typeSS, typeNS, typeBS:
		return typedSet(t, val)
	case typeL:
		arr, ok := val.([]any)
		if !ok {
			return nil, wrong("an array of typed values")
		}
		if depth > ddbitem.MaxDepth {
			return nil, errTooDeep()
		}
		l := make([]types.AttributeValue, len(arr))
		for i, e := range arr {
			av, fe := typedValue(e, depth+1)
			if fe != nil {
				return nil, fe.inIndex(i)
			}
			l[i] = av
		}
		return &types.AttributeValueMemberL{Value: l}, nil
	default: // typeM
		m, ok := val.(jsonObject)
		if !ok {
			return nil, wrong("an object of typed values")
		}
		if depth > ddbitem.MaxDepth {
			return nil, errTooDeep()
		}
		out := make(map[string]types.AttributeValue, len(m))
		for _, e := range m {
			if fe := checkName(e.key); fe != nil {
				return nil, fe
			}
			av, fe := typedValue(e.val, depth+1)
			if fe != nil {
				return nil, fe.inKey(e.key)
			}
			out[e.key] = av
		}
		return &types.AttributeValueMemberM{Value: out}, nil
	}
}

// typedSet reads {"SS": [...]}, {"NS": [...]} or {"BS": [...]}: every member is a string.
func typedSet(t attrType, val any) (types.AttributeValue, *fieldError) {
	arr, ok := val.([]any)
	if !ok {
		return nil, newFieldError(nil, "type %s needs an array of %ss, found %s", t, memberKind(t), kind(val))
	}
	members := make([]string, len(arr))
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			hint := ""
			if _, isNum := e.(json.Number); isNum && t == typeNS {
				hint = ` (write numbers as strings, such as "42")`
			}
			return nil, newFieldError(nil, "type %s needs string members, found %s%s", t, kind(e), hint).inIndex(i)
		}
		members[i] = s
	}
	return buildSet(t, members)
}

func describe(v any) string {
	if b, ok := v.(bool); ok {
		return fmt.Sprint(b)
	}
	return kind(v)
}
