package loader

import (
	"crypto/sha256"
	"encoding/binary"
	"strings"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// LineMemo is what validations found for lines of text (by record.LineSum): each valid line's
// key, the SHA-256 of its canonical item and its size. With it, Validate decodes only the
// lines it lacks: an update that edits a few lines of a million reads the files but decodes
// a few records. What a line validates to depends on the options and the key schema as well,
// so a memo is only good for the validations of one Options.Source, Options.Keys and schema.
//
// It lives in flat arrays without pointers, like the records of a validation: a million lines
// of the benchmark's items take about 110 MB, and the garbage collector has nothing in them
// to scan.
type LineMemo struct {
	// slots is an open-addressing table of entry numbers + 1 (0 is empty), probed linearly from
	// the slot a line sum's first bytes give: they are uniform already, and a table of
	// integers is built several times faster than a map.
	slots []uint32
	lines []record.LineSum // by entry
	keys  strings.Builder  // every key's partition then sort part, concatenated
	pEnds []uint32         // line i's partition part ends at pEnds[i], its sort part at sEnds[i]
	sEnds []uint32
	sums  [][sha256.Size]byte
	sizes []uint32
}

// NewLineMemo is an empty memo with room for n lines whose keys take keyBytes: a memo read
// from a file is sized once instead of growing a million lines at a time.
func NewLineMemo(n, keyBytes int) *LineMemo {
	n = max(n, 0)
	m := &LineMemo{lines: make([]record.LineSum, 0, n), pEnds: make([]uint32, 0, n),
		sEnds: make([]uint32, 0, n), sums: make([][sha256.Size]byte, 0, n), sizes: make([]uint32, 0, n)}
	m.grow(n)
	m.keys.Grow(max(keyBytes, 0))
	return m
}

// Add remembers that line validated to key k, content sum and size bytes. A line it knows
// already keeps its first entry: the same text validates to the same item. A memo is not
// added to while a validation recalls from it.
func (m *LineMemo) Add(line record.LineSum, k keys.Key, sum [sha256.Size]byte, size int) {
	add(m, line, k.Partition, k.Sort, sum, size)
}

// AddBytes is Add for a key whose parts are bytes (as read from a file), without a string
// each.
func (m *LineMemo) AddBytes(line record.LineSum, partition, sort []byte, sum [sha256.Size]byte, size int) {
	add(m, line, partition, sort, sum, size)
}

func add[T string | []byte](m *LineMemo, line record.LineSum, partition, sort T, sum [sha256.Size]byte, size int) {
	slot, found := m.find(line)
	if found {
		return
	}
	// Keys past 4 GiB cannot be recorded: such a memo stops growing, and only costs decoding.
	if uint64(m.keys.Len())+uint64(len(partition))+uint64(len(sort)) > 1<<32-1 || len(m.sizes) == 1<<32-1 {
		return
	}
	m.lines = append(m.lines, line)
	m.slots[slot] = uint32(len(m.lines))
	if 2*len(m.lines) > len(m.slots) {
		m.grow(len(m.lines))
	}
	m.keys.WriteString(string(partition)) // no copy: the compiler sees the string go nowhere else
	m.pEnds = append(m.pEnds, uint32(m.keys.Len()))
	m.keys.WriteString(string(sort))
	m.sEnds = append(m.sEnds, uint32(m.keys.Len()))
	m.sums = append(m.sums, sum)
	m.sizes = append(m.sizes, uint32(min(max(size, 0), 1<<32-1)))
}

// Len is the number of lines remembered.
func (m *LineMemo) Len() int {
	if m == nil {
		return 0
	}
	return len(m.sizes)
}

// recaller answers a reading's questions (source.Recording.RecallLines) about the lines of a
// dataset: the line's entry, if known. Lines mostly follow each other as they did when the
// memo was made, so the entry after the last one found is tried before the index, which
// costs a few cache misses a line where that costs none.
func (m *LineMemo) recaller() func(record.LineSum) (uint32, bool) {
	next := 0
	return func(line record.LineSum) (uint32, bool) {
		if next < len(m.lines) && m.lines[next] == line {
			next++
			return uint32(next - 1), true
		}
		slot, ok := m.find(line)
		if !ok {
			return 0, false
		}
		next = int(m.slots[slot])
		return uint32(next - 1), true
	}
}

// find is the slot of line, or the empty slot where it would go.
func (m *LineMemo) find(line record.LineSum) (int, bool) {
	mask := uint64(len(m.slots) - 1)
	for s := binary.LittleEndian.Uint64(line[:8]) & mask; ; s = (s + 1) & mask {
		e := m.slots[s]
		if e == 0 {
			return int(s), false
		}
		if m.lines[e-1] == line {
			return int(s), true
		}
	}
}

// grow makes the table hold n entries at most half full, and enters the lines known.
func (m *LineMemo) grow(n int) {
	size := 16
	for size < 2*n {
		size *= 2
	}
	if size <= len(m.slots) {
		return
	}
	m.slots = make([]uint32, size)
	for i, line := range m.lines {
		s, _ := m.find(line)
		m.slots[s] = uint32(i + 1)
	}
}

// entry is what line i validated to. Its key's strings are parts of the memo's, not copies.
func (m *LineMemo) entry(i uint32) (keys.Key, [sha256.Size]byte, int) {
	start := uint32(0)
	if i > 0 {
		start = m.sEnds[i-1]
	}
	all := m.keys.String()
	k := keys.Key{Partition: all[start:m.pEnds[i]], Sort: all[m.pEnds[i]:m.sEnds[i]]}
	return k, m.sums[i], int(m.sizes[i])
}

// recall is the function a validation under o gives its reading (source.Recording.RecallLines):
// nil when o neither recalls nor remembers lines, so that no line is summed for nothing.
func (o *Options) recall() func(record.LineSum) (uint32, bool) {
	switch {
	case o.Recall.Len() > 0:
		return o.Recall.recaller()
	case o.Remember != nil:
		return func(record.LineSum) (uint32, bool) { return 0, false }
	}
	return nil
}
