package converge

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// TestLedgers: the ledger after a load is built from what validation saw. After a complete
// load it holds every written item (not the duplicate that lost); after an interrupted one,
// the previous ledger plus only the records DynamoDB acknowledged.
func TestLedgers(t *testing.T) {
	t.Parallel()
	// Records 0 and 2 share key "a"; which one is written depends on the policy.
	for policy, winner := range map[loader.DuplicatePolicy]int{loader.DuplicateLastWins: 2, loader.DuplicateFirstWins: 0} {
		t.Run(string(policy), func(t *testing.T) {
			t.Parallel()
			checkLedgers(t, policy, winner)
		})
	}
}

func checkLedgers(t *testing.T, policy loader.DuplicatePolicy, winner int) {
	schema := keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "S"}}
	seen := &records{}
	opts := loader.Options{
		Source:     source.Spec{Inline: `[{"pk":"a","v":1},{"pk":"b","v":1},{"pk":"a","v":2},{"pk":"c","v":1}]`},
		Duplicates: policy,
		OnItem: func(_ uint64, k keys.Key, sum [sha256.Size]byte, _ int64) {
			seen.add(k, ledger.SumHash(sum), 1)
		},
	}
	validated, err := loader.Validate(context.Background(), schema, opts)
	if err != nil {
		t.Fatal(err)
	}
	loser := 2 - winner
	if seen.len() != 4 || validated.Items != 3 || !validated.Dropped(uint64(loser)) || validated.Dropped(uint64(winner)) {
		t.Fatalf("validation saw %d records, validated %d items, loser %d dropped %v; want 4, 3, true",
			seen.len(), validated.Items, loser, validated.Dropped(uint64(loser)))
	}
	hashOf := func(seq int) uint32 { return seen.hash(seq) }
	idOf := func(seq int) string { return seen.id(seq) }
	if hashOf(0) == hashOf(2) {
		t.Fatal("the two versions of a hash alike: the test cannot tell which one the ledger kept")
	}

	var ob ledger.Builder
	ob.Add("old-only", 7)
	ob.Add(idOf(3), 9) // c, loaded before with other content
	old := ob.Build()

	acked := &loader.Bitmap{}
	acked.Set(1) // b written, the rest not yet
	sent := &loader.Bitmap{}
	sent.Set(1)
	sent.Set(3) // c sent, no answer
	res := &loader.Result{Acked: acked, Sent: sent}

	// A ledger read back from the state knows block sums, not item hashes.
	decoded, err := ledger.Decode(old.Encode())
	if err != nil {
		t.Fatal(err)
	}
	const unknown = 1 << 32
	for _, tc := range []struct {
		name  string
		prior *ledger.Ledger // nil: the complete load's ledger
		want  map[string]uint64
	}{
		{"complete", nil, map[string]uint64{idOf(winner): uint64(hashOf(winner)), idOf(1): uint64(hashOf(1)), idOf(3): uint64(hashOf(3))}},
		{"interrupted", old, map[string]uint64{"old-only": 7, idOf(3): 9, idOf(1): uint64(hashOf(1))}},
		{"interrupted, prior from the state", decoded, map[string]uint64{"old-only": unknown, idOf(3): unknown, idOf(1): uint64(hashOf(1))}},
	} {
		led := written(validated, seen, nil, slices.Repeat([]int32{-1}, seen.len()))
		if tc.prior != nil {
			prior := State{Ledger: tc.prior}
			verdict, err := judge(context.Background(), nil, Params{Schema: schema, Prior: prior}, validated, seen)
			if err != nil {
				t.Fatal(err)
			}
			st := stopped(prior, &validation{validated: validated, seen: seen, verdict: verdict}, res, false)
			led = st.Ledger
			if st.Unconfirmed.Find(idOf(3)) < 0 || st.Unconfirmed.Len() != 1 {
				t.Errorf("unconfirmed %d keys, want only c", st.Unconfirmed.Len())
			}
		}
		got := map[string]uint64{}
		for e := range led.All() {
			got[e.KeyID] = unknown
			if e.Known {
				got[e.KeyID] = uint64(e.Hash)
			}
		}
		if !maps.Equal(got, tc.want) {
			t.Errorf("%s: ledger %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestUntrusted: the next apply rewrites everything exactly when what a load wrote may
// differ from what validation recorded: the write pass found the files changed, or the load
// stopped early and the files are no longer the bytes validated.
func TestUntrusted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "a.jsonl")
	content := "{\"pk\":\"a\"}\n{\"pk\":\"b\"}\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	spec := source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}
	validated, err := loader.Validate(context.Background(), keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "S"}}, loader.Options{Source: spec})
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, err error, want bool) {
		t.Helper()
		if got := untrusted(loader.Options{Source: spec}, validated, err); got != want {
			t.Errorf("%s: untrusted(%v) = %v, want %v", what, err, got, want)
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
