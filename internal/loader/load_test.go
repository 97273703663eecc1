package loader

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/order"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
)

// jsonl returns n JSON Lines records over users keys, sorted by partition key.
func jsonl(n, users int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"pk":"user-%04d","sk":%d,"price":"%d.10","note":"ü%d"}`+"\n", i%users, i, i, i)
	}
	return b.String()
}

// fastWrite keeps backoff in the microseconds so fault tests stay quick.
func fastWrite() write.Options {
	return write.Options{BaseDelay: time.Microsecond, MaxDelay: 10 * time.Microsecond, Concurrency: 4}
}

func TestLoadWritesExactlyTheDataset(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", jsonl(1000, 37))
	o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Write: fastWrite()}
	s := newSink(hashRange())
	var progress atomic.Int64
	o.Progress = func(Progress) { progress.Add(1) }

	res, err := Load(context.Background(), s, "t", hashRange(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Validated.Items != 1000 || res.Stats.Written != 1000 || s.count() != 1000 || res.Acked.Len() != 1000 {
		t.Fatalf("validated %d items, %d written, sink %d, acked %d", res.Validated.Items, res.Stats.Written, s.count(), res.Acked.Len())
	}
	if progress.Load() == 0 {
		t.Error("no progress reported")
	}
	v, err := Validate(context.Background(), hashRange(), o)
	if err != nil {
		t.Fatal(err)
	}
	if v.Digest != res.Validated.Digest || v.Keys.DistinctPartitionKeys != 37 || v.WriteUnits != 1000 {
		t.Fatalf("validated alone: %+v", v)
	}
	// The sink holds exactly what a validate pass reads.
	var want []record.Item
	stage, _ := keys.NewStage(hashRange(), keys.Options{})
	r, _ := source.Open(o.Source)
	defer r.Close()
	for {
		rec, err := r.Next()
		if err != nil {
			break
		}
		if err := stage.Apply(&rec); err != nil {
			t.Fatal(err)
		}
		want = append(want, rec.Item)
	}
	if got := s.contents(); strings.Join(got, "\x00") != strings.Join(canonicalSet(want), "\x00") {
		t.Fatal("the table does not hold exactly the dataset")
	}
}

func TestDigestIndependentOfOrderAndSensitiveToContent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", jsonl(200, 7))
	writeFile(t, dir, "b.jsonl", strings.Replace(jsonl(200, 7), `"note":"ü5"`, `"note":"u5"`, 1))
	digest := func(file string, mode order.Mode, keyOpts keys.Options) string {
		p, err := Validate(context.Background(), keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "S"}, SortKey: &keys.Attr{Name: "sk", Type: "N"}},
			Options{Source: source.Spec{BaseDir: dir, Patterns: []string{file}}, Order: order.Options{Mode: mode}, Keys: keyOpts})
		if err != nil {
			t.Fatal(err)
		}
		return p.Digest
	}
	base := digest("a.jsonl", order.Interleave, keys.Options{})
	if digest("a.jsonl", order.Shuffle, keys.Options{}) != base || digest("a.jsonl", order.Preserve, keys.Options{}) != base {
		t.Error("digest depends on the order mode")
	}
	if digest("b.jsonl", order.Interleave, keys.Options{}) == base {
		t.Error("digest unchanged after one attribute changed")
	}
	sharded := keys.Options{PartitionKey: "{pk}#{shard}", ShardAttribute: "sk", ShardCount: 4}
	if digest("a.jsonl", order.Interleave, sharded) == base {
		t.Error("digest unchanged after the key options changed")
	}
}

func TestInvalidInputWritesNothing(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		body, want string
	}{
		"bad JSON on line 3":   {`{"pk":"a","sk":1}` + "\n" + `{"pk":"b","sk":2}` + "\n" + `{"pk":"c","sk":` + "\n", "a.jsonl:3"},
		"missing sort key":     {`{"pk":"a","sk":1}` + "\n" + `{"pk":"b"}` + "\n", `a.jsonl:2`},
		"duplicate key":        {`{"pk":"a","sk":1}` + "\n" + `{"pk":"b","sk":1}` + "\n" + `{"pk":"a","sk":1.0}` + "\n", "a.jsonl:3: duplicate primary key pk \"a\", sk 1, already used by a.jsonl:1"},
		"oversized item":       {`{"pk":"a","sk":1,"blob":"` + strings.Repeat("x", 410_000) + `"}` + "\n", "a.jsonl:1: item is 410"},
		"wrong key type":       {`{"pk":1,"sk":1}` + "\n", `a.jsonl:1`},
		"thirty-nine digits":   {`{"pk":"a","sk":123456789012345678901234567890123456789}` + "\n", "a.jsonl:1"},
		"empty file":           {"", "a.jsonl"},
		"not an object at all": {"[1,2]\n", "a.jsonl:1"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, dir, "a.jsonl", tc.body)
			s := newSink(hashRange())
			_, err := Load(context.Background(), s, "t", hashRange(), Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Write: fastWrite()})
			var ie *record.InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want an InputError containing %q", err, tc.want)
			}
			if s.calls != 0 {
				t.Fatalf("%d BatchWriteItem calls for invalid input; want none", s.calls)
			}
		})
	}
}

func TestDuplicatePolicies(t *testing.T) {
	t.Parallel()
	body := `{"pk":"a","sk":1,"v":"first"}` + "\n" + `{"pk":"b","sk":1,"v":"only"}` + "\n" + `{"pk":"a","sk":1,"v":"last"}` + "\n"
	for policy, want := range map[DuplicatePolicy]string{DuplicateLastWins: "last", DuplicateFirstWins: "first"} {
		t.Run(string(policy), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, dir, "a.jsonl", body)
			s := newSink(hashRange())
			res, err := Load(context.Background(), s, "t", hashRange(),
				Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Duplicates: policy, Order: order.Options{Mode: order.Shuffle, Seed: 3}, Write: fastWrite()})
			if err != nil {
				t.Fatal(err)
			}
			if res.Validated.Items != 2 || res.Validated.Duplicates != 1 || s.count() != 2 {
				t.Fatalf("validated %+v, sink %d", res.Validated, s.count())
			}
			id := hashRange().Key(record.Item{"pk": &types.AttributeValueMemberS{Value: "a"}, "sk": &types.AttributeValueMemberN{Value: "1"}}).ID()
			got, ok := s.items[id]["v"].(*types.AttributeValueMemberS)
			if !ok || got.Value != want || s.puts[id] != 1 {
				t.Fatalf("kept %v (written %d times), want %q once", s.items[id]["v"], s.puts[id], want)
			}
		})
	}
}

func TestFaultsLoseNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", jsonl(3000, 101))
	s := newSink(hashRange())
	s.unprocessed = func(call, i int) bool { return (call*31+i*17)%10 < 3 } // about 30% held back
	s.fail = func(call int) error {
		switch call % 20 {
		case 3:
			return &types.ProvisionedThroughputExceededException{Message: stringPtr("slow down")}
		case 7:
			return &types.InternalServerError{Message: stringPtr("oops")}
		}
		return nil
	}
	o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Write: fastWrite()}
	res, err := Load(context.Background(), s, "t", hashRange(), o)
	if err != nil {
		t.Fatal(err)
	}
	if s.count() != 3000 || res.Stats.Unprocessed == 0 || res.Stats.Throttled == 0 || res.Acked.Len() != 3000 {
		t.Fatalf("sink %d, stats %+v, acked %d", s.count(), res.Stats, res.Acked.Len())
	}
}

func TestNonRetryableErrorStopsAndNamesTheItem(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", jsonl(500, 500))
	s := newSink(hashRange())
	s.fail = func(call int) error {
		if call >= 2 {
			return &types.ResourceNotFoundException{Message: stringPtr("no table")}
		}
		return nil
	}
	o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Order: order.Options{Mode: order.Preserve}, Write: fastWrite()}
	o.Write.Concurrency = 1
	res, err := Load(context.Background(), s, "t", hashRange(), o)
	var be *write.BatchError
	if !errors.As(err, &be) || be.Pos.File != "a.jsonl" || be.Pos.Line != 26 || be.Retryable {
		t.Fatalf("err = %v; want a BatchError at a.jsonl:26", err)
	}
	if res == nil || res.Acked.Len() != 25 || s.calls > 3 {
		t.Fatalf("acked %d after %d calls; want the first batch only, and a prompt stop", res.Acked.Len(), s.calls)
	}
}

// TestCancelThenResume interrupts a load, resumes it with what was acknowledged, and checks
// the table is exact and nothing acknowledged was written twice.
func TestCancelThenResume(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", jsonl(2000, 53))
	s := newSink(hashRange())
	ctx, cancel := context.WithCancel(context.Background())
	s.afterCall = func(call int) {
		if call == 20 {
			cancel()
		}
	}
	o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Write: fastWrite()}
	res, err := Load(ctx, s, "t", hashRange(), o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v; want context.Canceled", err)
	}
	first := res.Acked.Len()
	if first == 0 || first >= 2000 {
		t.Fatalf("acked %d before the cancel; want some, not all", first)
	}
	s.afterCall = nil
	o.Resume = res.Acked
	res2, err := Load(context.Background(), s, "t", hashRange(), o)
	if err != nil {
		t.Fatal(err)
	}
	if s.count() != 2000 || res2.Acked.Len() != 2000 || res2.Resumed != int64(first) || res2.Stats.Written != int64(2000-first) {
		t.Fatalf("after resume: sink %d, acked %d, resumed %d (first run %d), written %d", s.count(), res2.Acked.Len(), res2.Resumed, first, res2.Stats.Written)
	}
	// Only items in flight when the cancel hit may have been written twice.
	twice := 0
	for _, n := range s.puts {
		if n > 1 {
			twice++
		}
	}
	if twice > 4*25 {
		t.Fatalf("%d items written twice; only the interrupted batches may repeat", twice)
	}
}

func TestDeleteRemovesExactlyTheKeys(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", jsonl(300, 300))
	s := newSink(hashRange())
	if _, err := Load(context.Background(), s, "t", hashRange(), Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Write: fastWrite()}); err != nil {
		t.Fatal(err)
	}
	gone := func(yield func(record.Item) bool) {
		for i := 0; i < 300; i += 3 {
			k := record.Item{"pk": &types.AttributeValueMemberS{Value: fmt.Sprintf("user-%04d", i)}, "sk": &types.AttributeValueMemberN{Value: fmt.Sprint(i)}}
			if !yield(k) {
				return
			}
		}
	}
	st, err := Delete(context.Background(), s, "t", gone, fastWrite())
	if err != nil {
		t.Fatal(err)
	}
	if st.Deleted != 100 || s.count() != 200 {
		t.Fatalf("deleted %d, left %d; want 100 and 200", st.Deleted, s.count())
	}
	for id := range s.items {
		var n int
		if _, err := fmt.Sscanf(id[strings.Index(id, "user-")+5:], "%04d", &n); err != nil || n%3 == 0 {
			t.Fatalf("item %q should have been deleted (or is unreadable: %v)", id, err)
		}
	}
}

func stringPtr(s string) *string { return &s }

// TestUnchangedItemsAreNotWritten covers updates: a second load of a dataset with one changed
// and one new item writes just those two, when told which items are already in place.
func TestUnchangedItemsAreNotWritten(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", jsonl(100, 10))
	o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Write: fastWrite()}
	s := newSink(hashRange())
	loaded := map[string][sha256.Size]byte{} // key ID -> content hash, as a ledger would remember
	o.OnItem = func(_ uint64, k keys.Key, sum [sha256.Size]byte, _ int64) { loaded[k.ID()] = sum }
	if _, err := Load(context.Background(), s, "t", hashRange(), o); err != nil {
		t.Fatal(err)
	}
	if len(loaded) != 100 {
		t.Fatalf("OnItem saw %d items, want 100", len(loaded))
	}
	o.OnItem = nil

	changed := strings.Replace(jsonl(100, 10), `"note":"ü7"`, `"note":"changed"`, 1) + `{"pk":"new","sk":1}` + "\n"
	writeFile(t, dir, "a.jsonl", changed)
	v := validateMarking(t, hashRange(), o, func(k keys.Key, sum [sha256.Size]byte) bool { return loaded[k.ID()] == sum })
	res, err := LoadValidated(context.Background(), s, "t", hashRange(), o, v)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Written != 2 || res.Unchanged != 99 || s.count() != 101 {
		t.Fatalf("written %d, unchanged %d, table %d; want 2, 99, 101", res.Stats.Written, res.Unchanged, s.count())
	}
}

// TestOnItemSeesEveryRecordOnce: the provider builds its ledger from OnItem, so it must see
// every record once, in reading order, and Validated.Dropped must tell it the duplicate
// losers.
func TestOnItemSeesEveryRecordOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", jsonl(500, 13)+`{"pk":"user-0000","sk":0,"dup":true}`+"\n")
	var seen []uint64
	o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Duplicates: DuplicateLastWins, Write: fastWrite()}
	o.OnItem = func(seq uint64, _ keys.Key, _ [sha256.Size]byte, _ int64) { seen = append(seen, seq) }
	res, err := Load(context.Background(), newSink(hashRange()), "t", hashRange(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 501 || res.Validated.Items != 500 {
		t.Fatalf("OnItem saw %d records, validated %d items; want 501 and 500", len(seen), res.Validated.Items)
	}
	for i, seq := range seen {
		if seq != uint64(i) {
			t.Fatalf("OnItem's record %d has sequence number %d: not reading order, or a record seen twice", i, seq)
		}
		if dropped := res.Validated.Dropped(seq); dropped != (seq == 0) {
			t.Errorf("record %d: Dropped = %v; only record 0 (overridden by the last line) loses", seq, dropped)
		}
	}
}

// TestLoadValidatedNoticesChangedFiles: the write pass reads the files again; if they are not
// the bytes validated (even if only their spacing changed, which validation would accept with
// the same digest), the load fails with ErrDatasetChanged instead of reporting success.
func TestLoadValidatedNoticesChangedFiles(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		change string // the file's content at write time
		want   error
	}{
		"unchanged":        {jsonl(300, 7), nil},
		"one value":        {strings.Replace(jsonl(300, 7), `"note":"ü7"`, `"note":"changed"`, 1), ErrDatasetChanged},
		"spacing only":     {strings.Replace(jsonl(300, 7), `{"pk"`, `{ "pk"`, 1), ErrDatasetChanged},
		"a record dropped": {jsonl(299, 7), ErrDatasetChanged},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, dir, "a.jsonl", jsonl(300, 7))
			o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Write: fastWrite()}
			v, err := Validate(context.Background(), hashRange(), o)
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, dir, "a.jsonl", tc.change)
			_, err = LoadValidated(context.Background(), newSink(hashRange()), "t", hashRange(), o, v)
			if !errors.Is(err, tc.want) {
				t.Fatalf("LoadValidated: %v, want %v", err, tc.want)
			}
		})
	}
}

// TestValidateNoticesChangesBetweenItsPasses: with duplicate keys Validate reads the files
// more than once; the losers and the numbers must come from the bytes of the first reading.
func TestValidateNoticesChangesBetweenItsPasses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	body := jsonl(50, 5) + `{"pk":"user-0000","sk":0,"dup":true}` + "\n"
	writeFile(t, dir, "a.jsonl", body)
	o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Duplicates: DuplicateLastWins}
	if _, err := Validate(context.Background(), hashRange(), o); err != nil {
		t.Fatalf("unchanged files: %v", err)
	}
	// During the first pass, a new version replaces the file (the first pass reads on from the
	// old one it has open); the duplicate passes then read the new one.
	writeFile(t, dir, "b.jsonl", strings.Replace(body, `"dup":true`, `"dup":false`, 1))
	renamed := false
	o.OnItem = func(uint64, keys.Key, [sha256.Size]byte, int64) {
		if !renamed {
			renamed = true
			if err := os.Rename(filepath.Join(dir, "b.jsonl"), filepath.Join(dir, "a.jsonl")); err != nil {
				t.Error(err)
			}
		}
	}
	if _, err := Validate(context.Background(), hashRange(), o); !errors.Is(err, ErrDatasetChanged) {
		t.Fatalf("a file replaced between the passes: %v, want ErrDatasetChanged", err)
	}
}
