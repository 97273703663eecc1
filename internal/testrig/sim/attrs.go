package sim

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
)

// PartitionOf is the partition (0..partitions-1) a partition-key value lands on: FNV-1a 64 of
// the value's canonical bytes (a string's UTF-8 bytes, a number's canonical decimal text as
// ddbitem.CanonicalNumber gives it, a binary's raw bytes), modulo partitions. DynamoDB's own
// hash is not public; this one is stable and spreads keys evenly, which is what a model needs.
func PartitionOf(partitionKey []byte, partitions int) int {
	if partitions <= 1 {
		return 0
	}
	h := fnv.New64a()
	_, _ = h.Write(partitionKey)
	return int(h.Sum64() % uint64(partitions))
}

// attrValue is an attribute value in DynamoDB JSON. encoding/json fills it in one pass (an
// empty list or map decodes non-nil, so every present member is non-nil); MarshalJSON writes
// it back. Exactly one member must be set (check).
type attrValue struct {
	S, N       *string
	B          []byte // base64 on the wire
	BOOL, NULL *bool
	SS, NS     []string
	BS         [][]byte
	L          []attrValue
	M          item
}

// item is an item or a key: attribute name → value.
type item map[string]attrValue

var errOneType = errors.New("an attribute value must have exactly one type")

// check validates that v and everything in it has exactly one type.
func (v *attrValue) check() error {
	n := 0
	for _, set := range []bool{v.S != nil, v.N != nil, v.B != nil, v.BOOL != nil, v.NULL != nil,
		v.SS != nil, v.NS != nil, v.BS != nil, v.L != nil, v.M != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return errOneType
	}
	for i := range v.L {
		if err := v.L[i].check(); err != nil {
			return err
		}
	}
	return v.M.check()
}

func (it item) check() error {
	for name := range it {
		v := it[name]
		if err := v.check(); err != nil {
			return fmt.Errorf("attribute %q: %w", name, err)
		}
	}
	return nil
}

// sdk converts an item into SDK attribute values, so that ddbitem sizes it exactly as the
// loader does.
func (it item) sdk() map[string]types.AttributeValue {
	out := make(map[string]types.AttributeValue, len(it))
	for name := range it {
		v := it[name]
		out[name] = v.sdk()
	}
	return out
}

func (v *attrValue) sdk() types.AttributeValue {
	switch {
	case v.S != nil:
		return &types.AttributeValueMemberS{Value: *v.S}
	case v.N != nil:
		return &types.AttributeValueMemberN{Value: *v.N}
	case v.B != nil:
		return &types.AttributeValueMemberB{Value: v.B}
	case v.BOOL != nil:
		return &types.AttributeValueMemberBOOL{Value: *v.BOOL}
	case v.NULL != nil:
		return &types.AttributeValueMemberNULL{Value: *v.NULL}
	case v.SS != nil:
		return &types.AttributeValueMemberSS{Value: v.SS}
	case v.NS != nil:
		return &types.AttributeValueMemberNS{Value: v.NS}
	case v.BS != nil:
		return &types.AttributeValueMemberBS{Value: v.BS}
	case v.L != nil:
		l := make([]types.AttributeValue, len(v.L))
		for i := range v.L {
			l[i] = v.L[i].sdk()
		}
		return &types.AttributeValueMemberL{Value: l}
	case v.M != nil:
		return &types.AttributeValueMemberM{Value: v.M.sdk()}
	}
	return nil
}

// size is ddbitem.Size(it.sdk()) without building SDK values: the same rules, with the
// engine's own NumberSize for numbers.
func (it item) size() int {
	n := 0
	for name := range it {
		v := it[name]
		n += len(name) + v.size()
	}
	return n
}

// size is ddbitem.ValueSize(v.sdk()).
func (v *attrValue) size() int {
	n := 0
	switch {
	case v.S != nil:
		n = len(*v.S)
	case v.N != nil:
		n = ddbitem.NumberSize(*v.N)
	case v.B != nil:
		n = len(v.B)
	case v.BOOL != nil, v.NULL != nil:
		n = 1
	case v.SS != nil:
		for _, s := range v.SS {
			n += len(s)
		}
	case v.NS != nil:
		for _, s := range v.NS {
			n += ddbitem.NumberSize(s)
		}
	case v.BS != nil:
		for _, b := range v.BS {
			n += len(b)
		}
	case v.L != nil:
		n = 3 + len(v.L)
		for i := range v.L {
			n += v.L[i].size()
		}
	case v.M != nil:
		n = 3 + len(v.M) + v.M.size()
	}
	return n
}

// MarshalJSON writes the value in DynamoDB JSON.
func (v attrValue) MarshalJSON() ([]byte, error) { return v.appendJSON(nil), nil }

func (v *attrValue) appendJSON(dst []byte) []byte {
	switch {
	case v.S != nil:
		return append(appendString(append(dst, `{"S":`...), *v.S), '}')
	case v.N != nil:
		return append(appendString(append(dst, `{"N":`...), *v.N), '}')
	case v.B != nil:
		return append(appendBase64(append(dst, `{"B":`...), v.B), '}')
	case v.BOOL != nil:
		return append(append(dst, `{"BOOL":`...), boolText(*v.BOOL)+"}"...)
	case v.NULL != nil:
		return append(append(dst, `{"NULL":`...), boolText(*v.NULL)+"}"...)
	case v.SS != nil:
		return appendStrings(append(dst, `{"SS":`...), v.SS)
	case v.NS != nil:
		return appendStrings(append(dst, `{"NS":`...), v.NS)
	case v.BS != nil:
		dst = append(dst, `{"BS":[`...)
		for i, b := range v.BS {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendBase64(dst, b)
		}
		return append(dst, "]}"...)
	case v.L != nil:
		dst = append(dst, `{"L":[`...)
		for i := range v.L {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = v.L[i].appendJSON(dst)
		}
		return append(dst, "]}"...)
	case v.M != nil:
		return append(v.M.appendJSON(append(dst, `{"M":`...)), '}')
	}
	return append(dst, "null"...)
}

// MarshalJSON writes the item in DynamoDB JSON, attributes in name order.
func (it item) MarshalJSON() ([]byte, error) { return it.appendJSON(nil), nil }

func (it item) appendJSON(dst []byte) []byte {
	names := make([]string, 0, len(it))
	for name := range it {
		names = append(names, name)
	}
	slices.Sort(names)
	dst = append(dst, '{')
	for i, name := range names {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, name)
		dst = append(dst, ':')
		v := it[name]
		dst = v.appendJSON(dst)
	}
	return append(dst, '}')
}

// appendStrings writes a JSON array of strings and closes the value's object.
func appendStrings(dst []byte, ss []string) []byte {
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, s)
	}
	return append(dst, "]}"...)
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func appendBase64(dst, b []byte) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

// appendString writes s as a JSON string (invalid UTF-8 becomes U+FFFD, as encoding/json does).
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// tableMeta is what the simulator needs of a table's schema.
type tableMeta struct {
	pk, pkType string // partition key name and type ("" type: any scalar)
	sk, skType string // sort key; "" when the table has none
	gsis       []string
}

// keyOf validates the key attributes of an item (exact false) or of a Key (exact true: only
// key attributes allowed) and returns the partition key's canonical bytes and a string that
// identifies the item's key.
func (m *tableMeta) keyOf(attrs item, exact bool) ([]byte, string, error) {
	return m.keyFrom(len(attrs), func(name string) (attrValue, bool) {
		v, ok := attrs[name]
		return v, ok
	}, exact)
}

// keyFrom is keyOf for an item of n attributes that get looks up by name.
func (m *tableMeta) keyFrom(n int, get func(name string) (attrValue, bool), exact bool) ([]byte, string, error) {
	want := 1
	if m.sk != "" {
		want = 2
	}
	if exact && n != want {
		return nil, "", validationError("The provided key element does not match the schema")
	}
	pkType, pk, err := keyPart(get, m.pk, m.pkType, ddbitem.MaxPartitionKeyBytes)
	if err != nil {
		return nil, "", err
	}
	key := appendKeyPart(make([]byte, 0, 64), pkType, pk) // on the stack for the usual key
	if m.sk != "" {
		skType, sk, err := keyPart(get, m.sk, m.skType, ddbitem.MaxSortKeyBytes)
		if err != nil {
			return nil, "", err
		}
		key = appendKeyPart(key, skType, sk)
	}
	return pk, string(key), nil
}

// keyPart reads one key attribute: its type and canonical bytes.
func keyPart(get func(string) (attrValue, bool), name, wantType string, maxBytes int) (string, []byte, error) {
	v, ok := get(name)
	if !ok {
		return "", nil, validationError("One or more parameter values were invalid: Missing the key %s in the item", name)
	}
	if err := v.check(); err != nil {
		return "", nil, validationError("One or more parameter values were invalid: key %s: %v", name, err)
	}
	var typ string
	var canon []byte
	switch {
	case v.S != nil:
		typ, canon = "S", []byte(*v.S)
	case v.B != nil:
		typ, canon = "B", v.B
	case v.N != nil:
		c, err := ddbitem.CanonicalNumber(*v.N)
		if err != nil {
			return "", nil, validationError("One or more parameter values were invalid: key %s: %v", name, err)
		}
		typ, canon = "N", []byte(c)
	default:
		return "", nil, validationError("One or more parameter values were invalid: key %s must be a scalar (S, N or B)", name)
	}
	if wantType != "" && typ != wantType {
		return "", nil, validationError("One or more parameter values were invalid: Type mismatch for key %s expected: %s actual: %s", name, wantType, typ)
	}
	if len(canon) == 0 {
		return "", nil, validationError("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty value. Key: %s", name)
	}
	if len(canon) > maxBytes {
		return "", nil, validationError("One or more parameter values were invalid: Size of key %s is %d bytes, above the limit of %d", name, len(canon), maxBytes)
	}
	return typ, canon, nil
}

// appendKeyPart encodes a key part unambiguously: type, length, bytes.
func appendKeyPart(dst []byte, typ string, canon []byte) []byte {
	dst = append(dst, typ[0])
	dst = binary.AppendUvarint(dst, uint64(len(canon)))
	return append(dst, canon...)
}
