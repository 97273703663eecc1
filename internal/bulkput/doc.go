// Package bulkput loads a dataset through DynamoDB's own distributed bulk put
// (StartBulkPutItems): it stages the items a load would write as gzip DynamoDB JSON parts in
// S3 (Stager, a write.API the loader writes to instead of the table), starts the operation
// under a client token derived from the content, follows it to its end and reads the items it
// could not write from its error report. It knows nothing of Terraform.
package bulkput
