package keys

import (
	"strconv"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// ConfigError is a problem with the key settings themselves (a template, the shard options or
// the table's schema), found before any item is read. Option names the setting at fault:
// "PartitionKey", "SortKey", "ShardAttribute", "ShardCount", or "" for the table's schema.
type ConfigError struct {
	Option string
	Reason string
}

func (e *ConfigError) Error() string { return e.Reason }

// IndexKeyError is an item whose value for a secondary index's key attribute DynamoDB would
// reject: not of the type the table defines for the attribute, an empty string or binary, or
// longer than the index key allows. DynamoDB fails the whole batch for it, so the key stage
// refuses the item before anything is written. An item without the attribute is fine: it is
// simply not in the index.
//
// It unwraps to the *record.InputError that names the position, the attribute and the
// problem, like the errors about the table's own keys, so callers that handle input errors
// need nothing more; Key tells which index key it is.
type IndexKeyError struct {
	Key   IndexKey
	Input *record.InputError
}

func (e *IndexKeyError) Error() string { return e.Input.Error() }

func (e *IndexKeyError) Unwrap() error { return e.Input }

func quote(s string) string { return strconv.Quote(s) }

// typeName describes an attribute value's type for people: "a number (N)".
func typeName(t string) string {
	switch t {
	case "S":
		return "a string (S)"
	case "N":
		return "a number (N)"
	case "B":
		return "binary (B)"
	case "BOOL":
		return "a boolean (BOOL)"
	case "NULL":
		return "null (NULL)"
	case "SS":
		return "a string set (SS)"
	case "NS":
		return "a number set (NS)"
	case "BS":
		return "a binary set (BS)"
	case "L":
		return "a list (L)"
	case "M":
		return "a map (M)"
	}
	return "a value of unknown type " + quote(t)
}
