package source

import (
	"bytes"
	"crypto/sha256"
	"hash"
)

// cutter chooses a recording reading's stripes from the files' text (their stored bytes, or
// what gzip makes of them) as it is read, before it is decoded, and hashes each stripe's text.
// Stripe k (0 < k < n) starts at the first file start or line start at or after k × total / n
// bytes of the dataset's text, so the stripes depend on the bytes alone. It cuts inside a file
// only at a line start of a JSON Lines or DynamoDB JSON lines file, where a reader can start
// without what came before (for gzip, once the file is spooled: see OpenStripes).
// A line's number and the records before it are known only once the file's reader gets there
// (mark): the cutter has seen those bytes by then, since it sees them as they are read.
type cutter struct {
	n     int   // stripes wanted
	total int64 // the files' text sizes (textSize), when reading started
	k     int   // the next stripe to start (targets k × total / n)

	file  int // index of the current file
	name  string
	base  int64 // bytes of the dataset before the current file
	off   int64 // bytes of the current file seen
	state cutState

	h       hash.Hash // the current stripe's
	list    []Stripe
	reached int           // stripes whose Line, Record and Seq are known
	seq     func() uint64 // records read so far
	broken  bool          // a stripe was never reached: record none
}

type cutState uint8

const (
	cutNever cutState = iota // this file is not cut: not a line format, or inline
	cutSpace                 // DynamoDB JSON before its first byte that is not white space
	cutLines                 // a line start after here may start a stripe
)

// newCutter returns a cutter for files of total stored bytes under l, or nil when they make
// one stripe.
func newCutter(l Layout, total int64, seq func() uint64) *cutter {
	n := l.Max
	if l.MinBytes > 0 {
		n = int(min(int64(n), total/l.MinBytes))
	}
	if n < 2 {
		return nil
	}
	return &cutter{n: n, total: total, k: 1, seq: seq}
}

func (c *cutter) target(k int) int64 { return int64(k) * c.total / int64(c.n) }

// startFile is called before the first byte of file index is read; seq is the number its
// first record will get.
func (c *cutter) startFile(index int, f dataFile) {
	if c.reached < len(c.list) {
		c.broken = true // the last file's reader never got to a line the cutter chose
	}
	c.base += c.off
	c.file, c.name, c.off = index, f.name, 0
	if len(c.list) == 0 || (c.k < c.n && c.base >= c.target(c.k)) {
		c.begin(0)
		c.list[len(c.list)-1].Seq = c.seq()
		c.reached = len(c.list)
		c.pass()
	} else {
		writePiece(c.h, c.name, 0)
	}
	switch {
	case f.inline:
		c.state = cutNever
	case f.format == FormatJSONLines:
		c.state = cutLines
	case f.format == FormatDynamoDBJSON:
		c.state = cutSpace // lines only after a first byte that is not white space or '['
	default:
		c.state = cutNever
	}
}

// begin ends the current stripe and starts one at off in the current file.
func (c *cutter) begin(off int64) {
	if c.h != nil {
		c.h.Sum(c.list[len(c.list)-1].Sum[:0])
	}
	c.h = sha256.New()
	c.list = append(c.list, Stripe{File: c.file, Offset: off})
	writePiece(c.h, c.name, off)
}

// pass moves k past the targets the last stripe's start has reached.
func (c *cutter) pass() {
	at := c.base + c.list[len(c.list)-1].Offset
	for c.k < c.n && c.target(c.k) <= at {
		c.k++
	}
}

// Write sees the current file's next bytes of text.
func (c *cutter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 && c.k < c.n {
		i := c.classify(p)
		if c.state != cutLines {
			break
		}
		// A line starts after a '\n'; the stripe starts at the first one at or after the target.
		if from := c.target(c.k) - 1 - c.base - c.off; from > int64(i) {
			if from >= int64(len(p)) {
				break
			}
			i = int(from)
		}
		j := bytes.IndexByte(p[i:], '\n')
		if j < 0 {
			break
		}
		cut := i + j + 1
		_, _ = c.h.Write(p[:cut])
		c.off += int64(cut)
		p = p[cut:]
		c.begin(c.off)
		c.pass()
	}
	_, _ = c.h.Write(p)
	c.off += int64(len(p))
	return n, nil
}

// classify reads as much of p as it needs to tell whether the file may be cut, and returns
// how much that was.
func (c *cutter) classify(p []byte) int {
	i := 0
	for c.state == cutSpace && i < len(p) {
		b := p[i]
		i++
		switch b {
		case ' ', '\t', '\r', '\n':
		case '[':
			c.state = cutNever // an array: its elements need what came before
		default:
			c.state = cutLines
		}
	}
	return i
}

// want is the offset in the current file of the next stripe whose line the reader has not
// reached, or -1.
func (c *cutter) want() int64 {
	if c.reached < len(c.list) && c.list[c.reached].File == c.file {
		return c.list[c.reached].Offset
	}
	return -1
}

// reach tells that the reader is at want with lines lines and records records of the file
// read.
func (c *cutter) reach(lines, records int) {
	s := &c.list[c.reached]
	s.Line, s.Record, s.Seq = lines, records, c.seq()
	c.reached++
}

// stripes ends the recording; ok is false when the stripes are not to be used.
func (c *cutter) stripes(files int) (Stripes, bool) {
	if c.h != nil {
		c.h.Sum(c.list[len(c.list)-1].Sum[:0])
		c.h = nil
	}
	if c.broken || c.reached < len(c.list) || len(c.list) < 2 {
		return Stripes{}, false
	}
	for i := range c.list {
		c.list[i].Sum = c.list[i].seal(c.list[i].Sum)
	}
	return Stripes{Files: files, Records: c.seq(), List: c.list}, true
}
