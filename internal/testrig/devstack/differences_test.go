package devstack

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// TestServerDifferences pins down, server by server, each behaviour in which dynalite and
// DynamoDB Local differ and the provider or its tests meet them (docs/design/README.md, "The
// two local servers"). A server upgrade that changes one fails here, naming the row of that
// page to update.
func TestServerDifferences(t *testing.T) {
	ctx := context.Background()
	clients := map[string]*dynamodb.Client{}
	for _, name := range ServerNames {
		s, err := Start(ctx, name, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Stop)
		// One attempt: a 500 is an answer to record here, not a fault to retry.
		clients[name] = dynamodb.New(s.Client().Options(), func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
	}

	cases := []struct {
		name  string
		probe func(t *testing.T, c *dynamodb.Client, table string) string
		want  map[string]string
	}{
		{
			// The provider waits for ACTIVE either way; dynalite alone can hold a table in
			// CREATING or UPDATING (Options), which tests of waiting need.
			name: "status_in_the_CreateTable_answer",
			probe: func(t *testing.T, c *dynamodb.Client, table string) string {
				out, err := c.CreateTable(ctx, createInput(WithGSIs(table)))
				if err != nil {
					return outcome(err)
				}
				// Deleting a table still CREATING would be refused: wait before the cleanup.
				w := dynamodb.NewTableExistsWaiter(c, func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay, o.MaxDelay = pollMin, pollMax })
				if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}, time.Minute); err != nil {
					t.Fatal(err)
				}
				return string(out.TableDescription.TableStatus)
			},
			want: map[string]string{DynaliteName: "CREATING", DynamoDBLocalName: "ACTIVE"},
		},
		{
			// Without a TableId, ddbload_prewarm tells a recreated table by its creation time.
			name: "TableId_reported",
			probe: func(t *testing.T, c *dynamodb.Client, table string) string {
				d := createAndDescribe(ctx, t, c, HashOnly(table))
				return fmt.Sprint(aws.ToString(d.TableId) != "")
			},
			want: map[string]string{DynaliteName: "true", DynamoDBLocalName: "false"},
		},
		{
			name: "region_in_the_table_ARN",
			probe: func(t *testing.T, c *dynamodb.Client, table string) string {
				d := createAndDescribe(ctx, t, c, HashOnly(table))
				return strings.Split(aws.ToString(d.TableArn), ":")[3]
			},
			want: map[string]string{DynaliteName: Region, DynamoDBLocalName: "ddblocal"},
		},
		{
			// The provider rejects these items at plan, so neither server sees them from it.
			name: "empty_string_as_GSI_key",
			probe: func(t *testing.T, c *dynamodb.Client, table string) string {
				createOrFail(ctx, t, c, WithGSIs(table))
				return put(ctx, c, table, map[string]types.AttributeValue{"status": str("")})
			},
			want: map[string]string{DynaliteName: "stored", DynamoDBLocalName: "ValidationException"},
		},
		{
			name: "GSI_partition_key_over_2048_bytes",
			probe: func(t *testing.T, c *dynamodb.Client, table string) string {
				createOrFail(ctx, t, c, WithGSIs(table))
				return put(ctx, c, table, map[string]types.AttributeValue{"status": str(strings.Repeat("s", 2049))})
			},
			want: map[string]string{DynaliteName: "stored", DynamoDBLocalName: "ValidationException"},
		},
		{
			name: "empty_attribute_name",
			probe: func(t *testing.T, c *dynamodb.Client, table string) string {
				createOrFail(ctx, t, c, WithGSIs(table))
				return put(ctx, c, table, map[string]types.AttributeValue{"": str("x")})
			},
			want: map[string]string{DynaliteName: "stored", DynamoDBLocalName: "ValidationException"},
		},
		{
			// The write stats sum ConsumedCapacity: DynamoDB Local, like DynamoDB, adds the
			// GSI's write to TOTAL; dynalite counts the table alone.
			name: "ConsumedCapacity_of_an_item_with_a_GSI_key",
			probe: func(t *testing.T, c *dynamodb.Client, table string) string {
				createOrFail(ctx, t, c, WithGSIs(table))
				out, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
					RequestItems: map[string][]types.WriteRequest{table: {{PutRequest: &types.PutRequest{
						Item: item(map[string]types.AttributeValue{"status": str("open")}),
					}}}},
					ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
				})
				if err != nil {
					return outcome(err)
				}
				return fmt.Sprint(aws.ToFloat64(out.ConsumedCapacity[0].CapacityUnits))
			},
			want: map[string]string{DynaliteName: "1", DynamoDBLocalName: "2"},
		},
		{
			// DynamoDB refreshes ItemCount about every six hours: the provider never relies on it
			// being current.
			name: "ItemCount_right_after_a_write",
			probe: func(t *testing.T, c *dynamodb.Client, table string) string {
				createOrFail(ctx, t, c, HashRange(table))
				if r := put(ctx, c, table, nil); r != "stored" {
					return r
				}
				return fmt.Sprint(aws.ToInt64(describeOrFail(ctx, t, c, table).ItemCount))
			},
			want: map[string]string{DynaliteName: "0", DynamoDBLocalName: "1"},
		},
		{
			// TestAccPrewarm_provisionedSwitchRaisedAgain skips on DynamoDB Local for this.
			name: "GSI_capacity_after_switching_back_to_on-demand_then_the_same_switch_again",
			probe: func(t *testing.T, c *dynamodb.Client, table string) string {
				spec := WithGSIs(table)
				spec.OnDemand = true
				createOrFail(ctx, t, c, spec)
				toProvisioned := func() error {
					_, err := c.UpdateTable(ctx, switchToProvisioned(table, spec.GSIs, 50, 60))
					if err == nil {
						activeOrFail(ctx, t, c, table)
					}
					return err
				}
				if err := toProvisioned(); err != nil {
					return "first switch: " + outcome(err)
				}
				if _, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String(table), BillingMode: types.BillingModePayPerRequest}); err != nil {
					return "back to on-demand: " + outcome(err)
				}
				gsi := activeOrFail(ctx, t, c, table).GlobalSecondaryIndexes[0].ProvisionedThroughput
				capacity := "none"
				if gsi != nil {
					capacity = fmt.Sprintf("%d/%d", aws.ToInt64(gsi.ReadCapacityUnits), aws.ToInt64(gsi.WriteCapacityUnits))
				}
				second := "accepted"
				if err := toProvisioned(); err != nil {
					second = outcome(err)
				}
				return "GSI " + capacity + ", second switch " + second
			},
			want: map[string]string{
				DynaliteName:      "GSI 0/0, second switch accepted",
				DynamoDBLocalName: "GSI 50/60, second switch ValidationException",
			},
		},
		{
			// The provider sends every GSI's capacity with this switch, so it meets neither answer.
			name: "switch_to_PROVISIONED_without_the_GSI_capacity",
			probe: func(t *testing.T, c *dynamodb.Client, table string) string {
				spec := WithGSIs(table)
				spec.OnDemand = true
				createOrFail(ctx, t, c, spec)
				_, err := c.UpdateTable(ctx, switchToProvisioned(table, nil, 50, 60))
				return outcome(err)
			},
			want: map[string]string{DynaliteName: "ValidationException", DynamoDBLocalName: "InternalFailure"},
		},
		{
			// DynamoDB's default per-table quota; the plan warns above it.
			name: "provisioned_capacity_above_40000",
			probe: func(t *testing.T, c *dynamodb.Client, table string) string {
				createOrFail(ctx, t, c, HashOnly(table))
				_, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{
					TableName:             aws.String(table),
					ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(40001), WriteCapacityUnits: aws.Int64(5)},
				})
				if err == nil {
					activeOrFail(ctx, t, c, table) // before the cleanup deletes it
				}
				return outcome(err)
			},
			want: map[string]string{DynaliteName: "accepted", DynamoDBLocalName: "ValidationException"},
		},
		{
			// Not a difference: neither implements warm throughput, so its acceptance test puts
			// the capacity simulator in front of the server.
			name: "UpdateTable_with_WarmThroughput_only",
			probe: func(t *testing.T, c *dynamodb.Client, table string) string {
				spec := HashOnly(table)
				spec.OnDemand = true
				createOrFail(ctx, t, c, spec)
				_, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{
					TableName:      aws.String(table),
					WarmThroughput: &types.WarmThroughput{ReadUnitsPerSecond: aws.Int64(15000), WriteUnitsPerSecond: aws.Int64(5000)},
				})
				return outcome(err)
			},
			want: map[string]string{DynaliteName: "ValidationException", DynamoDBLocalName: "ValidationException"},
		},
	}
	for i := range cases {
		tc := &cases[i]
		t.Run(tc.name, func(t *testing.T) {
			for _, server := range ServerNames {
				table := fmt.Sprintf("differences_%d", i)
				got := tc.probe(t, clients[server], table)
				if got != tc.want[server] {
					t.Errorf("%s: got %q, want %q", server, got, tc.want[server])
				}
				if err := DeleteTable(ctx, clients[server], table); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// outcome names how a call ended: "accepted", or the error code the server answered.
func outcome(err error) string {
	if err == nil {
		return "accepted"
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return err.Error()
}

func createOrFail(ctx context.Context, t *testing.T, c *dynamodb.Client, spec TableSpec) {
	t.Helper()
	if err := CreateTable(ctx, c, spec); err != nil {
		t.Fatal(err)
	}
}

func describeOrFail(ctx context.Context, t *testing.T, c *dynamodb.Client, table string) *types.TableDescription {
	t.Helper()
	out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Table
}

// activeOrFail waits until the table and its GSIs are ACTIVE again after an UpdateTable:
// dynalite reports the new capacity only once they are.
func activeOrFail(ctx context.Context, t *testing.T, c *dynamodb.Client, table string) *types.TableDescription {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		d := describeOrFail(ctx, t, c, table)
		active := d.TableStatus == types.TableStatusActive
		for _, g := range d.GlobalSecondaryIndexes {
			active = active && g.IndexStatus == types.IndexStatusActive
		}
		if active {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("table %s still %s a minute after an update", table, d.TableStatus)
		}
		time.Sleep(pollMin)
	}
}

func createAndDescribe(ctx context.Context, t *testing.T, c *dynamodb.Client, spec TableSpec) *types.TableDescription {
	t.Helper()
	createOrFail(ctx, t, c, spec)
	return describeOrFail(ctx, t, c, spec.Name)
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

// item is an item of the tables above (pk "a", sk "1") with the extra attributes.
func item(extra map[string]types.AttributeValue) map[string]types.AttributeValue {
	it := map[string]types.AttributeValue{"pk": str("a"), "sk": str("1")}
	for k, v := range extra {
		it[k] = v
	}
	return it
}

// put writes item(extra) and says "stored" or how the server refused it.
func put(ctx context.Context, c *dynamodb.Client, table string, extra map[string]types.AttributeValue) string {
	_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item(extra)})
	if err == nil {
		return "stored"
	}
	return outcome(err)
}

// switchToProvisioned is UpdateTable to PROVISIONED at 100 RCU / 100 WCU with the given GSIs
// at read and write units.
func switchToProvisioned(table string, gsis []Index, read, write int64) *dynamodb.UpdateTableInput {
	in := &dynamodb.UpdateTableInput{
		TableName:             aws.String(table),
		BillingMode:           types.BillingModeProvisioned,
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(100), WriteCapacityUnits: aws.Int64(100)},
	}
	for _, g := range gsis {
		in.GlobalSecondaryIndexUpdates = append(in.GlobalSecondaryIndexUpdates, types.GlobalSecondaryIndexUpdate{
			Update: &types.UpdateGlobalSecondaryIndexAction{
				IndexName:             aws.String(g.Name),
				ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(read), WriteCapacityUnits: aws.Int64(write)},
			},
		})
	}
	return in
}
