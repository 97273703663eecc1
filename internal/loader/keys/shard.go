package keys

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/hashing"
)

// MaxShardCount is the largest shard count the key stage accepts. Reads of a sharded key fan
// out over every shard, so counts beyond this are a mistake, not a design.
const MaxShardCount = 100000

// Shard returns the calculated write-shard suffix of value in 1..count:
//
//	h      = FNV-1a 64-bit hash of the UTF-8 bytes of value
//	         (offset basis 14695981039346656037, prime 1099511628211)
//	suffix = (h mod count) + 1, with h taken as an unsigned 64-bit integer
//
// The result is part of the provider's contract and never changes across releases, so it can
// be recomputed in any language to read a sharded item directly. Shard panics if count < 1:
// that is a programming error, and configuration is checked long before.
func Shard(value string, count int) int {
	if count < 1 {
		panic("keys.Shard: count must be at least 1, got " + strconv.Itoa(count))
	}
	return int(hashing.FNV1a64(value)%uint64(count)) + 1 // FNV-1a alone: no finaliser
}

// ShardOf is Shard of an attribute value: a string (S) hashes its text, a number (N) its
// canonical text (ddbitem.CanonicalNumber, so "1.50" and "1.5" land on the same shard), binary
// (B) its raw bytes. Other types, invalid numbers and count < 1 are errors.
func ShardOf(v types.AttributeValue, count int) (int, error) {
	if count < 1 {
		return 0, fmt.Errorf("shard count must be at least 1, got %d", count)
	}
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return Shard(v.Value, count), nil
	case *types.AttributeValueMemberN:
		c, err := ddbitem.CanonicalNumber(v.Value)
		if err != nil {
			return 0, err
		}
		return Shard(c, count), nil
	case *types.AttributeValueMemberB:
		return Shard(string(v.Value), count), nil
	case nil:
		return 0, errors.New("no value to shard on")
	}
	return 0, fmt.Errorf("cannot shard on %s; only strings (S), numbers (N) and binary (B) can", typeName(typeOf(v)))
}
