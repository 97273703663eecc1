package ledger

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
)

// The encoding (version 3): a DEFLATE stream (compress/flate, no zlib or gzip framing) of the
// keys, then the hashes as they are, since random bytes do not compress:
//
//	encoding = DEFLATE(payload) | count × hash (4 bytes big-endian)
//	payload  = version (1 byte) | uvarint(count) | count × uvarint(start×2 + numeric)
//	           | count × uvarint(len(rest)) | one uvarint(delta) per numeric entry
//	           | the rests, concatenated | CRC-32
//
// KeyIDs are strictly increasing (sorted, unique), and each is written against the previous
// one (the first against ""). A plain entry (numeric = 0) is the previous KeyID's first start
// bytes followed by rest. A numeric entry (numeric = 1) is where the two KeyIDs first differ
// inside a run of digits of the same width in both, such as the order numbers of one customer:
// the previous KeyID's first start bytes, then the previous run of digits from start plus
// delta, zero-padded to that run's width, then rest. Keys whose numbers climb in small steps
// cost their steps' few bytes rather than the digits' text. Columns keep runs of similar values
// together, where DEFLATE finds them. The CRC (IEEE, 4 bytes big-endian) covers the payload
// before it and then the hashes: DEFLATE alone would accept a flipped bit, and the hashes have
// no other check.
//
// Decode also reads what providers wrote before: version 2 (decode_columns.go), the same
// without numeric entries or the delta column, and version 1 (decode_rows.go), which held the
// fields entry by entry, hashes included, all compressed.
const formatVersion = 4

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

func (l *Ledger) encode() []byte {
	n := l.Len()
	starts := make([]byte, 0, n+16)
	starts = append(starts, formatVersion)
	starts = binary.AppendUvarint(starts, uint64(n))
	rests := make([]int, n)
	var deltas []byte
	restBytes := 0
	prev := ""
	for i := range n {
		k := l.key(i)
		start, delta, rest := step(prev, k)
		numeric := 0
		if delta > 0 {
			numeric = 1
			deltas = binary.AppendUvarint(deltas, delta)
		}
		starts = binary.AppendUvarint(starts, uint64(2*start+numeric))
		rests[i] = rest
		restBytes += len(k) - rest
		prev = k
	}
	payload := make([]byte, 0, len(starts)+2*n+len(deltas)+restBytes+crcBytes)
	payload = append(payload, starts...)
	for i := range n {
		payload = binary.AppendUvarint(payload, uint64(len(l.key(i))-rests[i]))
	}
	payload = append(payload, deltas...)
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
	sum := crc32.Update(crc32.ChecksumIEEE(payload), crc32.IEEETable, sums)
	payload = binary.BigEndian.AppendUint32(payload, sum)

	var out bytes.Buffer
	// NewWriter fails only for an invalid level, and writes to a bytes.Buffer cannot fail.
	w, _ := flate.NewWriter(&out, compressionLevel)
	_, _ = w.Write(payload)
	_ = w.Close()
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
