package bulkput

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/go-json-experiment/json/jsontext"
)

// appendRecord appends item as one line of bulk put input, {"Item":{...}} in DynamoDB JSON,
// with a newline. Attribute names are sorted, so equal items give equal bytes.
func appendRecord(dst []byte, item map[string]types.AttributeValue) ([]byte, error) {
	dst = append(dst, `{"Item":`...)
	dst, err := appendMap(dst, item)
	if err != nil {
		return nil, err
	}
	return append(dst, "}\n"...), nil
}

func appendMap(dst []byte, m map[string]types.AttributeValue) ([]byte, error) {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	slices.Sort(names)
	dst = append(dst, '{')
	for i, name := range names {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = jsontext.AppendQuote(dst, name); err != nil {
			return nil, fmt.Errorf("attribute name %q: %w", name, err)
		}
		dst = append(dst, ':')
		if dst, err = appendValue(dst, m[name]); err != nil {
			return nil, fmt.Errorf("attribute %q: %w", name, err)
		}
	}
	return append(dst, '}'), nil
}

func appendValue(dst []byte, v types.AttributeValue) ([]byte, error) {
	var err error
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		dst = append(dst, `{"S":`...)
		dst, err = jsontext.AppendQuote(dst, v.Value)
	case *types.AttributeValueMemberN:
		dst = append(dst, `{"N":`...)
		dst, err = jsontext.AppendQuote(dst, v.Value)
	case *types.AttributeValueMemberB:
		dst = append(dst, `{"B":"`...)
		dst = base64.StdEncoding.AppendEncode(dst, v.Value)
		dst = append(dst, '"')
	case *types.AttributeValueMemberBOOL:
		dst = append(dst, `{"BOOL":`...)
		dst = strconv.AppendBool(dst, v.Value)
	case *types.AttributeValueMemberNULL:
		dst = append(dst, `{"NULL":true`...)
	case *types.AttributeValueMemberSS:
		dst, err = appendStrings(append(dst, `{"SS":`...), v.Value)
	case *types.AttributeValueMemberNS:
		dst, err = appendStrings(append(dst, `{"NS":`...), v.Value)
	case *types.AttributeValueMemberBS:
		dst = append(dst, `{"BS":[`...)
		for i, b := range v.Value {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '"')
			dst = base64.StdEncoding.AppendEncode(dst, b)
			dst = append(dst, '"')
		}
		dst = append(dst, ']')
	case *types.AttributeValueMemberL:
		dst = append(dst, `{"L":[`...)
		for i, e := range v.Value {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = appendValue(dst, e); err != nil {
				return nil, err
			}
		}
		dst = append(dst, ']')
	case *types.AttributeValueMemberM:
		dst, err = appendMap(append(dst, `{"M":`...), v.Value)
	default:
		return nil, fmt.Errorf("unsupported attribute value %T", v)
	}
	if err != nil {
		return nil, err
	}
	return append(dst, '}'), nil
}

func appendStrings(dst []byte, ss []string) ([]byte, error) {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = jsontext.AppendQuote(dst, s); err != nil {
			return nil, err
		}
	}
	return append(dst, ']'), nil
}
