package drift

import (
	"context"
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
	calls   int
}

func (f *table) BatchGetItem(_ context.Context, in *dynamodb.BatchGetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
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
	for i := range 250 {
		it := record.Item{"pk": &types.AttributeValueMemberS{Value: string(rune('a'+i%26)) + string(rune('0'+i/26))}, "v": &types.AttributeValueMemberN{Value: "1"}}
		id := schema.Key(it).ID()
		b.Add(id, ledger.ContentHash(loader.CanonicalBytes(it)))
		f.items[id] = it
	}
	led := b.Build()
	var all []ledger.Entry
	for e := range led.All() {
		all = append(all, e)
	}
	// Out of band: one item deleted, one changed.
	delete(f.items, all[10].KeyID)
	f.items[all[200].KeyID]["v"] = &types.AttributeValueMemberN{Value: "2"}

	rep, err := Check(context.Background(), f, "t", schema, all)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Checked != 250 || len(rep.Missing) != 1 || rep.Missing[0] != all[10].KeyID || len(rep.Changed) != 1 || rep.Changed[0] != all[200].KeyID {
		t.Fatalf("report %+v", rep)
	}
	if !rep.Drifted() || f.calls < 250/7 {
		t.Fatalf("drifted %v after %d calls; unprocessed keys must be asked for again", rep.Drifted(), f.calls)
	}

	clean, err := Check(context.Background(), f, "t", schema, all[20:30])
	if err != nil || clean.Drifted() || clean.Checked != 10 {
		t.Fatalf("a clean sample reported %+v, %v", clean, err)
	}
}
