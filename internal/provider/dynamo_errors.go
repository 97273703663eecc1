package provider

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/ddbload/terraform-provider-ddbload/internal/awsclient"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

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

// tableErrorDiag turns an error describing a table into a diagnostic.
func tableErrorDiag(name string, err error) diag.Diagnostic {
	if d, ok := unreachableDiag(err, fmt.Sprintf("describing table %q", name)); ok {
		return d
	}
	var nf *tableinfo.NotFoundError
	if errors.As(err, &nf) {
		return diag.NewErrorDiagnostic("Table Not Found",
			fmt.Sprintf("DynamoDB table %q does not exist in this account and region (or at this endpoint). "+
				"Create it first, for example with the hashicorp/aws provider's aws_dynamodb_table, and reference its name "+
				"(table_name = aws_dynamodb_table.example.name) so Terraform orders the two.\n\n%v", name, err))
	}
	return diag.NewErrorDiagnostic("Cannot Describe Table",
		fmt.Sprintf("Calling DescribeTable for %q failed. Check the credentials, the region and the endpoint, and that "+
			"the identity may call dynamodb:DescribeTable.\n\n%v", name, err))
}
