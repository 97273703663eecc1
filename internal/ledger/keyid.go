package ledger

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// ParseKeyID is the inverse of keys.Key.ID: it splits "<partition length>:<partition><sort>"
// into the key's parts. It accepts exactly the IDs keys.Key.ID produces for type-tagged parts
// (a partition part starting "S:", "N:" or "B:", and a sort part that is empty or starts so),
// so ParseKeyID(id).ID() == id whenever it succeeds. The parts' values are checked by KeyItem.
func ParseKeyID(id string) (keys.Key, error) {
	digits, rest, ok := strings.Cut(id, ":")
	if !ok {
		return keys.Key{}, &KeyError{KeyID: id, Reason: `no ":" after the partition part's length`}
	}
	// Canonical decimal only (as strconv.Itoa writes it), so the ID round-trips byte for byte.
	if digits == "" || len(digits) > 9 || strings.Trim(digits, "0123456789") != "" || (digits[0] == '0' && len(digits) > 1) {
		return keys.Key{}, &KeyError{KeyID: id, Reason: "the partition part's length " + strconv.Quote(digits) + " is not a plain decimal number"}
	}
	n, _ := strconv.Atoi(digits) // at most 9 digits, all checked
	if n > len(rest) {
		return keys.Key{}, &KeyError{KeyID: id, Reason: "the partition part's length is " + digits + ", but only " + strconv.Itoa(len(rest)) + " bytes follow"}
	}
	k := keys.Key{Partition: rest[:n], Sort: rest[n:]}
	if tag(k.Partition) == "" {
		return keys.Key{}, &KeyError{KeyID: id, Reason: `the partition part does not start with a type tag ("S:", "N:" or "B:")`}
	}
	if k.Sort != "" && tag(k.Sort) == "" {
		return keys.Key{}, &KeyError{KeyID: id, Reason: `the sort part does not start with a type tag ("S:", "N:" or "B:")`}
	}
	return k, nil
}

// tag is the type ("S", "N" or "B") of a canonical key part, or "" if it has no valid tag.
func tag(part string) string {
	if len(part) >= 2 && part[1] == ':' {
		switch part[0] {
		case 'S', 'N', 'B':
			return part[:1]
		}
	}
	return ""
}

// KeyItem returns the DynamoDB key attributes of k under schema s, for DeleteRequest and
// BatchGetItem: "S:" parts become strings, "N:" numbers, "B:" binary. Each part's tag must
// match its attribute's type, the value must be one DynamoDB accepts in a key (a non-empty
// string or binary, a valid number), and k has a sort part exactly when s has a sort key.
func KeyItem(k keys.Key, s keys.Schema) (record.Item, error) {
	fail := func(reason string) (record.Item, error) {
		return nil, &KeyError{KeyID: k.ID(), Reason: reason}
	}
	item := make(record.Item, 2)
	pv, reason := keyValue(k.Partition, s.PartitionKey, "partition")
	if reason != "" {
		return fail(reason)
	}
	item[s.PartitionKey.Name] = pv
	switch {
	case s.SortKey == nil && k.Sort != "":
		return fail("the key has a sort part, but the table has no sort key")
	case s.SortKey == nil:
		return item, nil
	case k.Sort == "":
		return fail("the key has no sort part, but the table has the sort key " + s.SortKey.String())
	case s.SortKey.Name == s.PartitionKey.Name:
		return fail("the schema names " + strconv.Quote(s.SortKey.Name) + " as both partition and sort key")
	}
	sv, reason := keyValue(k.Sort, *s.SortKey, "sort")
	if reason != "" {
		return fail(reason)
	}
	item[s.SortKey.Name] = sv
	return item, nil
}

// keyValue decodes one canonical key part for attribute a, or says why it cannot.
func keyValue(part string, a keys.Attr, role string) (types.AttributeValue, string) {
	if a.Name == "" {
		return nil, "the schema's " + role + " key has no name"
	}
	switch a.Type {
	case "S", "N", "B":
	default:
		return nil, "the schema's " + role + " key " + a.String() + " is not of type S, N or B"
	}
	t := tag(part)
	if t == "" {
		return nil, "the " + role + " part does not start with a type tag (\"S:\", \"N:\" or \"B:\")"
	}
	if t != a.Type {
		return nil, "the " + role + " part is tagged " + t + ", but the " + role + " key is " + a.String()
	}
	v := part[2:]
	switch t {
	case "S":
		if v == "" {
			return nil, "the " + role + " part is an empty string, which DynamoDB does not allow in a key"
		}
		return &types.AttributeValueMemberS{Value: v}, ""
	case "N":
		if _, err := ddbitem.CanonicalNumber(v); err != nil {
			return nil, "the " + role + " part: " + err.Error()
		}
		return &types.AttributeValueMemberN{Value: v}, ""
	default:
		if v == "" {
			return nil, "the " + role + " part is empty binary, which DynamoDB does not allow in a key"
		}
		return &types.AttributeValueMemberB{Value: []byte(v)}, ""
	}
}
