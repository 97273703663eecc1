package converge

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// edited is dataset(n, "v1") with the items whose numbers changed lists at version "v2".
func edited(n int, changed ...int) string {
	v2 := map[int]bool{}
	for _, i := range changed {
		v2[i] = true
	}
	var b strings.Builder
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		v := "v1"
		if v2[i] {
			v = "v2"
		}
		fmt.Fprintf(&b, `{"pk":"user-%d","sk":%d,"v":%q}`, i%13, i, v)
	}
	b.WriteString("]")
	return b.String()
}

// loaded is a table and state holding dataset(n, "v1"), the state as the provider keeps it.
func loaded(t *testing.T, n int) (*fakeTable, State) {
	t.Helper()
	f := newFakeTable()
	return f, converged(t, f, dataset(n, "v1"), State{})
}

// TestUpdateReadsBackOnlyChangedBlocks: ten items changed among 5,000: the plan and the apply
// read back the items of the blocks that hold them (not the others), write exactly the ten,
// and count the rest in place. Without a reader the plan counts every item of those blocks
// as written, an upper bound of what the apply writes.
func TestUpdateReadsBackOnlyChangedBlocks(t *testing.T) {
	t.Parallel()
	const n = 5000
	f, st := loaded(t, n)
	changed := []int{3, 700, 701, 1500, 2222, 2900, 3333, 4000, 4444, 4999}
	data := edited(n, changed...)
	want := Changes{Write: 10, Unchanged: n - 10, WriteUnits: 10}

	p := params(data, st)
	_, blind, err := Preview(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if blind.Write < 10 || blind.Write > 10*4*32 || blind.Write+blind.Unchanged != n || f.reads != 0 {
		t.Fatalf("without a reader: %+v after %d reads; want the changed blocks' items written", blind, f.reads)
	}

	p.Reader = f
	_, seen, err := Preview(context.Background(), p)
	if err != nil || seen != want {
		t.Fatalf("with a reader: %+v, %v; want %+v", seen, err, want)
	}
	if f.readItems != int(blind.Write) {
		t.Fatalf("the plan read back %d items, want the %d of the changed blocks", f.readItems, blind.Write)
	}

	out, err := Apply(context.Background(), f, params(data, st))
	if err != nil || !out.Complete || out.Changes != want || out.Load.Stats.Written != 10 {
		t.Fatalf("apply: %+v, %v", out.Changes, err)
	}
	if !equal(f.contents(), wantContents(t, data)) {
		t.Fatal("the table is not the dataset")
	}
}

// TestReadBackRepairsItemsOfChangedBlocks: an item changed in the table out of band, in a block
// the update changes anyway, is found by the read-back and written again.
func TestReadBackRepairsItemsOfChangedBlocks(t *testing.T) {
	t.Parallel()
	const n = 3000
	f, st := loaded(t, n)
	// Find a neighbour of item 100 in its block, and change it in the table.
	b := st.Ledger.BlockOf(st.Ledger.Find(idOfItem(100)))
	bl := st.Ledger.Blocks()[b]
	victim := ""
	for i := bl.Lo; i < bl.Hi; i++ {
		if id := st.Ledger.At(i).KeyID; id != idOfItem(100) {
			victim = id
			break
		}
	}
	if victim == "" {
		t.Fatal("item 100 is alone in its block: the test needs a neighbour")
	}
	f.mu.Lock()
	f.items[victim]["v"] = &types.AttributeValueMemberS{Value: "out of band"}
	f.mu.Unlock()

	data := edited(n, 100)
	out, err := Apply(context.Background(), f, params(data, st))
	if err != nil || !out.Complete || out.Changes.Write != 2 || out.Changes.Unchanged != n-2 {
		t.Fatalf("apply: %+v, %v; want the edited and the repaired item written", out.Changes, err)
	}
	if !equal(f.contents(), wantContents(t, data)) {
		t.Fatal("the table is not the dataset")
	}
}

// idOfItem is the key ID of item i of dataset().
func idOfItem(i int) string {
	k := fmt.Sprintf("S:user-%d", i%13)
	return fmt.Sprintf("%d:%sN:%d", len(k), k, i)
}

// TestReadBackLimit: past the limit nothing is read back and every item of the changed blocks
// is written; the table still ends equal to the dataset. Not parallel: it lowers the limit.
func TestReadBackLimit(t *testing.T) {
	defer func(l int) { readBackLimit = l }(readBackLimit)
	readBackLimit = 50
	const n = 3000
	f, st := loaded(t, n)
	data := edited(n, 1, 500, 1000, 1500, 2000, 2500)
	out, err := Apply(context.Background(), f, params(data, st))
	if err != nil || !out.Complete || f.reads != 0 {
		t.Fatalf("apply: %+v, %v after %d reads", out.Changes, err, f.reads)
	}
	if out.Changes.Write <= 50 || out.Changes.Write+out.Changes.Unchanged != n || out.Load.Stats.Written != out.Changes.Write {
		t.Fatalf("changes %+v, %d written: want every item of the changed blocks written", out.Changes, out.Load.Stats.Written)
	}
	if !equal(f.contents(), wantContents(t, data)) {
		t.Fatal("the table is not the dataset")
	}
}
