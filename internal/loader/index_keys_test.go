package loader

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// indexedSchema is hashRange with an LSI on created (N) and a GSI on status (S).
func indexedSchema() keys.Schema {
	s := hashRange()
	s.IndexKeys = []keys.IndexKey{
		{Attr: keys.Attr{Name: "pk", Type: "S"}, Index: "by_created", Kind: keys.LSI},
		{Attr: keys.Attr{Name: "created", Type: "N"}, Index: "by_created", Kind: keys.LSI, Sort: true},
		{Attr: keys.Attr{Name: "status", Type: "S"}, Index: "by_status", Kind: keys.GSI},
	}
	return s
}

// sparseItems is n valid records, every third without the index attributes.
func sparseItems(n int) string {
	var b strings.Builder
	for i := range n {
		if i%3 == 0 {
			fmt.Fprintf(&b, `{"pk":"user-%d","sk":%d}`+"\n", i%37, i)
			continue
		}
		fmt.Fprintf(&b, `{"pk":"user-%d","sk":%d,"created":%d,"status":"open"}`+"\n", i%37, i, 1700000000+i)
	}
	return b.String()
}

// An item whose index key DynamoDB would reject fails validation with its position, so
// neither the plan nor the load writes anything; before, the load wrote the 1,000 items ahead
// of it and then failed on DynamoDB's ValidationException.
func TestIndexKeyErrorsWriteNothing(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		bad, want string
	}{
		"LSI sort key of the wrong type": {`{"pk":"a","sk":1,"created":"yesterday"}`,
			`a.jsonl:1001: attribute "created": LSI "by_created" sort key "created" must be a number (N) but is a string (S)`},
		"empty GSI key": {`{"pk":"a","sk":1,"status":""}`,
			`a.jsonl:1001: attribute "status": GSI "by_status" partition key "status" is empty`},
		"oversized GSI key": {`{"pk":"a","sk":1,"status":"` + strings.Repeat("s", 2049) + `"}`,
			`a.jsonl:1001: attribute "status": GSI "by_status" partition key "status" is 2049 bytes; DynamoDB allows at most 2048`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, dir, "a.jsonl", sparseItems(1000)+tc.bad+"\n")
			o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Write: fastWrite()}
			check := func(what string, err error) {
				t.Helper()
				var ke *keys.IndexKeyError
				var ie *record.InputError
				if !errors.As(err, &ke) || !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("%s: err = %v\nwant an IndexKeyError (an InputError) containing %q", what, err, tc.want)
				}
				if ie.Pos.File != "a.jsonl" || ie.Pos.Line != 1001 {
					t.Fatalf("%s: position %v, want a.jsonl:1001", what, ie.Pos)
				}
			}
			_, err := Validate(context.Background(), indexedSchema(), o)
			check("Validate", err)
			s := newSink(indexedSchema())
			_, err = Load(context.Background(), s, "t", indexedSchema(), o)
			check("Load", err)
			if s.calls != 0 {
				t.Fatalf("%d BatchWriteItem calls; want none", s.calls)
			}
		})
	}
}

// Items without the index attributes (a sparse index) load as any other.
func TestSparseIndexItemsLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", sparseItems(300))
	o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Write: fastWrite()}
	s := newSink(indexedSchema())
	res, err := Load(context.Background(), s, "t", indexedSchema(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Validated.Items != 300 || s.count() != 300 {
		t.Fatalf("validated %d items, sink %d; want 300", res.Validated.Items, s.count())
	}
	// Index keys are not part of the content digest: the same items give the same digest.
	plain, err := Validate(context.Background(), hashRange(), o)
	if err != nil {
		t.Fatal(err)
	}
	if plain.Digest != res.Validated.Digest {
		t.Errorf("digest with index keys %s, without %s; want them equal", res.Validated.Digest, plain.Digest)
	}
}
