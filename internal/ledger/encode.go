package ledger

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
)

// The encoding, before DEFLATE (compress/flate, BestCompression, no zlib or gzip framing):
//
//	payload = version (1 byte) | uvarint(count) | count × entry | CRC-32 (IEEE, 4 bytes big-endian)
//	entry   = uvarint(shared) | uvarint(len(suffix)) | suffix | hash (4 bytes big-endian)
//
// shared is the length of the longest common prefix with the previous KeyID (0 for the first)
// and suffix is the rest of the KeyID. KeyIDs are strictly increasing (sorted, unique). The
// CRC covers every byte before it: DEFLATE alone would accept a flipped bit in a hash.
const formatVersion = 1

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
)

// Encode returns the compact encoding of the ledger, for Decode. A nil ledger encodes as an
// empty one.
func (l *Ledger) Encode() []byte {
	n := l.Len()
	payload := make([]byte, 0, 16+n*minEntryBytes*2)
	payload = append(payload, formatVersion)
	payload = binary.AppendUvarint(payload, uint64(n))
	prev := ""
	for i := range n {
		k := l.key(i)
		shared := commonPrefix(prev, k)
		payload = binary.AppendUvarint(payload, uint64(shared))
		payload = binary.AppendUvarint(payload, uint64(len(k)-shared))
		payload = append(payload, k[shared:]...)
		payload = binary.BigEndian.AppendUint32(payload, l.hashes[i])
		prev = k
	}
	payload = binary.BigEndian.AppendUint32(payload, crc32.ChecksumIEEE(payload))

	var out bytes.Buffer
	// NewWriter fails only for an invalid level, and writes to a bytes.Buffer cannot fail.
	w, _ := flate.NewWriter(&out, flate.BestCompression)
	_, _ = w.Write(payload)
	_ = w.Close()
	return out.Bytes()
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
	switch {
	case err != nil:
		return nil, &DecodeError{Entry: -1, Reason: "not a complete DEFLATE stream (truncated or corrupted)", Err: err}
	case len(payload) > maxPayload:
		return nil, &DecodeError{Entry: -1, Reason: fmt.Sprintf("decompresses to more than %d bytes", maxPayload)}
	case src.Len() > 0:
		return nil, &DecodeError{Entry: -1, Reason: fmt.Sprintf("%d unexpected bytes after the compressed data", src.Len())}
	case len(payload) == 0:
		return nil, &DecodeError{Entry: -1, Reason: "empty payload"}
	case payload[0] != formatVersion:
		return nil, &DecodeError{Entry: -1, Reason: fmt.Sprintf("format version %d, but this provider reads only version %d", payload[0], formatVersion)}
	case len(payload) < 1+1+crcBytes:
		return nil, &DecodeError{Entry: -1, Reason: fmt.Sprintf("payload of %d bytes is too short for a header and checksum", len(payload))}
	}
	body, sum := payload[:len(payload)-crcBytes], binary.BigEndian.Uint32(payload[len(payload)-crcBytes:])
	if got := crc32.ChecksumIEEE(body); got != sum {
		return nil, &DecodeError{Entry: -1, Reason: fmt.Sprintf("checksum mismatch (stored %08x, computed %08x): the data is corrupted", sum, got)}
	}
	d := decoder{buf: body[1:], entry: -1}
	return d.ledger()
}

// decoder parses the payload body (after the version byte, before the checksum).
type decoder struct {
	buf   []byte
	entry int // the entry being read, for errors; -1 in the header
}

func (d *decoder) fail(format string, args ...any) error {
	return &DecodeError{Entry: d.entry, Reason: fmt.Sprintf(format, args...)}
}

func (d *decoder) uvarint(what string) (uint64, error) {
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		if n == 0 {
			return 0, d.fail("truncated: the data ends inside the %s", what)
		}
		return 0, d.fail("the %s overflows 64 bits", what)
	}
	d.buf = d.buf[n:]
	return v, nil
}

func (d *decoder) ledger() (*Ledger, error) {
	count, err := d.uvarint("entry count")
	if err != nil {
		return nil, err
	}
	// Every entry takes at least minEntryBytes, so a count the data cannot hold is corruption,
	// and checking it first keeps a corrupted count from allocating.
	if count > uint64(len(d.buf)/minEntryBytes) {
		return nil, d.fail("the header counts %d entries, but %d bytes hold at most %d", count, len(d.buf), len(d.buf)/minEntryBytes)
	}
	n := int(count)
	l := &Ledger{offsets: make([]int, 1, n+1), hashes: make([]uint32, 0, n)}
	var keys strings.Builder
	var prev, key []byte // the previous and the current KeyID, in two reused buffers
	var total uint64
	for d.entry = 0; d.entry < n; d.entry++ {
		shared, err := d.uvarint("shared prefix length")
		if err != nil {
			return nil, err
		}
		if shared > uint64(len(prev)) {
			return nil, d.fail("shares %d bytes with a previous key of %d bytes", shared, len(prev))
		}
		size, err := d.uvarint("suffix length")
		if err != nil {
			return nil, err
		}
		if size > uint64(len(d.buf)) {
			return nil, d.fail("truncated: a %d-byte key suffix, but only %d bytes remain", size, len(d.buf))
		}
		if shared+size > MaxKeyIDLen {
			return nil, d.fail("a %d-byte key ID, longer than the %d-byte maximum", shared+size, MaxKeyIDLen)
		}
		key = append(append(key[:0], prev[:shared]...), d.buf[:size]...)
		d.buf = d.buf[size:]
		if d.entry > 0 && bytes.Compare(key, prev) <= 0 {
			return nil, d.fail("key %q is not after the previous key %q: entries must be sorted and unique", key, prev)
		}
		if len(d.buf) < 4 {
			return nil, d.fail("truncated: the data ends inside the hash")
		}
		if total += uint64(len(key)); total > maxKeyBytes {
			return nil, d.fail("the key IDs exceed %d bytes in total", maxKeyBytes)
		}
		keys.Write(key)
		l.offsets = append(l.offsets, keys.Len())
		l.hashes = append(l.hashes, binary.BigEndian.Uint32(d.buf))
		d.buf = d.buf[4:]
		prev, key = key, prev
	}
	d.entry = -1
	if len(d.buf) > 0 {
		return nil, d.fail("%d unexpected bytes after the %d entries the header counts", len(d.buf), n)
	}
	l.keys = keys.String()
	return l, nil
}

// commonPrefix is the length of the longest common prefix of a and b.
func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}
