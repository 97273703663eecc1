package loader

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// The write pass holds the items waiting in the order window in their canonical encoding
// (pack) and turns each back into attribute values as it leaves (unpack). SDK maps cost about
// ten times the bytes of the encoding, all of it pointers the garbage collector scans on every
// cycle: with 10,000 items waiting, that scanning was about a third of a load's CPU.

// pack is an item's canonical encoding as a string, which unpack can slice without copying.
func pack(buf *[]byte, item record.Item) string {
	*buf = AppendCanonical((*buf)[:0], item)
	return string(*buf)
}

// errCorrupt means a packed item does not decode: a bug, since only pack makes them.
var errCorrupt = errors.New("loader: packed item is corrupt")

// unpacker decodes what pack made. One serves many items, one at a time; their value structs
// come from blocks that serve every item until the next call of vals.Start.
type unpacker struct {
	s    string
	pos  int
	err  error // sticky: once set, every read returns zero values
	vals record.Values
}

// unpack decodes p. The result stores the same item in DynamoDB as the one packed (attribute
// and set member order and number spelling are all DynamoDB does not keep). Its strings share
// p's memory.
func (u *unpacker) unpack(p string) (record.Item, error) {
	u.s, u.pos, u.err = p, 0, nil
	if u.byte() != '{' {
		return nil, errCorrupt
	}
	item := u.item(0)
	if u.err == nil && u.pos != len(u.s) {
		u.err = errCorrupt
	}
	if u.err != nil {
		return nil, fmt.Errorf("%w (at byte %d of %d)", u.err, u.pos, len(u.s))
	}
	return item, nil
}

func (u *unpacker) fail() {
	if u.err == nil {
		u.err = errCorrupt
	}
}

func (u *unpacker) byte() byte {
	if u.err != nil || u.pos >= len(u.s) {
		u.fail()
		return 0
	}
	u.pos++
	return u.s[u.pos-1]
}

func (u *unpacker) uvarint() uint64 {
	if u.err != nil {
		return 0
	}
	var v uint64
	var shift uint
	for i := 0; i < binary.MaxVarintLen64; i++ {
		c := u.byte()
		if u.err != nil {
			return 0
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
		shift += 7
	}
	u.fail()
	return 0
}

// count reads appendCount's length-prefixed uvarint. A count can never exceed the bytes
// left, since every element takes at least one: checking that keeps a corrupt count from
// making a huge slice.
func (u *unpacker) count() int {
	start := u.pos
	n := int(u.byte())
	v := u.uvarint()
	if u.err == nil && (u.pos-start-1 != n || v > uint64(len(u.s)-u.pos)) {
		u.fail()
	}
	if u.err != nil {
		return 0
	}
	return int(v)
}

func (u *unpacker) blob() string {
	n := u.uvarint()
	if u.err != nil || n > uint64(len(u.s)-u.pos) {
		u.fail()
		return ""
	}
	s := u.s[u.pos : u.pos+int(n)]
	u.pos += int(n)
	return s
}

// item reads the attributes of a map whose '{' was read.
func (u *unpacker) item(depth int) map[string]types.AttributeValue {
	n := u.count()
	m := make(map[string]types.AttributeValue, n)
	for range n {
		name := u.blob()
		m[name] = u.value(depth)
		if u.err != nil {
			return nil
		}
	}
	return m
}

func (u *unpacker) value(depth int) types.AttributeValue {
	if depth > ddbitem.MaxDepth {
		u.fail()
		return nil
	}
	switch u.byte() {
	case 'S':
		v := u.vals.S.Next()
		v.Value = u.blob()
		return v
	case 'N':
		v := u.vals.N.Next()
		v.Value = u.blob()
		return v
	case 'B':
		return &types.AttributeValueMemberB{Value: []byte(u.blob())}
	case 'T':
		if b := u.byte(); b <= 1 && u.err == nil {
			v := u.vals.BOOL.Next()
			v.Value = b == 1
			return v
		}
	case '0':
		v := u.vals.NULL.Next()
		v.Value = true
		return v
	case 's':
		return &types.AttributeValueMemberSS{Value: u.strings()}
	case 'n':
		return &types.AttributeValueMemberNS{Value: u.strings()}
	case 'b':
		set := u.strings()
		bs := make([][]byte, len(set))
		for i, s := range set {
			bs[i] = []byte(s)
		}
		return &types.AttributeValueMemberBS{Value: bs}
	case '[':
		l := make([]types.AttributeValue, u.count())
		for i := range l {
			l[i] = u.value(depth + 1)
		}
		v := u.vals.L.Next()
		v.Value = l
		return v
	case '{':
		v := u.vals.M.Next()
		v.Value = u.item(depth + 1)
		return v
	}
	u.fail()
	return nil
}

func (u *unpacker) strings() []string {
	set := make([]string, u.count())
	for i := range set {
		set[i] = u.blob()
	}
	return set
}
