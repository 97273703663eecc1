package sim

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

func describe(t *testing.T, c *dynamodb.Client, table string) *types.TableDescription {
	t.Helper()
	out, err := c.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Table
}

func warmOf(d *types.TableDescription) (int64, int64, types.TableStatus) {
	if d.WarmThroughput == nil {
		return 0, 0, ""
	}
	return aws.ToInt64(d.WarmThroughput.ReadUnitsPerSecond), aws.ToInt64(d.WarmThroughput.WriteUnitsPerSecond), d.WarmThroughput.Status
}

func TestWarmThroughput(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	s, c := startSim(t, Config{Now: clock.Now, Tables: map[string]TableConfig{"tbl": sinkTableConfig(1, 0, false)}})
	ctx := context.Background()

	// Before any update the simulator reports what it enforces: one partition.
	if r, w, st := warmOf(describe(t, c, "tbl")); r != 3000 || w != 1000 || st != "ACTIVE" {
		t.Fatalf("initial warm throughput %d/%d %s; want 3000/1000 ACTIVE", r, w, st)
	}

	out, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("tbl"),
		WarmThroughput: &types.WarmThroughput{ReadUnitsPerSecond: aws.Int64(12000), WriteUnitsPerSecond: aws.Int64(5000)}})
	if err != nil {
		t.Fatal(err)
	}
	if r, w, st := warmOf(out.TableDescription); r != 12000 || w != 5000 || st != "UPDATING" {
		t.Fatalf("UpdateTable answered %d/%d %s; want 12000/5000 UPDATING", r, w, st)
	}
	d := describe(t, c, "tbl")
	if _, _, st := warmOf(d); st != "UPDATING" || d.TableStatus != types.TableStatusUpdating {
		t.Fatalf("right after the update: warm %s, table %s; want both UPDATING", st, d.TableStatus)
	}
	_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("tbl"),
		WarmThroughput: &types.WarmThroughput{WriteUnitsPerSecond: aws.Int64(6000)}})
	var inUse *types.ResourceInUseException
	if !errors.As(err, &inUse) {
		t.Fatalf("a second update while UPDATING: %v; want ResourceInUseException", err)
	}
	if p := partitions(s, "tbl"); p != 1 {
		t.Fatalf("%d partitions before the update completes, want 1", p)
	}

	clock.Advance(2 * time.Second)
	d = describe(t, c, "tbl")
	if r, w, st := warmOf(d); r != 12000 || w != 5000 || st != "ACTIVE" || d.TableStatus != types.TableStatusActive {
		t.Fatalf("after 2 s: %d/%d %s, table %s; want 12000/5000 ACTIVE", r, w, st, d.TableStatus)
	}
	if p := partitions(s, "tbl"); p != 5 {
		t.Fatalf("%d partitions after warming to 5000 WCU, want 5", p)
	}

	_, err = c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("tbl"),
		WarmThroughput: &types.WarmThroughput{WriteUnitsPerSecond: aws.Int64(4000)}})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
		t.Fatalf("lowering warm throughput: %v; want ValidationException", err)
	}
	if _, w, _ := warmOf(describe(t, c, "tbl")); w != 5000 {
		t.Fatalf("a refused decrease changed the value to %d", w)
	}
}

func TestWarmThroughputOfIndexes(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	_, c := startSim(t, Config{Now: clock.Now})
	ctx := context.Background()
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:   aws.String("with_gsi"),
		BillingMode: types.BillingModePayPerRequest,
		KeySchema:   []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("status"), AttributeType: types.ScalarAttributeTypeS},
		},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName:  aws.String("by_status"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("status"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	update := func(index string, wcu int64) error {
		_, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("with_gsi"),
			GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Update: &types.UpdateGlobalSecondaryIndexAction{
				IndexName: aws.String(index), WarmThroughput: &types.WarmThroughput{WriteUnitsPerSecond: aws.Int64(wcu)}}}}})
		return err
	}
	if err := update("by_status", 8000); err != nil {
		t.Fatal(err)
	}
	g := describe(t, c, "with_gsi").GlobalSecondaryIndexes[0]
	if g.WarmThroughput == nil || aws.ToInt64(g.WarmThroughput.WriteUnitsPerSecond) != 8000 ||
		g.WarmThroughput.Status != types.IndexStatusUpdating || g.IndexStatus != types.IndexStatusUpdating {
		t.Fatalf("index after the update: %+v, %+v; want 8000 UPDATING", g.WarmThroughput, g.IndexStatus)
	}
	clock.Advance(2 * time.Second)
	if g := describe(t, c, "with_gsi").GlobalSecondaryIndexes[0]; g.WarmThroughput.Status != types.IndexStatusActive {
		t.Fatalf("index status %s after the delay, want ACTIVE", g.WarmThroughput.Status)
	}
	var ae smithy.APIError
	if err := update("by_status", 100); !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
		t.Fatalf("lowering an index's warm throughput: %v; want ValidationException", err)
	}
	if err := update("nope", 9000); !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
		t.Fatalf("a missing index: %v; want ValidationException", err)
	}
}

func TestSplitWarmKeepsOtherSettings(t *testing.T) {
	t.Parallel()
	body := []byte(`{"TableName":"tbl","WarmThroughput":{"WriteUnitsPerSecond":5000},
		"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5},
		"GlobalSecondaryIndexUpdates":[
			{"Update":{"IndexName":"a","WarmThroughput":{"ReadUnitsPerSecond":9000}}},
			{"Update":{"IndexName":"b","WarmThroughput":{"ReadUnitsPerSecond":9000},"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}},
			{"Delete":{"IndexName":"c"}}]}`)
	req, rest, remaining, err := splitWarm(body)
	if err != nil {
		t.Fatal(err)
	}
	if !remaining || aws.ToInt64(req.table.WriteUnitsPerSecond) != 5000 || len(req.gsis) != 2 {
		t.Fatalf("remaining %v, table %+v, gsis %v", remaining, req.table, req.gsis)
	}
	want := `{"GlobalSecondaryIndexUpdates":[{"Update":{"IndexName":"b","ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}},{"Delete":{"IndexName":"c"}}],"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5},"TableName":"tbl"}`
	if string(rest) != want {
		t.Fatalf("forwarded body\n%s\nwant\n%s", rest, want)
	}
	if _, _, remaining, _ := splitWarm([]byte(`{"TableName":"tbl","WarmThroughput":{"WriteUnitsPerSecond":1}}`)); remaining {
		t.Fatal("a warm-only update has nothing to forward")
	}
}
