package converge

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
)

// fakeTable is an in-memory table behind BatchWriteItem. after, if set, runs once a call has
// been applied and may return an error for the call to return instead of its answer: a call
// DynamoDB carried out whose answer the client never got.
type fakeTable struct {
	schema keys.Schema

	mu    sync.Mutex
	items map[string]record.Item // by key ID
	calls int
	// reads counts BatchGetItem calls, and readItems the keys they asked for.
	reads, readItems int
	after            func(call int) error
}

func newFakeTable() *fakeTable {
	return &fakeTable{schema: testSchema(), items: map[string]record.Item{}}
}

func testSchema() keys.Schema {
	return keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "S"}, SortKey: &keys.Attr{Name: "sk", Type: "N"}}
}

func (f *fakeTable) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	if err := ctx.Err(); err != nil {
		return nil, err // never sent
	}
	f.mu.Lock()
	f.calls++
	call := f.calls
	for _, reqs := range in.RequestItems {
		for _, r := range reqs {
			switch {
			case r.PutRequest != nil:
				f.items[f.schema.Key(r.PutRequest.Item).ID()] = r.PutRequest.Item
			case r.DeleteRequest != nil:
				delete(f.items, f.schema.Key(r.DeleteRequest.Key).ID())
			}
		}
	}
	after := f.after
	f.mu.Unlock()
	if after != nil {
		if err := after(call); err != nil {
			return nil, err
		}
	}
	return &dynamodb.BatchWriteItemOutput{}, nil
}

// BatchGetItem returns the items the table holds of the keys asked for, all in one answer.
func (f *fakeTable) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	out := &dynamodb.BatchGetItemOutput{Responses: map[string][]map[string]types.AttributeValue{}}
	for name, ka := range in.RequestItems {
		for _, k := range ka.Keys {
			f.readItems++
			if it, ok := f.items[f.schema.Key(k).ID()]; ok {
				out.Responses[name] = append(out.Responses[name], it)
			}
		}
	}
	return out, nil
}

// contents is the canonical encoding of every item, sorted.
func (f *fakeTable) contents() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, it := range f.items {
		out = append(out, string(loader.CanonicalBytes(it)))
	}
	sort.Strings(out)
	return out
}

// dataset is n items as a JSON array: key (user-<i%13>, i), and a value naming the version.
func dataset(n int, version string) string {
	var b strings.Builder
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"pk":"user-%d","sk":%d,"v":%q}`, i%13, i, version)
	}
	b.WriteString("]")
	return b.String()
}

// wantContents is what a table holding exactly the dataset holds.
func wantContents(t *testing.T, inline string) []string {
	t.Helper()
	f := newFakeTable()
	if _, err := Apply(context.Background(), f, params(inline, State{})); err != nil {
		t.Fatal(err)
	}
	return f.contents()
}

func params(inline string, prior State) Params {
	return Params{
		Table:  "t",
		Schema: testSchema(),
		Options: loader.Options{
			Source: source.Spec{Inline: inline},
			Write:  write.Options{Concurrency: 4, BaseDelay: 1, MaxDelay: 10},
		},
		Prior: prior,
	}
}

func equal(a, b []string) bool {
	return strings.Join(a, "\n") == strings.Join(b, "\n")
}

func stringPtr(s string) *string { return &s }

var errGone = &types.ResourceNotFoundException{Message: stringPtr("gone")}

// viaState is st as the next apply gets it from the provider: its ledgers encoded and decoded,
// so that they know block sums and no item hashes.
func viaState(t *testing.T, st State) State {
	t.Helper()
	for _, l := range []**ledger.Ledger{&st.Ledger, &st.Unconfirmed} {
		if *l == nil {
			continue
		}
		d, err := ledger.Decode((*l).Encode())
		if err != nil {
			t.Fatal(err)
		}
		*l = d
	}
	return st
}
