// Package awsclient builds the provider's DynamoDB client from its settings, lazily: nothing is
// resolved (credentials, region, shared config) until the first operation that needs DynamoDB
// asks for the client. Offline uses of the provider therefore never touch AWS settings.
//
// The client is tuned for bulk work: its HTTP transport keeps enough idle connections for
// every concurrent writer, and its retryer has no client-wide retry quota, so many workers
// retrying throttled calls at once cannot starve each other (aws-sdk-go-v2 issue #1665).
//
// A failure to connect (connection refused, a host name that does not resolve, no connection
// within ConnectTimeout) is not retried by the SDK: plan and refresh report an unreachable
// endpoint at once (Unreachable describes it). Throttling, 5xx and broken open connections
// keep the SDK's retries, and the bulk loader retries its BatchWriteItem calls on top.
//
// The package knows nothing of Terraform; the provider maps its typed errors to diagnostics.
package awsclient
