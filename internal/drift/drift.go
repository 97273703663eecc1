// Package drift checks whether a table still holds the items a load wrote: it reads a set of
// keys back with BatchGetItem (strongly consistent) and compares each item's content hash
// with the one the ledger remembers. The dataset resource's refresh uses it on a small,
// deterministic sample (or on every key), so detecting drift stays cheap for large datasets.
package drift

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// API is the DynamoDB call drift checks make.
type API interface {
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
}

// Report is the outcome of a check.
type Report struct {
	Checked int
	Missing []string // key IDs of items no longer in the table
	Changed []string // key IDs of items whose content differs from what was loaded
}

// Drifted reports whether any checked item is missing or changed.
func (r Report) Drifted() bool { return len(r.Missing)+len(r.Changed) > 0 }

// retryBase is the first wait before asking again for UnprocessedKeys; it doubles while no
// keys come back, up to 2 s.
var retryBase = 50 * time.Millisecond

// maxKeysPerCall is BatchGetItem's limit.
const maxKeysPerCall = 100

// Check reads entries' items from table and compares them with the ledger's hashes.
func Check(ctx context.Context, api API, table string, schema keys.Schema, entries []ledger.Entry) (Report, error) {
	rep := Report{Checked: len(entries)}
	for start := 0; start < len(entries); start += maxKeysPerCall {
		chunk := entries[start:min(start+maxKeysPerCall, len(entries))]
		want := make(map[string]uint32, len(chunk))
		var keyItems []map[string]types.AttributeValue
		for _, e := range chunk {
			k, err := ledger.ParseKeyID(e.KeyID)
			if err != nil {
				return rep, fmt.Errorf("ledger entry %q: %w", e.KeyID, err)
			}
			item, err := ledger.KeyItem(k, schema)
			if err != nil {
				return rep, fmt.Errorf("ledger entry %q: %w", e.KeyID, err)
			}
			want[e.KeyID] = e.Hash
			keyItems = append(keyItems, item)
		}
		got, err := getAll(ctx, api, table, keyItems)
		if err != nil {
			return rep, err
		}
		for _, item := range got {
			id := schema.Key(item).ID()
			h, ok := want[id]
			if !ok {
				continue
			}
			delete(want, id)
			if ledger.ContentHash(loader.CanonicalBytes(item)) != h {
				rep.Changed = append(rep.Changed, id)
			}
		}
		for _, e := range chunk {
			if _, missing := want[e.KeyID]; missing {
				rep.Missing = append(rep.Missing, e.KeyID)
			}
		}
	}
	return rep, nil
}

// getAll fetches the keys, re-asking for UnprocessedKeys with a short backoff.
func getAll(ctx context.Context, api API, table string, keyItems []map[string]types.AttributeValue) ([]record.Item, error) {
	var out []record.Item
	req := map[string]types.KeysAndAttributes{table: {Keys: keyItems, ConsistentRead: aws.Bool(true)}}
	delay := retryBase
	for attempt := 0; len(req) > 0; attempt++ {
		resp, err := api.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			return nil, fmt.Errorf("reading back loaded items from %q: %w", table, err)
		}
		got := resp.Responses[table]
		out = append(out, got...)
		if len(got) > 0 {
			delay = retryBase // progress: the table is answering, no need to wait longer
		}
		req = resp.UnprocessedKeys
		if len(req) == 0 || len(req[table].Keys) == 0 {
			break
		}
		if attempt > 20 {
			return nil, fmt.Errorf("reading back loaded items from %q: keys still unprocessed after %d attempts", table, attempt)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
	return out, nil
}
