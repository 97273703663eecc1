package keys

import "strconv"

// ConfigError is a problem with the key settings themselves (a template, the shard options or
// the table's schema), found before any item is read. Option names the setting at fault:
// "PartitionKey", "SortKey", "ShardAttribute", "ShardCount", or "" for the table's schema.
type ConfigError struct {
	Option string
	Reason string
}

func (e *ConfigError) Error() string { return e.Reason }

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
