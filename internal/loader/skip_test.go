package loader

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// skipOptions loads a.jsonl in dir with last_wins duplicates.
func skipOptions(dir string) Options {
	return Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Duplicates: DuplicateLastWins, Write: fastWrite()}
}

// sortKeyIn reports the records whose sort key unchanged names as in place.
func sortKeyIn(unchanged func(sk int) bool) func(keys.Key, [sha256.Size]byte) bool {
	return func(k keys.Key, _ [sha256.Size]byte) bool {
		var sk int
		_, err := fmt.Sscanf(k.Sort, "N:%d", &sk)
		return err == nil && unchanged(sk)
	}
}

// validateMarking validates with o and marks in place the records inPlace reports, as an
// update does from its ledger.
func validateMarking(t *testing.T, schema keys.Schema, o Options, inPlace func(keys.Key, [sha256.Size]byte) bool) *Validated {
	t.Helper()
	var marked Bitmap
	onItem := o.OnItem
	o.OnItem = func(seq uint64, k keys.Key, sum [sha256.Size]byte, wcu int64) {
		if inPlace(k, sum) {
			marked.Set(seq)
		}
		if onItem != nil {
			onItem(seq, k, sum, wcu)
		}
	}
	v, err := Validate(context.Background(), schema, o)
	if err != nil {
		t.Fatal(err)
	}
	return v.WithUnchanged(&marked)
}

// TestWritePassWritesExactlyTheRest: duplicate losers, records a stopped load wrote and
// records in place are all passed over, and every other record is written as validated.
func TestWritePassWritesExactlyTheRest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// Record 5 loses to the last line, which has its key.
	writeFile(t, dir, "a.jsonl", jsonl(300, 300)+`{"pk":"user-0005","sk":5,"v":"last"}`+"\n")
	o := skipOptions(dir)
	o.Resume = &Bitmap{}
	for seq := uint64(1); seq < 301; seq += 7 {
		o.Resume.Set(seq)
	}
	v := validateMarking(t, hashRange(), o, sortKeyIn(func(sk int) bool { return sk%3 == 0 }))
	s := newSink(hashRange())
	res, err := LoadValidated(context.Background(), s, "t", hashRange(), o, v)
	if err != nil {
		t.Fatal(err)
	}

	var want []record.Item
	var unchanged int64
	stage, _ := keys.NewStage(hashRange(), keys.Options{})
	r, err := source.Open(o.Source)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for seq := uint64(0); ; seq++ {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		inPlace := seq < 300 && seq%3 == 0
		switch {
		case seq == 5, seq%7 == 1:
		case inPlace:
			unchanged++
		default:
			if err := stage.Apply(&rec); err != nil {
				t.Fatal(err)
			}
			want = append(want, rec.Item)
		}
	}
	if res.Stats.Written != int64(len(want)) || res.Unchanged != unchanged || res.Validated.Duplicates != 1 {
		t.Fatalf("written %d, unchanged %d, duplicates %d; want %d, %d, 1", res.Stats.Written, res.Unchanged, res.Validated.Duplicates, len(want), unchanged)
	}
	if got := s.contents(); strings.Join(got, "\x00") != strings.Join(canonicalSet(want), "\x00") {
		t.Fatal("the table does not hold exactly the records to write")
	}
	id := hashRange().Key(record.Item{"pk": &types.AttributeValueMemberS{Value: "user-0005"}, "sk": &types.AttributeValueMemberN{Value: "5"}}).ID()
	if v, ok := s.items[id]["v"].(*types.AttributeValueMemberS); !ok || v.Value != "last" {
		t.Fatalf("user-0005 holds %v, want the last line's", s.items[id])
	}
}

// TestWritePassDoesNotDecodeWhatItPassesOver: the lines of a loser, of a record a stopped load
// wrote and of a record in place are replaced by malformed JSON after validation, and the
// validated dataset is told the new bytes are the ones validated. Decoding any of them would
// fail the load.
func TestWritePassDoesNotDecodeWhatItPassesOver(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", jsonl(60, 60)+`{"pk":"user-0030","sk":30,"v":"last"}`+"\n")
	o := skipOptions(dir)
	o.Resume = &Bitmap{}
	o.Resume.Set(20)
	v := validateMarking(t, hashRange(), o, sortKeyIn(func(sk int) bool { return sk == 10 }))
	lines := strings.SplitAfter(jsonl(60, 60), "\n")
	for _, seq := range []int{10, 20, 30} {
		lines[seq] = `{"pk":` + "\n"
	}
	writeFile(t, dir, "a.jsonl", strings.Join(lines, "")+`{"pk":"user-0030","sk":30,"v":"last"}`+"\n")
	var err error
	if v.files, err = source.Fingerprint(o.Source); err != nil {
		t.Fatal(err)
	}
	s := newSink(hashRange())
	res, err := LoadValidated(context.Background(), s, "t", hashRange(), o, v)
	if err != nil {
		t.Fatalf("a line passed over was decoded: %v", err)
	}
	if res.Stats.Written != 58 || res.Unchanged != 1 || s.count() != 58 {
		t.Fatalf("written %d, unchanged %d, table %d; want 58, 1, 58", res.Stats.Written, res.Unchanged, s.count())
	}
}

// TestWritePassNoticesAnEditedLineItPassedOver: a record in place is not decoded by the write
// pass, but its bytes still count: any edit of its line fails the load as changed.
func TestWritePassNoticesAnEditedLineItPassedOver(t *testing.T) {
	t.Parallel()
	body := jsonl(300, 7)
	for name, tc := range map[string]struct {
		change string
		want   error
	}{
		"unchanged":      {body, nil},
		"same length":    {strings.Replace(body, `"note":"ü5"}`, `"note":"ü6"}`, 1), ErrDatasetChanged},
		"longer":         {strings.Replace(body, `"note":"ü5"}`, `"note":"ü5 and more"}`, 1), ErrDatasetChanged},
		"malformed":      {strings.Replace(body, `"note":"ü5"}`, `"note":"ü5"{`, 1), ErrDatasetChanged},
		"split in two":   {strings.Replace(body, `"sk":5,`, `"sk":5}`+"\n"+`{`, 1), ErrDatasetChanged},
		"a blank before": {strings.Replace(body, `{"pk":"user-0005","sk":5,`, "\n"+`{"pk":"user-0005","sk":5,`, 1), ErrDatasetChanged},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if tc.change == body && tc.want != nil {
				t.Fatal("the edit changed nothing")
			}
			dir := t.TempDir()
			writeFile(t, dir, "a.jsonl", body)
			o := skipOptions(dir)
			v := validateMarking(t, hashRange(), o, sortKeyIn(func(sk int) bool { return sk == 5 }))
			writeFile(t, dir, "a.jsonl", tc.change)
			res, err := LoadValidated(context.Background(), newSink(hashRange()), "t", hashRange(), o, v)
			if !errors.Is(err, tc.want) {
				t.Fatalf("LoadValidated: %v, want %v", err, tc.want)
			}
			if res.Unchanged != 1 {
				t.Fatalf("%d records in place, want 1", res.Unchanged)
			}
		})
	}
}

// recordList yields its records, then io.EOF.
type recordList struct{ recs []record.Record }

func (l *recordList) Next() (record.Record, error) {
	if len(l.recs) == 0 {
		return record.Record{}, io.EOF
	}
	rec := l.recs[0]
	l.recs = l.recs[1:]
	return rec, nil
}

func (l *recordList) Fingerprint() [sha256.Size]byte { return [sha256.Size]byte{} }
func (l *recordList) Close() error                   { return nil }

// TestPendingRefusesARecordPassedOverUnasked: a record the reader passed over is dropped when
// the write pass asked for that, and is an error, never a write, when it did not.
func TestPendingRefusesARecordPassedOverUnasked(t *testing.T) {
	t.Parallel()
	stage, err := keys.NewStage(hashRange(), keys.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := &Validated{losers: &Bitmap{}, unchanged: &Bitmap{}}
	v.unchanged.Set(0)
	skipped := func(n int) record.Record {
		return record.Record{Pos: record.Position{File: "a.jsonl", Line: n, Record: n}, Skipped: true, Seq: uint64(n - 1)}
	}
	var unchanged atomic.Int64
	p := &pending{ctx: context.Background(), stage: stage, validated: v, resumed: &Bitmap{}, unchanged: &unchanged,
		r: &recordList{recs: []record.Record{skipped(1), skipped(2)}}}
	if !p.drops(0) || p.drops(1) {
		t.Fatalf("drops(0) = %v, drops(1) = %v; want true, false", p.drops(0), p.drops(1))
	}
	e, err := p.Next()
	// A reader that passes over records unasked is a bug, not a dataset that changed.
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, ErrDatasetChanged) || !strings.Contains(err.Error(), "a.jsonl:2") {
		t.Fatalf("Next = %+v, %v; want an error naming a.jsonl:2", e, err)
	}
	if unchanged.Load() != 1 {
		t.Fatalf("%d records counted in place, want 1", unchanged.Load())
	}
}
