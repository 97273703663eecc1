package converge

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// stop is a way a load stops right after call n was applied without its answer arriving.
type stop struct {
	name string
	rig  func(f *fakeTable, cancel context.CancelFunc, n int)
}

var stops = []stop{
	{"cancelled", func(f *fakeTable, cancel context.CancelFunc, n int) {
		f.after = func(call int) error {
			if call == n {
				cancel()
				return context.Canceled
			}
			return nil
		}
	}},
	{"non-retryable error", func(f *fakeTable, _ context.CancelFunc, n int) {
		f.after = func(call int) error {
			if call == n {
				return errGone
			}
			return nil
		}
	}},
}

// interrupted runs Apply of inline over prior, stopped by s after call n, and checks that it
// stopped with something written.
func interrupted(t *testing.T, f *fakeTable, inline string, prior State, s stop, n int) State {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.mu.Lock()
	f.calls = 0
	f.mu.Unlock()
	s.rig(f, cancel, n)
	out, err := Apply(ctx, f, params(inline, prior))
	f.after = nil
	if err == nil || out.Load == nil || out.Complete {
		t.Fatalf("err %v, load %v, complete %v: want a load stopped with writes", err, out.Load != nil, out.Complete)
	}
	return viaState(t, out.State)
}

// TestStoppedCreateThenDestroyLeavesNothing: however a first load stops, destroy with the
// state it returned deletes every item it wrote, also those whose calls went unanswered.
func TestStoppedCreateThenDestroyLeavesNothing(t *testing.T) {
	t.Parallel()
	data := dataset(2000, "v1")
	for _, s := range stops {
		for _, n := range []int{1, 3, 8, 20} {
			t.Run(fmt.Sprintf("%s at call %d", s.name, n), func(t *testing.T) {
				t.Parallel()
				f := newFakeTable()
				st := interrupted(t, f, data, State{}, s, n)
				if st.Unconfirmed.Len() == 0 {
					t.Fatal("no unconfirmed items: the stop lost no answer")
				}
				if _, _, err := Destroy(context.Background(), f, "t", testSchema(), st, params(data, st).Options.Write); err != nil {
					t.Fatal(err)
				}
				if left := f.contents(); len(left) != 0 {
					t.Fatalf("%d items left after destroy, e.g. %s", len(left), left[0])
				}
			})
		}
	}
}

// TestStoppedLoadThenApplyIsExact: after a stopped create, the next apply of the same or of a
// much smaller dataset, and after a stopped update, the next apply of the same dataset, of the
// dataset before the update, or of a third one, leaves the table equal to that dataset; destroy
// after the stopped update leaves nothing.
func TestStoppedLoadThenApplyIsExact(t *testing.T) {
	t.Parallel()
	v1, v2, v3 := dataset(1500, "v1"), dataset(1200, "v2"), dataset(1800, "v3") // every item changes
	for _, s := range stops {
		for _, n := range []int{2, 9} {
			t.Run(fmt.Sprintf("%s at call %d", s.name, n), func(t *testing.T) {
				t.Parallel()
				// A stopped create, then the same dataset.
				f := newFakeTable()
				st := interrupted(t, f, v1, State{}, s, n)
				converged(t, clone(f), dataset(10, "v1"), st) // the unconfirmed items beyond it go
				st = converged(t, f, v1, st)

				// A stopped update from v1 to v2, then each way on.
				stopped := interrupted(t, f, v2, st, s, n)
				for _, next := range []struct{ name, data string }{{"same", v2}, {"back", v1}, {"other", v3}} {
					g := clone(f)
					converged(t, g, next.data, stopped)
				}
				if _, _, err := Destroy(context.Background(), f, "t", testSchema(), stopped, params(v2, stopped).Options.Write); err != nil {
					t.Fatal(err)
				}
				if left := f.contents(); len(left) != 0 {
					t.Fatalf("%d items left after destroying a stopped update", len(left))
				}
			})
		}
	}
}

// converged applies inline over prior to completion and checks the table holds exactly it.
func converged(t *testing.T, f *fakeTable, inline string, prior State) State {
	t.Helper()
	out, err := Apply(context.Background(), f, params(inline, prior))
	if err != nil || !out.Complete {
		t.Fatalf("apply: %v (complete %v)", err, out.Complete)
	}
	if !equal(f.contents(), wantContents(t, inline)) {
		t.Fatalf("table holds %d items, not exactly the dataset", len(f.contents()))
	}
	if out.State.Unconfirmed != nil || out.State.Resume != nil || out.State.Drifted {
		t.Fatalf("state after a complete apply: %+v", out.State)
	}
	return viaState(t, out.State)
}

func clone(f *fakeTable) *fakeTable {
	g := newFakeTable()
	f.mu.Lock()
	defer f.mu.Unlock()
	for k, v := range f.items {
		g.items[k] = v
	}
	return g
}

// TestChangedSincePlanWritesNothing: a digest other than the planned one is refused before
// any write, and the state stays as it was.
func TestChangedSincePlanWritesNothing(t *testing.T) {
	t.Parallel()
	f := newFakeTable()
	p := params(dataset(10, "v1"), State{})
	p.PlannedDigest = "not-this-one"
	out, err := Apply(context.Background(), f, p)
	var ce *ChangedSincePlanError
	if !errors.As(err, &ce) || ce.Planned != "not-this-one" || ce.Now == "" || out.Load != nil {
		t.Fatalf("err %v, load %v", err, out.Load)
	}
	if n := len(f.contents()); n != 0 {
		t.Fatalf("%d items written", n)
	}
}
