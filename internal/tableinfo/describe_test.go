package tableinfo

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

type fakeDescribe struct {
	calls int
	out   *types.TableDescription
	err   error
}

func (f *fakeDescribe) DescribeTable(_ context.Context, in *dynamodb.DescribeTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	if aws.ToString(in.TableName) != aws.ToString(f.out.TableName) {
		return nil, &types.ResourceNotFoundException{Message: aws.String("no such table")}
	}
	return &dynamodb.DescribeTableOutput{Table: f.out}, nil
}

func fullDescription() *types.TableDescription {
	switched := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	return &types.TableDescription{
		TableName:   aws.String("orders"),
		TableArn:    aws.String("arn:aws:dynamodb:eu-west-1:123456789012:table/orders"),
		TableStatus: types.TableStatusActive,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN},
			{AttributeName: aws.String("created"), AttributeType: types.ScalarAttributeTypeN},
			{AttributeName: aws.String("status"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange}, // order must not matter
			{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
		},
		BillingModeSummary: &types.BillingModeSummary{
			BillingMode:                       types.BillingModePayPerRequest,
			LastUpdateToPayPerRequestDateTime: &switched,
		},
		ProvisionedThroughput: &types.ProvisionedThroughputDescription{ReadCapacityUnits: aws.Int64(0), WriteCapacityUnits: aws.Int64(0)},
		OnDemandThroughput:    &types.OnDemandThroughput{MaxReadRequestUnits: aws.Int64(-1), MaxWriteRequestUnits: aws.Int64(50000)},
		WarmThroughput: &types.TableWarmThroughputDescription{
			ReadUnitsPerSecond: aws.Int64(12000), WriteUnitsPerSecond: aws.Int64(10000), Status: types.TableStatusActive,
		},
		ItemCount:      aws.Int64(42),
		TableSizeBytes: aws.Int64(4200),
		LocalSecondaryIndexes: []types.LocalSecondaryIndexDescription{{
			IndexName:  aws.String("by_created"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("created"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
		}},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndexDescription{{
			IndexName:             aws.String("by_status"),
			IndexStatus:           types.IndexStatusActive,
			KeySchema:             []types.KeySchemaElement{{AttributeName: aws.String("status"), KeyType: types.KeyTypeHash}},
			Projection:            &types.Projection{ProjectionType: types.ProjectionTypeAll},
			ProvisionedThroughput: &types.ProvisionedThroughputDescription{ReadCapacityUnits: aws.Int64(0), WriteCapacityUnits: aws.Int64(0)},
			WarmThroughput: &types.GlobalSecondaryIndexWarmThroughputDescription{
				ReadUnitsPerSecond: aws.Int64(12000), WriteUnitsPerSecond: aws.Int64(4000), Status: types.IndexStatusUpdating,
			},
		}},
	}
}

func TestDescribeConvertsEverything(t *testing.T) {
	t.Parallel()
	tbl, err := Describe(context.Background(), &fakeDescribe{out: fullDescription()}, "orders")
	if err != nil {
		t.Fatal(err)
	}
	if tbl.PartitionKey != (Key{"pk", "S"}) || tbl.SortKey == nil || *tbl.SortKey != (Key{"sk", "N"}) {
		t.Errorf("keys = %+v / %+v", tbl.PartitionKey, tbl.SortKey)
	}
	if tbl.BillingMode != "PAY_PER_REQUEST" || tbl.LastSwitchToOnDemand == nil || tbl.LastSwitchToOnDemand.Hour() != 8 {
		t.Errorf("billing = %q, last switch %v", tbl.BillingMode, tbl.LastSwitchToOnDemand)
	}
	if tbl.WarmThroughput == nil || tbl.WarmThroughput.WriteUnits != 10000 || tbl.WarmThroughput.ReadUnits != 12000 || tbl.WarmThroughput.Status != "ACTIVE" {
		t.Errorf("warm = %+v", tbl.WarmThroughput)
	}
	if tbl.OnDemandMax.WriteUnits != 50000 || tbl.ItemCount != 42 || tbl.SizeBytes != 4200 {
		t.Errorf("on-demand max %+v, items %d, bytes %d", tbl.OnDemandMax, tbl.ItemCount, tbl.SizeBytes)
	}
	if !tbl.HasLSI() || tbl.LocalIndexes[0].SortKey == nil || *tbl.LocalIndexes[0].SortKey != (Key{"created", "N"}) ||
		tbl.LocalIndexes[0].ProjectionType != "KEYS_ONLY" {
		t.Errorf("LSIs = %+v", tbl.LocalIndexes)
	}
	g := tbl.GlobalIndexes
	if len(g) != 1 || g[0].PartitionKey != (Key{"status", "S"}) || g[0].SortKey != nil || g[0].Status != "ACTIVE" ||
		g[0].WarmThroughput == nil || g[0].WarmThroughput.WriteUnits != 4000 || g[0].WarmThroughput.Status != "UPDATING" {
		t.Errorf("GSIs = %+v", g)
	}
}

func TestDescribeDefaultsForSparseServers(t *testing.T) {
	t.Parallel()
	d := &types.TableDescription{
		TableName:            aws.String("t"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeB}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
	}
	tbl, err := Describe(context.Background(), &fakeDescribe{out: d}, "t")
	if err != nil {
		t.Fatal(err)
	}
	// Without a BillingModeSummary DynamoDB means PROVISIONED.
	if tbl.BillingMode != "PROVISIONED" || tbl.SortKey != nil || tbl.WarmThroughput != nil || tbl.HasLSI() {
		t.Errorf("sparse table = %+v", tbl)
	}
	if tbl.PartitionKey != (Key{"id", "B"}) {
		t.Errorf("partition key = %+v", tbl.PartitionKey)
	}
}

func TestDescribeNotFound(t *testing.T) {
	t.Parallel()
	_, err := Describe(context.Background(), &fakeDescribe{out: fullDescription()}, "missing")
	var nf *NotFoundError
	if !errors.As(err, &nf) || nf.Table != "missing" {
		t.Fatalf("want NotFoundError for %q, got %v", "missing", err)
	}
	boom := errors.New("boom")
	_, err = Describe(context.Background(), &fakeDescribe{err: boom}, "x")
	if !errors.Is(err, boom) || errors.As(err, &nf) {
		t.Fatalf("other errors must wrap the cause and not read as not-found: %v", err)
	}
}

func TestCacheDescribesOnce(t *testing.T) {
	t.Parallel()
	f := &fakeDescribe{out: fullDescription()}
	c := NewCache(f)
	for range 3 {
		if _, err := c.Get(context.Background(), "orders"); err != nil {
			t.Fatal(err)
		}
	}
	if f.calls != 1 {
		t.Fatalf("DescribeTable called %d times, want 1", f.calls)
	}
	if _, err := c.Get(context.Background(), "missing"); err == nil {
		t.Fatal("want an error for a missing table")
	}
	c.Forget("orders")
	if _, err := c.Get(context.Background(), "orders"); err != nil || f.calls != 3 {
		t.Fatalf("after Forget: err %v, calls %d (want 3)", err, f.calls)
	}
}
