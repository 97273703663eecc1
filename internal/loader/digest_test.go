package loader

import (
	"bytes"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

func TestCanonicalEncodingIgnoresRepresentation(t *testing.T) {
	t.Parallel()
	a := record.Item{
		"pk":   &types.AttributeValueMemberS{Value: "a"},
		"n":    &types.AttributeValueMemberN{Value: "1.50"},
		"tags": &types.AttributeValueMemberSS{Value: []string{"y", "x"}},
		"ns":   &types.AttributeValueMemberNS{Value: []string{"2", "1.0"}},
	}
	b := record.Item{
		"tags": &types.AttributeValueMemberSS{Value: []string{"x", "y"}},
		"ns":   &types.AttributeValueMemberNS{Value: []string{"1", "2"}},
		"n":    &types.AttributeValueMemberN{Value: "15E-1"},
		"pk":   &types.AttributeValueMemberS{Value: "a"},
	}
	if !bytes.Equal(CanonicalBytes(a), CanonicalBytes(b)) {
		t.Fatal("items DynamoDB stores identically must encode identically")
	}
	c := record.Item{"pk": &types.AttributeValueMemberS{Value: "a"}, "n": &types.AttributeValueMemberS{Value: "1.5"}}
	d := record.Item{"pk": &types.AttributeValueMemberS{Value: "a"}, "n": &types.AttributeValueMemberN{Value: "1.5"}}
	if bytes.Equal(CanonicalBytes(c), CanonicalBytes(d)) {
		t.Fatal("a string and a number must not encode alike")
	}
}

func TestDigestIsOrderIndependentAndSensitive(t *testing.T) {
	t.Parallel()
	items := [][]byte{[]byte("one"), []byte("two"), []byte("three")}
	var fwd, rev, fewer, dup Digest
	for i := range items {
		fwd.Add(items[i])
		rev.Add(items[len(items)-1-i])
	}
	fewer.Add(items[0])
	fewer.Add(items[1])
	for _, it := range append(items, items[0]) {
		dup.Add(it)
	}
	if fwd.Sum("ctx") != rev.Sum("ctx") {
		t.Fatal("digest must not depend on order")
	}
	for name, other := range map[string]string{
		"an item removed":    fewer.Sum("ctx"),
		"an item duplicated": dup.Sum("ctx"),
		"another context":    fwd.Sum("other"),
	} {
		if other == fwd.Sum("ctx") {
			t.Errorf("digest unchanged with %s", name)
		}
	}
}
