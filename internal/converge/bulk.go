package converge

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/bulkput"
	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// Bulk hands an apply's writes to DynamoDB's bulk put (StartBulkPutItems) instead of
// BatchWriteItem: the items to write are staged in S3 under Prefix, one folder per operation.
// Deletions of removed items still go through BatchWriteItem: bulk put only puts.
type Bulk struct {
	API    bulkput.API
	Store  bulkput.Store
	Bucket string
	Prefix string
	// MaxWriteUnits caps the operation's write rate (>= bulkput.MinWriteUnits); 0 leaves it
	// to the service.
	MaxWriteUnits int64
	// Poll is how often the operation is described (default 10 s); CancelWait bounds the wait
	// for a cancelled operation to stop (default 2 minutes).
	Poll, CancelWait time.Duration
	// Progress, if set, is told of every description while the operation runs.
	Progress func(*types.BulkOperationDescription)
	// MaxFailures bounds the failures read from the error report (default 20).
	MaxFailures int
}

// BulkResult is what the bulk put did.
type BulkResult struct {
	Token, Arn string
	Status     types.BulkOperationStatus
	// Input is what the operation read: s3://bucket/prefix.
	Input string
	// PassedThrough says the operation read the dataset's own objects, which needed no
	// staging; StagedBecause says why they did otherwise.
	PassedThrough bool
	StagedBecause string
	// Staged counts the items staged for the operation; Reused says an earlier apply had
	// staged them (it died after staging, or after starting the operation).
	Staged int64
	Reused bool
	// Staging is how long the staging took (0 when nothing was staged).
	Staging time.Duration
	// Started says StartBulkPutItems was called: from then on the table may hold any of the
	// items staged, whatever the call answered.
	Started bool
	// Duration is the operation's, from its start and end times.
	Duration time.Duration
	// Processed and Failed are the operation's counts; Failures the first MaxFailures of the
	// failed records, FailuresTotal how many the report holds.
	Processed, Failed int64
	Failures          []bulkput.Failure
	FailuresTotal     int
	// CleanupErr is a failure to delete the staged input after the operation completed: the
	// objects stay under the staging prefix, nothing else is wrong.
	CleanupErr error
}

// BulkOperationError is an operation that ended other than COMPLETED.
type BulkOperationError struct {
	Result *BulkResult
	Code   string // FailureCode
	Msg    string // FailureMessage
}

func (e *BulkOperationError) Error() string {
	r := e.Result
	switch r.Status {
	case types.BulkOperationStatusCompletedWithErrors:
		return fmt.Sprintf("the bulk put %s could not write %d of %d items", r.Arn, r.Failed, r.Processed)
	default:
		return fmt.Sprintf("the bulk put %s ended %s (%s: %s)", r.Arn, r.Status, e.Code, e.Msg)
	}
}

// stagedMarker is the object that says a staging finished: an apply that finds it starts the
// operation on what is there instead of staging again (which could overwrite input a running
// operation reads).
const stagedMarker = "staged.json"

// ApplyBulk is Apply with the write pass run by DynamoDB's bulk put. The client token derives
// from the table, the dataset's digest, the prior state and b's settings, so an apply that died
// after starting the operation finds it again; a stopped operation changes the state, so the
// next apply starts another. Outcome.State records every item the table may hold whatever
// stopped the apply: an operation that did not complete leaves all it was given unconfirmed.
func ApplyBulk(ctx context.Context, api API, b Bulk, p Params) (Outcome, *BulkResult, error) {
	out := Outcome{State: p.Prior}
	v, err := validate(ctx, api, p, takeVerdict)
	if v != nil {
		defer recent.forget(v.seen) // as Apply
		out.Validated, out.Changes = v.validated, v.changes()
	}
	if err != nil {
		return out, nil, err
	}
	b.defaults()
	prior, validated, o := p.Prior, v.validated, v.o
	toWrite := v.toWrite()
	res := &BulkResult{}
	var set *source.ObjectSet
	if out.Changes.Write > 0 {
		if set, res.StagedBecause, err = passThrough(p, v, toWrite); err != nil {
			return out, res, err // nothing reached the table
		}
	}
	parts := []string{p.Table, validated.Digest, priorIdentity(prior), b.Bucket, b.Prefix, strconv.FormatInt(b.MaxWriteUnits, 10)}
	if set != nil { // another input: another operation
		parts = append(parts, "objects", set.Bucket, set.Prefix, strconv.FormatBool(set.Gzip))
	}
	token := bulkput.Token(parts...)
	res.Token = token
	dir := b.Prefix + token + "/"
	input, reports := dir+"input/", dir+"report/"

	if out.Changes.Write > 0 {
		op := bulkput.Operation{Table: p.Table, Bucket: b.Bucket, Prefix: input,
			ReportBucket: b.Bucket, ReportPrefix: reports, MaxWriteUnits: b.MaxWriteUnits, Token: token}
		if set != nil {
			op.Bucket, op.Prefix, op.Uncompressed = set.Bucket, set.Prefix, !set.Gzip
			res.PassedThrough = true
		} else {
			start := time.Now()
			staged, reused, err := stage(ctx, b, p, o, validated, input, dir+stagedMarker)
			if err != nil {
				return out, res, err // nothing reached the table
			}
			res.Staged, res.Reused, res.Staging = staged, reused, time.Since(start)
		}
		res.Input = source.S3Scheme + op.Bucket + "/" + op.Prefix
		res.Started = true
		op, d, err := bulkput.StartLive(ctx, b.API, op)
		res.Token, reports = op.Token, op.ReportPrefix
		if err != nil {
			// The answer may be lost after the operation started: what it was given may be in
			// the table.
			out.State = unconfirmedWrites(prior, v, toWrite)
			return out, res, err
		}
		res.Arn = aws.ToString(d.BulkOperationArn)
		end, ferr := bulkput.Follow(ctx, b.API, res.Arn, b.Poll, b.CancelWait, b.Progress)
		if end != nil {
			res.Status, res.Processed, res.Failed = end.BulkOperationStatus, end.ProcessedItemCount, end.FailedItemCount
			if end.StartTime != nil && end.EndTime != nil {
				res.Duration = end.EndTime.Sub(*end.StartTime)
			}
		}
		if ferr == nil && set != nil {
			// The operation read the objects themselves: if one changed meanwhile, what it wrote
			// is not the dataset validation saw.
			ferr = objectsChanged(p.Options.Source.Objects, set)
		}
		switch {
		case ferr != nil || end == nil || (end.BulkOperationStatus != types.BulkOperationStatusCompleted && end.BulkOperationStatus != types.BulkOperationStatusCompletedWithErrors):
			out.State = unconfirmedWrites(prior, v, toWrite)
			if ferr != nil {
				return out, res, ferr
			}
			return out, res, &BulkOperationError{Result: res, Code: aws.ToString(end.FailureCode), Msg: aws.ToString(end.FailureMessage)}
		case end.BulkOperationStatus == types.BulkOperationStatusCompletedWithErrors:
			res.Failures, res.FailuresTotal, err = bulkput.ReadFailures(ctx, b.Store, b.Bucket, reports, b.MaxFailures)
			if err != nil {
				out.State = unconfirmedWrites(prior, v, toWrite)
				return out, res, fmt.Errorf("%w; reading its error report: %v", &BulkOperationError{Result: res}, err) //nolint:errorlint // the operation's error is the one to test
			}
			out.State = withFailures(prior, v, p, res.Failures, res.FailuresTotal, toWrite)
			locate(v, p, res.Failures)
			if set == nil {
				// The state changed, so the next apply stages under another token.
				res.CleanupErr = unstage(ctx, b, dir)
			}
			return out, res, &BulkOperationError{Result: res}
		}
		if set == nil {
			res.CleanupErr = unstage(ctx, b, dir)
		}
	}
	next := v.next()
	deleted, err := deleteRemoved(ctx, api, p.Table, p.Schema, v.gone, o.Write)
	out.Deleted = deleted
	if err != nil {
		out.State = State{Ledger: union(next, prior.Ledger), Unconfirmed: minus(prior.Unconfirmed, next)}
		return out, res, err
	}
	out.State = State{Ledger: next}
	out.Complete = true
	return out, res, nil
}

// passThrough returns the dataset's objects when the operation can read them as they are,
// else why the items must be staged: every record is written (a first load, or every item
// new or changed), the items are the records as read (no key templates), and the objects are
// a set the operation can read (source.AsObjectSet).
func passThrough(p Params, v *validation, toWrite *loader.Bitmap) (*source.ObjectSet, string, error) {
	if why := passThroughRules(p.Options, int64(toWrite.Len()), int64(v.seen.len())); why != "" {
		return nil, why, nil
	}
	set, why, err := source.AsObjectSet(p.Options.Source)
	if set == nil || err != nil {
		return nil, why, err
	}
	// Listed after validation: the objects must be the ones validated, since the operation
	// reads them, not what validation read.
	same, err := v.validated.FilesUnchanged(p.Options.Source)
	switch {
	case err != nil:
		return nil, "", err
	case !same:
		return nil, "", loader.ErrDatasetChanged
	}
	return set, "", nil
}

// passThroughRules says why the operation cannot read the dataset's own objects when written
// of its records are written, or "" when it may (AsObjectSet has the last word).
func passThroughRules(o loader.Options, written, records int64) string {
	k := o.Keys
	switch {
	case o.Source.Objects == nil || o.Source.Inline != "":
		return "the dataset is not in S3"
	case k.PartitionKey != "" || k.SortKey != "" || k.ShardCount > 1:
		return "key templates or shards change the items"
	case written != records:
		return "not every record is written (an update, or duplicates)"
	}
	return ""
}

// StagedBytes is about how many bytes of items a bulk put apply of changes stages (their
// average size times their number), or 0 when the operation may read the dataset's own
// objects. The plan uses it to estimate the staging's time, so it asks S3 nothing: it follows
// ApplyBulk's rules as far as the files' names tell (source.MayBeObjectSet), and takes objects
// that are not all the objects under their prefix, which only a listing shows, for a set.
func StagedBytes(o loader.Options, v *loader.Validated, c Changes) int64 {
	if c.Write == 0 || v.Items == 0 {
		return 0
	}
	if passThroughRules(o, c.Write, v.Records) == "" && source.MayBeObjectSet(o.Source, v.Files) {
		return 0
	}
	return int64(float64(v.Bytes) * float64(c.Write) / float64(v.Items))
}

// objectsChanged fails when an object of set is no longer the one validation read.
func objectsChanged(store source.ObjectStore, set *source.ObjectSet) error {
	for _, o := range set.Objects {
		now, err := store.Stat(o.Bucket, o.Key)
		if err != nil {
			return fmt.Errorf("checking %s after the bulk put: %w", o.Name(), err)
		}
		if now.ETag != o.ETag || now.Size != o.Size {
			return &ObjectChangedError{Name: o.Name()}
		}
	}
	return nil
}

// ObjectChangedError is an object of the dataset that changed while a bulk put read it: the
// table may hold items of either version.
type ObjectChangedError struct{ Name string }

func (e *ObjectChangedError) Error() string {
	return fmt.Sprintf("%s changed while the bulk put read it, so the table may hold items of either version", e.Name)
}

func (b *Bulk) defaults() {
	if b.Poll <= 0 {
		b.Poll = 10 * time.Second
	}
	if b.CancelWait <= 0 {
		b.CancelWait = 2 * time.Minute
	}
	if b.MaxFailures <= 0 {
		b.MaxFailures = 20
	}
	if b.Prefix != "" && b.Prefix[len(b.Prefix)-1] != '/' {
		b.Prefix += "/"
	}
}

// stage writes the items to write under input through the loader's write pass, unless the
// marker says an earlier apply staged them; it returns how many are staged.
func stage(ctx context.Context, b Bulk, p Params, o loader.Options, validated *loader.Validated, input, marker string) (int64, bool, error) {
	done, err := b.Store.Exists(ctx, b.Bucket, marker)
	if err != nil {
		return 0, false, fmt.Errorf("looking for an earlier staging: %w", err)
	}
	if done {
		return 0, true, nil
	}
	// Leftovers of a staging that died half way: the operation must read only this one's.
	if err := cleanup(ctx, b.Store, b.Bucket, input); err != nil {
		return 0, false, err
	}
	st := bulkput.NewStager(ctx, b.Store, b.Bucket, input, 0)
	o.Write.MaxWriteUnitsPerSecond = 0 // the cap is the operation's
	_, lerr := loader.LoadValidated(ctx, st, p.Table, p.Schema, o, validated)
	staged, cerr := st.Close()
	if err := errors.Join(lerr, cerr); err != nil {
		return 0, false, fmt.Errorf("staging the items in s3://%s/%s: %w", b.Bucket, input, err)
	}
	body := fmt.Sprintf(`{"items":%d,"parts":%d,"digest":%q}`, staged.Items, len(staged.Keys), validated.Digest)
	if err := b.Store.Upload(ctx, b.Bucket, marker, strings.NewReader(body)); err != nil {
		return 0, false, fmt.Errorf("marking the staging done: %w", err)
	}
	return staged.Items, false, nil
}

// unstage removes a finished operation's staging under dir, the marker first: without it
// the next apply stages afresh, and the same dataset loaded again (after a destroy) must not
// find a marker without its input. Error reports stay.
func unstage(ctx context.Context, b Bulk, dir string) error {
	if err := cleanup(ctx, b.Store, b.Bucket, dir+stagedMarker); err != nil {
		return err
	}
	return cleanup(ctx, b.Store, b.Bucket, dir+"input/")
}

func cleanup(ctx context.Context, st bulkput.Store, bucket, prefix string) error {
	keys, err := st.Keys(ctx, bucket, prefix)
	if err != nil || len(keys) == 0 {
		return err
	}
	return st.Delete(ctx, bucket, keys)
}

// toWrite marks the records the write pass writes: not dropped, not in place, not resumed.
func (v *validation) toWrite() *loader.Bitmap {
	w := &loader.Bitmap{}
	for i := range v.seen.len() {
		seq := uint64(i)
		if !v.validated.Dropped(seq) && !v.o.Resume.Has(seq) && !v.validated.Unchanged(seq) {
			w.Set(seq)
		}
	}
	return w
}

// unconfirmedWrites is the state after an operation that may have written any of toWrite:
// the prior ledger, those keys unconfirmed beside the prior unconfirmed ones.
func unconfirmedWrites(prior State, v *validation, toWrite *loader.Bitmap) State {
	var unconf ledger.Builder
	for e := range prior.Unconfirmed.All() {
		unconf.Add(e.KeyID, 0)
	}
	for i := range v.seen.len() {
		if toWrite.Has(uint64(i)) {
			unconf.Add(v.seen.id(i), 0)
		}
	}
	st := State{Ledger: prior.Ledger, Unconfirmed: unconf.Build(), Drifted: prior.Drifted}
	if st.Unconfirmed.Len() == 0 {
		st.Unconfirmed = nil
	}
	return st
}

// withFailures is the state after an operation that completed with errors: the prior ledger
// (the items in place, and those the failed records would have replaced) with every record
// written but those that failed. When the report lists fewer failures than it holds, or a
// failure without its item, which records failed is not known: the written records are then
// unconfirmed, so that the next apply writes them all again.
func withFailures(prior State, v *validation, p Params, failures []bulkput.Failure, total int, toWrite *loader.Bitmap) State {
	if total > len(failures) {
		return unconfirmedWrites(prior, v, toWrite)
	}
	failed := map[string]bool{}
	for _, f := range failures {
		if f.Item == nil {
			return unconfirmedWrites(prior, v, toWrite) // a failure without its item: which one is unknown
		}
		failed[p.Schema.Key(f.Item).ID()] = true
	}
	var led ledger.Builder
	for j := range prior.Ledger.Len() {
		led.AddEntry(v.verdict.held(prior.Ledger, j))
	}
	for i := range v.seen.len() {
		if id := v.seen.id(i); toWrite.Has(uint64(i)) && !failed[id] {
			led.Add(id, v.seen.hash(i))
		}
	}
	return State{Ledger: led.Build(), Unconfirmed: prior.Unconfirmed, Drifted: prior.Drifted}
}

// priorIdentity identifies what the previous apply left: a stopped operation changes it, so
// the next apply's token (and operation) is another.
func priorIdentity(prior State) string {
	h := sha256.New()
	var buf []byte
	for i, l := range []*ledger.Ledger{prior.Ledger, prior.Unconfirmed} {
		buf = binary.AppendUvarint(buf[:0], uint64(i))
		buf = binary.AppendUvarint(buf, uint64(l.Len()))
		_, _ = h.Write(buf)
		for e := range l.All() {
			buf = binary.AppendUvarint(buf[:0], uint64(len(e.KeyID)))
			buf = append(buf, e.KeyID...)
			_, _ = h.Write(buf)
		}
		for _, b := range l.Blocks() {
			buf = binary.AppendUvarint(buf[:0], uint64(b.Hi-b.Lo))
			buf = binary.BigEndian.AppendUint32(buf, b.Sum)
			buf = strconv.AppendBool(buf, b.Known)
			_, _ = h.Write(buf)
		}
	}
	if r := prior.Resume; r != nil {
		_, _ = h.Write([]byte(r.Digest))
		_, _ = h.Write([]byte(r.Acked.Encode()))
	}
	if prior.Drifted {
		_, _ = h.Write([]byte("drifted"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// locate sets the Source of each failure whose item it finds among the dataset's records: the
// report names staged parts, the user knows the files. It reads the files once more, passing
// over the other records undecoded where the format allows.
func locate(v *validation, p Params, failures []bulkput.Failure) {
	want := map[string]int{} // key ID -> index in failures
	for i, f := range failures {
		if f.Item != nil {
			want[p.Schema.Key(f.Item).ID()] = i
		}
	}
	seqs := map[uint64]int{}
	for i := range v.seen.len() {
		if j, ok := want[v.seen.id(i)]; ok && !v.validated.Dropped(uint64(i)) {
			seqs[uint64(i)] = j
		}
	}
	if len(seqs) == 0 {
		return
	}
	r, err := source.OpenSkipping(v.o.Source, func(seq uint64) bool { _, ok := seqs[seq]; return !ok })
	if err != nil {
		return
	}
	defer r.Close()
	for found := 0; found < len(seqs); {
		rec, err := r.Next()
		if err != nil {
			if errors.Is(err, io.EOF) || !errors.As(err, new(*record.InputError)) {
				return
			}
			continue
		}
		if j, ok := seqs[rec.Seq]; ok {
			failures[j].Source = rec.Pos.String()
			found++
		}
	}
}
