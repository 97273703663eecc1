package loader

import (
	"encoding/binary"
	"io"
	"slices"
	"sort"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// The original io.Writer-based canonical encoder, kept verbatim (renamed) as the reference the
// append-based one must match byte for byte: its output feeds digests stored in users' state.

func refCanonicalBytes(item record.Item) []byte {
	var b refByteWriter
	e := refCanonicalEncoder{w: &b}
	e.item(item)
	return b
}

type refByteWriter []byte

func (b *refByteWriter) Write(p []byte) (int, error) {
	*b = append(*b, p...)
	return len(p), nil
}

type refCanonicalEncoder struct {
	w   io.Writer
	buf [binary.MaxVarintLen64]byte
}

func (e *refCanonicalEncoder) tag(t byte) { _, _ = e.w.Write([]byte{t}) }

func (e *refCanonicalEncoder) bytes(b []byte) {
	n := binary.PutUvarint(e.buf[:], uint64(len(b)))
	_, _ = e.w.Write(e.buf[:n])
	_, _ = e.w.Write(b)
}

func (e *refCanonicalEncoder) str(s string) { e.bytes([]byte(s)) }

func (e *refCanonicalEncoder) number(s string) {
	if c, err := ddbitem.CanonicalNumber(s); err == nil {
		s = c
	}
	e.str(s)
}

func (e *refCanonicalEncoder) item(m map[string]types.AttributeValue) {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	e.tag('{')
	e.bytes(binary.AppendUvarint(nil, uint64(len(names))))
	for _, k := range names {
		e.str(k)
		e.value(m[k])
	}
}

func (e *refCanonicalEncoder) value(v types.AttributeValue) {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		e.tag('S')
		e.str(v.Value)
	case *types.AttributeValueMemberN:
		e.tag('N')
		e.number(v.Value)
	case *types.AttributeValueMemberB:
		e.tag('B')
		e.bytes(v.Value)
	case *types.AttributeValueMemberBOOL:
		e.tag('T')
		if v.Value {
			e.tag(1)
		} else {
			e.tag(0)
		}
	case *types.AttributeValueMemberNULL:
		e.tag('0')
	case *types.AttributeValueMemberSS:
		e.tag('s')
		e.sortedSet(slices.Clone(v.Value))
	case *types.AttributeValueMemberNS:
		members := make([]string, len(v.Value))
		for i, s := range v.Value {
			members[i] = s
			if c, err := ddbitem.CanonicalNumber(s); err == nil {
				members[i] = c
			}
		}
		e.tag('n')
		e.sortedSet(members)
	case *types.AttributeValueMemberBS:
		members := make([]string, len(v.Value))
		for i, b := range v.Value {
			members[i] = string(b)
		}
		e.tag('b')
		e.sortedSet(members)
	case *types.AttributeValueMemberL:
		e.tag('[')
		e.bytes(binary.AppendUvarint(nil, uint64(len(v.Value))))
		for _, x := range v.Value {
			e.value(x)
		}
	case *types.AttributeValueMemberM:
		e.item(v.Value)
	default:
		e.tag('?')
	}
}

func (e *refCanonicalEncoder) sortedSet(members []string) {
	sort.Strings(members)
	e.bytes(binary.AppendUvarint(nil, uint64(len(members))))
	for _, m := range members {
		e.str(m)
	}
}
