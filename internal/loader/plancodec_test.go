package loader

import (
	"context"
	"reflect"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// TestPlanRoundTrip: a stored plan reads back equal, unexported parts included, and a load
// from it writes what a load from the original writes.
func TestPlanRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", jsonl(300, 7)+`{"pk":"user-0000","sk":0,"dup":true}`+"\n")
	o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Duplicates: DuplicateLastWins, Write: fastWrite()}
	o.Unchanged = func(k keys.Key, _ [32]byte) bool { return k.Partition == "S:user-0003" }
	plan, err := Validate(context.Background(), hashRange(), o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := plan.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Plan
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(plan, &back) {
		t.Fatalf("read back %+v, want %+v", back, *plan)
	}
	if plan.Duplicates != 1 || plan.unchanged.Len() == 0 {
		t.Fatalf("the plan has %d duplicates and %d unchanged: the test does not cover the bitmaps", plan.Duplicates, plan.unchanged.Len())
	}
	s1, s2 := newSink(hashRange()), newSink(hashRange())
	if _, err := LoadPlanned(context.Background(), s1, "t", hashRange(), o, plan); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPlanned(context.Background(), s2, "t", hashRange(), o, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s1.contents(), s2.contents()) || s1.count() == 0 {
		t.Fatalf("loads from the plan and from its copy differ (%d and %d items)", s1.count(), s2.count())
	}
	if err := back.UnmarshalBinary(b[:len(b)/2]); err == nil {
		t.Fatal("a truncated plan read back without an error")
	}
}
