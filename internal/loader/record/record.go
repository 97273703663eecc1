// Package record defines what flows through the loader's pipeline: an item with the position
// it came from, and the typed input error that names that position.
package record

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Item is one DynamoDB item.
type Item = map[string]types.AttributeValue

// Position locates a record in the dataset. File is the path as the user gave it (or
// "items" for inline items); Line is 1-based and 0 when unknown; Record is the 1-based index of
// the record within its file (the n-th array element, line or CSV row).
type Position struct {
	File   string
	Line   int
	Record int
}

// String formats the position for people: "data/orders.jsonl:12", "data/orders.json:40
// (record 3)", "items record 2".
func (p Position) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	switch {
	case p.Line > 0 && p.Record > 0 && p.Line != p.Record:
		b.WriteString(":" + strconv.Itoa(p.Line) + " (record " + strconv.Itoa(p.Record) + ")")
	case p.Line > 0:
		b.WriteString(":" + strconv.Itoa(p.Line))
	case p.Record > 0:
		b.WriteString(" record " + strconv.Itoa(p.Record))
	}
	return b.String()
}

// Record is an item and where it came from.
type Record struct {
	Item Item
	Pos  Position
	// Skipped marks a record the reader passed over without decoding, because its caller asked
	// it to (source.OpenSkipping): Item is nil, Pos is set, and the record still counts in the
	// reading order. Its bytes were not checked, so only a caller that validated them before
	// may accept it.
	Skipped bool
	// Seq is the record's number in the dataset's reading order: 0-based, counting the
	// records read without error, all files together (set by the readers of package source).
	Seq uint64
	// Bytes is the length of the record's text in the file (0 for inline items): what holding
	// the decoded record costs, roughly, without sizing the item.
	Bytes int
	// Line identifies the record's line and its format, in a reading that recalls lines
	// (source.Recording.RecallLines); otherwise, and for formats that are not one record per
	// line, it is the zero value.
	Line LineSum
	// Recalled marks a record the reader did not decode because the reading's recall
	// function knew its Line: Item is nil and Memo is what that function answered.
	Recalled bool
	Memo     uint32
}

// LineSum is the XXH3-128 hash of a record's line, seeded with its format: two lines with
// the same sum decode, under the same options, to the same item. Not a cryptographic hash:
// it names lines of the user's own files in the user's own cache, where nobody gains by a
// collision, and hashing every line of a million must not slow a plan down.
type LineSum [16]byte

// InputError is a problem with the dataset itself: malformed text, a wrong type, a missing
// key, an oversized item. It names the position and, when one attribute is at fault, the
// attribute. Nothing is written when the input has such an error.
type InputError struct {
	Pos       Position
	Attribute string // empty when the whole record (or file) is at fault
	Reason    string
	Err       error // the underlying cause, if any
}

func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	if e.Attribute != "" {
		fmt.Fprintf(&b, ": attribute %q", e.Attribute)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	if e.Err != nil && !strings.Contains(e.Reason, e.Err.Error()) {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *InputError) Unwrap() error { return e.Err }
