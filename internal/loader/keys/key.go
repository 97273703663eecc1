package keys

import (
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// Key is an item's primary key in canonical, type-tagged form: "S:" + string, "N:" +
// canonical number text, "B:" + raw bytes. Two keys are equal exactly when DynamoDB treats
// them as the same key ("N:1" for both "1.0" and "1"), and a string never equals a number or
// binary with the same text. Sort is "" when the table has no sort key. Usable as a map key.
type Key struct {
	Partition string
	Sort      string
}

// ID is the whole primary key as one string: the partition part's length, ":", the
// partition part, then the sort part. The length prefix makes it unambiguous, so two keys
// have the same ID exactly when they are equal.
func (k Key) ID() string {
	return strconv.Itoa(len(k.Partition)) + ":" + k.Partition + k.Sort
}

// AppendID appends k.ID() to dst: validation keeps a million IDs in one buffer without a
// string each.
func (k Key) AppendID(dst []byte) []byte {
	dst = strconv.AppendInt(dst, int64(len(k.Partition)), 10)
	dst = append(dst, ':')
	dst = append(dst, k.Partition...)
	return append(dst, k.Sort...)
}

// Key is the primary key of item, which has been through Stage.Apply.
func (s *Stage) Key(item record.Item) Key { return s.schema.Key(item) }

// Key is the primary key of item under this schema. A missing attribute encodes as "".
func (s Schema) Key(item record.Item) Key {
	k := Key{Partition: encode(item[s.PartitionKey.Name])}
	if s.SortKey != nil {
		k.Sort = encode(item[s.SortKey.Name])
	}
	return k
}

func encode(v types.AttributeValue) string {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return "S:" + v.Value
	case *types.AttributeValueMemberN:
		if c, err := ddbitem.CanonicalNumber(v.Value); err == nil {
			return "N:" + c
		}
		return "N:" + v.Value // Apply rejects invalid numbers; keep the text rather than lose it
	case *types.AttributeValueMemberB:
		return "B:" + string(v.Value)
	case nil:
		return ""
	}
	return typeOf(v) + ":" // not a key type; Apply rejects it
}

// KeyItem returns just the key attributes of item, for DeleteRequest and BatchGetItem. The
// values are shared with item, not copied.
func KeyItem(item record.Item, s Schema) record.Item {
	k := make(record.Item, 2)
	if v, ok := item[s.PartitionKey.Name]; ok {
		k[s.PartitionKey.Name] = v
	}
	if s.SortKey != nil {
		if v, ok := item[s.SortKey.Name]; ok {
			k[s.SortKey.Name] = v
		}
	}
	return k
}
