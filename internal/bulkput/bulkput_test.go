package bulkput

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/s3server"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/sim"
)

// rig is versitygw with a bucket "stage", and the simulator (in-memory table "orders", pk and
// sk) running bulk operations from it.
type rig struct {
	s3  *s3.Client
	ddb *dynamodb.Client
}

func startRig(t *testing.T) *rig {
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
	s, endpoint, err := sim.Start(sim.Config{Bulk: sim.BulkConfig{Store: sim.S3BulkStore(c)},
		Tables: map[string]sim.TableConfig{"orders": {PartitionKey: "pk", SortKey: "sk", Partitions: 4}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	ddb := dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")})
	return &rig{s3: c, ddb: ddb}
}

func orderItem(i int) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: fmt.Sprintf("c%d", i%50)},
		"sk": &types.AttributeValueMemberS{Value: fmt.Sprint(i)},
		"n":  &types.AttributeValueMemberN{Value: fmt.Sprint(i)},
	}
}

// stage writes items [0, n) through a Stager in batches of 25.
func (r *rig) stage(t *testing.T, prefix string, n int, partBytes int64) Staged {
	t.Helper()
	st := NewStager(context.Background(), NewS3Uploader(r.s3), "stage", prefix, partBytes)
	for i := 0; i < n; i += 25 {
		var reqs []types.WriteRequest
		for j := i; j < min(i+25, n); j++ {
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: orderItem(j)}})
		}
		if _, err := st.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"orders": reqs}}); err != nil {
			t.Fatal(err)
		}
	}
	staged, err := st.Close()
	if err != nil {
		t.Fatal(err)
	}
	return staged
}

func (r *rig) count(t *testing.T) int {
	t.Helper()
	n := 0
	p := dynamodb.NewScanPaginator(r.ddb, &dynamodb.ScanInput{TableName: aws.String("orders")})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Items)
	}
	return n
}

// TestStageStartFollow: staged parts load every item through the bulk operation; a second
// start with the same token finds the ended operation instead of running another.
func TestStageStartFollow(t *testing.T) {
	r := startRig(t)
	staged := r.stage(t, "run/input", 2000, 20<<10)
	if staged.Items != 2000 || len(staged.Keys) < 3 || staged.Keys[0] != "run/input/part-00001.json.gz" {
		t.Fatalf("staged %d items in %v", staged.Items, staged.Keys)
	}
	op := Operation{Table: "orders", Bucket: "stage", Prefix: staged.Prefix, ReportBucket: "stage", ReportPrefix: "run/report/", Token: Token("orders", "digest-1")}
	d, err := Start(context.Background(), r.ddb, op)
	if err != nil {
		t.Fatal(err)
	}
	var seen []types.BulkOperationStatus
	end, err := Follow(context.Background(), r.ddb, aws.ToString(d.BulkOperationArn), 10*time.Millisecond, time.Minute, func(d *types.BulkOperationDescription) {
		seen = append(seen, d.BulkOperationStatus)
	})
	if err != nil || end.BulkOperationStatus != types.BulkOperationStatusCompleted || end.ProcessedItemCount != 2000 || end.FailedItemCount != 0 {
		t.Fatalf("ended %v: %+v", err, end)
	}
	if len(seen) == 0 || seen[len(seen)-1] != types.BulkOperationStatusCompleted {
		t.Fatalf("progress saw %v", seen)
	}
	if n := r.count(t); n != 2000 {
		t.Fatalf("the table holds %d items", n)
	}
	again, err := Start(context.Background(), r.ddb, op)
	if err != nil || aws.ToString(again.BulkOperationArn) != aws.ToString(d.BulkOperationArn) || again.BulkOperationStatus != types.BulkOperationStatusCompleted {
		t.Fatalf("restarted with the same token: %v, %+v", err, again)
	}
	if _, err := Start(context.Background(), r.ddb, Operation{Table: "orders", Bucket: "stage", MaxWriteUnits: 1000, Token: "x"}); err == nil || !strings.Contains(err.Error(), "at least 1024") {
		t.Fatalf("MaxWriteUnits 1000: %v", err)
	}
}

// TestFollowCancels: when the context ends, Follow cancels the operation and follows it to
// CANCELLED, returning the context's error; the table then holds part of the input.
func TestFollowCancels(t *testing.T) {
	r := startRig(t)
	staged := r.stage(t, "slow/input", 20000, 0)
	d, err := Start(context.Background(), r.ddb, Operation{Table: "orders", Bucket: "stage", Prefix: staged.Prefix, ReportBucket: "stage",
		ReportPrefix: "slow/report/", MaxWriteUnits: MinWriteUnits, Token: Token("slow")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	end, err := Follow(ctx, r.ddb, aws.ToString(d.BulkOperationArn), 20*time.Millisecond, time.Minute, nil)
	if !errors.Is(err, context.DeadlineExceeded) || end == nil || end.BulkOperationStatus != types.BulkOperationStatusCancelled {
		t.Fatalf("Follow: %v, %+v", err, end)
	}
	if n := r.count(t); n == 0 || n >= 20000 {
		t.Fatalf("a cancelled operation left %d items of 20,000", n)
	}
}

// TestStagerRefusesDeletes: bulk put only puts.
func TestStagerRefusesDeletes(t *testing.T) {
	st := NewStager(context.Background(), nil, "b", "p", 0)
	_, err := st.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
		"orders": {{DeleteRequest: &types.DeleteRequest{Key: orderItem(1)}}}}})
	if err == nil {
		t.Fatal("a delete was staged")
	}
}

// TestRecordReadsBack: a staged line is DynamoDB JSON that reads back as the same item, for
// every type of value.
func TestRecordReadsBack(t *testing.T) {
	item := map[string]types.AttributeValue{
		"pk":   &types.AttributeValueMemberS{Value: "a \"quoted\" \u00e9 \n line"},
		"n":    &types.AttributeValueMemberN{Value: "-1.5e10"},
		"b":    &types.AttributeValueMemberB{Value: []byte{0, 1, 2, 255}},
		"t":    &types.AttributeValueMemberBOOL{Value: true},
		"z":    &types.AttributeValueMemberNULL{Value: true},
		"ss":   &types.AttributeValueMemberSS{Value: []string{"x", "y"}},
		"ns":   &types.AttributeValueMemberNS{Value: []string{"1", "2.5"}},
		"bs":   &types.AttributeValueMemberBS{Value: [][]byte{{1}, {2, 3}}},
		"l":    &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberS{Value: "e"}, &types.AttributeValueMemberL{}}},
		"m":    &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"k": &types.AttributeValueMemberN{Value: "7"}}},
		"name": &types.AttributeValueMemberS{Value: ""},
	}
	line, err := appendRecord(nil, item)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.ddb.jsonl"), line, 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := source.Open(source.Spec{BaseDir: dir, Patterns: []string{"x.ddb.jsonl"}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rec, err := r.Next()
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	if !bytes.Equal(loader.AppendCanonical(nil, rec.Item), loader.AppendCanonical(nil, item)) {
		t.Fatalf("%s read back as %v", line, rec.Item)
	}
}

// TestStartLiveChains: a token whose operation has ended starts a new operation under a token
// derived from the ended one, reporting under its own prefix; starting again finds that new
// operation while it runs, and after it ends chains once more.
func TestStartLiveChains(t *testing.T) {
	r := startRig(t)
	staged := r.stage(t, "chain/input", 300, 0)
	op := Operation{Table: "orders", Bucket: "stage", Prefix: staged.Prefix, ReportBucket: "stage", ReportPrefix: "chain/report/", Token: Token("chain")}
	first, d, err := StartLive(context.Background(), r.ddb, op)
	if err != nil || first.Token != op.Token || first.ReportPrefix != "chain/report/"+op.Token+"/" {
		t.Fatalf("the first start: %v, %+v", err, first)
	}
	if _, err := Follow(context.Background(), r.ddb, aws.ToString(d.BulkOperationArn), 10*time.Millisecond, time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	slow := op
	slow.MaxWriteUnits = MinWriteUnits // another parameter, another token: the chain starts afresh
	slow.Token = Token("chain-slow")
	staged = r.stage(t, "chain/slow/", 20000, 0)
	slow.Prefix = staged.Prefix
	if _, _, err := StartLive(context.Background(), r.ddb, slow); err != nil {
		t.Fatal(err)
	}
	second, d2, err := StartLive(context.Background(), r.ddb, op)
	if err != nil || second.Token == op.Token || second.Token != Token(op.Token, aws.ToString(d.BulkOperationArn)) ||
		second.ReportPrefix != "chain/report/"+second.Token+"/" || aws.ToString(d2.BulkOperationArn) == aws.ToString(d.BulkOperationArn) {
		t.Fatalf("the start after the first ended: %v, %+v", err, second)
	}
	if _, err := Follow(context.Background(), r.ddb, aws.ToString(d2.BulkOperationArn), 10*time.Millisecond, time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	running, d3, err := StartLive(context.Background(), r.ddb, slow)
	if err != nil || running.Token != slow.Token || d3.BulkOperationStatus != types.BulkOperationStatusInProgress {
		t.Fatalf("the running operation was not found by its token: %v, %+v, %+v", err, running, d3)
	}
	third, d4, err := StartLive(context.Background(), r.ddb, op)
	if err != nil || third.Token != Token(second.Token, aws.ToString(d2.BulkOperationArn)) {
		t.Fatalf("the third start: %v, %+v", err, third)
	}
	ops, err := r.ddb.ListBulkOperations(context.Background(), &dynamodb.ListBulkOperationsInput{})
	if err != nil || len(ops.BulkOperationsSummaryList) != 4 {
		t.Fatalf("%v; %d operations, want 4", err, len(ops.BulkOperationsSummaryList))
	}
	_, _ = Follow(context.Background(), r.ddb, aws.ToString(d4.BulkOperationArn), 10*time.Millisecond, time.Minute, nil)
}
