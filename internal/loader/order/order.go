package order

import "fmt"

// Mode is how the order stage arranges entries.
type Mode string

// The order modes.
const (
	Interleave Mode = "interleave"
	Shuffle    Mode = "shuffle"
	Preserve   Mode = "preserve"
)

// DefaultWindow is how many entries the order stage holds when Options.Window is not set.
const DefaultWindow = 10000

// DefaultWindowBytes bounds the bytes the order stage holds when Options.WindowBytes is not
// set: 10,000 items of up to about 600 bytes fit, and large items cannot make the window large
// (with the readers of up to 256 stripes, the provider stays under 100 MB with items of 400 KB).
const DefaultWindowBytes = 8 << 20

// entryOverhead approximates what holding an entry costs beside its item: the Entry struct,
// its key strings and its slot.
const entryOverhead = 250

// Options configure the order stage.
type Options struct {
	Mode   Mode // "" means Interleave
	Window int  // entries held at most; < 1 means DefaultWindow
	// WindowBytes bounds the entries held by their size (see heldBytes); < 1 means
	// DefaultWindowBytes. One entry is held whatever its size.
	WindowBytes int
	Seed        int64 // Shuffle only: the same seed gives the same order
}

// heldBytes is what holding e in the window costs: its item in the form it waits in, and the
// entry around it.
func heldBytes(e *Entry) int {
	if e.Packed != "" {
		return len(e.Packed) + entryOverhead
	}
	return e.Size + entryOverhead
}

// limits is how much a window may hold.
type limits struct {
	entries, bytes int
}

// room reports whether a window holding held entries of heldB bytes takes another one.
func (l limits) room(held, heldB int) bool {
	return held == 0 || (held < l.entries && heldB < l.bytes)
}

// ParseMode checks a mode name; "" is Interleave.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case "":
		return Interleave, nil
	case Interleave, Shuffle, Preserve:
		return m, nil
	}
	return "", fmt.Errorf("unknown order mode %q; use %q, %q or %q", s, Interleave, Shuffle, Preserve)
}

// New returns the order stage over in. An unknown mode gives an iterator whose Next returns
// the error of ParseMode.
func New(in Iterator, o Options) Iterator {
	m, err := ParseMode(string(o.Mode))
	if err != nil {
		return failing{err}
	}
	l := limits{entries: o.Window, bytes: o.WindowBytes}
	if l.entries < 1 {
		l.entries = DefaultWindow
	}
	if l.bytes < 1 {
		l.bytes = DefaultWindowBytes
	}
	switch m {
	case Shuffle:
		return newShuffle(in, l, o.Seed)
	case Preserve:
		return in
	}
	return newInterleave(in, l)
}

type failing struct{ err error }

func (f failing) Next() (Entry, error) { return Entry{}, f.err }
