package loader

import (
	"bytes"
	"encoding/binary"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// The encoding feeds content digests kept in users' Terraform state: its bytes must never
// change (canonical_test.go pins them against the original encoder).

// Sorting copies of up to this many map names or set members stays on the stack.
const (
	smallMap = 32
	smallSet = 16
)

// WriteCanonical writes an unambiguous, machine-independent encoding of item to w: attributes
// sorted by name, every value type-tagged and length-prefixed, numbers in canonical text, set
// members sorted (DynamoDB sets are unordered). Two items DynamoDB stores identically encode
// identically. It feeds the content digest and equality checks in tests.
func WriteCanonical(w io.Writer, item record.Item) {
	_, _ = w.Write(AppendCanonical(nil, item))
}

// AppendCanonical appends the encoding of WriteCanonical to dst and returns the extended
// slice. Reusing dst across items makes it allocation-free for most items.
func AppendCanonical(dst []byte, item record.Item) []byte {
	return appendItem(dst, item)
}

// canonicalBufs holds scratch buffers (*[]byte) for CanonicalBytes, so its result is one
// exact-size allocation instead of a slice grown step by step.
var canonicalBufs sync.Pool

// CanonicalBytes is WriteCanonical into a new byte slice.
func CanonicalBytes(item record.Item) []byte {
	bp, ok := canonicalBufs.Get().(*[]byte)
	if !ok { // the pool is empty
		bp = new([]byte)
	}
	b := AppendCanonical((*bp)[:0], item)
	out := bytes.Clone(b)
	if cap(b) <= 64<<10 { // let the rare huge item's buffer go
		*bp = b
		canonicalBufs.Put(bp)
	}
	return out
}

// appendBlob appends s length-prefixed.
func appendBlob[T string | []byte](b []byte, s T) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendCount appends a count of attributes or elements: a uvarint that is itself
// length-prefixed (a quirk of the original encoder, kept for the digests).
func appendCount(b []byte, n int) []byte {
	b = append(b, 0)
	at := len(b)
	b = binary.AppendUvarint(b, uint64(n))
	b[at-1] = byte(len(b) - at) // at most 10: its own uvarint is one byte
	return b
}

func appendItem(b []byte, m map[string]types.AttributeValue) []byte {
	// Sorting the attributes with their values saves looking each value up again by name.
	var small [smallMap]attribute
	attrs := small[:0]
	if len(m) > len(small) {
		attrs = make([]attribute, 0, len(m))
	}
	for k, v := range m {
		attrs = append(attrs, attribute{k, v})
	}
	slices.SortFunc(attrs, func(x, y attribute) int { return strings.Compare(x.name, y.name) })
	b = append(b, '{')
	b = appendCount(b, len(attrs))
	for _, a := range attrs {
		b = appendBlob(b, a.name)
		b = appendValue(b, a.value)
	}
	return b
}

type attribute struct {
	name  string
	value types.AttributeValue
}

func appendValue(b []byte, v types.AttributeValue) []byte {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return appendBlob(append(b, 'S'), v.Value)
	case *types.AttributeValueMemberN:
		return appendBlob(append(b, 'N'), canonicalNumber(v.Value))
	case *types.AttributeValueMemberB:
		return appendBlob(append(b, 'B'), v.Value)
	case *types.AttributeValueMemberBOOL:
		if v.Value {
			return append(b, 'T', 1)
		}
		return append(b, 'T', 0)
	case *types.AttributeValueMemberNULL:
		return append(b, '0')
	case *types.AttributeValueMemberSS:
		return appendStringSet(append(b, 's'), v.Value, false)
	case *types.AttributeValueMemberNS:
		return appendStringSet(append(b, 'n'), v.Value, true)
	case *types.AttributeValueMemberBS:
		return appendBinarySet(append(b, 'b'), v.Value)
	case *types.AttributeValueMemberL:
		b = appendCount(append(b, '['), len(v.Value))
		for _, x := range v.Value {
			b = appendValue(b, x)
		}
		return b
	case *types.AttributeValueMemberM:
		return appendItem(b, v.Value)
	default:
		return append(b, '?')
	}
}

// canonicalNumber is the canonical text of a valid number, and invalid text as it is.
func canonicalNumber(s string) string {
	if c, err := ddbitem.CanonicalNumber(s); err == nil {
		return c
	}
	return s
}

// appendStringSet appends the members of an SS, or of an NS in canonical text, sorted. The
// set itself is left as it is: the sort works on a copy.
func appendStringSet(b []byte, set []string, numbers bool) []byte {
	var small [smallSet]string
	members := small[:0]
	if len(set) > len(small) {
		members = make([]string, 0, len(set))
	}
	for _, s := range set {
		if numbers {
			s = canonicalNumber(s)
		}
		members = append(members, s)
	}
	slices.Sort(members)
	b = appendCount(b, len(members))
	for _, s := range members {
		b = appendBlob(b, s)
	}
	return b
}

// appendBinarySet is appendStringSet for a BS: bytes.Compare orders like the strings would.
func appendBinarySet(b []byte, set [][]byte) []byte {
	var small [smallSet][]byte
	members := small[:0]
	if len(set) > len(small) {
		members = make([][]byte, 0, len(set))
	}
	members = append(members, set...)
	slices.SortFunc(members, bytes.Compare)
	b = appendCount(b, len(members))
	for _, m := range members {
		b = appendBlob(b, m)
	}
	return b
}
