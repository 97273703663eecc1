package loader

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"slices"
)

// runSize is how many key hashes are sorted in memory (8 MB) before a run spills to a
// temporary file: finding duplicate keys then costs constant memory, whatever the dataset.
const runSize = 1 << 20

// hashRuns collects 64-bit key hashes and finds the ones that occur more than once, by sorting
// runs and merging them (an external sort).
type hashRuns struct {
	buf   []uint64
	runs  []*os.File
	dir   string // temporary files go here ("" = the system's)
	limit int    // hashes per run; 0 = runSize
}

func (h *hashRuns) add(x uint64) error {
	h.buf = append(h.buf, x)
	limit := h.limit
	if limit <= 0 {
		limit = runSize
	}
	if len(h.buf) >= limit {
		return h.spill()
	}
	return nil
}

func (h *hashRuns) spill() error {
	slices.Sort(h.buf)
	f, err := os.CreateTemp(h.dir, "ddbload-keys-*.run")
	if err != nil {
		return err
	}
	h.runs = append(h.runs, f)
	w := bufio.NewWriterSize(f, 1<<16)
	var b [8]byte
	for _, x := range h.buf {
		binary.LittleEndian.PutUint64(b[:], x)
		if _, err := w.Write(b[:]); err != nil {
			return err
		}
	}
	h.buf = h.buf[:0]
	if err := w.Flush(); err != nil {
		return err
	}
	_, err = f.Seek(0, io.SeekStart)
	return err
}

// duplicates returns the hashes seen more than once.
func (h *hashRuns) duplicates() (map[uint64]struct{}, error) {
	dups := map[uint64]struct{}{}
	if len(h.runs) == 0 {
		slices.Sort(h.buf)
		for i := 1; i < len(h.buf); i++ {
			if h.buf[i] == h.buf[i-1] {
				dups[h.buf[i]] = struct{}{}
			}
		}
		return dups, nil
	}
	if len(h.buf) > 0 {
		if err := h.spill(); err != nil {
			return nil, err
		}
	}
	m := &runMerge{}
	for _, f := range h.runs {
		r := &runReader{r: bufio.NewReaderSize(f, 1<<16)}
		if ok, err := r.next(); err != nil {
			return nil, err
		} else if ok {
			m.readers = append(m.readers, r)
		}
	}
	heap.Init(m)
	first, prev := true, uint64(0)
	for m.Len() > 0 {
		r := m.readers[0]
		if !first && r.cur == prev {
			dups[r.cur] = struct{}{}
		}
		first, prev = false, r.cur
		ok, err := r.next()
		if err != nil {
			return nil, err
		}
		if ok {
			heap.Fix(m, 0)
		} else {
			heap.Pop(m)
		}
	}
	return dups, nil
}

// close removes the temporary files.
func (h *hashRuns) close() {
	for _, f := range h.runs {
		_ = f.Close()
		_ = os.Remove(f.Name())
	}
	h.runs, h.buf = nil, nil
}

type runReader struct {
	r   *bufio.Reader
	cur uint64
}

func (r *runReader) next() (bool, error) {
	var b [8]byte
	if _, err := io.ReadFull(r.r, b[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		return false, err
	}
	r.cur = binary.LittleEndian.Uint64(b[:])
	return true, nil
}

// runMerge is a min-heap of run readers by their current hash.
type runMerge struct{ readers []*runReader }

func (m *runMerge) Len() int           { return len(m.readers) }
func (m *runMerge) Less(i, j int) bool { return m.readers[i].cur < m.readers[j].cur }
func (m *runMerge) Swap(i, j int)      { m.readers[i], m.readers[j] = m.readers[j], m.readers[i] }
func (m *runMerge) Push(x any)         { r, _ := x.(*runReader); m.readers = append(m.readers, r) }
func (m *runMerge) Pop() any {
	r := m.readers[len(m.readers)-1]
	m.readers = m.readers[:len(m.readers)-1]
	return r
}
