package loader

import (
	"crypto/sha256"
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
// take about 90 MB, and the garbage collector has nothing in them to scan.
type LineMemo struct {
	index map[record.LineSum]uint32
	keys  strings.Builder // every key's partition then sort part, concatenated
	pEnds []uint32        // line i's partition part ends at pEnds[i], its sort part at sEnds[i]
	sEnds []uint32
	sums  [][sha256.Size]byte
	sizes []uint32
}

// NewLineMemo is an empty memo with room for n lines.
func NewLineMemo(n int) *LineMemo {
	n = max(n, 0)
	return &LineMemo{index: make(map[record.LineSum]uint32, n), pEnds: make([]uint32, 0, n), sEnds: make([]uint32, 0, n),
		sums: make([][sha256.Size]byte, 0, n), sizes: make([]uint32, 0, n)}
}

// Add remembers that line validated to key k, content sum and size bytes. A line it knows
// already keeps its first entry: the same text validates to the same item. A memo is not
// added to while a validation recalls from it.
func (m *LineMemo) Add(line record.LineSum, k keys.Key, sum [sha256.Size]byte, size int) {
	if _, ok := m.index[line]; ok {
		return
	}
	// Keys past 4 GiB cannot be recorded: such a memo stops growing, and only costs decoding.
	if uint64(m.keys.Len())+uint64(len(k.Partition))+uint64(len(k.Sort)) > 1<<32-1 || len(m.sizes) == 1<<32-1 {
		return
	}
	m.index[line] = uint32(len(m.sizes))
	m.keys.WriteString(k.Partition)
	m.pEnds = append(m.pEnds, uint32(m.keys.Len()))
	m.keys.WriteString(k.Sort)
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

// recall is the reader's question (source.Recording.RecallLines): the line's entry, if known.
func (m *LineMemo) recall(line record.LineSum) (uint32, bool) {
	i, ok := m.index[line]
	return i, ok
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
		return o.Recall.recall
	case o.Remember != nil:
		return func(record.LineSum) (uint32, bool) { return 0, false }
	}
	return nil
}
