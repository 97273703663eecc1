package sim

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// scanAll reads a table through Scan pages and returns the partition keys seen.
func scanAll(t *testing.T, c *dynamodb.Client, in *dynamodb.ScanInput) map[string]int {
	t.Helper()
	seen := map[string]int{}
	p := dynamodb.NewScanPaginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			pk, ok := it["pk"].(*types.AttributeValueMemberS)
			if !ok {
				t.Fatalf("item without a string pk: %v", it)
			}
			seen[pk.Value]++
		}
	}
	return seen
}

func TestSinkReadsBackWhatWasWritten(t *testing.T) {
	t.Parallel()
	s, c := startSim(t, Config{Tables: map[string]TableConfig{"tbl": sinkTableConfig(4, 1e6, false)}})
	ctx := context.Background()
	items := hashItems(t, "k", 250, 200)
	for i := 0; i < len(items); i += 25 {
		if n, _, err := writeBatch(t, c, items[i:i+25]); err != nil || n != 25 {
			t.Fatalf("batch: %d, %v", n, err)
		}
	}

	seen := scanAll(t, c, &dynamodb.ScanInput{TableName: aws.String("tbl"), Limit: aws.Int32(40)})
	if len(seen) != 250 {
		t.Fatalf("a paged Scan returned %d distinct items, want 250", len(seen))
	}
	union := map[string]int{}
	for seg := range int32(4) {
		for k, n := range scanAll(t, c, &dynamodb.ScanInput{TableName: aws.String("tbl"), Segment: aws.Int32(seg), TotalSegments: aws.Int32(4)}) {
			union[k] += n
		}
	}
	for k, n := range union {
		if n != 1 {
			t.Fatalf("item %s appeared in %d segments", k, n)
		}
	}
	if len(union) != 250 {
		t.Fatalf("a parallel Scan returned %d items, want 250", len(union))
	}
	count, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("tbl"), Select: types.SelectCount})
	if err != nil || count.Count != 250 || count.Items != nil {
		t.Fatalf("Select COUNT: %+v, %v", count, err)
	}

	key := map[string]types.AttributeValue{"pk": str("k7")}
	got, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("tbl"), Key: key})
	if err != nil || got.Item["pad"] == nil {
		t.Fatalf("GetItem k7: %+v, %v", got, err)
	}
	bg, err := c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		"tbl": {Keys: []map[string]types.AttributeValue{key, {"pk": str("k8")}, {"pk": str("absent")}}}}})
	if err != nil || len(bg.Responses["tbl"]) != 2 {
		t.Fatalf("BatchGetItem: %+v, %v", bg, err)
	}
	put, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("tbl"), Item: map[string]types.AttributeValue{"pk": str("k7"), "v": str("new")},
		ReturnValues: types.ReturnValueAllOld})
	if err != nil || put.Attributes["pad"] == nil {
		t.Fatalf("PutItem ALL_OLD: %+v, %v", put, err)
	}
	del, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("tbl"), Key: key, ReturnValues: types.ReturnValueAllOld})
	if err != nil || del.Attributes["v"] == nil {
		t.Fatalf("DeleteItem ALL_OLD: %+v, %v", del, err)
	}
	if got, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("tbl"), Key: key}); err != nil || got.Item != nil {
		t.Fatalf("GetItem after delete: %+v, %v", got, err)
	}
	if d := describe(t, c, "tbl"); aws.ToInt64(d.ItemCount) != 249 || d.TableStatus != types.TableStatusActive {
		t.Fatalf("DescribeTable: %d items, %s", aws.ToInt64(d.ItemCount), d.TableStatus)
	}
	if n := sinkCount(t, s); n != 249 {
		t.Fatalf("sink holds %d", n)
	}
}

func TestSinkRefusesWhatItDoesNotImplement(t *testing.T) {
	t.Parallel()
	_, c := startSim(t, Config{Tables: map[string]TableConfig{"tbl": sinkTableConfig(1, 0, false)}})
	ctx := context.Background()
	var ae smithy.APIError
	_, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("tbl"), FilterExpression: aws.String("a = :a"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":a": str("x")}})
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
		t.Fatalf("Scan with a filter: %v; want ValidationException", err)
	}
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("tbl"), KeyConditionExpression: aws.String("pk = :k"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":k": str("x")}})
	if !errors.As(err, &ae) || ae.ErrorCode() != "UnknownOperationException" {
		t.Fatalf("Query: %v; want UnknownOperationException", err)
	}
}

func TestSinkTables(t *testing.T) {
	t.Parallel()
	_, c := startSim(t, Config{})
	ctx := context.Background()
	create := func(name string) error {
		_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName: aws.String(name),
			KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String("n"), KeyType: types.KeyTypeRange}},
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeB},
				{AttributeName: aws.String("n"), AttributeType: types.ScalarAttributeTypeN}},
			ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(7)},
		})
		return err
	}
	if err := create("numbers"); err != nil {
		t.Fatal(err)
	}
	var inUse *types.ResourceInUseException
	if err := create("numbers"); !errors.As(err, &inUse) {
		t.Fatalf("creating twice: %v; want ResourceInUseException", err)
	}
	d := describe(t, c, "numbers")
	if aws.ToInt64(d.ProvisionedThroughput.WriteCapacityUnits) != 7 || d.BillingModeSummary.BillingMode != types.BillingModeProvisioned ||
		len(d.KeySchema) != 2 {
		t.Fatalf("description %+v", d)
	}

	// Numbers compare canonically: 1.50 and 15E-1 are one key.
	write := func(n string) {
		t.Helper()
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("numbers"), Item: map[string]types.AttributeValue{
			"id": &types.AttributeValueMemberB{Value: []byte{0, 1}}, "n": &types.AttributeValueMemberN{Value: n}}}); err != nil {
			t.Fatal(err)
		}
	}
	write("1.50")
	write("15E-1")
	write("2")
	if out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("numbers")}); err != nil || out.Count != 2 {
		t.Fatalf("Scan: %d items, %v; want 2", out.Count, err)
	}

	list, err := c.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil || fmt.Sprint(list.TableNames) != "[numbers]" {
		t.Fatalf("ListTables: %v, %v", list.TableNames, err)
	}
	if _, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("numbers")}); err != nil {
		t.Fatal(err)
	}
	var rnf *types.ResourceNotFoundException
	if _, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("numbers")}); !errors.As(err, &rnf) {
		t.Fatalf("after DeleteTable: %v; want ResourceNotFoundException", err)
	}
}
