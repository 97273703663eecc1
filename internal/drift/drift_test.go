package drift

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// table is a fake BatchGetItem over a map, returning at most perCall items per call and the
// rest as UnprocessedKeys, like DynamoDB under load.
type table struct {
	schema  keys.Schema
	items   map[string]record.Item
	perCall int
	mu      sync.Mutex
	calls   int
}

func (f *table) BatchGetItem(_ context.Context, in *dynamodb.BatchGetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	out := &dynamodb.BatchGetItemOutput{Responses: map[string][]map[string]types.AttributeValue{}, UnprocessedKeys: map[string]types.KeysAndAttributes{}}
	for name, ka := range in.RequestItems {
		for i, k := range ka.Keys {
			if i >= f.perCall {
				rest := out.UnprocessedKeys[name]
				rest.Keys = append(rest.Keys, k)
				out.UnprocessedKeys[name] = rest
				continue
			}
			if it, ok := f.items[f.schema.Key(k).ID()]; ok {
				out.Responses[name] = append(out.Responses[name], it)
			}
		}
	}
	return out, nil
}

func TestCheckFindsMissingAndChanged(t *testing.T) {
	t.Parallel()
	schema := keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "S"}}
	f := &table{schema: schema, items: map[string]record.Item{}, perCall: 7}
	var b ledger.Builder
	for i := range 2500 {
		it := record.Item{"pk": &types.AttributeValueMemberS{Value: fmt.Sprintf("k%05d", i)}, "v": &types.AttributeValueMemberN{Value: "1"}}
		id := schema.Key(it).ID()
		b.Add(id, ledger.ContentHash(loader.CanonicalBytes(it)))
		f.items[id] = it
	}
	led := b.Build()
	bs := led.Blocks()
	every := make([]int, len(bs))
	for i := range every {
		every[i] = i
	}
	if len(bs) < 10 {
		t.Fatalf("only %d blocks", len(bs))
	}
	// Out of band: one item deleted in block 2, one changed in block 5 and one in block 9.
	gone := led.At(bs[2].Lo + 1).KeyID
	delete(f.items, gone)
	f.items[led.At(bs[5].Hi-1).KeyID]["v"] = &types.AttributeValueMemberN{Value: "2"}
	f.items[led.At(bs[9].Lo).KeyID]["v"] = &types.AttributeValueMemberS{Value: "1"}

	rep, err := Check(context.Background(), f, "t", schema, led, every)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{led.At(bs[5].Lo).KeyID, led.At(bs[9].Lo).KeyID}
	if rep.Checked != 2500 || !slices.Equal(rep.Missing, []string{gone}) || !slices.Equal(rep.Changed, want) {
		t.Fatalf("report %+v", rep)
	}
	if !rep.Drifted() || f.calls < 2500/7 {
		t.Fatalf("drifted %v after %d calls; unprocessed keys must be asked for again", rep.Drifted(), f.calls)
	}

	clean, err := Check(context.Background(), f, "t", schema, led, []int{0, 1, 3, 4})
	size := bs[4].Hi - bs[0].Lo - (bs[2].Hi - bs[2].Lo)
	if err != nil || clean.Drifted() || clean.Checked != size {
		t.Fatalf("a clean sample reported %+v, %v; want %d items checked", clean, err, size)
	}
}

// TestCheckPassesOverUnknownBlocks checks that blocks whose content the ledger does not know
// are not read: nothing can be compared with them.
func TestCheckPassesOverUnknownBlocks(t *testing.T) {
	t.Parallel()
	schema := keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "S"}}
	f := &table{schema: schema, items: map[string]record.Item{}, perCall: 100}
	var b ledger.Builder
	for i := range 300 {
		b.AddUnknown(schema.Key(record.Item{"pk": &types.AttributeValueMemberS{Value: fmt.Sprint(i)}}).ID())
	}
	led := b.Build()
	rep, err := Check(context.Background(), f, "t", schema, led, []int{0})
	if err != nil || rep.Checked != 0 || rep.Drifted() || f.calls != 0 {
		t.Fatalf("report %+v, %v after %d calls; want nothing read", rep, err, f.calls)
	}
}

// TestReadGivesContentHashes checks Read against items the table holds and lacks.
func TestReadGivesContentHashes(t *testing.T) {
	t.Parallel()
	schema := keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "S"}, SortKey: &keys.Attr{Name: "sk", Type: "N"}}
	f := &table{schema: schema, items: map[string]record.Item{}, perCall: 3}
	var ids []string
	want := map[string]uint32{}
	for i := range 450 {
		it := record.Item{"pk": &types.AttributeValueMemberS{Value: fmt.Sprint(i % 7)}, "sk": &types.AttributeValueMemberN{Value: fmt.Sprint(i)}, "x": &types.AttributeValueMemberBOOL{Value: i%2 == 0}}
		id := schema.Key(it).ID()
		ids = append(ids, id)
		if i%3 != 0 {
			f.items[id] = it
			want[id] = ledger.ContentHash(loader.CanonicalBytes(it))
		}
	}
	got, err := Read(context.Background(), f, "t", schema, ids)
	if err != nil || !maps.Equal(got, want) {
		t.Fatalf("Read = %d hashes, %v; want %d", len(got), err, len(want))
	}
}
