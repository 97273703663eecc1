package ledger

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
)

// decoder parses the body of a version 1 payload (after the version byte, before the
// checksum): entries one after another, as providers before version 2 wrote them.
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
