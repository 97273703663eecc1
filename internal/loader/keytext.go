package loader

import (
	"encoding/base64"
	"strconv"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// valueText renders a key value for people: strings quoted, numbers as written, binary as
// base64, truncated to keep messages readable. It is written by hand rather than as
// attributevalue.Unmarshal and JSON, which would quote a number (UseNumber) or round it
// (float64) and print binary as a quoted string: a key's type would no longer show.
func valueText(v types.AttributeValue) string {
	const limit = 80
	var s string
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		s = strconv.Quote(v.Value)
	case *types.AttributeValueMemberN:
		s = v.Value
	case *types.AttributeValueMemberB:
		s = "base64:" + base64.StdEncoding.EncodeToString(v.Value)
	case nil:
		return "(missing)"
	default:
		return "(not a key type)"
	}
	if len(s) > limit {
		// Cut at a character boundary: half a character is invalid UTF-8, which people see as
		// a stray "�" (terraform-plugin-go puts one in a diagnostic for each bad byte).
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

// PartitionKeyText renders a KeyStats partition key (a canonical, type-tagged encoding from the
// keys package: "S:", "N:" or "B:" and the value) for people.
func PartitionKeyText(encoded string) string {
	if len(encoded) < 2 || encoded[1] != ':' {
		return strconv.Quote(encoded)
	}
	v := encoded[2:]
	switch encoded[0] {
	case 'S':
		return valueText(&types.AttributeValueMemberS{Value: v})
	case 'N':
		return valueText(&types.AttributeValueMemberN{Value: v})
	case 'B':
		return valueText(&types.AttributeValueMemberB{Value: []byte(v)})
	}
	return strconv.Quote(encoded)
}
