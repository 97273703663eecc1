package converge

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// A memo file keeps what the last validation of a dataset found for each of its lines
// (loader.LineMemo), so that the next one, after an edit of a few lines, decodes only those.
// Unlike an entry it does not depend on the files' bytes or the prior state, only on the
// settings that shape the items, so it is kept longer: an update is often planned days after
// the last apply.
const (
	memoPrefix  = "lines-"
	memoMagic   = "ddbload lines v1\n"
	MemoMaxAge  = 7 * 24 * time.Hour
	memoTrailer = 8 // the number of lines, after the last
)

// memoName is the memo's file name for the validations of p: everything that decides what a
// line validates to (the reading options, the key options, the key schema), not the files.
func (c *Cache) memoName(p Params) string {
	h := sha256.New()
	h.Write([]byte(memoMagic + c.Salt + "\n"))
	schema := p.Schema
	schema.IndexKeys = slices.Clone(schema.IndexKeys)
	slices.SortFunc(schema.IndexKeys, func(a, b keys.IndexKey) int {
		return cmp.Or(cmp.Compare(a.Index, b.Index), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Attr.Name, b.Attr.Name),
			cmp.Compare(a.Attr.Type, b.Attr.Type), compareBool(a.Sort, b.Sort))
	})
	shape, _ := json.Marshal(struct { // plain values: it cannot fail
		Source any
		Keys   any
		Schema any
	}{p.Options.Source, p.Options.Keys, schema})
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
	m, err := readMemo(bufio.NewReaderSize(f, 1<<16), info.Size())
	if err != nil {
		return nil
	}
	return m
}

// memoWriter streams a new memo to a temporary file, which commit names for p.
type memoWriter struct {
	c     *Cache
	f     *os.File
	w     *bufio.Writer
	buf   []byte
	lines uint64
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
}

// commit names the memo for p, replacing the one before. Failing only costs decoding later.
func (m *memoWriter) commit(p Params) {
	_, _ = m.w.Write(binary.BigEndian.AppendUint64(nil, m.lines))
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
func readMemo(r *bufio.Reader, size int64) (*loader.LineMemo, error) {
	e := &entryReader{r: r, left: size - memoTrailer}
	if e.left < int64(len(memoMagic)) {
		return nil, errBadMemo
	}
	if magic, ok := e.bytes(uint64(len(memoMagic))); !ok || string(magic) != memoMagic {
		return nil, errBadMemo
	}
	// A line takes at least 51 bytes: its two sums and three lengths.
	m := loader.NewLineMemo(int(e.left / 51))
	var n uint64
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
		pk, ok := e.text()
		if !ok {
			return nil, errBadMemo
		}
		sk, ok := e.text()
		if !ok {
			return nil, errBadMemo
		}
		m.Add(line, keys.Key{Partition: pk, Sort: sk}, sum, int(size))
		n++
	}
	e.left = memoTrailer
	count, ok := e.bytes(memoTrailer)
	if !ok || binary.BigEndian.Uint64(count) != n {
		return nil, errBadMemo
	}
	return m, nil
}

// text reads a length-prefixed key part.
func (e *entryReader) text() (string, bool) {
	l, ok := e.uvarint()
	if !ok || l > ledger.MaxKeyIDLen {
		return "", false
	}
	b, ok := e.bytes(l)
	return string(b), ok
}
