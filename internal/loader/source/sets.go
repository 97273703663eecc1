package source

import (
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
)

// buildSet makes an SS, NS or BS from member texts (numbers as decimal text, binaries as
// base64). DynamoDB rejects empty sets and duplicate members; numbers are compared by value
// ("1.0" and "1" are the same member) and binaries by their bytes.
func buildSet(t attrType, members []string) (types.AttributeValue, *fieldError) {
	if len(members) == 0 {
		return nil, newFieldError(nil, "the %s set is empty; DynamoDB has no empty sets (omit the attribute, or use a list)", t)
	}
	seen := make(map[string]int, len(members))
	dup := func(key, shown string, i int) *fieldError {
		if first, ok := seen[key]; ok {
			return newFieldError(nil, "set member %q appears twice (members %d and %d); members of a set must be unique", truncate(shown, 40), first+1, i+1)
		}
		seen[key] = i
		return nil
	}
	switch t {
	case typeNS:
		ns := make([]string, len(members))
		for i, m := range members {
			c, err := ddbitem.CanonicalNumber(m)
			if err != nil {
				return nil, newFieldError(err, "set member %d: %s", i+1, err.Error())
			}
			if fe := dup(c, m, i); fe != nil {
				return nil, fe
			}
			ns[i] = c
		}
		return &types.AttributeValueMemberNS{Value: ns}, nil
	case typeBS:
		bs := make([][]byte, len(members))
		for i, m := range members {
			b, fe := decodeBase64(m)
			if fe != nil {
				fe.reason = "set member " + strconv.Itoa(i+1) + ": " + fe.reason
				return nil, fe
			}
			if fe := dup(string(b), m, i); fe != nil {
				return nil, fe
			}
			bs[i] = b
		}
		return &types.AttributeValueMemberBS{Value: bs}, nil
	default:
		ss := make([]string, len(members))
		for i, m := range members {
			if fe := dup(m, m, i); fe != nil {
				return nil, fe
			}
			ss[i] = m
		}
		return &types.AttributeValueMemberSS{Value: ss}, nil
	}
}
