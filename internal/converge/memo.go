package converge

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// A memo file keeps what the last validation of a dataset found for each of its lines
// (loader.LineMemo), so that the next one, after an edit of a few lines, decodes only those.
// Unlike an entry it does not depend on the files' bytes, only on the
// settings that shape the items, so it is kept longer: an update is often planned days after
// the last apply.
const (
	memoPrefix  = "lines-"
	memoMagic   = "ddbload lines v2\n"
	MemoMaxAge  = 7 * 24 * time.Hour
	memoTrailer = 16 // the number of lines and of their keys' bytes, after the last line
)

// memoName is the memo's file name for the validations of p: everything that decides what a
// line validates to (the reading options, the key options, the key schema), not the files.
func (c *Cache) memoName(p Params) string {
	h := sha256.New()
	h.Write([]byte(memoMagic + c.Salt + "\n"))
	shape, _ := json.Marshal(struct { // plain values: it cannot fail
		Source any
		Keys   any
		Schema any
	}{p.Options.Source, p.Options.Keys, ordered(p.Schema)})
	h.Write(shape)
	return memoPrefix + hex.EncodeToString(h.Sum(nil))
}

// recallMemo reads the memo for p; nil if there is none or it is damaged.
func (c *Cache) recallMemo(p Params) *loader.LineMemo {
	f, err := os.Open(filepath.Join(c.Dir, c.memoName(p)))
	if err != nil {
		return nil
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil
	}
	m, err := readMemo(f, info.Size())
	if err != nil {
		return nil
	}
	return m
}

// memoWriter streams a new memo to a temporary file, which commit names for p.
type memoWriter struct {
	c        *Cache
	f        *os.File
	w        *bufio.Writer
	buf      []byte
	lines    uint64
	keyBytes uint64
}

// rememberMemo starts a new memo for p; nil if no file can be made (the next validation then
// decodes every line).
func (c *Cache) rememberMemo() *memoWriter {
	if os.MkdirAll(c.Dir, 0o700) != nil {
		return nil
	}
	f, err := os.CreateTemp(c.Dir, tempPrefix)
	if err != nil {
		return nil
	}
	w := bufio.NewWriterSize(f, 1<<16)
	_, _ = w.WriteString(memoMagic)
	return &memoWriter{c: c, f: f, w: w}
}

// add is loader.Options.Remember. A memo line is its line sum, content sum, size, then its key's
// partition and sort parts (length-prefixed).
func (m *memoWriter) add(line record.LineSum, k keys.Key, sum [sha256.Size]byte, size int) {
	m.buf = append(m.buf[:0], line[:]...)
	m.buf = append(m.buf, sum[:]...)
	m.buf = binary.AppendUvarint(m.buf, uint64(size))
	m.buf = binary.AppendUvarint(m.buf, uint64(len(k.Partition)))
	m.buf = append(m.buf, k.Partition...)
	m.buf = binary.AppendUvarint(m.buf, uint64(len(k.Sort)))
	m.buf = append(m.buf, k.Sort...)
	_, _ = m.w.Write(m.buf) // a bufio.Writer's error sticks: commit sees it
	m.lines++
	m.keyBytes += uint64(len(k.Partition) + len(k.Sort))
}

// commit names the memo for p, replacing the one before. Failing only costs decoding later.
// A memo of no lines (inline items, CSV, JSON arrays) is not kept.
func (m *memoWriter) commit(p Params) {
	if m.lines == 0 {
		m.abort()
		return
	}
	_, _ = m.w.Write(binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, m.lines), m.keyBytes))
	werr := m.w.Flush()
	if cerr := m.f.Close(); werr != nil || cerr != nil {
		_ = os.Remove(m.f.Name())
		return
	}
	if os.Rename(m.f.Name(), filepath.Join(m.c.Dir, m.c.memoName(p))) != nil {
		_ = os.Remove(m.f.Name())
	}
}

// abort drops the memo.
func (m *memoWriter) abort() {
	_ = m.f.Close()
	_ = os.Remove(m.f.Name())
}

var errBadMemo = errors.New("converge: damaged line memo")

// readMemo reads a memo of size bytes from r, checking every length against what is left, so
// that no file makes it panic or allocate more than a small multiple of its size.
func readMemo(r io.ReaderAt, size int64) (*loader.LineMemo, error) {
	var trailer [memoTrailer]byte
	if size < int64(len(memoMagic)+memoTrailer) {
		return nil, errBadMemo
	}
	if _, err := r.ReadAt(trailer[:], size-memoTrailer); err != nil {
		return nil, errBadMemo
	}
	lines, keyBytes := binary.BigEndian.Uint64(trailer[:8]), binary.BigEndian.Uint64(trailer[8:])
	body := size - memoTrailer
	// A line takes at least 51 bytes (its two sums and three lengths) besides its key.
	if lines > uint64(body/51) || keyBytes > uint64(body) {
		return nil, errBadMemo
	}
	e := &entryReader{r: bufio.NewReaderSize(io.NewSectionReader(r, 0, body), 1<<16), left: body}
	if magic, ok := e.bytes(uint64(len(memoMagic))); !ok || string(magic) != memoMagic {
		return nil, errBadMemo
	}
	m := loader.NewLineMemo(int(lines), int(keyBytes))
	var n, kb uint64
	var pk []byte
	for e.left > 0 {
		head, ok := e.bytes(16 + sha256.Size)
		if !ok {
			return nil, errBadMemo
		}
		var line record.LineSum
		var sum [sha256.Size]byte
		copy(line[:], head)
		copy(sum[:], head[16:])
		size, ok := e.uvarint()
		if !ok || size >= 1<<32 {
			return nil, errBadMemo
		}
		part, ok := e.keyPart()
		if !ok {
			return nil, errBadMemo
		}
		pk = append(pk[:0], part...) // the next read reuses part's bytes
		sk, ok := e.keyPart()
		if !ok {
			return nil, errBadMemo
		}
		m.AddBytes(line, pk, sk, sum, int(size))
		n++
		kb += uint64(len(pk) + len(sk))
	}
	if n != lines || kb != keyBytes {
		return nil, errBadMemo
	}
	return m, nil
}

// keyPart reads a length-prefixed key part. The slice is valid until the next read.
func (e *entryReader) keyPart() ([]byte, bool) {
	l, ok := e.uvarint()
	if !ok || l > ledger.MaxKeyIDLen {
		return nil, false
	}
	return e.bytes(l)
}
