package provider

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// TestNextLedger: the ledger after a load is built from what validation saw. After a complete
// load it holds every written item (not the duplicate that lost); after an interrupted one,
// the previous ledger plus only the records DynamoDB acknowledged.
func TestNextLedger(t *testing.T) {
	t.Parallel()
	// Records 0 and 2 share key "a"; which one is written depends on the policy.
	for policy, winner := range map[loader.DuplicatePolicy]int{loader.DuplicateLastWins: 2, loader.DuplicateFirstWins: 0} {
		t.Run(string(policy), func(t *testing.T) {
			t.Parallel()
			checkNextLedger(t, policy, winner)
		})
	}
}

func checkNextLedger(t *testing.T, policy loader.DuplicatePolicy, winner int) {
	schema := keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "S"}}
	var seen []seenItem
	opts := loader.Options{
		Source:     source.Spec{Inline: `[{"pk":"a","v":1},{"pk":"b","v":1},{"pk":"a","v":2},{"pk":"c","v":1}]`},
		Duplicates: policy,
		OnItem: func(seq uint64, k keys.Key, sum [sha256.Size]byte) {
			seen = append(seen, seenItem{seq: seq, id: k.ID(), hash: ledger.SumHash(sum)})
		},
	}
	plan, err := loader.Validate(context.Background(), schema, opts)
	if err != nil {
		t.Fatal(err)
	}
	loser := 2 - winner
	if len(seen) != 4 || plan.Items != 3 || !plan.Dropped(uint64(loser)) || plan.Dropped(uint64(winner)) {
		t.Fatalf("validation saw %d records, plan has %d items, loser %d dropped %v; want 4, 3, true",
			len(seen), plan.Items, loser, plan.Dropped(uint64(loser)))
	}
	hashOf := func(seq int) uint32 { return seen[seq].hash }
	idOf := func(seq int) string { return seen[seq].id }
	if hashOf(0) == hashOf(2) {
		t.Fatal("the two versions of a hash alike: the test cannot tell which one the ledger kept")
	}

	var ob ledger.Builder
	ob.Add("old-only", 7)
	ob.Add(idOf(3), 9) // c, loaded before with other content
	old := ob.Build()

	acked := &loader.Bitmap{}
	acked.Set(1) // b written, the rest not yet
	res := &loader.Result{Acked: acked}

	for _, tc := range []struct {
		name     string
		complete bool
		want     map[string]uint32
	}{
		{"complete", true, map[string]uint32{idOf(winner): hashOf(winner), idOf(1): hashOf(1), idOf(3): hashOf(3)}},
		{"interrupted", false, map[string]uint32{"old-only": 7, idOf(3): 9, idOf(1): hashOf(1)}},
	} {
		got := map[string]uint32{}
		for e := range nextLedger(plan, res, old, seen, tc.complete).All() {
			got[e.KeyID] = e.Hash
		}
		if !maps.Equal(got, tc.want) {
			t.Errorf("%s: ledger %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestLedgerUntrusted: the next apply rewrites everything exactly when what a load wrote may
// differ from what validation recorded: the write pass found the files changed, or the load
// stopped early and the files are no longer the bytes validated.
func TestLedgerUntrusted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "a.jsonl")
	content := "{\"pk\":\"a\"}\n{\"pk\":\"b\"}\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	spec := source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}
	plan, err := loader.Validate(context.Background(), keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "S"}}, loader.Options{Source: spec})
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, err error, want bool) {
		t.Helper()
		if got := ledgerUntrusted(spec, plan, err); got != want {
			t.Errorf("%s: ledgerUntrusted(%v) = %v, want %v", what, err, got, want)
		}
	}
	check("complete load", nil, false)
	check("changed during the write pass", loader.ErrDatasetChanged, true)
	check("changed, wrapped", fmt.Errorf("%w: record 3: bad key", loader.ErrDatasetChanged), true)
	for _, stop := range []error{context.Canceled, context.DeadlineExceeded, errors.New("write failed")} {
		check("stopped early, files as validated", stop, false)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(content, `"b"`, `"c"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	check("stopped early, a file changed", context.Canceled, true)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	check("stopped early, a file gone", context.DeadlineExceeded, true)
}

// TestInterruptedDiagSaysWhenEverythingIsRewritten: a user whose load stopped while its files
// changed must learn that the next apply rewrites every item, not that it resumes.
func TestInterruptedDiagSaysWhenEverythingIsRewritten(t *testing.T) {
	t.Parallel()
	m := &datasetModel{TableName: types.StringValue("orders")}
	plan, err := loader.Validate(context.Background(), keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "S"}},
		loader.Options{Source: source.Spec{Inline: `[{"pk":"a"}]`}})
	if err != nil {
		t.Fatal(err)
	}
	res := &loader.Result{Acked: &loader.Bitmap{}}
	const rewrite = "writes every item again"
	for _, tc := range []struct {
		err        error
		rewriteAll bool
		want       bool
	}{
		{context.DeadlineExceeded, false, false},
		{context.DeadlineExceeded, true, true},
		{context.Canceled, true, true},
		{loader.ErrDatasetChanged, true, true}, // said once, by the error's own text
	} {
		d := interruptedDiag(m, tc.err, res, plan, time.Minute, tc.rewriteAll)
		if n := strings.Count(d.Detail(), rewrite); (n == 1) != tc.want || n > 1 {
			t.Errorf("%v, rewriteAll %v: %q said %d times in %q", tc.err, tc.rewriteAll, rewrite, n, d.Detail())
		}
	}
}
