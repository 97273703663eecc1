package ddbitem

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestValueSize(t *testing.T) {
	t.Parallel()
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	for _, tc := range []struct {
		name string
		v    types.AttributeValue
		want int
	}{
		{"string counts UTF-8 bytes", s("é"), 2},
		{"five digits take three bytes plus one", &types.AttributeValueMemberN{Value: "12345"}, 4},
		{"digits pair up around the decimal point", &types.AttributeValueMemberN{Value: "1.2"}, 3},
		{"a negative number takes one more", &types.AttributeValueMemberN{Value: "-1.5"}, 4},
		{"aligned fraction", &types.AttributeValueMemberN{Value: "0.12"}, 2},
		{"small magnitude", &types.AttributeValueMemberN{Value: "0.001"}, 2},
		{"zero", &types.AttributeValueMemberN{Value: "0"}, 2},
		{"trailing zeros are not significant", &types.AttributeValueMemberN{Value: "1000"}, 2},
		{"binary counts bytes", &types.AttributeValueMemberB{Value: []byte{1, 2, 3}}, 3},
		{"bool", &types.AttributeValueMemberBOOL{Value: true}, 1},
		{"null", &types.AttributeValueMemberNULL{Value: true}, 1},
		{"string set sums its members", &types.AttributeValueMemberSS{Value: []string{"a", "bc"}}, 3},
		{"list adds 3 plus 1 per element", &types.AttributeValueMemberL{Value: []types.AttributeValue{s("xy")}}, 6},
		{"map adds 3 plus 1 per element and its names", &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"k": s("v")}}, 6},
	} {
		if got := ValueSize(tc.v); got != tc.want {
			t.Errorf("%s: ValueSize = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestSizeAddsNames(t *testing.T) {
	t.Parallel()
	item := map[string]types.AttributeValue{
		"pk":    &types.AttributeValueMemberS{Value: "user#1"},
		"émoji": &types.AttributeValueMemberBOOL{Value: true},
	}
	if got, want := Size(item), (2+6)+(6+1); got != want {
		t.Fatalf("Size = %d, want %d", got, want)
	}
}

func TestWriteUnits(t *testing.T) {
	t.Parallel()
	for size, want := range map[int]int64{0: 1, 1: 1, 1024: 1, 1025: 2, 400 * 1024: 400} {
		if got := WriteUnits(size); got != want {
			t.Errorf("WriteUnits(%d) = %d, want %d", size, got, want)
		}
	}
}
