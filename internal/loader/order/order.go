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

// Options configure the order stage.
type Options struct {
	Mode   Mode  // "" means Interleave
	Window int   // entries held at most; < 1 means DefaultWindow
	Seed   int64 // Shuffle only: the same seed gives the same order
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
	w := o.Window
	if w < 1 {
		w = DefaultWindow
	}
	switch m {
	case Shuffle:
		return newShuffle(in, w, o.Seed)
	case Preserve:
		return in
	}
	return newInterleave(in, w)
}

type failing struct{ err error }

func (f failing) Next() (Entry, error) { return Entry{}, f.err }
