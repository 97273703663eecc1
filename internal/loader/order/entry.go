package order

import (
	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// Entry is an item on its way to DynamoDB, with its key and its size.
type Entry struct {
	Rec  record.Record
	Key  keys.Key
	Size int    // ddbitem.Size of the item
	WCU  int64  // ddbitem.WriteUnits(Size)
	Seq  uint64 // the caller's sequence number (the record's index in reading order)
	// Packed, if not empty, is the item in the caller's compact form, and Rec.Item is nil:
	// entries wait in the window, and SDK maps are large and full of pointers.
	Packed string
}

// NewEntry builds an Entry, computing Size and WCU.
func NewEntry(r record.Record, k keys.Key) Entry {
	size := ddbitem.Size(r.Item)
	return Entry{Rec: r, Key: k, Size: size, WCU: ddbitem.WriteUnits(size)}
}

// Iterator yields entries; Next returns io.EOF after the last one.
type Iterator interface {
	Next() (Entry, error)
}
