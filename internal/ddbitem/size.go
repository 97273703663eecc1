package ddbitem

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Size is an item's size by DynamoDB's rules: for each attribute, the UTF-8 length of its name
// plus the size of its value.
func Size(item map[string]types.AttributeValue) int {
	n := 0
	for name, v := range item {
		n += len(name) + ValueSize(v)
	}
	return n
}

// ValueSize is the size of one attribute value. Strings and binaries count their bytes,
// numbers about one byte per two significant digits plus one, booleans and nulls one byte,
// lists and maps their elements plus 3 bytes and 1 byte per element. The numbers are
// DynamoDB's published rules; real sizes can be a byte or so larger, so callers keep margins.
func ValueSize(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return NumberSize(v.Value)
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberSS:
		n := 0
		for _, s := range v.Value {
			n += len(s)
		}
		return n
	case *types.AttributeValueMemberNS:
		n := 0
		for _, s := range v.Value {
			n += NumberSize(s)
		}
		return n
	case *types.AttributeValueMemberBS:
		n := 0
		for _, b := range v.Value {
			n += len(b)
		}
		return n
	case *types.AttributeValueMemberL:
		n := 3 + len(v.Value)
		for _, e := range v.Value {
			n += ValueSize(e)
		}
		return n
	case *types.AttributeValueMemberM:
		n := 3 + len(v.Value)
		for k, e := range v.Value {
			n += len(k) + ValueSize(e)
		}
		return n
	default:
		return 0
	}
}

// NumberSize is the stored size of a number given as text. DynamoDB stores the significant
// digits in base-100 pairs aligned on the decimal point, plus one byte (and one more for a
// negative number): "12345" takes 3 pairs + 1 = 4 bytes, but "1.2" takes 2 pairs ("01|20")
// + 1 = 3, one more than "one byte per two digits" suggests. Counting the aligned pairs keeps
// the estimate from falling below the real size. Invalid text counts by its length.
func NumberSize(s string) int {
	p, err := parseNumber(s)
	if err != nil {
		return len(s)
	}
	if p.len() == 0 {
		return 2 // zero
	}
	top := p.exp + p.len() - 1 // power of ten of the first significant digit
	n := floorDiv2(top) - floorDiv2(p.exp) + 1 + 1
	if p.negative {
		n++
	}
	return n
}

func floorDiv2(x int) int {
	if x < 0 {
		return -((-x + 1) / 2)
	}
	return x / 2
}

// WriteUnits is the WCU one write of an item of size bytes costs: every item rounds up to
// 1 KB, and even an empty write (a delete of a missing item) costs one.
func WriteUnits(size int) int64 {
	if size <= 0 {
		return 1
	}
	return int64((size + WriteUnitBytes - 1) / WriteUnitBytes)
}

// ItemWriteUnits is WriteUnits(Size(item)).
func ItemWriteUnits(item map[string]types.AttributeValue) int64 {
	return WriteUnits(Size(item))
}
