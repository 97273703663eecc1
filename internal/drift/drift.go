// Package drift reads loaded items back from a table with BatchGetItem (strongly consistent):
// Read gives their content hashes, and Check compares blocks of a ledger with the table (every
// item present, and the block's sum of their hashes). The dataset resource's refresh checks a
// small, deterministic sample of blocks (or all of them), so detecting drift stays cheap for
// large datasets; an update reads back the items of the blocks it finds changed.
package drift

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"golang.org/x/sync/errgroup"

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
	Checked int      // items read back
	Missing []string // key IDs of items no longer in the table
	// Changed holds, for each block read back whose items' content differs from what was
	// loaded (and of which none is missing), its first key ID: at least one of its items
	// changed, though the ledger cannot tell which.
	Changed []string
}

// Drifted reports whether any checked item is missing or changed.
func (r Report) Drifted() bool { return len(r.Missing)+len(r.Changed) > 0 }

// Check reads back the items of the given blocks of led (positions in led.Blocks(); blocks
// whose content the ledger does not know are passed over) and compares them with it.
func Check(ctx context.Context, api API, table string, schema keys.Schema, led *ledger.Ledger, blocks []int) (Report, error) {
	all := led.Blocks()
	var ids []string
	for _, b := range blocks {
		if bl := all[b]; bl.Known {
			for i := bl.Lo; i < bl.Hi; i++ {
				ids = append(ids, led.At(i).KeyID)
			}
		}
	}
	held, err := Read(ctx, api, table, schema, ids)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Checked: len(ids)}
	for _, b := range blocks {
		bl := all[b]
		if !bl.Known {
			continue
		}
		var sum uint32
		missing := false
		for i := bl.Lo; i < bl.Hi; i++ {
			id := led.At(i).KeyID
			h, ok := held[id]
			if !ok {
				rep.Missing = append(rep.Missing, id)
				missing = true
				continue
			}
			sum += ledger.ItemSum(id, h)
		}
		if !missing && sum != bl.Sum {
			rep.Changed = append(rep.Changed, led.At(bl.Lo).KeyID)
		}
	}
	return rep, nil
}

// retryBase is the first wait before asking again for UnprocessedKeys; it doubles while no
// keys come back, up to 2 s.
var retryBase = 50 * time.Millisecond

// maxKeysPerCall is BatchGetItem's limit.
const maxKeysPerCall = 100

// Read fetches the items with the given key IDs from table (strongly consistent) and returns
// the content hash (ledger.ContentHash of loader.CanonicalBytes) of each one the table holds.
// It reads up to readers batches of 100 keys at once.
func Read(ctx context.Context, api API, table string, schema keys.Schema, ids []string) (map[string]uint32, error) {
	held := make(map[string]uint32, len(ids))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(readers)
	for start := 0; start < len(ids); start += maxKeysPerCall {
		chunk := ids[start:min(start+maxKeysPerCall, len(ids))]
		keyItems := make([]map[string]types.AttributeValue, 0, len(chunk))
		for _, id := range chunk {
			k, err := ledger.ParseKeyID(id)
			if err != nil {
				return nil, fmt.Errorf("ledger entry %q: %w", id, err)
			}
			item, err := ledger.KeyItem(k, schema)
			if err != nil {
				return nil, fmt.Errorf("ledger entry %q: %w", id, err)
			}
			keyItems = append(keyItems, item)
		}
		g.Go(func() error {
			got, err := getAll(gctx, api, table, keyItems)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			for _, item := range got {
				held[schema.Key(item).ID()] = ledger.ContentHash(loader.CanonicalBytes(item))
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return held, nil
}

// readers is how many BatchGetItem calls Read has in flight.
const readers = 8

// getAll fetches the keys, re-asking for UnprocessedKeys with a short backoff.
func getAll(ctx context.Context, api API, table string, keyItems []map[string]types.AttributeValue) ([]record.Item, error) {
	var out []record.Item
	req := map[string]types.KeysAndAttributes{table: {Keys: keyItems, ConsistentRead: aws.Bool(true)}}
	delay := retryBase
	for idle := 0; len(req) > 0; idle++ {
		resp, err := api.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			return nil, fmt.Errorf("reading back loaded items from %q: %w", table, err)
		}
		got := resp.Responses[table]
		out = append(out, got...)
		if len(got) > 0 {
			// Progress: the table is answering, no need to wait longer or to give up.
			delay, idle = retryBase, 0
		}
		req = resp.UnprocessedKeys
		if len(req) == 0 || len(req[table].Keys) == 0 {
			break
		}
		if idle > 20 {
			return nil, fmt.Errorf("reading back loaded items from %q: keys still unprocessed after %d calls without progress", table, idle)
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
