// Package provider is the Terraform glue of terraform-provider-ddbload: schemas, CRUD,
// diagnostics and logging. The work itself lives in plain-Go engine packages under internal/.
package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ddbload/terraform-provider-ddbload/internal/awsclient"
)

var (
	_ provider.Provider                   = (*ddbloadProvider)(nil)
	_ provider.ProviderWithValidateConfig = (*ddbloadProvider)(nil)
	_ provider.ProviderWithFunctions      = (*ddbloadProvider)(nil)
	_ provider.ProviderWithActions        = (*ddbloadProvider)(nil)
)

// ddbloadProvider is the provider. version is set by the release build.
type ddbloadProvider struct {
	version string
}

// New returns a constructor of the provider for providerserver.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &ddbloadProvider{version: version}
	}
}

type providerModel struct {
	Region                 types.String      `tfsdk:"region"`
	Profile                types.String      `tfsdk:"profile"`
	SharedConfigFiles      types.List        `tfsdk:"shared_config_files"`
	SharedCredentialsFiles types.List        `tfsdk:"shared_credentials_files"`
	AccessKey              types.String      `tfsdk:"access_key"`
	SecretKey              types.String      `tfsdk:"secret_key"`
	Token                  types.String      `tfsdk:"token"`
	Endpoint               types.String      `tfsdk:"endpoint"`
	S3Endpoint             types.String      `tfsdk:"s3_endpoint"`
	MaxRetries             types.Int64       `tfsdk:"max_retries"`
	AssumeRole             []assumeRoleModel `tfsdk:"assume_role"`
}

type assumeRoleModel struct {
	RoleARN     types.String `tfsdk:"role_arn"`
	SessionName types.String `tfsdk:"session_name"`
	ExternalID  types.String `tfsdk:"external_id"`
	Duration    types.String `tfsdk:"duration"`
}

// providerData is handed to every resource, data source and function through Configure.
type providerData struct {
	aws *awsclient.Lazy
}

func (p *ddbloadProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "ddbload"
	resp.Version = p.version
}

var roleARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/.+$`)

func (p *ddbloadProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The `ddbload` provider loads seed data into Amazon DynamoDB tables, pre-warms tables for a known peak, " +
			"and checks key designs at plan time.\n\n" +
			"Every setting is optional. The provider resolves AWS settings **lazily**: credentials and region are only looked up " +
			"when a resource or data source actually calls DynamoDB, so offline uses (the partition estimate from declared numbers, " +
			"provider functions) need no AWS configuration at all. Unset settings fall back to the standard AWS configuration chain: " +
			"environment variables, the shared config and credentials files, SSO, web identity and the EC2/ECS instance role.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "AWS region of the tables, e.g. `eu-west-1`. Falls back to `AWS_REGION`, then `AWS_DEFAULT_REGION`, " +
					"then the `region` of the shared config profile. Required (from one of these places) by every operation that calls DynamoDB, " +
					"also against a local `endpoint`, where it only signs requests.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"profile": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Name of the shared config/credentials profile to use. Falls back to `AWS_PROFILE`, then `default`.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"shared_config_files": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Paths of shared config files. Falls back to `AWS_CONFIG_FILE`, then `~/.aws/config`.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"shared_credentials_files": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Paths of shared credentials files. Falls back to `AWS_SHARED_CREDENTIALS_FILE`, then `~/.aws/credentials`.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"access_key": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "AWS access key ID for static credentials; set together with `secret_key`. Falls back to `AWS_ACCESS_KEY_ID`. " +
					"Prefer a profile, SSO or a role over static keys in configuration.",
				Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("secret_key"))},
			},
			"secret_key": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "AWS secret access key for static credentials; set together with `access_key`. Falls back to `AWS_SECRET_ACCESS_KEY`.",
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("access_key"))},
			},
			"token": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Session token for temporary static credentials. Falls back to `AWS_SESSION_TOKEN`.",
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("access_key"))},
			},
			"endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "DynamoDB endpoint URL override, for DynamoDB Local, dynalite, ScyllaDB Alternator or a VPC endpoint, " +
					"e.g. `http://127.0.0.1:8000`. Falls back to `AWS_ENDPOINT_URL_DYNAMODB`, then `AWS_ENDPOINT_URL`. " +
					"Applies to DynamoDB only, not to STS when assuming a role.",
			},
			"s3_endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "S3 endpoint URL override for datasets whose `files` are in S3 (`s3://bucket/key`), for an " +
					"S3-compatible server or a VPC endpoint, e.g. `http://127.0.0.1:7070`; buckets are then addressed by path " +
					"(`http://host/bucket/key`). Falls back to `AWS_ENDPOINT_URL_S3`, then `AWS_ENDPOINT_URL`. S3 is read with the " +
					"provider's credentials and region.",
			},
			"max_retries": schema.Int64Attribute{
				Optional:   true,
				CustomType: wholeNumberType{},
				MarkdownDescription: fmt.Sprintf("How many times the AWS SDK retries one failed API call (throttling, HTTP 5xx, a connection "+
					"broken mid-request) before giving up. Defaults to `%d`; `AWS_MAX_ATTEMPTS` (attempts, i.e. retries + 1) applies when this "+
					"is unset. A connection that cannot be opened (refused, unknown host, no answer within %d seconds) is never retried, so "+
					"a wrong or stopped `endpoint` fails the plan at once. Bulk loads retry throttled and unprocessed items, and failed "+
					"calls of any kind, on top of this with their own backoff.", awsclient.DefaultMaxRetries, int(awsclient.ConnectTimeout.Seconds())),
				Validators: []validator.Int64{int64validator.Between(0, 100)},
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": schema.ListNestedBlock{
				MarkdownDescription: "An IAM role to assume with STS, on top of the credentials resolved from the settings above. At most one block.",
				Validators:          []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"role_arn": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "ARN of the role to assume, e.g. `arn:aws:iam::123456789012:role/seed-loader`.",
							Validators: []validator.String{stringvalidator.RegexMatches(roleARNPattern,
								"must be an IAM role ARN such as arn:aws:iam::123456789012:role/name")},
						},
						"session_name": schema.StringAttribute{
							Optional:            true,
							MarkdownDescription: "Session name recorded in CloudTrail. Defaults to a name generated by the AWS SDK.",
							Validators:          []validator.String{stringvalidator.LengthBetween(2, 64)},
						},
						"external_id": schema.StringAttribute{
							Optional:            true,
							MarkdownDescription: "External ID the role's trust policy requires, if any.",
							Validators:          []validator.String{stringvalidator.LengthBetween(2, 1224)},
						},
						"duration": schema.StringAttribute{
							Optional: true,
							MarkdownDescription: "Lifetime of the assumed-role session as a Go duration, between `15m` and `12h`, e.g. `1h`. " +
								"Defaults to `15m`. Credentials are refreshed automatically before they expire.",
							Validators: []validator.String{durationBetween(15*time.Minute, 12*time.Hour)},
						},
					},
				},
			},
		},
	}
}

func (p *ddbloadProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	for _, e := range []struct{ attr, summary, example string }{
		{"endpoint", "Invalid DynamoDB Endpoint", "http://127.0.0.1:8000"},
		{"s3_endpoint", "Invalid S3 Endpoint", "http://127.0.0.1:7070"},
	} {
		var endpoint types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(e.attr), &endpoint)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if endpoint.IsNull() || endpoint.IsUnknown() {
			continue
		}
		if err := awsclient.CheckEndpoint(endpoint.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root(e.attr), e.summary,
				fmt.Sprintf("The %s must be an absolute http:// or https:// URL such as %s: %s.", e.attr, e.example, err))
		}
	}
}

// Configure records the settings only. Nothing that needs credentials, a region or the network
// runs here; the DynamoDB client is built on first use (awsclient.Lazy).
func (p *ddbloadProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}

	settings, unknown, diags := m.settings(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Debug(ctx, "Provider configured; AWS settings resolve on first DynamoDB call", map[string]any{
		"endpoint_override": settings.Endpoint != "",
		"unknown_values":    unknown,
	})

	data := &providerData{aws: awsclient.NewLazy(settings, unknown)}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.ActionData = data
}

// settings converts the model. unknown reports a value that is not known yet (it depends on a
// resource still to be created); Terraform may still call the provider for offline work then.
func (m *providerModel) settings(ctx context.Context) (awsclient.Settings, bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	unknown := false
	str := func(v types.String) string {
		if v.IsUnknown() {
			unknown = true
		}
		return v.ValueString()
	}
	list := func(v types.List) []string {
		if v.IsUnknown() {
			unknown = true
			return nil
		}
		var out []string
		if !v.IsNull() {
			diags.Append(v.ElementsAs(ctx, &out, false)...)
		}
		return out
	}

	s := awsclient.Settings{
		Region:                 str(m.Region),
		Profile:                str(m.Profile),
		SharedConfigFiles:      list(m.SharedConfigFiles),
		SharedCredentialsFiles: list(m.SharedCredentialsFiles),
		AccessKey:              str(m.AccessKey),
		SecretKey:              str(m.SecretKey),
		Token:                  str(m.Token),
		Endpoint:               str(m.Endpoint),
		S3Endpoint:             str(m.S3Endpoint),
	}
	if m.MaxRetries.IsUnknown() {
		unknown = true
	} else if !m.MaxRetries.IsNull() {
		n := int(m.MaxRetries.ValueInt64())
		s.MaxRetries = &n
	}
	if len(m.AssumeRole) == 1 {
		r := m.AssumeRole[0]
		s.AssumeRole = &awsclient.AssumeRole{
			RoleARN:     str(r.RoleARN),
			SessionName: str(r.SessionName),
			ExternalID:  str(r.ExternalID),
		}
		if d := str(r.Duration); d != "" {
			// Already checked by the schema validator.
			s.AssumeRole.Duration, _ = time.ParseDuration(d)
		}
	}
	return s, unknown, diags
}

func (p *ddbloadProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewDatasetResource,
		NewPrewarmResource,
	}
}

func (p *ddbloadProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewTableDataSource,
		NewPartitionEstimateDataSource,
	}
}

func (p *ddbloadProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		NewShardFunction,
		NewPartitionsFunction,
		NewItemSizeFunction,
	}
}

func (p *ddbloadProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		NewLoadAction,
	}
}
