package provider

import (
	"github.com/ddbload/terraform-provider-ddbload/internal/drift"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
	"github.com/ddbload/terraform-provider-ddbload/internal/prewarm"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// dynamoAPI is the part of the DynamoDB client the provider hands to engine packages. It
// grows with them; *dynamodb.Client satisfies it, tests can put a fake in its place.
type dynamoAPI interface {
	tableinfo.DescribeAPI
	write.API
	drift.API
	prewarm.UpdateAPI
}
