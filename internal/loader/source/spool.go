package source

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// A spool is a gzip file's text written again to a temporary file as a run of small frames,
// each compressed on its own (raw deflate behind an 8-byte header: compressed and text
// lengths), cut wherever a piece starts. A gzip stream can only be read from its start and a
// reader of one holds a 32 KiB window; a piece of a spool can be read from its first frame,
// and its reader holds one frame's text while the stripes share one decompressor. It costs
// one reading of the file and about its size on disk; the temporary file is gone once the
// spool is closed, or the process ends.
const (
	spoolFrameText = 16 << 10 // text bytes in a frame at most
	spoolHeader    = 8
	spoolChunk     = 1 << 20 // text copied between looks at the context
)

// maxFrameBytes bounds a frame's compressed bytes: deflate grows text it cannot compress by
// a few bytes per block.
const maxFrameBytes = spoolFrameText + spoolFrameText/8 + 64

// spool is one gzip file's spooled text (see above).
type spool struct {
	file  *os.File
	name  string      // to remove at close, where the system would not remove it while open
	parts []spoolPart // one per piece, in text order

	// The decompressor and buffers every piece's reader shares: a striped reading reads on
	// one goroutine.
	inflate io.Reader
	reset   flate.Resetter // inflate's
	src     bytes.Reader
	frame   []byte
}

// spoolPart is the frames of one piece: a reader of it returns the piece's text.
type spoolPart struct {
	sp       *spool
	off, end int64 // in the spool file
}

func (p *spoolPart) reader() io.Reader { return &spoolReader{sp: p.sp, off: p.off, end: p.end} }

type spoolReader struct {
	sp       *spool
	off, end int64
	text     []byte // the current frame's text
	pending  []byte // what of it Read has not returned
}

func (r *spoolReader) Read(p []byte) (int, error) {
	for len(r.pending) == 0 {
		if r.off >= r.end {
			r.text = nil // the piece is read: a stripe keeps no buffer
			return 0, io.EOF
		}
		if err := r.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	return n, nil
}

// next decompresses the frame at r.off.
func (r *spoolReader) next() error {
	sp := r.sp
	var head [spoolHeader]byte
	if _, err := sp.file.ReadAt(head[:], r.off); err != nil {
		return fmt.Errorf("reading the spooled text: %w", err)
	}
	size, textLen := binary.BigEndian.Uint32(head[:4]), binary.BigEndian.Uint32(head[4:])
	if size > maxFrameBytes || textLen > spoolFrameText || r.off+spoolHeader+int64(size) > r.end {
		return errors.New("reading the spooled text: a frame is damaged")
	}
	sp.frame = sp.frame[:size]
	if _, err := sp.file.ReadAt(sp.frame, r.off+spoolHeader); err != nil {
		return fmt.Errorf("reading the spooled text: %w", err)
	}
	sp.src.Reset(sp.frame)
	if err := sp.reset.Reset(&sp.src, nil); err != nil {
		return fmt.Errorf("reading the spooled text: %w", err)
	}
	if cap(r.text) < spoolFrameText {
		r.text = make([]byte, spoolFrameText)
	}
	r.text = r.text[:textLen]
	if _, err := io.ReadFull(sp.inflate, r.text); err != nil {
		return fmt.Errorf("reading the spooled text: %w", err)
	}
	r.pending = r.text
	r.off += spoolHeader + int64(size)
	return nil
}

// newSpool spools the text of the gzip file f, with a piece starting at 0 and at each
// of the text offsets cuts (ascending, above 0). Text that ends before a cut leaves the
// pieces after it empty: the stripes' sums then tell that the file changed.
func newSpool(ctx context.Context, f dataFile, cuts []int64) (_ *spool, err error) {
	name := f.name
	in, err := f.open(0, -1)
	if errors.Is(err, ErrChanged) {
		return nil, err
	}
	if err != nil {
		return nil, inputError(record.Position{File: name}, "cannot open the file", err)
	}
	defer in.Close()
	zr, err := gzip.NewReader(bufio.NewReaderSize(in, bufferSize))
	if err != nil {
		return nil, fmt.Errorf("%w: %s is no longer gzip data: %v", ErrChanged, name, err) //nolint:errorlint // the change is the error
	}
	out, err := os.CreateTemp("", "ddbload-spool-*")
	if err != nil {
		return nil, fmt.Errorf("spooling %s for a striped reading: %w", name, err)
	}
	sp := &spool{file: out, name: out.Name(), frame: make([]byte, 0, maxFrameBytes)}
	inflate := flate.NewReader(nil)
	sp.inflate, sp.reset = inflate, inflate.(flate.Resetter) //nolint:errcheck,forcetypeassert // flate's readers are Resetters (its documentation)
	if os.Remove(sp.name) == nil {
		sp.name = ""
	}
	defer func() {
		if err != nil {
			_ = sp.close()
		}
	}()
	w := spoolWriter{w: bufio.NewWriterSize(out, bufferSize), text: make([]byte, spoolFrameText)}
	w.deflate, _ = flate.NewWriter(&w.packed, flate.BestSpeed) // a valid level: no error
	var at int64
	for i := 0; i <= len(cuts); i++ {
		start := w.n
		for i == len(cuts) || at < cuts[i] {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			want := int64(spoolFrameText)
			if i < len(cuts) {
				want = min(want, cuts[i]-at)
			}
			n, err := io.ReadFull(zr, w.text[:want])
			at += int64(n)
			if n > 0 {
				if err := w.frame(w.text[:n]); err != nil {
					return nil, fmt.Errorf("spooling %s for a striped reading: %w", name, err)
				}
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				break
			}
			if err != nil {
				if isGzipDataError(err) {
					return nil, fmt.Errorf("%w: the gzip data of %s is corrupt or truncated: %v", ErrChanged, name, err) //nolint:errorlint // the change is the error
				}
				return nil, fmt.Errorf("spooling %s for a striped reading: %w", name, err)
			}
		}
		sp.parts = append(sp.parts, spoolPart{sp: sp, off: start, end: w.n})
	}
	if err := w.w.Flush(); err != nil {
		return nil, fmt.Errorf("spooling %s for a striped reading: %w", name, err)
	}
	return sp, nil
}

// spoolWriter writes frames.
type spoolWriter struct {
	w       *bufio.Writer
	n       int64 // bytes written
	text    []byte
	packed  bytes.Buffer
	deflate *flate.Writer
}

func (w *spoolWriter) frame(text []byte) error {
	w.packed.Reset()
	w.deflate.Reset(&w.packed)
	if _, err := w.deflate.Write(text); err != nil {
		return err
	}
	if err := w.deflate.Close(); err != nil {
		return err
	}
	var head [spoolHeader]byte
	binary.BigEndian.PutUint32(head[:4], uint32(w.packed.Len()))
	binary.BigEndian.PutUint32(head[4:], uint32(len(text)))
	if _, err := w.w.Write(head[:]); err != nil {
		return err
	}
	if _, err := w.w.Write(w.packed.Bytes()); err != nil {
		return err
	}
	w.n += spoolHeader + int64(w.packed.Len())
	return nil
}

func (s *spool) close() error {
	err := s.file.Close()
	if s.name != "" {
		_ = os.Remove(s.name)
	}
	return err
}
