package ledger

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
)

// The encoding (version 2): a DEFLATE stream (compress/flate, no zlib or gzip framing) of the
// keys, then the hashes as they are, since random bytes do not compress:
//
//	encoding = DEFLATE(payload) | count × hash (4 bytes big-endian)
//	payload  = version (1 byte) | uvarint(count) | count × uvarint(shared)
//	           | count × uvarint(len(suffix)) | the suffixes, concatenated | CRC-32
//
// shared is the length of the longest common prefix with the previous KeyID (0 for the first)
// and suffix is the rest of the KeyID; KeyIDs are strictly increasing (sorted, unique). Columns
// keep the runs of similar lengths and suffixes together, where DEFLATE finds them. The CRC
// (IEEE, 4 bytes big-endian) covers the payload before it and then the hashes: DEFLATE alone
// would accept a flipped bit, and the hashes have no other check. Version 1 (decode_rows.go),
// written before, held the same fields entry by entry, hashes included, all compressed;
// Decode reads both.
const formatVersion = 2

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
	crcBytes      = 4
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
	payload := make([]byte, 0, 16+2*n+len(l.keysOrEmpty()))
	payload = append(payload, formatVersion)
	payload = binary.AppendUvarint(payload, uint64(n))
	shared := make([]int, n)
	prev := ""
	for i := range n {
		k := l.key(i)
		shared[i] = commonPrefix(prev, k)
		payload = binary.AppendUvarint(payload, uint64(shared[i]))
		prev = k
	}
	for i := range n {
		payload = binary.AppendUvarint(payload, uint64(len(l.key(i))-shared[i]))
	}
	for i := range n {
		payload = append(payload, l.key(i)[shared[i]:]...)
	}
	hashes := make([]byte, 0, 4*n)
	for i := range n {
		hashes = binary.BigEndian.AppendUint32(hashes, l.hashes[i])
	}
	sum := crc32.Update(crc32.ChecksumIEEE(payload), crc32.IEEETable, hashes)
	payload = binary.BigEndian.AppendUint32(payload, sum)

	var out bytes.Buffer
	// NewWriter fails only for an invalid level, and writes to a bytes.Buffer cannot fail.
	w, _ := flate.NewWriter(&out, compressionLevel)
	_, _ = w.Write(payload)
	_ = w.Close()
	out.Write(hashes)
	return out.Bytes()
}

func (l *Ledger) keysOrEmpty() string {
	if l == nil {
		return ""
	}
	return l.keys
}

// EncodeString is Encode in standard base64, for JSON-valued private state.
func (l *Ledger) EncodeString() string { return base64.StdEncoding.EncodeToString(l.Encode()) }

// DecodeString reads a ledger written by EncodeString.
func DecodeString(s string) (*Ledger, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, &DecodeError{Entry: -1, Reason: "not standard base64", Err: err}
	}
	return Decode(b)
}

// Decode reads a ledger written by Encode. It checks everything it reads and returns a
// *DecodeError for any input Encode cannot have produced; it never panics, and its memory
// stays within a small multiple of the decoded ledger's size.
func Decode(b []byte) (*Ledger, error) {
	src := bytes.NewReader(b) // an io.ByteReader: flate reads no further than its stream's end
	payload, err := io.ReadAll(io.LimitReader(flate.NewReader(src), maxPayload+1))
	rest := b[len(b)-src.Len():] // what follows the stream: version 2's hashes
	switch {
	case err != nil:
		return nil, &DecodeError{Entry: -1, Reason: "not a complete DEFLATE stream (truncated or corrupted)", Err: err}
	case len(payload) > maxPayload:
		return nil, &DecodeError{Entry: -1, Reason: fmt.Sprintf("decompresses to more than %d bytes", maxPayload)}
	case len(payload) == 0:
		return nil, &DecodeError{Entry: -1, Reason: "empty payload"}
	case payload[0] != 1 && payload[0] != formatVersion:
		return nil, &DecodeError{Entry: -1, Reason: fmt.Sprintf("format version %d, but this provider reads only versions 1 and %d", payload[0], formatVersion)}
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
	return decodeColumns(body[1:], rest)
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
