package write

import (
	"bytes"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// splitUnprocessed splits the requests of a call into those DynamoDB acknowledged and those it
// returned in UnprocessedItems. The pool does not know the key schema, so a returned entry is
// matched to the request with the same kind and the same content (numbers compared by value,
// sets in any order). If some entry matches no request, nothing is taken as acknowledged:
// re-writing is safe (puts and deletes overwrite), acknowledging an unwritten item is not.
func splitUnprocessed(sent []Request, unprocessed []types.WriteRequest) (acked, rest []Request) {
	if len(unprocessed) == 0 {
		return sent, nil
	}
	taken := make([]bool, len(sent))
	for i := range unprocessed {
		j := findRequest(sent, taken, &unprocessed[i])
		if j < 0 {
			return nil, sent
		}
		taken[j] = true
	}
	acked = make([]Request, 0, len(sent)-len(unprocessed))
	rest = make([]Request, 0, len(unprocessed))
	for i := range sent {
		if taken[i] {
			rest = append(rest, sent[i])
		} else {
			acked = append(acked, sent[i])
		}
	}
	return acked, rest
}

func findRequest(sent []Request, taken []bool, w *types.WriteRequest) int {
	for i := range sent {
		if taken[i] {
			continue
		}
		switch {
		case w.PutRequest != nil && sent[i].Put != nil && sameItem(w.PutRequest.Item, sent[i].Put),
			w.DeleteRequest != nil && sent[i].Put == nil && sameItem(w.DeleteRequest.Key, sent[i].Delete):
			return i
		}
	}
	return -1
}

func sameItem(a, b record.Item) bool {
	if len(a) != len(b) {
		return false
	}
	for name, va := range a {
		vb, ok := b[name]
		if !ok || !sameValue(va, vb) {
			return false
		}
	}
	return true
}

func sameValue(a, b types.AttributeValue) bool {
	switch a := a.(type) {
	case *types.AttributeValueMemberS:
		b, ok := b.(*types.AttributeValueMemberS)
		return ok && a.Value == b.Value
	case *types.AttributeValueMemberN:
		b, ok := b.(*types.AttributeValueMemberN)
		return ok && sameNumber(a.Value, b.Value)
	case *types.AttributeValueMemberB:
		b, ok := b.(*types.AttributeValueMemberB)
		return ok && bytes.Equal(a.Value, b.Value)
	case *types.AttributeValueMemberBOOL:
		b, ok := b.(*types.AttributeValueMemberBOOL)
		return ok && a.Value == b.Value
	case *types.AttributeValueMemberNULL:
		b, ok := b.(*types.AttributeValueMemberNULL)
		return ok && a.Value == b.Value
	case *types.AttributeValueMemberSS:
		b, ok := b.(*types.AttributeValueMemberSS)
		return ok && sameSet(a.Value, b.Value, func(s string) string { return s })
	case *types.AttributeValueMemberNS:
		b, ok := b.(*types.AttributeValueMemberNS)
		return ok && sameSet(a.Value, b.Value, canonical)
	case *types.AttributeValueMemberBS:
		b, ok := b.(*types.AttributeValueMemberBS)
		return ok && sameSet(a.Value, b.Value, func(v []byte) string { return string(v) })
	case *types.AttributeValueMemberL:
		b, ok := b.(*types.AttributeValueMemberL)
		if !ok || len(a.Value) != len(b.Value) {
			return false
		}
		for i := range a.Value {
			if !sameValue(a.Value[i], b.Value[i]) {
				return false
			}
		}
		return true
	case *types.AttributeValueMemberM:
		b, ok := b.(*types.AttributeValueMemberM)
		return ok && sameItem(a.Value, b.Value)
	}
	return false
}

// sameNumber compares by value: DynamoDB may echo "1.50" back as "1.5".
func sameNumber(a, b string) bool {
	return a == b || canonical(a) == canonical(b)
}

func canonical(n string) string {
	if c, err := ddbitem.CanonicalNumber(n); err == nil {
		return c
	}
	return n
}

// sameSet compares two sets as multisets of key(element).
func sameSet[T any](a, b []T, key func(T) string) bool {
	if len(a) != len(b) {
		return false
	}
	count := make(map[string]int, len(a))
	for _, v := range a {
		count[key(v)]++
	}
	for _, v := range b {
		k := key(v)
		if count[k] == 0 {
			return false
		}
		count[k]--
	}
	return true
}
