package ledger

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
)

// The encoding (version 5): a DEFLATE stream (compress/flate, no zlib or gzip framing) of the
// keys, then what DEFLATE would not shrink, as it is:
//
//	encoding = DEFLATE(payload) | Rice-coded steps (if steps = 1) | blocks × sum
//	payload  = version (1 byte) | uvarint(count) | steps (1 byte: 0 uvarints, 1 Rice)
//	           | if steps = 1: k (1 byte, 0 to 63) | uvarint(length of the Rice-coded steps)
//	           | count × uvarint(start×2 + numeric) | count × uvarint(len(rest))
//	           | if steps = 0: one uvarint(delta) per numeric entry
//	           | uvarint(unknown blocks) | each unknown block's distance from the one before
//	             (the first's from -1), as a uvarint | the rests, concatenated | CRC-32
//
// KeyIDs are strictly increasing (sorted, unique), and each is written against the previous
// one (the first against ""). A plain entry (numeric = 0) is the previous KeyID's first start
// bytes followed by rest. A numeric entry (numeric = 1) is where the two KeyIDs first differ
// inside a run of digits of the same width in both, such as the order numbers of one customer:
// the previous KeyID's first start bytes, then the previous run of digits from start plus
// delta, zero-padded to that run's width, then rest. Keys whose numbers climb in small steps
// cost their steps' few bytes rather than the digits' text. Columns keep runs of similar values
// together, where DEFLATE finds them.
//
// The steps are either uvarints of delta in the payload or a Rice code of delta-1 with
// parameter k (rice.go: the quotient in unary as 0 bits ended by a 1 bit, then k low bits,
// least significant first; bytes filled from their least significant bit, the last padded
// with 0 bits), whichever is smaller for the ledger: DEFLATE writes a constant step in next to
// nothing, while steps spread at random, such as the orders of one customer among many, cost
// less as a Rice code than as uvarints DEFLATE compresses.
//
// The blocks (blocks.go) are those the keys make, and their sums (4 bytes big-endian each) do
// not compress. The CRC (IEEE, 4 bytes big-endian) covers the payload before it and then
// everything after the stream: DEFLATE alone would accept a flipped bit, and the Rice code and
// the sums have no other check.
//
// Decode also reads what providers wrote before (decode_columns.go): version 4, the same with
// the steps always uvarints and no steps byte; version 3, with no unknown blocks and a hash for
// each entry instead of the block sums; and version 2, version 3 without numeric entries. And
// version 1 (decode_rows.go), which held the fields entry by entry, hashes included, all
// compressed.
const formatVersion = 5

const (
	// MaxKeyIDLen bounds a KeyID in an encoded ledger. The longest ID of a key DynamoDB
	// accepts is about 3.1 KB (a 2,048-byte partition key and a 1,024-byte sort key, plus
	// tags), so only corruption exceeds it; the bound keeps Decode's memory in proportion to
	// its input.
	MaxKeyIDLen = 4096
	// maxPayload bounds the decompressed payload: about 100 times the size of a ledger of a
	// million realistic keys, so only corruption or a DEFLATE bomb exceeds it.
	maxPayload = 1 << 30
	// maxKeyBytes bounds the KeyIDs' total length once the shared prefixes are expanded.
	maxKeyBytes uint64 = 4 << 30
	// minEntryBytes is the smallest encoded entry: two 1-byte uvarints and the hash.
	minEntryBytes = 6
	// maxDigits is the widest run of digits a numeric entry steps through: its value and the
	// next fit in a uint64.
	maxDigits = 18
	crcBytes  = 4
	// compressionLevel trades a little size for speed: the encoder runs in every apply.
	compressionLevel = 3
)

// Encode returns the compact encoding of the ledger, for Decode. A nil ledger encodes as an
// empty one. The encoding is kept: a ledger is encoded once however often it is asked, and
// the caller must not modify the bytes.
func (l *Ledger) Encode() []byte {
	if l == nil {
		return l.encode()
	}
	l.encodeOnce.Do(func() { l.encoded = l.encode() })
	return l.encoded
}

func (l *Ledger) encode() []byte { return l.encodeSteps(stepsAuto) }

// encodeSteps is encode with the steps written as coding says.
func (l *Ledger) encodeSteps(coding stepCoding) []byte {
	n := l.Len()
	starts := make([]byte, 0, n+16)
	rests := make([]int, n)
	var deltas []byte
	var cost riceCost
	restBytes := 0
	prev := ""
	for i := range n {
		k := l.key(i)
		start, delta, rest := step(prev, k)
		numeric := 0
		if delta > 0 {
			numeric = 1
			deltas = binary.AppendUvarint(deltas, delta)
			cost.add(delta - 1)
		}
		starts = binary.AppendUvarint(starts, uint64(2*start+numeric))
		rests[i] = rest
		restBytes += len(k) - rest
		prev = k
	}
	riceK, riceBits := cost.best()
	if coding == stepsAuto {
		coding = chooseSteps(deltas, riceBits)
	}
	var rice []byte
	payload := make([]byte, 0, 16+len(starts)+2*n+len(deltas)+restBytes+crcBytes)
	payload = append(payload, formatVersion)
	payload = binary.AppendUvarint(payload, uint64(n))
	payload = append(payload, byte(coding))
	if coding == stepsRice {
		rice = riceCode(deltas, riceK, riceBits)
		payload = append(payload, byte(riceK))
		payload = binary.AppendUvarint(payload, uint64(len(rice)))
	}
	payload = append(payload, starts...)
	for i := range n {
		payload = binary.AppendUvarint(payload, uint64(len(l.key(i))-rests[i]))
	}
	if coding == stepsUvarint {
		payload = append(payload, deltas...)
	}
	blocks := l.Blocks()
	sums := make([]byte, 0, 4*len(blocks))
	var unknown []byte
	last, nUnknown := -1, 0
	for b, bl := range blocks {
		sums = binary.BigEndian.AppendUint32(sums, bl.Sum)
		if !bl.Known {
			unknown = binary.AppendUvarint(unknown, uint64(b-last))
			last = b
			nUnknown++
		}
	}
	payload = binary.AppendUvarint(payload, uint64(nUnknown))
	payload = append(payload, unknown...)
	for i := range n {
		payload = append(payload, l.key(i)[rests[i]:]...)
	}
	sum := crc32.Update(crc32.ChecksumIEEE(payload), crc32.IEEETable, rice)
	sum = crc32.Update(sum, crc32.IEEETable, sums)
	payload = binary.BigEndian.AppendUint32(payload, sum)

	var out bytes.Buffer
	// NewWriter fails only for an invalid level, and writes to a bytes.Buffer cannot fail.
	w, _ := flate.NewWriter(&out, compressionLevel)
	_, _ = w.Write(payload)
	_ = w.Close()
	out.Write(rice)
	out.Write(sums)
	return out.Bytes()
}

// step is how k is written after prev (k > prev): the start of what k takes from prev, the
// step of its numeric entry (0 for a plain entry), and where the rest written out begins.
func step(prev, k string) (start int, delta uint64, rest int) {
	shared := commonPrefix(prev, k)
	if shared == len(prev) || shared == len(k) || !isDigit(prev[shared]) || !isDigit(k[shared]) {
		return shared, 0, shared
	}
	start = shared
	for start > 0 && isDigit(k[start-1]) {
		start--
	}
	end := digitsEnd(k, shared)
	if end-start > maxDigits || digitsEnd(prev, shared) != end {
		return shared, 0, shared
	}
	// Same width, and k's first differing digit is the larger: k's number is the larger.
	return start, digitsValue(k[start:end]) - digitsValue(prev[start:end]), end
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// digitsEnd is where the run of digits in s from i ends.
func digitsEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// digitsValue is the number a run of at most maxDigits digits spells.
func digitsValue[T ~string | ~[]byte](digits T) uint64 {
	var v uint64
	for i := range len(digits) {
		v = 10*v + uint64(digits[i]-'0')
	}
	return v
}

// Decode reads a ledger written by Encode. It checks everything it reads and returns a
// *DecodeError for any input Encode cannot have produced; it never panics, and its memory
// stays within a small multiple of the decoded ledger's size.
func Decode(b []byte) (*Ledger, error) {
	src := bytes.NewReader(b) // an io.ByteReader: flate reads no further than its stream's end
	payload, err := io.ReadAll(io.LimitReader(flate.NewReader(src), maxPayload+1))
	rest := b[len(b)-src.Len():] // what follows the stream: the hashes, from version 2 on
	switch {
	case err != nil:
		return nil, &DecodeError{Entry: -1, Reason: "not a complete DEFLATE stream (truncated or corrupted)", Err: err}
	case len(payload) > maxPayload:
		return nil, &DecodeError{Entry: -1, Reason: fmt.Sprintf("decompresses to more than %d bytes", maxPayload)}
	case len(payload) == 0:
		return nil, &DecodeError{Entry: -1, Reason: "empty payload"}
	case payload[0] < 1 || payload[0] > formatVersion:
		return nil, &DecodeError{Entry: -1, Reason: fmt.Sprintf("format version %d, but this provider reads only versions 1 to %d", payload[0], formatVersion)}
	case payload[0] == 1 && len(rest) > 0:
		return nil, &DecodeError{Entry: -1, Reason: fmt.Sprintf("%d unexpected bytes after the compressed data", len(rest))}
	case len(payload) < 1+1+crcBytes:
		return nil, &DecodeError{Entry: -1, Reason: fmt.Sprintf("payload of %d bytes is too short for a header and checksum", len(payload))}
	}
	body, stored := payload[:len(payload)-crcBytes], binary.BigEndian.Uint32(payload[len(payload)-crcBytes:])
	sum := crc32.Update(crc32.ChecksumIEEE(body), crc32.IEEETable, rest)
	if sum != stored {
		return nil, &DecodeError{Entry: -1, Reason: fmt.Sprintf("checksum mismatch (stored %08x, computed %08x): the data is corrupted", stored, sum)}
	}
	if payload[0] == 1 {
		d := decoder{buf: body[1:], entry: -1}
		return d.ledger()
	}
	return decodeColumns(body[1:], rest, payload[0])
}

// commonPrefix is the length of the longest common prefix of a and b.
func commonPrefix[T ~string | ~[]byte](a, b T) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}
