package source

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// maxNameBytes is DynamoDB's limit on an attribute name (and on a map key).
const maxNameBytes = 65535

// plainItem converts a decoded plain-JSON record. overrides give some top-level attributes a
// type JSON cannot express (sets, binary, numbers written as strings).
func plainItem(v any, overrides map[string]attrType) (record.Item, *fieldError) {
	obj, ok := v.(jsonObject)
	if !ok {
		return nil, newFieldError(nil, "a record must be a JSON object, found %s", kind(v))
	}
	item := make(record.Item, len(obj))
	for _, m := range obj {
		if fe := checkName(m.key); fe != nil {
			return nil, fe
		}
		var av types.AttributeValue
		var fe *fieldError
		if t, ok := overrides[m.key]; ok {
			av, fe = convertAs(m.val, t)
		} else {
			av, fe = plainValue(m.val)
		}
		if fe != nil {
			return nil, fe.inKey(m.key)
		}
		item[m.key] = av
	}
	return item, nil
}

// plainValue maps JSON types onto DynamoDB types: string S, number N (exact), boolean BOOL,
// null NULL, array L, object M. Depth was limited by the parser.
func plainValue(v any) (types.AttributeValue, *fieldError) {
	switch v := v.(type) {
	case nil:
		return &types.AttributeValueMemberNULL{Value: true}, nil
	case string:
		return &types.AttributeValueMemberS{Value: v}, nil
	case json.Number:
		return number(string(v))
	case bool:
		return &types.AttributeValueMemberBOOL{Value: v}, nil
	case []any:
		l := make([]types.AttributeValue, len(v))
		for i, e := range v {
			av, fe := plainValue(e)
			if fe != nil {
				return nil, fe.inIndex(i)
			}
			l[i] = av
		}
		return &types.AttributeValueMemberL{Value: l}, nil
	case jsonObject:
		m := make(map[string]types.AttributeValue, len(v))
		for _, e := range v {
			if fe := checkName(e.key); fe != nil {
				return nil, fe
			}
			av, fe := plainValue(e.val)
			if fe != nil {
				return nil, fe.inKey(e.key)
			}
			m[e.key] = av
		}
		return &types.AttributeValueMemberM{Value: m}, nil
	}
	return nil, newFieldError(nil, "unsupported JSON value %s", kind(v))
}

// convertAs converts a plain-JSON value to the type an override names. null stays NULL: a
// missing optional value should not fail the load.
func convertAs(v any, t attrType) (types.AttributeValue, *fieldError) {
	if v == nil {
		return &types.AttributeValueMemberNULL{Value: true}, nil
	}
	switch t {
	case typeS:
		switch v := v.(type) {
		case string:
			return &types.AttributeValueMemberS{Value: v}, nil
		case json.Number:
			return &types.AttributeValueMemberS{Value: string(v)}, nil
		}
	case typeN:
		switch v := v.(type) {
		case string:
			return number(v)
		case json.Number:
			return number(string(v))
		}
	case typeB:
		if s, ok := v.(string); ok {
			b, fe := decodeBase64(s)
			if fe != nil {
				return nil, fe
			}
			return &types.AttributeValueMemberB{Value: b}, nil
		}
	case typeBOOL:
		switch v := v.(type) {
		case bool:
			return &types.AttributeValueMemberBOOL{Value: v}, nil
		case string:
			if b, ok := parseBool(v); ok {
				return &types.AttributeValueMemberBOOL{Value: b}, nil
			}
			return nil, newFieldError(nil, "type BOOL needs true or false, found %q", truncate(v, 40))
		}
	case typeNULL:
		return nil, newFieldError(nil, "type NULL only accepts null, found %s", kind(v))
	case typeSS, typeNS, typeBS:
		if arr, ok := v.([]any); ok {
			return setFromJSON(arr, t)
		}
		return nil, newFieldError(nil, "type %s needs a JSON array of members, found %s", t, kind(v))
	case typeL:
		if _, ok := v.([]any); ok {
			return plainValue(v)
		}
	case typeM:
		if _, ok := v.(jsonObject); ok {
			return plainValue(v)
		}
	}
	return nil, newFieldError(nil, "cannot convert %s to type %s", kind(v), t)
}

// setFromJSON builds a set from the members of a JSON array: strings (or numbers) for SS,
// numbers or numeric strings for NS, base64 strings for BS.
func setFromJSON(arr []any, t attrType) (types.AttributeValue, *fieldError) {
	members := make([]string, len(arr))
	for i, e := range arr {
		switch e := e.(type) {
		case string:
			members[i] = e
		case json.Number:
			if t == typeBS {
				return nil, newFieldError(nil, "type BS needs base64 strings, found a number").inIndex(i)
			}
			members[i] = string(e)
		default:
			return nil, newFieldError(nil, "type %s needs %s members, found %s", t, memberKind(t), kind(e)).inIndex(i)
		}
	}
	return buildSet(t, members)
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
