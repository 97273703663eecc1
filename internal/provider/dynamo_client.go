package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/ddbload/terraform-provider-ddbload/internal/awsclient"
	"github.com/ddbload/terraform-provider-ddbload/internal/bulkput"
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
	bulkput.API
}

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

// clientErrorDiag turns a failure to build the client into a diagnostic that names the setting
// to fix.
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
