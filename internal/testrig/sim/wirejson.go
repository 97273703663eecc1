package sim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"slices"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
)

// A hand-written reader of DynamoDB JSON for the hot path. Decoding BatchWriteItem bodies by
// reflection into item maps was most of the simulator's CPU, and the maps most of its garbage.
// The scanner validates a body in one pass without building items: it sizes each item, checks
// that every value has exactly one type, and notes where the top-level attributes are, so that
// the key can be read later and the item stored as the bytes it arrived as.
//
// It accepts only the plain shapes an SDK sends. On anything else (null, unknown or
// differently-cased members, duplicate or escaped attribute names, deep nesting, a value with
// zero or two types, invalid JSON) it gives up and the caller falls back to encoding/json and
// item.check, which then decide and word any error exactly as before. Where it succeeds, it
// agrees with encoding/json (FuzzBatchWriteDecoder).

// maxScanDepth bounds the scanner's recursion; deeper documents take the encoding/json path.
const maxScanDepth = 64

// scanner reads one JSON document. After the first failure it sits at the end of its input,
// so every later read fails too and loops end.
type scanner struct {
	b       []byte
	i       int
	bad     bool
	members []member // attribute names of the objects being read, then each item's top level
	buf     []byte   // scratch: unescaped strings
	bin     []byte   // scratch: decoded base64
}

// member is an attribute of an object: where its name (unescaped: always plain) and its value
// start in the input. Offsets rather than slices leave the garbage collector nothing to scan.
type member struct {
	name, end, off int
}

func (s *scanner) name(m member) []byte { return s.b[m.name:m.end] }

func (s *scanner) fail() {
	s.bad = true
	s.i = len(s.b)
}

// peek skips whitespace and returns the next byte; 0 at the end.
func (s *scanner) peek() byte {
	for ; s.i < len(s.b); s.i++ {
		switch c := s.b[s.i]; c {
		case ' ', '\t', '\n', '\r':
		default:
			return c
		}
	}
	return 0
}

func (s *scanner) expect(c byte) {
	if s.peek() != c {
		s.fail()
		return
	}
	s.i++
}

// open reads an opening bracket and reports whether a first member or element follows.
func (s *scanner) open(open, closing byte) bool {
	s.expect(open)
	if s.peek() == closing {
		s.i++
		return false
	}
	return !s.bad
}

// more reads what follows a member or element: true after a comma, false after the closing
// bracket (or on failure).
func (s *scanner) more(closing byte) bool {
	switch s.peek() {
	case ',':
		s.i++
		return true
	case closing:
		s.i++
		return false
	}
	s.fail()
	return false
}

// end checks that nothing but whitespace follows the document.
func (s *scanner) end() {
	if s.peek() != 0 || s.i != len(s.b) {
		s.fail()
	}
}

// str reads a string and returns its text unescaped as encoding/json does (invalid UTF-8 and
// lone surrogates become U+FFFD). plain means the text is the input's own bytes; otherwise it
// lives in scratch space until the next call.
func (s *scanner) str() (text []byte, plain bool) {
	if s.peek() != '"' {
		s.fail()
		return nil, false
	}
	s.i++
	start, lit := s.i, s.i // lit: where the literal run not yet copied to buf starts
	buf := s.buf[:0]
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			end := s.i
			s.i++
			if lit == start {
				return s.b[start:end], true
			}
			buf = append(buf, s.b[lit:end]...)
			s.buf = buf // keep the grown scratch
			return buf, false
		case c < 0x20:
			s.fail()
			return nil, false
		case c == '\\':
			buf = append(buf, s.b[lit:s.i]...)
			r, ok := s.escape()
			if !ok {
				s.fail()
				return nil, false
			}
			buf = utf8.AppendRune(buf, r)
			lit = s.i
		case c < utf8.RuneSelf:
			s.i++
		default:
			r, size := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && size == 1 {
				buf = append(append(buf, s.b[lit:s.i]...), "\uFFFD"...)
				lit = s.i + 1
			}
			s.i += size
		}
	}
	s.fail()
	return nil, false
}

// escape decodes the escape sequence at s.i. A \u surrogate pair makes one rune; a lone or
// mismatched surrogate is U+FFFD and leaves what follows to be read on its own.
func (s *scanner) escape() (rune, bool) {
	if s.i+1 >= len(s.b) {
		return 0, false
	}
	c := s.b[s.i+1]
	s.i += 2
	switch c {
	case '"', '\\', '/':
		return rune(c), true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	case 'u':
		r := hex4(s.b[s.i:])
		if r < 0 {
			return 0, false
		}
		s.i += 4
		if !utf16.IsSurrogate(r) {
			return r, true
		}
		if len(s.b) >= s.i+6 && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
			if pair := utf16.DecodeRune(r, hex4(s.b[s.i+2:])); pair != unicode.ReplacementChar {
				s.i += 6
				return pair, true
			}
		}
		return unicode.ReplacementChar, true
	}
	return 0, false
}

// hex4 is the value of four hex digits at the start of b; -1 if there are none.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// literal reads true or false.
func (s *scanner) literal() bool {
	switch s.peek() {
	case 't':
		if bytes.HasPrefix(s.b[s.i:], []byte("true")) {
			s.i += 4
			return true
		}
	case 'f':
		if bytes.HasPrefix(s.b[s.i:], []byte("false")) {
			s.i += 5
			return false
		}
	}
	s.fail()
	return false
}

// binary reads a base64 string and returns the decoded bytes (scratch space), as
// encoding/json decodes a []byte.
func (s *scanner) binary() []byte {
	text, _ := s.str()
	s.bin = slices.Grow(s.bin[:0], base64.StdEncoding.DecodedLen(len(text)))
	n, err := base64.StdEncoding.Decode(s.bin[:cap(s.bin)], text)
	if err != nil {
		s.fail()
		return nil
	}
	return s.bin[:n]
}

// value reads an attribute value and returns its size by ddbitem's rules (attrValue.size).
// It fills *v unless v is nil.
func (s *scanner) value(v *attrValue, depth int) int {
	if depth > maxScanDepth || !s.open('{', '}') {
		s.fail() // too deep, or {} (no type)
		return 0
	}
	tag, _ := s.str()
	s.expect(':')
	size := 0
	switch string(tag) {
	case "S":
		text, _ := s.str()
		size = len(text)
		if v != nil {
			str := string(text)
			v.S = &str
		}
	case "N":
		num, _ := s.str()
		str := string(num)
		size = ddbitem.NumberSize(str)
		if v != nil {
			v.N = &str
		}
	case "B":
		b := s.binary()
		size = len(b)
		if v != nil {
			v.B = append([]byte{}, b...) // non-nil even when empty
		}
	case "BOOL", "NULL":
		isBool := tag[0] == 'B'
		b := s.literal()
		size = 1
		if v != nil && isBool {
			v.BOOL = &b
		} else if v != nil {
			v.NULL = &b
		}
	case "SS", "NS":
		numbers := tag[0] == 'N' // before str reuses the scratch tag may be in
		var list []string
		if v != nil {
			list = []string{}
		}
		for more := s.open('[', ']'); more; more = s.more(']') {
			text, _ := s.str()
			if numbers {
				str := string(text)
				size += ddbitem.NumberSize(str)
				if v != nil {
					list = append(list, str)
				}
				continue
			}
			size += len(text)
			if v != nil {
				list = append(list, string(text))
			}
		}
		if v != nil && numbers {
			v.NS = list
		} else if v != nil {
			v.SS = list
		}
	case "BS":
		var list [][]byte
		if v != nil {
			list = [][]byte{}
		}
		for more := s.open('[', ']'); more; more = s.more(']') {
			b := s.binary()
			size += len(b)
			if v != nil {
				list = append(list, append([]byte{}, b...))
			}
		}
		if v != nil {
			v.BS = list
		}
	case "L":
		var list []attrValue
		if v != nil {
			list = []attrValue{}
		}
		size = 3
		for more := s.open('[', ']'); more; more = s.more(']') {
			if v == nil {
				size += 1 + s.value(nil, depth+1)
				continue
			}
			list = append(list, attrValue{})
			size += 1 + s.value(&list[len(list)-1], depth+1)
		}
		if v != nil {
			v.L = list
		}
	case "M":
		var m item
		if v != nil {
			m = item{}
		}
		base := len(s.members)
		n := s.object(m, depth+1)
		size = 3 + len(s.members) - base + n
		s.members = s.members[:base]
		if v != nil {
			v.M = m
		}
	default:
		s.fail()
	}
	if s.more('}') {
		s.fail() // a second member: two types, or one encoding/json would ignore
	}
	return size
}

// object reads an item or map, filling m unless it is nil, and returns the sum of its names'
// and values' sizes. It leaves the members in s.members for the caller to drop or keep.
func (s *scanner) object(m item, depth int) int {
	base := len(s.members)
	size := 0
	for more := s.open('{', '}'); more; more = s.more('}') {
		name, plain := s.str()
		if !plain {
			s.fail() // escaped names could hide duplicates; rare enough to leave to encoding/json
			return 0
		}
		m0 := member{name: s.i - 1 - len(name), end: s.i - 1}
		s.expect(':')
		m0.off = s.i
		s.members = append(s.members, m0)
		if m == nil {
			size += len(name) + s.value(nil, depth)
			continue
		}
		var v attrValue
		size += len(name) + s.value(&v, depth)
		m[string(name)] = v
	}
	// encoding/json lets a repeated name win; the rules that follow from that are not worth
	// repeating here.
	names := s.members[base:]
	if len(names) > 1 {
		slices.SortFunc(names, func(a, b member) int { return bytes.Compare(s.name(a), s.name(b)) })
		for i := 1; i < len(names); i++ {
			if bytes.Equal(s.name(names[i-1]), s.name(names[i])) {
				s.fail()
			}
		}
	}
	return size
}

// decodeItem decodes an item's DynamoDB JSON as encoding/json would: a stored item, which the
// scanner has read before or item.appendJSON wrote.
func decodeItem(raw []byte) item {
	s := scanner{b: raw}
	it := item{}
	s.object(it, 1)
	s.end()
	if s.bad {
		it = nil
		if err := json.Unmarshal(raw, &it); err != nil {
			panic("sim: a stored item does not decode: " + err.Error())
		}
	}
	return it
}

// wireBatch is a BatchWriteItem body, read by the scanner or, failing that, by encoding/json.
type wireBatch struct {
	tables                      []wireTable // in body order
	returnConsumedCapacity      string
	returnItemCollectionMetrics string
	body                        []byte
	members                     []member // top-level attributes of the scanned items
}

type wireTable struct {
	name string
	reqs []wireRequest
}

// wireRequest is one write request: from the scanner (raw set) or from encoding/json (attrs).
type wireRequest struct {
	put, del bool
	attrs    item   // decoded by encoding/json
	raw      []byte // the item or key as received, already checked
	size     int    // of raw
	lo, hi   int    // raw's top-level attributes in wireBatch.members
}

// scanBatchWrite reads a BatchWriteItem body; false means it gave up (see above).
func scanBatchWrite(body []byte) (*wireBatch, bool) {
	// About one attribute per 20 bytes of a typical body: room enough to grow rarely.
	s := scanner{b: body, members: make([]member, 0, min(len(body)/20, 4096))}
	wb := &wireBatch{body: body}
	var seen uint8
	for more := s.open('{', '}'); more; more = s.more('}') {
		name, _ := s.str()
		s.expect(':')
		var bit uint8
		switch string(name) {
		case "RequestItems":
			bit = 1
			s.requestItems(wb)
		case "ReturnConsumedCapacity":
			bit = 2
			text, _ := s.str()
			wb.returnConsumedCapacity = string(text)
		case "ReturnItemCollectionMetrics":
			bit = 4
			text, _ := s.str()
			wb.returnItemCollectionMetrics = string(text)
		default:
			s.fail()
		}
		if seen&bit != 0 {
			s.fail()
		}
		seen |= bit
	}
	s.end()
	wb.members = s.members
	return wb, !s.bad
}

func (s *scanner) requestItems(wb *wireBatch) {
	for more := s.open('{', '}'); more; more = s.more('}') {
		name, _ := s.str()
		t := wireTable{name: string(name)}
		for i := range wb.tables {
			if wb.tables[i].name == t.name {
				s.fail()
			}
		}
		s.expect(':')
		for more := s.open('[', ']'); more; more = s.more(']') {
			if t.reqs == nil {
				t.reqs = make([]wireRequest, 0, ddbitem.MaxBatchItems) // more is an error anyway
			}
			t.reqs = append(t.reqs, s.writeRequest())
		}
		wb.tables = append(wb.tables, t)
	}
}

// writeRequest reads {"PutRequest":{"Item":{...}}} or {"DeleteRequest":{"Key":{...}}}.
func (s *scanner) writeRequest() wireRequest {
	var wr wireRequest
	s.expect('{')
	kind, _ := s.str()
	wr.put = string(kind) == "PutRequest"
	wr.del = string(kind) == "DeleteRequest"
	s.expect(':')
	s.expect('{')
	if name, _ := s.str(); (!wr.put || string(name) != "Item") && (!wr.del || string(name) != "Key") {
		s.fail()
	}
	s.expect(':')
	start := s.peek()
	off := s.i
	wr.lo = len(s.members)
	wr.size = s.object(nil, 1)
	wr.hi = len(s.members)
	if start == '{' && !s.bad {
		wr.raw = s.b[off:s.i]
	}
	s.expect('}')
	s.expect('}')
	return wr
}
