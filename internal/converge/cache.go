package converge

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// Cache keeps what validation learned about a dataset on disk, for the processes of one
// terraform run: Terraform plans in one provider process and, at apply, plans again and then
// applies in another, each of which would otherwise read and check the same bytes again. An
// entry is keyed by everything validation depends on (the bytes of the files, the options that
// shape the items, the key schema), so anything else misses; the write pass
// still checks that it reads the bytes validated. Entries older than CacheMaxAge go.
type Cache struct {
	// Dir holds the entries, named "validated-" and the key; Dir may be shared with other
	// files, which are left alone.
	Dir string
	// Salt is mixed into every key: the caller's identity (e.g. a hash of its executable), so
	// that a build with other validation rules does not take this one's entries.
	Salt string
	Now  func() time.Time // default time.Now
}

// CacheMaxAge is how long an entry is kept: longer than a plan waits for its apply, as a rule.
const CacheMaxAge = 6 * time.Hour

const cacheMagic = "ddbload validated v3\n"

// Entry and temporary file names start with these; prune removes nothing else.
const (
	entryPrefix = "validated-"
	tempPrefix  = "tmp-validated-"
)

// key is the entry's name for p with the files as they are now (fingerprint).
func (c *Cache) key(p Params, files [sha256.Size]byte) string {
	h := sha256.New()
	h.Write([]byte(c.shape(p)))
	h.Write(files[:])
	return entryPrefix + hex.EncodeToString(h.Sum(nil))
}

// shape is the hash of everything validation depends on but the bytes of the files.
func (c *Cache) shape(p Params) string {
	h := sha256.New()
	h.Write([]byte(cacheMagic + c.Salt + "\n"))
	shape, _ := json.Marshal(struct { // plain values: it cannot fail
		Source     source.Spec
		Keys       any
		Duplicates loader.DuplicatePolicy
		Schema     any
	}{p.Options.Source, p.Options.Keys, p.Options.Duplicates, ordered(p.Schema)})
	h.Write(shape)
	return string(h.Sum(nil))
}

// ordered is s with its index keys in one order: a declared schema and a described table list
// them differently.
func ordered(s keys.Schema) keys.Schema {
	s.IndexKeys = slices.Clone(s.IndexKeys)
	slices.SortFunc(s.IndexKeys, func(a, b keys.IndexKey) int {
		return cmp.Or(cmp.Compare(a.Index, b.Index), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Attr.Name, b.Attr.Name),
			cmp.Compare(a.Attr.Type, b.Attr.Type), compareBool(a.Sort, b.Sort))
	})
	return s
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// lookup returns the validated dataset and records stored for p, if the files are still the
// bytes they were then.
func (c *Cache) lookup(p Params) (*loader.Validated, *records, bool) {
	// Taken before the files are read, so that a change while they are read changes it.
	stamp, stamped := source.Stamp(p.Options.Source)
	shape := c.shape(p)
	if e, ok := recent.stamped(shape, stamp); ok && stamped {
		// The final plan of an apply hashed these files moments ago in this process, and
		// the write pass checks the bytes it reads: an apply need not hash them again.
		return e.validated, e.seen, true
	}
	files, err := source.Fingerprint(p.Options.Source)
	if err != nil {
		return nil, nil, false
	}
	key := c.key(p, files)
	if e, ok := recent.get(key); ok {
		if stamped {
			recent.stamp(key, shape, stamp)
		}
		return e.validated, e.seen, true
	}
	f, err := os.Open(filepath.Join(c.Dir, key))
	if err != nil {
		return nil, nil, false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, nil, false
	}
	validated, seen, err := readEntry(f, info.Size())
	if err != nil || validated.FilesFingerprint() != files {
		return nil, nil, false
	}
	e := memEntry{validated: validated, seen: seen}
	if stamped {
		e.shape, e.stamp = shape, stamp
	}
	recent.set(key, e)
	return validated, seen, true
}

// recent is the last entry this process read, by key: Terraform's apply plans the resource
// again and then applies it in one provider process, and both look the same entry up. What
// an entry holds is never modified once validated.
var recent memo

type memEntry struct {
	validated *loader.Validated
	seen      *records
	// shape and stamp, if shape is set: the entry's files had this stamp when they were last
	// found to be its bytes.
	shape string
	stamp [sha256.Size]byte
}

type memo struct {
	mu  sync.Mutex
	key string
	e   memEntry
}

func (m *memo) get(key string) (memEntry, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.e, m.key == key && m.e.validated != nil
}

// stamped returns the entry whose files had stamp, for shape.
func (m *memo) stamped(shape string, stamp [sha256.Size]byte) (memEntry, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.e, m.e.validated != nil && m.e.shape != "" && m.e.shape == shape && m.e.stamp == stamp
}

// stamp records that the entry of key had stamp for shape.
func (m *memo) stamp(key, shape string, stamp [sha256.Size]byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.key == key {
		m.e.shape, m.e.stamp = shape, stamp
	}
}

func (m *memo) set(key string, e memEntry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.key, m.e = key, e
}

// forget drops the entry if it holds seen: a million records take about 50 MB. Another
// resource's entry stays.
func (m *memo) forget(seen *records) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if seen != nil && m.e.seen == seen {
		m.key, m.e = "", memEntry{}
	}
}

// store keeps validated and seen for p, under the fingerprint of the bytes validated. Failing
// to store only costs a validation later.
func (c *Cache) store(p Params, validated *loader.Validated, seen *records) {
	c.prune()
	if os.MkdirAll(c.Dir, 0o700) != nil {
		return
	}
	f, err := os.CreateTemp(c.Dir, tempPrefix)
	if err != nil {
		return
	}
	// Streamed: the entry of a million records is about 37 MB that need not be in memory.
	w := bufio.NewWriterSize(f, 1<<16)
	werr := writeEntry(w, validated, seen)
	if werr == nil {
		werr = w.Flush()
	}
	if cerr := f.Close(); werr != nil || cerr != nil {
		_ = os.Remove(f.Name())
		return
	}
	key := c.key(p, validated.FilesFingerprint())
	if os.Rename(f.Name(), filepath.Join(c.Dir, key)) != nil {
		_ = os.Remove(f.Name())
		return
	}
	// An apply that follows in this process takes the records from memory, and with them the
	// verdict its plan made (previewed).
	recent.set(key, memEntry{validated: validated, seen: seen})
}

// prune removes entries (and abandoned temporary files) older than CacheMaxAge and memos older
// than MemoMaxAge; other files in Dir are not its to remove.
func (c *Cache) prune() {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	entries, err := os.ReadDir(c.Dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		age := CacheMaxAge
		switch {
		case !e.Type().IsRegular():
			continue
		case strings.HasPrefix(name, memoPrefix):
			age = MemoMaxAge
		case !strings.HasPrefix(name, entryPrefix) && !strings.HasPrefix(name, tempPrefix):
			continue
		}
		if info, err := e.Info(); err == nil && now().Sub(info.ModTime()) > age {
			_ = os.Remove(filepath.Join(c.Dir, e.Name()))
		}
	}
}

// An entry is cacheMagic, the loader.Validated (length-prefixed), the number of records, then
// each record's key ID (length-prefixed), content hash (4 bytes) and write units (uvarint), in
// sequence order.
func writeEntry(w *bufio.Writer, validated *loader.Validated, seen *records) error {
	vb, err := validated.MarshalBinary()
	if err != nil {
		return err
	}
	// A bufio.Writer's error sticks: the last Write reports any earlier one.
	_, _ = w.WriteString(cacheMagic)
	_, _ = w.Write(binary.AppendUvarint(nil, uint64(len(vb))))
	_, _ = w.Write(vb)
	buf := binary.AppendUvarint(nil, uint64(seen.len()))
	start := 0
	for i, end := range seen.ends {
		buf = binary.AppendUvarint(buf, uint64(end-start))
		buf = append(buf, seen.ids[start:end]...)
		start = end
		buf = binary.BigEndian.AppendUint32(buf, seen.hash(i))
		buf = binary.AppendUvarint(buf, uint64(seen.wcu(i)))
		if len(buf) > 1<<16 {
			_, _ = w.Write(buf)
			buf = buf[:0]
		}
	}
	_, err = w.Write(buf)
	return err
}

var errBadEntry = errors.New("converge: damaged cache entry")

// readEntry reads an entry of size bytes from r, checking every length against what is left,
// so that no entry makes it panic or allocate more than a small multiple of its size. It reads as a stream: the
// entry of a million records (about 37 MB) is never all in memory beside the records.
func readEntry(r io.Reader, size int64) (*loader.Validated, *records, error) {
	e := &entryReader{r: bufio.NewReaderSize(r, 1<<16), left: size}
	if magic, ok := e.bytes(uint64(len(cacheMagic))); !ok || string(magic) != cacheMagic {
		return nil, nil, errBadEntry
	}
	n, ok := e.uvarint()
	if !ok {
		return nil, nil, errBadEntry
	}
	vb, ok := e.bytes(n)
	if !ok {
		return nil, nil, errBadEntry
	}
	validated := &loader.Validated{}
	if err := validated.UnmarshalBinary(vb); err != nil {
		return nil, nil, errBadEntry
	}
	count, ok := e.uvarint()
	// A record takes at least 6 bytes: a length, a hash and the write units.
	if !ok || count > uint64(e.left/6) || int64(count) != validated.Records {
		return nil, nil, errBadEntry
	}
	// The key IDs take what is left after each record's length, hash and write units: sizing
	// ids so spares a million records a regrowth or 6 MB of slack.
	seen := &records{ids: make([]byte, 0, e.left-6*int64(count)), ends: make([]int, 0, count), hashes: make([]uint32, 0, count), wcus: make([]uint32, 0, count)}
	for range count {
		l, ok := e.uvarint()
		if !ok || l > ledger.MaxKeyIDLen {
			return nil, nil, errBadEntry
		}
		id, ok := e.bytes(l)
		if !ok {
			return nil, nil, errBadEntry
		}
		seen.ids = append(seen.ids, id...)
		seen.ends = append(seen.ends, len(seen.ids))
		hash, ok := e.bytes(4)
		if !ok {
			return nil, nil, errBadEntry
		}
		seen.hashes = append(seen.hashes, binary.BigEndian.Uint32(hash))
		wcu, ok := e.uvarint()
		if !ok || wcu >= 1<<32 {
			return nil, nil, errBadEntry
		}
		seen.wcus = append(seen.wcus, uint32(wcu))
	}
	if e.left != 0 {
		return nil, nil, errBadEntry
	}
	return validated, seen, nil
}

// entryReader reads an entry's fields and counts what is left of it.
type entryReader struct {
	r    *bufio.Reader
	left int64
	buf  []byte
}

// ReadByte is io.ByteReader, for binary.ReadUvarint.
func (e *entryReader) ReadByte() (byte, error) {
	if e.left <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	b, err := e.r.ReadByte()
	if err == nil {
		e.left--
	}
	return b, err
}

func (e *entryReader) uvarint() (uint64, bool) {
	v, err := binary.ReadUvarint(e)
	return v, err == nil
}

// bytes reads the next n bytes into a buffer that the next call reuses.
func (e *entryReader) bytes(n uint64) ([]byte, bool) {
	if n > uint64(e.left) {
		return nil, false
	}
	if uint64(cap(e.buf)) < n {
		e.buf = make([]byte, n)
	}
	b := e.buf[:n]
	if _, err := io.ReadFull(e.r, b); err != nil {
		return nil, false
	}
	e.left -= int64(n)
	return b, true
}
