package record

import "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

// Values hands out the attribute value structs of items, from a block per type: the decoders
// (dataset readers, the write pass's unpacking) build millions of items, and one allocation
// per value was most of their cost. Start begins a new set of blocks; the dataset readers
// call it before each item, the write pass before each batch.
type Values struct {
	S    Slab[types.AttributeValueMemberS]
	N    Slab[types.AttributeValueMemberN]
	BOOL Slab[types.AttributeValueMemberBOOL]
	NULL Slab[types.AttributeValueMemberNULL]
	L    Slab[types.AttributeValueMemberL]
	M    Slab[types.AttributeValueMemberM]
}

// Start begins new blocks.
func (v *Values) Start() {
	v.S.Start()
	v.N.Start()
	v.BOOL.Start()
	v.NULL.Start()
	v.L.Start()
	v.M.Start()
}

// Slab hands out zeroed values of one type from a block sized by what was used between the
// last two calls of Start: the items (or batches) of a dataset are alike, so that is usually
// one exact allocation per type and item (or batch). Blocks are never shared across a Start,
// so an item held by the order stage keeps no other item's values alive.
type Slab[T any] struct {
	free       []T
	used, last int // values taken since the last Start, and between the two before
}

// Start begins a new block.
func (s *Slab[T]) Start() { s.free, s.used, s.last = nil, 0, s.used }

// Next returns a zeroed value.
func (s *Slab[T]) Next() *T {
	if len(s.free) == 0 {
		s.free = make([]T, max(s.last-s.used, 2))
	}
	s.used++
	v := &s.free[0]
	s.free = s.free[1:]
	return v
}
