package record

import "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

// Values hands out the attribute value structs of one item at a time, from a block per type
// and item: the decoders (dataset readers, the write pass's unpacking) build millions of
// items, and one allocation per value was most of their cost. Call Start before each item.
type Values struct {
	S    Slab[types.AttributeValueMemberS]
	N    Slab[types.AttributeValueMemberN]
	BOOL Slab[types.AttributeValueMemberBOOL]
	NULL Slab[types.AttributeValueMemberNULL]
	L    Slab[types.AttributeValueMemberL]
	M    Slab[types.AttributeValueMemberM]
}

// Start begins the next item.
func (v *Values) Start() {
	v.S.Start()
	v.N.Start()
	v.BOOL.Start()
	v.NULL.Start()
	v.L.Start()
	v.M.Start()
}

// Slab hands out zeroed values of one type for one item from a block sized by what the
// previous item used: the items of a dataset are alike, so that is usually one exact
// allocation per type and item. Blocks are never shared between items, so an item held by
// the order stage or a request keeps no other item's values alive.
type Slab[T any] struct {
	free       []T
	used, last int // values taken by this item, by the previous one
}

// Start begins the next item.
func (s *Slab[T]) Start() { s.free, s.used, s.last = nil, 0, s.used }

// Next returns a zeroed value of the current item.
func (s *Slab[T]) Next() *T {
	if len(s.free) == 0 {
		s.free = make([]T, max(s.last-s.used, 2))
	}
	s.used++
	v := &s.free[0]
	s.free = s.free[1:]
	return v
}
