package loader

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// TestValidateUnkeyed: what needs no key schema is found without one, every invalid record at
// once; what needs it (a missing key attribute, a duplicate) is left to Validate.
func TestValidateUnkeyed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := strings.Repeat("x", 410*1024)
	writeFile(t, dir, "a.jsonl", `{"tenant":"acme","user":"u1"}
{"tenant":"acme","user":
{"tenant":"acme","user":"u3","n":{"N":"1e999"}}
{"user":"u4"}
{"tenant":"acme","user":"u5","blob":"`+big+`"}
{"tenant":"acme","user":"u1"}
{"no_key_at_all":true,"tenant":"acme","user":"u7"}
`)
	o := Options{
		Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}, Format: "jsonl"},
		Keys:   keys.Options{PartitionKey: "{tenant}#{shard}", ShardAttribute: "user", ShardCount: 4},
	}
	_, err := ValidateUnkeyed(context.Background(), o)
	var ire *InvalidRecordsError
	if !errors.As(err, &ire) {
		t.Fatalf("err = %v; want an InvalidRecordsError", err)
	}
	text := err.Error()
	for _, want := range []string{"a.jsonl:2", "a.jsonl:4", `{tenant}`, "a.jsonl:5", "400 KB"} {
		if !strings.Contains(text, want) {
			t.Errorf("the error does not name %q:\n%s", want, text)
		}
	}
	if ire.Total != 3 {
		t.Errorf("%d invalid records, want 3 (bad JSON, missing template attribute, oversize):\n%s", ire.Total, text)
	}

	writeFile(t, dir, "good.jsonl", "{\"tenant\":\"acme\",\"user\":\"u1\"}\n{\"tenant\":\"acme\",\"user\":\"u1\"}\n")
	o.Source.Patterns = []string{"good.jsonl"}
	v, err := ValidateUnkeyed(context.Background(), o)
	if err != nil || v.Records != 2 {
		t.Fatalf("ValidateUnkeyed = %+v, %v; want 2 records (duplicates need the key schema)", v, err)
	}
	o.Keys.ShardCount = 1
	if _, err := ValidateUnkeyed(context.Background(), o); !errors.As(err, new(*ConfigError)) {
		t.Fatalf("shard count 1: err = %v, want a ConfigError", err)
	}
}
