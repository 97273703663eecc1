package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/ddbload/terraform-provider-ddbload/internal/awsclient"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// dynamoClient returns the provider's DynamoDB client, or diagnostics that say which provider
// setting to fix. It is the single place where client-building errors become diagnostics.
func (d *providerData) dynamoClient(ctx context.Context) (dynamoAPI, diag.Diagnostics) {
	var diags diag.Diagnostics
	if d == nil {
		diags.AddError("Provider Not Configured",
			"The ddbload provider was not configured before use. This is a bug in the provider; please report it.")
		return nil, diags
	}
	c, err := d.aws.Client(ctx)
	if err != nil {
		diags.Append(clientErrorDiag(err))
		return nil, diags
	}
	return c, diags
}

func clientErrorDiag(err error) diag.Diagnostic {
	if errors.Is(err, awsclient.ErrUnknownConfig) {
		return diag.NewErrorDiagnostic("Provider Configuration Unknown",
			"This operation calls DynamoDB, but some of the ddbload provider's settings depend on values that are not known "+
				"until apply. Set them from known values (variables, locals) or apply the resources they depend on first "+
				"(for example with -target).")
	}
	var se *awsclient.SettingError
	if errors.As(err, &se) {
		detail := fmt.Sprintf("Check the provider's %q attribute", se.Attribute)
		if len(se.EnvVars) > 0 {
			detail += fmt.Sprintf(" (or the environment variable %s)", strings.Join(se.EnvVars, ", "))
		}
		return diag.NewErrorDiagnostic(se.Summary, fmt.Sprintf("%s.\n\n%v", detail, se.Err))
	}
	return diag.NewErrorDiagnostic("Cannot Create DynamoDB Client",
		fmt.Sprintf("Building the AWS configuration for DynamoDB failed. Check the provider settings and the AWS "+
			"environment variables and shared config files.\n\n%v", err))
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
