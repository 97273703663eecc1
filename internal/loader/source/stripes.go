package source

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
)

// Layout says into how many stripes a recording reading cuts a dataset: as many as its stored
// size allows with at least MinBytes each, at most Max.
type Layout struct {
	Max      int
	MinBytes int64
}

// DefaultLayout is the layout the loader uses. A striped reading holds one open file and its
// buffers per stripe, so Max bounds its memory whatever the data. Max is high because the
// stripes advance together: the keys they are in at a moment load the partitions, and only
// with several stripes per key does that load stay near each partition's share of the data.
var DefaultLayout = Layout{Max: 256, MinBytes: 64 << 10}

// Stripe is a place where a reading of the dataset can start: a file's first byte, or the
// start of a line in a file with one record per line (JSON Lines, DynamoDB JSON lines). A
// stripe runs from its start to the next stripe's, or to the dataset's end. Places are in the
// files' text: for gzip, what it decompresses to.
type Stripe struct {
	File   int    // index of the file it starts in, among the dataset's files in reading order
	Offset int64  // where it starts in that file's text
	Line   int    // lines of the file before Offset
	Record int    // records of the file before Offset
	Seq    uint64 // records of the dataset before it: the sequence number of its first record
	// Sum is the SHA-256 of the stripe's text with the names of the files it is in, sealed
	// with the fields above (seal): a reading of the stripe compares it to what it read.
	Sum [sha256.Size]byte
}

// seal mixes the stripe's place into the SHA-256 of its bytes, so that a stripe whose numbers
// were altered in storage does not match the bytes it names.
func (s Stripe) seal(sum [sha256.Size]byte) [sha256.Size]byte {
	b := make([]byte, 0, 2*sha256.Size+5*8)
	b = append(b, sum[:]...)
	b = append(b, "ddbload-stripe-v1"...)
	for _, n := range []uint64{uint64(s.File), uint64(s.Offset), uint64(s.Line), uint64(s.Record), s.Seq} {
		b = binary.BigEndian.AppendUint64(b, n)
	}
	return sha256.Sum256(b)
}

// Stripes are the places a recording reading found (OpenRecording), for OpenStripes. The
// zero value, or one stripe, means the dataset is read in one piece.
type Stripes struct {
	Files   int    // the dataset's files when they were recorded
	Records uint64 // the records they held
	List    []Stripe
}

// ErrChanged means that a striped reading (OpenStripes) did not read the bytes recorded.
var ErrChanged = errors.New("the files changed since their stripes were recorded")

// Sum identifies the bytes of all stripes together: a striped reader's Fingerprint once it has
// read every stripe as recorded.
func (s Stripes) Sum() [sha256.Size]byte {
	h := sha256.New()
	_, _ = h.Write([]byte("ddbload-stripes-v1"))
	_, _ = h.Write(binary.BigEndian.AppendUint64(nil, s.Records))
	for i := range s.List {
		_, _ = h.Write(s.List[i].Sum[:])
	}
	var f [sha256.Size]byte
	h.Sum(f[:0])
	return f
}

// check reports stripes that no recording reading of files files gives: they come from
// storage, so they are checked before anything is read by them.
func (s Stripes) check(files int) error {
	if s.Files != files {
		return fmt.Errorf("%w: the dataset had %d files and has %d", ErrChanged, s.Files, files)
	}
	for i, st := range s.List {
		ok := st.File >= 0 && st.File < files && st.Offset >= 0 && st.Line >= 0 && st.Record >= 0
		if i == 0 {
			ok = ok && st.File == 0 && st.Offset == 0 && st.Seq == 0
		} else {
			p := s.List[i-1]
			ok = ok && (st.File > p.File || (st.File == p.File && st.Offset > p.Offset)) && st.Seq >= p.Seq
		}
		ok = ok && st.Seq <= s.Records
		if !ok {
			return fmt.Errorf("source: stripe %d of %d is not a place a reading could have recorded", i, len(s.List))
		}
	}
	return nil
}

// writePiece starts a file's part of a stripe's Sum: its name, then where in it the part
// starts, so that bytes read from another place cannot pass for the recorded ones.
func writePiece(h hash.Hash, name string, offset int64) {
	writeName(h, name)
	_, _ = h.Write(binary.BigEndian.AppendUint64(nil, uint64(offset)))
}
