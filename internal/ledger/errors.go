package ledger

import (
	"strconv"
	"strings"
)

// DecodeError is an encoded ledger that cannot be read: not base64 or DEFLATE, truncated,
// corrupted, of an unknown format version, or breaking the format's rules. Entry is the
// 0-based index of the entry at fault, or -1 when the problem is not in one entry. The
// provider treats it as a lost ledger (the private state is damaged), never as an empty one.
type DecodeError struct {
	Entry  int
	Reason string
	Err    error // the underlying cause, if any
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("decode ledger: ")
	if e.Entry >= 0 {
		b.WriteString("entry " + strconv.Itoa(e.Entry) + ": ")
	}
	b.WriteString(e.Reason)
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *DecodeError) Unwrap() error { return e.Err }

// KeyError is a key ID that ParseKeyID cannot read, or a key that KeyItem cannot turn into
// DynamoDB key attributes. KeyID is the ID at fault, as given.
type KeyError struct {
	KeyID  string
	Reason string
}

func (e *KeyError) Error() string { return "key " + strconv.Quote(e.KeyID) + ": " + e.Reason }
