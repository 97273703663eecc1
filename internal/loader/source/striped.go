package source

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// OpenStripes reads spec's records stripe by stripe, all stripes at once: one record from each
// stripe in turn (stripe order), a stripe leaving the turn when it ends. Every record keeps its
// sequence number (Record.Seq) and position, so the records are those of a reading in file
// order, in another order that depends on the stored bytes alone. skip is OpenSkipping's.
//
// Each stripe's bytes are compared with those recorded (Stripe.Sum) when it ends: if they
// differ, Next returns an error wrapping ErrChanged; so does a record that no longer reads
// (a *record.InputError), since the stripes were recorded by a reading that found none. Unlike
// the other readers it stops at the first error of any kind. Fingerprint, once Next has
// returned io.EOF, is s.Sum(). It holds one open file and its buffers per stripe: 8 KiB for
// a stripe that starts inside a file, 16 KiB for one at a file's start, plus gzip's state.
//
// A gzip stream can only be read from its start, so a gzip file cut into stripes is first
// read once and its text written again to a temporary file as one gzip member per piece
// (a spool, about the file's size on disk, gone at Close); ctx stops that reading.
func OpenStripes(ctx context.Context, spec Spec, s Stripes, skip func(seq uint64) bool) (Reader, error) {
	m, err := openMulti(spec)
	if err != nil {
		return nil, err
	}
	if err := s.check(len(m.files)); err != nil {
		return nil, err
	}
	r := &stripedReader{want: s}
	opts := *m.opts
	opts.buffer = stripeBufferSize
	for i, st := range s.List {
		part := &multiReader{files: m.files, opts: &opts, inline: m.inline, sum: sha256.New(), skip: skip, seq: st.Seq, stripe: true}
		end := piece{index: len(m.files) - 1, end: -1} // past the dataset's last byte
		if i+1 < len(s.List) {
			next := s.List[i+1]
			end = piece{index: next.File, end: next.Offset}
		}
		for f := st.File; f <= end.index; f++ {
			p := piece{index: f, end: -1}
			if f == st.File {
				p.start, p.line, p.recs = st.Offset, st.Line, st.Record
			}
			if f == end.index {
				if end.end == 0 && f > st.File {
					break // the next stripe starts with this file
				}
				p.end = end.end
			}
			part.pieces = append(part.pieces, p)
		}
		r.parts = append(r.parts, part)
		r.live = append(r.live, i)
	}
	if err := r.spoolGzip(ctx, m.files); err != nil {
		_ = r.Close()
		return nil, err
	}
	return r, nil
}

type stripedReader struct {
	want   Stripes
	parts  []*multiReader
	spools []*spool
	live   []int // stripes not yet ended, in stripe order
	turn   int   // index in live of the stripe to read next
	err    error // sticky
	done   bool
}

// spoolGzip reads every gzip file cut into stripes from a spool (see OpenStripes).
func (s *stripedReader) spoolGzip(ctx context.Context, files []dataFile) error {
	cuts := map[int][]int64{} // by file: where pieces start inside it, ascending
	for _, part := range s.parts {
		for _, p := range part.pieces {
			if p.start > 0 {
				cuts[p.index] = append(cuts[p.index], p.start)
			}
		}
	}
	for index := range files {
		at := cuts[index]
		if len(at) == 0 || files[index].inline || !isGzipFile(files[index]) {
			continue
		}
		slices.Sort(at)
		at = slices.Compact(at)
		sp, err := newSpool(ctx, files[index], at)
		if err != nil {
			return err
		}
		s.spools = append(s.spools, sp)
		for _, part := range s.parts {
			for j := range part.pieces {
				if p := &part.pieces[j]; p.index == index {
					k, _ := slices.BinarySearch(at, p.start) // the member that starts at p.start: 0 for the file's start
					if p.start > 0 {
						k++
					}
					p.spooled = &sp.parts[k]
				}
			}
		}
	}
	return nil
}

// isGzipFile tells whether f starts as gzip data does.
func isGzipFile(f dataFile) bool {
	var head [2]byte
	return f.readAt(head[:], 0) && head == [2]byte{0x1f, 0x8b}
}

func (s *stripedReader) Next() (record.Record, error) {
	for s.err == nil {
		if len(s.live) == 0 {
			s.done = true
			return record.Record{}, io.EOF
		}
		if s.turn >= len(s.live) {
			s.turn = 0
		}
		i := s.live[s.turn]
		rec, err := s.parts[i].Next()
		switch {
		case err == nil:
			s.turn++
			return rec, nil
		case errors.As(err, new(*record.InputError)):
			// The bytes were validated: that they no longer read means they changed (perhaps
			// only before the stripe, which then starts inside a record). Not wrapped: the
			// record is not invalid input to fix, the files moved under the reading.
			s.err = fmt.Errorf("%w: %s", ErrChanged, err.Error())
		case !errors.Is(err, io.EOF):
			s.err = err
		case !s.same(i):
			st := s.want.List[i]
			s.err = fmt.Errorf("%w: the stripe from %s byte %d holds other bytes", ErrChanged, s.parts[i].files[st.File].name, st.Offset)
		default:
			s.err = s.parts[i].Close()
			s.live = append(s.live[:s.turn], s.live[s.turn+1:]...)
		}
	}
	return record.Record{}, s.err
}

// same tells whether stripe i, read to its end, held the bytes and the records recorded.
func (s *stripedReader) same(i int) bool {
	st := s.want.List[i]
	end := s.want.Records
	if i+1 < len(s.want.List) {
		end = s.want.List[i+1].Seq
	}
	return s.parts[i].seq == end && st.seal(s.parts[i].Fingerprint()) == st.Sum
}

func (s *stripedReader) Fingerprint() [sha256.Size]byte {
	if !s.done {
		return [sha256.Size]byte{}
	}
	return s.want.Sum()
}

func (s *stripedReader) Close() error {
	var first error
	for _, p := range s.parts {
		if err := p.Close(); err != nil && first == nil {
			first = err
		}
	}
	for _, sp := range s.spools {
		if err := sp.close(); err != nil && first == nil {
			first = err
		}
	}
	s.spools = nil
	if s.err == nil {
		s.err = errClosed
	}
	return first
}
