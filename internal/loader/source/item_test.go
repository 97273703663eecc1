package source

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

func TestPlainItem(t *testing.T) {
	t.Parallel()
	item, err := PlainItem("item", []byte(`{"pk": "a", "n": 1.50, "ok": true, "none": null, "l": [1, "x"], "m": {"k": 2}}`))
	if err != nil {
		t.Fatal(err)
	}
	// The same conversion as the inline reader.
	r, err := Open(Spec{Inline: `[{"pk": "a", "n": 1.50, "ok": true, "none": null, "l": [1, "x"], "m": {"k": 2}}]`})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rec, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := showItem(item), showItem(rec.Item); got != want {
		t.Fatalf("PlainItem = %s, the inline reader gives %s", got, want)
	}
	if n, ok := item["n"].(*types.AttributeValueMemberN); !ok || n.Value != "1.5" {
		t.Errorf("n = %#v, want the number 1.5", item["n"])
	}

	for text, want := range map[string]string{
		`[1]`:              "a record must be a JSON object",
		`{"a": 1,}`:        "malformed JSON",
		`{"a": 1e999999}`:  "item:1: attribute \"a\": \"1e999999\" is not a valid DynamoDB number",
		"{\n\"a\": 1,}":    "item:2: malformed JSON",
		`{"a": 1, "a": 2}`: "appears twice",
		``:                 "malformed JSON",
	} {
		_, err := PlainItem("item", []byte(text))
		var ie *record.InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), want) {
			t.Errorf("PlainItem(%q) error = %v, want an InputError saying %q", text, err, want)
		}
	}
}
