package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/ddbload/terraform-provider-ddbload/internal/awsclient"
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

// unreachableDiag turns a failure to connect to the endpoint into a diagnostic that names the
// endpoint and what to check; ok is false for any other error. doing says what the provider
// was doing, e.g. `describing table "orders"`.
func unreachableDiag(err error, doing string) (d diag.Diagnostic, ok bool) {
	u, ok := awsclient.Unreachable(err)
	if !ok {
		return nil, false
	}
	return diag.NewErrorDiagnostic("DynamoDB Endpoint Unreachable",
		fmt.Sprintf("Cannot connect to the DynamoDB endpoint %s (%s) while %s. The provider does not retry a connection "+
			"that cannot be opened; it retries throttling and server errors. Check that the endpoint is up and listening at "+
			"that address and port (for DynamoDB Local, dynalite or LocalStack: that it is running), the provider's \"endpoint\" "+
			"attribute (or AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL) and \"region\", and any VPN, proxy (HTTPS_PROXY) or "+
			"firewall on the way.\n\n%v", u.Endpoint, u.Reason, doing, err)), true
}
