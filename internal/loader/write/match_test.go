package write

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

func TestSplitUnprocessed(t *testing.T) {
	t.Parallel()
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	n := func(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }
	rich := func(num string, set []string, bs [][]byte) record.Item {
		return record.Item{
			"pk":   s("a"),
			"n":    n(num),
			"ss":   &types.AttributeValueMemberSS{Value: set},
			"ns":   &types.AttributeValueMemberNS{Value: []string{num, "2"}},
			"bs":   &types.AttributeValueMemberBS{Value: bs},
			"b":    &types.AttributeValueMemberB{Value: []byte{1, 2}},
			"ok":   &types.AttributeValueMemberBOOL{Value: true},
			"null": &types.AttributeValueMemberNULL{Value: true},
			"l":    &types.AttributeValueMemberL{Value: []types.AttributeValue{n(num), s("x")}},
			"m":    &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"inner": n(num)}},
		}
	}
	sent := []Request{
		{Put: rich("1.50", []string{"x", "y"}, [][]byte{{1}, {2}}), Seq: 0},
		{Delete: record.Item{"pk": s("a")}, Seq: 1},
		{Put: record.Item{"pk": s("a")}, Seq: 2},
		{Put: record.Item{"pk": s("b")}, Seq: 3},
	}
	put := func(item record.Item) types.WriteRequest {
		return types.WriteRequest{PutRequest: &types.PutRequest{Item: item}}
	}
	del := func(key record.Item) types.WriteRequest {
		return types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: key}}
	}
	seqs := func(rs []Request) []uint64 {
		out := []uint64{}
		for _, r := range rs {
			out = append(out, r.Seq)
		}
		return out
	}
	for _, tc := range []struct {
		name        string
		unprocessed []types.WriteRequest
		acked, rest []uint64
	}{
		{"none", nil, []uint64{0, 1, 2, 3}, []uint64{}},
		{"numbers by value, sets in any order", []types.WriteRequest{put(rich("15E-1", []string{"y", "x"}, [][]byte{{2}, {1}}))}, []uint64{1, 2, 3}, []uint64{0}},
		{"a delete is not the put of the same key", []types.WriteRequest{del(record.Item{"pk": s("a")})}, []uint64{0, 2, 3}, []uint64{1}},
		{"a put is not the delete of the same key", []types.WriteRequest{put(record.Item{"pk": s("a")})}, []uint64{0, 1, 3}, []uint64{2}},
		{"all", []types.WriteRequest{put(record.Item{"pk": s("b")}), del(record.Item{"pk": s("a")}), put(record.Item{"pk": s("a")}), put(rich("1.5", []string{"x", "y"}, [][]byte{{1}, {2}}))}, []uint64{}, []uint64{0, 1, 2, 3}},
		{"an entry matching nothing: re-send everything", []types.WriteRequest{put(record.Item{"pk": s("b")}), put(record.Item{"pk": s("zzz")})}, []uint64{}, []uint64{0, 1, 2, 3}},
		{"an entry returned twice: re-send everything", []types.WriteRequest{put(record.Item{"pk": s("b")}), put(record.Item{"pk": s("b")})}, []uint64{}, []uint64{0, 1, 2, 3}},
		{"a different value", []types.WriteRequest{put(rich("1.51", []string{"x", "y"}, [][]byte{{1}, {2}}))}, []uint64{}, []uint64{0, 1, 2, 3}},
		{"a different set", []types.WriteRequest{put(rich("1.5", []string{"x", "x"}, [][]byte{{1}, {2}}))}, []uint64{}, []uint64{0, 1, 2, 3}},
	} {
		acked, rest := splitUnprocessed(sent, tc.unprocessed)
		if got, want := seqs(acked), tc.acked; !slices.Equal(got, want) {
			t.Errorf("%s: acked %v, want %v", tc.name, got, want)
		}
		if got, want := seqs(rest), tc.rest; !slices.Equal(got, want) {
			t.Errorf("%s: rest %v, want %v", tc.name, got, want)
		}
	}
}
