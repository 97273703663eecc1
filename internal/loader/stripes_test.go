package loader

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/order"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
)

// tinyStripes cuts test-sized datasets into as many stripes as a real one gets.
var tinyStripes = source.Layout{Max: 64, MinBytes: 1}

// sortedCollections returns n partition keys of per items each, sorted by key: an export of
// large item collections.
func sortedCollections(n, per int) string {
	var b strings.Builder
	for k := range n {
		for i := range per {
			fmt.Fprintf(&b, `{"pk":"cust-%03d","sk":%d,"note":"order %d"}`+"\n", k, i, i)
		}
	}
	return b.String()
}

// batchesOf runs the write pass's producer over v and returns the batches it makes, in order.
func batchesOf(t *testing.T, o Options, v *Validated) []write.Batch {
	t.Helper()
	stage, err := newStage(hashRange(), o.Keys)
	if err != nil {
		t.Fatal(err)
	}
	o.Write.Budget = write.NewBudget(1 << 40)
	out := make(chan write.Batch)
	errc := make(chan error, 1)
	var unchanged atomic.Int64
	go func() {
		defer close(out)
		errc <- produce(context.Background(), o, stage, v, &Bitmap{}, &unchanged, out)
	}()
	var got []write.Batch
	for b := range out {
		got = append(got, b)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	return got
}

// partitions counts the distinct partition keys of a batch.
func partitions(b write.Batch) int {
	seen := map[string]bool{}
	for _, r := range b {
		seen[valueText(r.Put["pk"])] = true
	}
	return len(seen)
}

// TestStripesSpreadSortedCollections: sorted input whose partition keys each hold more items
// than the order stage's window comes out with many keys in every batch when the stripes are
// read at once, where reading in file order gives batches of two or three keys. (The window is
// scaled down with the data: 100 keys × 500 items against 1,000 entries stand for 100 × 5,000
// against the default 10,000.) A single gzip file is cut like its text.
func TestStripesSpreadSortedCollections(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"sorted.jsonl", "sorted.jsonl.gz"} {
		t.Run(name, func(t *testing.T) { testStripesSpreadSortedCollections(t, name) })
	}
}

func testStripesSpreadSortedCollections(t *testing.T, name string) {
	t.Parallel()
	dir := t.TempDir()
	body := sortedCollections(100, 500)
	if strings.HasSuffix(name, ".gz") {
		body = gzipText(t, body)
	}
	writeFile(t, dir, name, body)
	o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{name}}, Order: order.Options{Window: 1000}, stripes: tinyStripes}
	v, err := Validate(context.Background(), hashRange(), o)
	if err != nil {
		t.Fatal(err)
	}
	if v.Stripes() != 64 {
		t.Fatalf("%d stripes, want 64", v.Stripes())
	}
	striped := batchesOf(t, o, v)
	oneStripe := *v
	oneStripe.stripes = source.Stripes{}
	inOrder := batchesOf(t, o, &oneStripe)
	for i := range 5 {
		if n := partitions(striped[i]); n < 24 {
			t.Errorf("striped batch %d holds %d partition keys, want 25 or nearly", i, n)
		}
		if n := partitions(inOrder[i]); n > 3 {
			t.Errorf("batch %d read in file order holds %d partition keys: the test does not show what stripes change", i, n)
		}
	}
	// Every stretch is under way at once: the first 64 × 25 items hold dozens of keys.
	seen := map[string]bool{}
	for _, b := range striped[:64] {
		for _, r := range b {
			seen[valueText(r.Put["pk"])] = true
		}
	}
	if len(seen) < 50 {
		t.Errorf("the first 64 striped batches hold %d partition keys, want at least 50", len(seen))
	}
	// The order is a function of the input.
	again := batchesOf(t, o, v)
	if !reflect.DeepEqual(seqs(striped), seqs(again)) {
		t.Error("two write passes over the same stripes made different batches")
	}
}

func seqs(bs []write.Batch) []uint64 {
	var out []uint64
	for _, b := range bs {
		for _, r := range b {
			out = append(out, r.Seq)
		}
	}
	return out
}

// TestStripedLoadWritesEveryRecordOnce: a striped load writes every record to be written
// exactly once, and none of the duplicate losers, the records in place or those an earlier
// load wrote.
func TestStripedLoadWritesEveryRecordOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	body := sortedCollections(30, 200)
	// Duplicates: the last one of each wins.
	body += `{"pk":"cust-003","sk":5,"note":"late"}` + "\n" + `{"pk":"cust-020","sk":7,"note":"late"}` + "\n"
	writeFile(t, dir, "a.jsonl", body)
	o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Duplicates: DuplicateLastWins,
		Write: fastWrite(), stripes: tinyStripes}
	v := validateMarking(t, hashRange(), o, func(k keys.Key, _ [32]byte) bool { return k.Partition == "S:cust-011" })
	if v.Stripes() < 32 || v.Duplicates != 2 {
		t.Fatalf("%d stripes, %d duplicates: the test needs many stripes and two losers", v.Stripes(), v.Duplicates)
	}
	o.Resume = &Bitmap{}
	for seq := uint64(0); seq < uint64(v.Records); seq += 3 {
		o.Resume.Set(seq)
	}
	s := newSink(hashRange())
	res, err := LoadValidated(context.Background(), s, "t", hashRange(), o, v)
	if err != nil {
		t.Fatal(err)
	}
	var resumed, unchanged, written int64
	for seq := range uint64(v.Records) {
		inPlace := v.Unchanged(seq) && !o.Resume.Has(seq) && !v.Dropped(seq)
		switch {
		case v.Dropped(seq):
			if res.Acked.Has(seq) || res.Sent.Has(seq) {
				t.Fatalf("loser %d was written", seq)
			}
		case o.Resume.Has(seq):
			resumed++
			if res.Sent.Has(seq) {
				t.Fatalf("record %d, written by an earlier load, was sent again", seq)
			}
		case inPlace:
			unchanged++
			if res.Sent.Has(seq) {
				t.Fatalf("record %d, in place, was sent", seq)
			}
		default:
			written++
			if !res.Acked.Has(seq) {
				t.Fatalf("record %d was not written", seq)
			}
		}
	}
	if res.Resumed != resumed || res.Unchanged != unchanged || res.Stats.Written != written || unchanged == 0 {
		t.Fatalf("resumed %d, unchanged %d, written %d; want %d, %d, %d", res.Resumed, res.Unchanged, res.Stats.Written, resumed, unchanged, written)
	}
	for id, n := range s.puts {
		if n != 1 {
			t.Fatalf("%s was put %d times", id, n)
		}
	}
	if int64(len(s.puts)) != written {
		t.Fatalf("%d keys put, want %d", len(s.puts), written)
	}
	late := record.Item{"pk": &types.AttributeValueMemberS{Value: "cust-003"}, "sk": &types.AttributeValueMemberN{Value: "5"}}
	if got := s.items[hashRange().Key(late).ID()]; got != nil && valueText(got["note"]) != `"late"` {
		t.Fatalf("the duplicate's winner is not the last: %v", valueText(got["note"]))
	}
}

// TestStripedLoadNoticesChangedFiles: a file changed between validation and a striped write
// pass fails the load with ErrDatasetChanged.
func TestStripedLoadNoticesChangedFiles(t *testing.T) {
	t.Parallel()
	body := sortedCollections(20, 100)
	for name, change := range map[string]string{
		"one value, same length": strings.Replace(body, `"note":"order 42"`, `"note":"order 43"`, 1),
		"a record dropped":       strings.Replace(body, `{"pk":"cust-007","sk":3,"note":"order 3"}`+"\n", "", 1),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, dir, "a.jsonl", body)
			o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Write: fastWrite(), stripes: tinyStripes}
			v, err := Validate(context.Background(), hashRange(), o)
			if err != nil {
				t.Fatal(err)
			}
			if v.Stripes() < 32 {
				t.Fatalf("%d stripes", v.Stripes())
			}
			writeFile(t, dir, "a.jsonl", change)
			_, err = LoadValidated(context.Background(), newSink(hashRange()), "t", hashRange(), o, v)
			if !errors.Is(err, ErrDatasetChanged) || errors.As(err, new(*record.InputError)) {
				t.Fatalf("LoadValidated: %v, want ErrDatasetChanged and no invalid input", err)
			}
		})
	}
}

// TestPreserveReadsInFileOrder: order = preserve and shuffle make the batches they made
// before stripes, from a reading in file order; only interleave reads stripes.
func TestPreserveReadsInFileOrder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", sortedCollections(10, 50))
	for _, mode := range []order.Mode{order.Preserve, order.Shuffle} {
		o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Order: order.Options{Mode: mode, Window: 10}, stripes: tinyStripes}
		v, err := Validate(context.Background(), hashRange(), o)
		if err != nil {
			t.Fatal(err)
		}
		if v.Stripes() < 32 {
			t.Fatalf("%d stripes", v.Stripes())
		}
		oneStripe := *v
		oneStripe.stripes = source.Stripes{}
		got, want := seqs(batchesOf(t, o, v)), seqs(batchesOf(t, o, &oneStripe))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: the stripes changed the order", mode)
		}
		for i := 1; i < len(got) && mode == order.Preserve; i++ {
			if got[i] != got[i-1]+1 {
				t.Fatalf("preserve wrote record %d after %d", got[i], got[i-1])
			}
		}
	}
}

// TestValidatedStripesRoundTrip: the stripes survive MarshalBinary, and what older versions
// stored (no stripes) reads back as one stripe and still loads.
func TestValidatedStripesRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", sortedCollections(10, 100))
	o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Write: fastWrite(), stripes: tinyStripes}
	v, err := Validate(context.Background(), hashRange(), o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := v.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Validated
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if back.Stripes() != v.Stripes() || !reflect.DeepEqual(back.stripes, v.stripes) || v.Stripes() < 32 {
		t.Fatalf("%d stripes read back, want the %d stored", back.Stripes(), v.Stripes())
	}
	// The wire form before stripes, field by field.
	type oldWire struct {
		Records, Items, Duplicates, Bytes, WriteUnits int64
		Digest                                        string
		Keys                                          KeyStats
		Files                                         []string
		Losers, Unchanged                             string
		FilesFingerprint                              [32]byte
	}
	var old bytes.Buffer
	w := oldWire{Records: v.Records, Items: v.Items, Bytes: v.Bytes, WriteUnits: v.WriteUnits, Digest: v.Digest, Keys: v.Keys,
		Files: v.Files, Losers: v.losers.Encode(), Unchanged: v.unchanged.Encode(), FilesFingerprint: v.files}
	if err := gob.NewEncoder(&old).Encode(&w); err != nil {
		t.Fatal(err)
	}
	var fromOld Validated
	if err := fromOld.UnmarshalBinary(old.Bytes()); err != nil {
		t.Fatal(err)
	}
	if fromOld.Stripes() != 1 || fromOld.Digest != v.Digest {
		t.Fatalf("an old encoding read back with %d stripes", fromOld.Stripes())
	}
	s := newSink(hashRange())
	if _, err := LoadValidated(context.Background(), s, "t", hashRange(), o, &fromOld); err != nil || s.count() != 1000 {
		t.Fatalf("loading an old encoding: %v, %d items", err, s.count())
	}
}

// TestStripesAreBoundedAndFollowTheBytes: a large dataset gets at most DefaultLayout.Max
// stripes, however many partition keys it has.
func TestStripesAreBoundedAndFollowTheBytes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// Files large enough for the default layout's stripes would take long to write; a layout
	// of the same Max with small MinBytes shows the bound on the same shapes.
	writeFile(t, dir, "few.jsonl", sortedCollections(2, 3000))
	writeFile(t, dir, "small.jsonl", sortedCollections(2, 1000))
	writeFile(t, dir, "many.jsonl", sortedCollections(600, 10))
	for _, name := range []string{"few.jsonl", "many.jsonl"} {
		o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{name}}, stripes: source.Layout{Max: source.DefaultLayout.Max, MinBytes: 1}}
		v, err := Validate(context.Background(), hashRange(), o)
		if err != nil {
			t.Fatal(err)
		}
		if v.Stripes() != source.DefaultLayout.Max {
			t.Fatalf("%s: %d stripes, want %d", name, v.Stripes(), source.DefaultLayout.Max)
		}
	}
	// At the default layout a dataset smaller than two stripes' minimum is one stripe.
	fi, err := os.Stat(filepath.Join(dir, "small.jsonl"))
	if err != nil || fi.Size() >= 2*source.DefaultLayout.MinBytes {
		t.Fatalf("small.jsonl: %v; it must be smaller than two stripes", err)
	}
	v, err := Validate(context.Background(), hashRange(), Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"small.jsonl"}}})
	if err != nil {
		t.Fatal(err)
	}
	if v.Stripes() != 1 {
		t.Fatalf("small.jsonl at the default layout: %d stripes, want 1", v.Stripes())
	}
}
