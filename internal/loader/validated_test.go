package loader

import (
	"context"
	"reflect"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// TestValidatedRoundTrip: a stored Validated reads back equal, unexported parts included, and
// a load from it writes what a load from the original writes.
func TestValidatedRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", jsonl(300, 7)+`{"pk":"user-0000","sk":0,"dup":true}`+"\n")
	o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Duplicates: DuplicateLastWins, Write: fastWrite()}
	v := validateMarking(t, hashRange(), o, func(k keys.Key, _ [32]byte) bool { return k.Partition == "S:user-0003" })
	b, err := v.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Validated
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v, &back) {
		t.Fatalf("read back %+v, want %+v", back, *v)
	}
	if v.Duplicates != 1 || v.unchanged.Len() == 0 {
		t.Fatalf("the dataset has %d duplicates and %d unchanged: the test does not cover the bitmaps", v.Duplicates, v.unchanged.Len())
	}
	s1, s2 := newSink(hashRange()), newSink(hashRange())
	if _, err := LoadValidated(context.Background(), s1, "t", hashRange(), o, v); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadValidated(context.Background(), s2, "t", hashRange(), o, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s1.contents(), s2.contents()) || s1.count() == 0 {
		t.Fatalf("loads from the original and from its copy differ (%d and %d items)", s1.count(), s2.count())
	}
	if err := back.UnmarshalBinary(b[:len(b)/2]); err == nil {
		t.Fatal("a truncated Validated read back without an error")
	}
}
