// Package tableinfo reads what the provider needs to know about a live DynamoDB table (key
// schema, indexes, capacity mode, provisioned and warm throughput, size) with one
// DescribeTable call, into plain Go values shared by the loader, the pre-warm resource, the
// partition estimate and the ddbload_table data source.
//
// It knows nothing of Terraform.
package tableinfo
