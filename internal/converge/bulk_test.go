package converge

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ddbload/terraform-provider-ddbload/internal/bulkput"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
	"github.com/ddbload/terraform-provider-ddbload/internal/s3store"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/s3server"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/sim"
)

// bulkRig is versitygw (bucket "stage") and the simulator running bulk operations from it
// into its in-memory table "tbl" (pk S, sk N).
type bulkRig struct {
	ddb   *dynamodb.Client
	store *bulkput.S3Store
	s3    *s3.Client
	sim   *sim.Sim
}

func startBulkRig(t *testing.T, failureRate float64) *bulkRig {
	t.Helper()
	srv, err := s3server.Start(context.Background(), s3server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	c := s3.New(s3.Options{Region: s3server.Region, BaseEndpoint: aws.String(srv.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(s3server.AccessKeyID, s3server.SecretAccessKey, "")})
	if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("stage")}); err != nil {
		t.Fatal(err)
	}
	s, endpoint, err := sim.Start(sim.Config{Seed: 7, Bulk: sim.BulkConfig{Store: sim.S3BulkStore(c), ItemFailureRate: failureRate},
		Tables: map[string]sim.TableConfig{"tbl": {PartitionKey: "pk", SortKey: "sk", SortKeyType: "N", Partitions: 4}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	ddb := dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")})
	return &bulkRig{ddb: ddb, store: bulkput.NewS3Store(c), s3: c, sim: s}
}

func (r *bulkRig) bulk() Bulk {
	return Bulk{API: r.ddb, Store: r.store, Bucket: "stage", Prefix: "ddbload/t", Poll: 10 * time.Millisecond}
}

// contents is the canonical encoding of every item of table t, sorted.
func (r *bulkRig) contents(t *testing.T) []string {
	t.Helper()
	var out []string
	p := dynamodb.NewScanPaginator(r.ddb, &dynamodb.ScanInput{TableName: aws.String("tbl")})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			out = append(out, string(loader.CanonicalBytes(it)))
		}
	}
	sort.Strings(out)
	return out
}

// TestApplyBulkConverges: a create and an update through bulk put leave the table exactly the
// dataset: the update stages only new and changed items and deletes the removed ones with
// BatchWriteItem; the staged input is removed once the operation completed.
func TestApplyBulkConverges(t *testing.T) {
	r := startBulkRig(t, 0)
	v1, v2 := dataset(3000, "v1"), dataset(2990, "v2")
	out, res, err := ApplyBulk(context.Background(), r.ddb, r.bulk(), bparams(v1, State{}))
	if err != nil || !out.Complete || res.Status != types.BulkOperationStatusCompleted || res.Staged != 3000 || res.Processed != 3000 {
		t.Fatalf("create: %v, %+v", err, res)
	}
	if !equal(r.contents(t), wantContents(t, v1)) {
		t.Fatal("after the create the table is not the dataset")
	}
	for _, left := range []string{"input/", stagedMarker} {
		if keys, _ := r.store.Keys(context.Background(), "stage", "ddbload/t/"+res.Token+"/"+left); len(keys) != 0 {
			t.Fatalf("staging left after completion: %v", keys)
		}
	}
	out, res, err = ApplyBulk(context.Background(), r.ddb, r.bulk(), bparams(v2, out.State))
	if err != nil || !out.Complete || out.Deleted != 10 || res.Staged != 2990 {
		t.Fatalf("update: %v, deleted %d, %+v", err, out.Deleted, res)
	}
	if !equal(r.contents(t), wantContents(t, v2)) {
		t.Fatal("after the update the table is not the dataset")
	}
	// Nothing changed: no operation at all.
	_, res, err = ApplyBulk(context.Background(), r.ddb, r.bulk(), bparams(v2, out.State))
	if err != nil || res.Arn != "" || res.Staged != 0 {
		t.Fatalf("an unchanged dataset started an operation: %v, %+v", err, res)
	}
}

// TestApplyBulkFailuresThenConverges: items the operation could not write come back as
// failures with their items; the state leaves them out of the ledger, so the next apply (with
// the failures gone) writes exactly those and the table ends as the dataset.
func TestApplyBulkFailuresThenConverges(t *testing.T) {
	failing := startBulkRig(t, 0.01)
	data := dataset(2000, "v1")
	out, res, err := ApplyBulk(context.Background(), failing.ddb, failing.bulk(), bparams(data, State{}))
	var be *BulkOperationError
	if !errors.As(err, &be) || res.Status != types.BulkOperationStatusCompletedWithErrors || res.Failed == 0 || len(res.Failures) == 0 || out.Complete {
		t.Fatalf("%v, %+v", err, res)
	}
	for _, f := range res.Failures {
		if f.Item == nil || f.Code == "" || !strings.HasPrefix(f.Source, "items:1") {
			t.Fatalf("a failure without its item, code or place in the dataset: %+v", f)
		}
	}
	written := len(failing.contents(t))
	if int64(written) != 2000-res.Failed {
		t.Fatalf("%d items written with %d failed", written, res.Failed)
	}
	if res.FailuresTotal <= len(res.Failures) && out.State.Ledger.Len() != written {
		t.Fatalf("the ledger holds %d items, the table %d", out.State.Ledger.Len(), written)
	}
	// The same table and staging, the failures gone: the next apply converges.
	healthy := bulkRigOver(t, failing)
	out, res, err = ApplyBulk(context.Background(), healthy.ddb, healthy.bulk(), bparams(data, out.State))
	if err != nil || !out.Complete {
		t.Fatalf("the next apply: %v, %+v", err, res)
	}
	if !equal(healthy.contents(t), wantContents(t, data)) {
		t.Fatal("the table is not the dataset after the next apply")
	}
}

// bulkRigOver is a simulator without injected failures in front of r's table: the same sink
// cannot be shared, so it copies r's items into a new one through BatchWriteItem.
func bulkRigOver(t *testing.T, r *bulkRig) *bulkRig {
	t.Helper()
	n := startBulkRig(t, 0)
	var reqs []types.WriteRequest
	p := dynamodb.NewScanPaginator(r.ddb, &dynamodb.ScanInput{TableName: aws.String("tbl")})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: it}})
		}
	}
	for len(reqs) > 0 {
		k := min(25, len(reqs))
		out, err := n.ddb.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"tbl": reqs[:k]}})
		if err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs[k:], out.UnprocessedItems["tbl"]...)
	}
	return n
}

// TestApplyBulkInterruptedThenDestroy: an apply stopped while its operation runs cancels it and
// leaves every item it was given unconfirmed, so destroy leaves nothing of the dataset.
func TestApplyBulkInterruptedThenDestroy(t *testing.T) {
	r := startBulkRig(t, 0)
	b := r.bulk()
	b.MaxWriteUnits = bulkput.MinWriteUnits // 20,000 items: about 20 s
	ctx, cancel := context.WithCancel(context.Background())
	b.Progress = func(d *types.BulkOperationDescription) {
		if d.ProcessedItemCount > 200 {
			cancel()
		}
	}
	out, res, err := ApplyBulk(ctx, r.ddb, b, bparams(dataset(20000, "v1"), State{}))
	if !errors.Is(err, context.Canceled) || res.Status != types.BulkOperationStatusCancelled {
		t.Fatalf("%v, %+v", err, res)
	}
	written := len(r.contents(t))
	if written == 0 || written == 20000 || out.State.Unconfirmed.Len() != 20000 {
		t.Fatalf("%d written, %d unconfirmed", written, out.State.Unconfirmed.Len())
	}
	if _, _, err := Destroy(context.Background(), r.ddb, "tbl", testSchema(), out.State, bparams("", State{}).Options.Write); err != nil {
		t.Fatal(err)
	}
	if left := len(r.contents(t)); left != 0 {
		t.Fatalf("destroy left %d items", left)
	}
	// Created again from nothing (a tainted resource replaced): the same token meets the
	// cancelled operation, so the load runs in another.
	out, res, err = ApplyBulk(context.Background(), r.ddb, r.bulk(), bparams(dataset(20000, "v1"), State{}))
	if err != nil || !out.Complete || res.Status != types.BulkOperationStatusCompleted {
		t.Fatalf("created again: %v, %+v", err, res)
	}
	if !equal(r.contents(t), wantContents(t, dataset(20000, "v1"))) {
		t.Fatal("created again, the table is not the dataset")
	}
}

// TestApplyBulkLoadsAgainAfterDestroy: the same dataset loaded, destroyed and loaded again
// within the token's eight hours is written again, by a second operation, not answered with
// the first one.
func TestApplyBulkLoadsAgainAfterDestroy(t *testing.T) {
	r := startBulkRig(t, 0)
	data := dataset(500, "v1")
	out, first, err := ApplyBulk(context.Background(), r.ddb, r.bulk(), bparams(data, State{}))
	if err != nil || !out.Complete {
		t.Fatalf("create: %v, %+v", err, first)
	}
	if _, _, err := Destroy(context.Background(), r.ddb, "tbl", testSchema(), out.State, bparams("", State{}).Options.Write); err != nil {
		t.Fatal(err)
	}
	out, again, err := ApplyBulk(context.Background(), r.ddb, r.bulk(), bparams(data, State{}))
	if err != nil || !out.Complete || again.Arn == first.Arn || again.Token == first.Token || again.Processed != 500 {
		t.Fatalf("created again: %v, %+v (first %+v)", err, again, first)
	}
	if !equal(r.contents(t), wantContents(t, data)) {
		t.Fatal("loaded again after a destroy, the table is not the dataset")
	}
}

// TestApplyBulkFindsItsOperation: an apply that died after staging and starting its operation
// is repeated; the repeat finds the staging and the operation by the token instead of staging
// again and starting a second one.
func TestApplyBulkFindsItsOperation(t *testing.T) {
	r := startBulkRig(t, 0)
	data := dataset(1000, "v1")
	p := bparams(data, State{})
	b := r.bulk()
	b.defaults()
	// What the first apply did before it died: staged, marked, started.
	v, err := validate(context.Background(), nil, p, judgeAfresh)
	if err != nil {
		t.Fatal(err)
	}
	token := bulkput.Token(p.Table, v.validated.Digest, priorIdentity(p.Prior), b.Bucket, b.Prefix, "0")
	dir := b.Prefix + token + "/"
	if _, _, err := stage(context.Background(), b, p, v.o, v.validated, dir+"input/", dir+stagedMarker); err != nil {
		t.Fatal(err)
	}
	first, err := bulkput.Start(context.Background(), r.ddb, bulkput.Operation{Table: "tbl", Bucket: "stage", Prefix: dir + "input/", ReportBucket: "stage", ReportPrefix: dir + "report/" + token + "/", Token: token})
	if err != nil {
		t.Fatal(err)
	}
	out, res, err := ApplyBulk(context.Background(), r.ddb, r.bulk(), p)
	if err != nil || !out.Complete || !res.Reused || res.Arn != aws.ToString(first.BulkOperationArn) {
		t.Fatalf("the repeated apply: %v, %+v (first operation %s)", err, res, aws.ToString(first.BulkOperationArn))
	}
	ops, err := r.ddb.ListBulkOperations(context.Background(), &dynamodb.ListBulkOperationsInput{})
	if err != nil || len(ops.BulkOperationsSummaryList) != 1 {
		t.Fatalf("%v; %d operations, want 1", err, len(ops.BulkOperationsSummaryList))
	}
	if !equal(r.contents(t), wantContents(t, data)) {
		t.Fatal("the table is not the dataset")
	}
}

// bparams is params for table "tbl" (the simulator wants names of three characters or more).
func bparams(inline string, prior State) Params {
	p := params(inline, prior)
	p.Table = "tbl"
	return p
}

// ddbLines is items from..from+n-1 of dataset(_, version) as gzip DynamoDB JSON lines, the
// shape of an S3 export and of bulk put's input.
func ddbLines(t *testing.T, from, n int, version string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	for i := from; i < from+n; i++ {
		fmt.Fprintf(z, `{"Item":{"pk":{"S":"user-%d"},"sk":{"N":"%d"},"v":{"S":%q}}}`+"\n", i%13, i, version)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// s3Params is params for table "tbl" reading the objects that pattern matches through r's S3.
func (r *bulkRig) s3Params(pattern string, prior State) Params {
	p := bparams("", prior)
	p.Options.Source = source.Spec{Patterns: []string{pattern}, Objects: s3store.New(context.Background(), r.s3)}
	p.Reader = r.ddb
	return p
}

// put writes an object of bucket "src".
func (r *bulkRig) put(t *testing.T, key string, body []byte) {
	t.Helper()
	if _, err := r.s3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
}

// TestApplyBulkPassesObjectsThrough: a first load of DynamoDB JSON objects that are all the
// objects under their prefix hands the operation those objects, untouched and unstaged; an
// update writes only the changed items, so it stages them; another object under the prefix
// makes the operation stage too. Each time the table ends as the dataset, and the dataset's
// objects are all still there.
func TestApplyBulkPassesObjectsThrough(t *testing.T) {
	r := startBulkRig(t, 0)
	if _, err := r.s3.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("src")}); err != nil {
		t.Fatal(err)
	}
	r.put(t, "seed/part-1.ddb.jsonl.gz", ddbLines(t, 0, 1500, "v1"))
	r.put(t, "seed/part-2.ddb.jsonl.gz", ddbLines(t, 1500, 1500, "v1"))
	plannedStaging(t, r.s3Params("s3://src/seed/*.ddb.jsonl.gz", State{}), 3000, false)
	out, res, err := ApplyBulk(context.Background(), r.ddb, r.bulk(), r.s3Params("s3://src/seed/*.ddb.jsonl.gz", State{}))
	if err != nil || !out.Complete || !res.PassedThrough || res.Staged != 0 || res.Input != "s3://src/seed/part-" || res.Processed != 3000 {
		t.Fatalf("create: %v, %+v", err, res)
	}
	if !equal(r.contents(t), wantContents(t, dataset(3000, "v1"))) {
		t.Fatal("after the create the table is not the dataset")
	}
	if keys, _ := r.store.Keys(context.Background(), "src", "seed/"); len(keys) != 2 {
		t.Fatalf("the dataset's objects after the load: %v", keys)
	}

	// 10 items changed: only they are written, so they are staged.
	r.put(t, "seed/part-1.ddb.jsonl.gz", append(ddbLines(t, 0, 10, "v2"), ddbLines(t, 10, 1490, "v1")...))
	plannedStaging(t, r.s3Params("s3://src/seed/*.ddb.jsonl.gz", out.State), 10, true)
	out, res, err = ApplyBulk(context.Background(), r.ddb, r.bulk(), r.s3Params("s3://src/seed/*.ddb.jsonl.gz", out.State))
	if err != nil || !out.Complete || res.PassedThrough || res.Staged != 10 || !strings.Contains(res.StagedBecause, "not every record") {
		t.Fatalf("update: %v, %+v", err, res)
	}
	want := dataset(3000, "v1")
	want = strings.Replace(want, `"v":"v1"`, `"v":"v2"`, 10)
	if !equal(r.contents(t), wantContents(t, want)) {
		t.Fatal("after the update the table is not the dataset")
	}

	// An object that is not the dataset's under the objects' common prefix: the operation would
	// read it too, so the items are staged.
	fresh := startBulkRig(t, 0)
	if _, err := fresh.s3.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("src")}); err != nil {
		t.Fatal(err)
	}
	fresh.put(t, "seed/part-1.ddb.jsonl.gz", ddbLines(t, 0, 50, "v1"))
	fresh.put(t, "seed/part-2.ddb.jsonl.gz", ddbLines(t, 50, 50, "v1"))
	fresh.put(t, "seed/part-notes.txt", []byte("not items"))
	// The plan cannot see the other object without listing the prefix: it takes the objects
	// for a set, and its estimate leaves the staging out.
	plannedStaging(t, fresh.s3Params("s3://src/seed/part-*.gz", State{}), 100, false)
	out, res, err = ApplyBulk(context.Background(), fresh.ddb, fresh.bulk(), fresh.s3Params("s3://src/seed/part-*.gz", State{}))
	if err != nil || !out.Complete || res.PassedThrough || res.Staged != 100 || !strings.Contains(res.StagedBecause, "other objects") {
		t.Fatalf("with another object under the prefix: %v, %+v", err, res)
	}
	if !equal(fresh.contents(t), wantContents(t, dataset(100, "v1"))) {
		t.Fatal("the table is not the dataset")
	}
}

// plannedStaging checks what a plan of p predicts a bulk put stages: writes items written, and
// their bytes when staged is true, else none (the objects may be passed through).
func plannedStaging(t *testing.T, p Params, writes int64, staged bool) {
	t.Helper()
	v, c, err := Preview(context.Background(), p)
	if err != nil || c.Write != writes {
		t.Fatalf("preview: %v, %+v; want %d writes", err, c, writes)
	}
	got := StagedBytes(p.Options, v, c)
	want := int64(0)
	if staged {
		want = v.Bytes * writes / v.Items
	}
	if got != want || staged && got == 0 {
		t.Fatalf("StagedBytes = %d; want %d (staged: %v)", got, want, staged)
	}
}

// TestApplyBulkPassThroughFailures: items the operation could not write from the dataset's own
// objects are named by object and line, and the next apply, the failures gone, converges.
func TestApplyBulkPassThroughFailures(t *testing.T) {
	r := startBulkRig(t, 0.02)
	if _, err := r.s3.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("src")}); err != nil {
		t.Fatal(err)
	}
	r.put(t, "seed/all.ddb.jsonl.gz", ddbLines(t, 0, 1000, "v1"))
	out, res, err := ApplyBulk(context.Background(), r.ddb, r.bulk(), r.s3Params("s3://src/seed/all.ddb.jsonl.gz", State{}))
	if !errors.As(err, new(*BulkOperationError)) || !res.PassedThrough || len(res.Failures) == 0 {
		t.Fatalf("%v, %+v", err, res)
	}
	for _, f := range res.Failures {
		if !strings.HasPrefix(f.Source, "s3://src/seed/all.ddb.jsonl.gz:") || f.Object != "s3://src/seed/all.ddb.jsonl.gz" {
			t.Fatalf("a failure not traced to its object and line: %+v", f)
		}
	}
	// The next apply writes exactly the failed items when the report named them all, else every
	// item again (which ones failed is then unknown).
	rewrite := int64(res.FailuresTotal)
	if res.FailuresTotal > len(res.Failures) {
		rewrite = 1000
	}
	r.sim.SetBulkItemFailureRate(0)
	out, res, err = ApplyBulk(context.Background(), r.ddb, r.bulk(), r.s3Params("s3://src/seed/all.ddb.jsonl.gz", out.State))
	if err != nil || !out.Complete || res.Processed != rewrite || res.PassedThrough != (rewrite == 1000) {
		t.Fatalf("the next apply, %d items to write again: %v, %+v", rewrite, err, res)
	}
	if !equal(r.contents(t), wantContents(t, dataset(1000, "v1"))) {
		t.Fatal("the table is not the dataset after the next apply")
	}
}
