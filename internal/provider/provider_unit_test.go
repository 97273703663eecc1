package provider

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rsschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/ddbload/terraform-provider-ddbload/internal/awsclient"
)

func providerSchema(t *testing.T) pschema.Schema {
	t.Helper()
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.Schema
}

// describer is what every schema element shares.
type describer interface{ GetMarkdownDescription() string }

func TestEverySchemaElementIsDocumented(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var missing []string
	check := func(where string, d describer) {
		if strings.TrimSpace(d.GetMarkdownDescription()) == "" {
			missing = append(missing, where)
		}
	}

	ps := providerSchema(t)
	check("provider", ps)
	for name, a := range ps.Attributes {
		check("provider."+name, a)
	}
	for name, b := range ps.Blocks {
		check("provider."+name, b)
		for an, a := range b.GetNestedObject().GetAttributes() {
			check("provider."+name+"."+an, a)
		}
	}

	p := New("test")()
	for _, newDS := range p.DataSources(ctx) {
		ds := newDS()
		var meta datasource.MetadataResponse
		ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "ddbload"}, &meta)
		var resp datasource.SchemaResponse
		ds.Schema(ctx, datasource.SchemaRequest{}, &resp)
		check(meta.TypeName, resp.Schema)
		walkDataSourceAttributes(meta.TypeName, resp.Schema.Attributes, check)
	}
	for _, newRes := range p.Resources(ctx) {
		res := newRes()
		var meta resource.MetadataResponse
		res.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "ddbload"}, &meta)
		var resp resource.SchemaResponse
		res.Schema(ctx, resource.SchemaRequest{}, &resp)
		check(meta.TypeName, resp.Schema)
		walkResourceAttributes(meta.TypeName, resp.Schema.Attributes, check)
	}
	if len(missing) > 0 {
		t.Fatalf("schema elements without MarkdownDescription: %v", missing)
	}
}

func walkResourceAttributes(prefix string, attrs map[string]rsschema.Attribute, check func(string, describer)) {
	for name, a := range attrs {
		where := prefix + "." + name
		if name == "timeouts" {
			continue // the timeouts package documents its own attribute
		}
		check(where, a)
		if n, ok := a.(rsschema.SingleNestedAttribute); ok {
			walkResourceAttributes(where, n.Attributes, check)
		}
	}
}

func walkDataSourceAttributes(prefix string, attrs map[string]dsschema.Attribute, check func(string, describer)) {
	for name, a := range attrs {
		where := prefix + "." + name
		check(where, a)
		switch n := a.(type) {
		case dsschema.SingleNestedAttribute:
			walkDataSourceAttributes(where, n.Attributes, check)
		case dsschema.ListNestedAttribute:
			walkDataSourceAttributes(where, n.NestedObject.Attributes, check)
		}
	}
}

func TestSecretsAreSensitive(t *testing.T) {
	t.Parallel()
	ps := providerSchema(t)
	for _, name := range []string{"access_key", "secret_key", "token"} {
		if !ps.Attributes[name].IsSensitive() {
			t.Errorf("provider attribute %q must be Sensitive", name)
		}
	}
}

// providerType is the provider schema's object type, for building raw configurations.
func providerType(t *testing.T, ps pschema.Schema) tftypes.Object {
	t.Helper()
	typ, ok := ps.Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		t.Fatalf("provider schema type is %T, want an object", ps.Type().TerraformType(context.Background()))
	}
	return typ
}

// configure runs Configure on a raw configuration value and returns the provider data.
func configure(t *testing.T, values map[string]tftypes.Value) (*providerData, *provider.ConfigureResponse) {
	t.Helper()
	ps := providerSchema(t)
	typ := providerType(t, ps)
	all := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		all[name] = tftypes.NewValue(at, nil)
	}
	for k, v := range values {
		all[k] = v
	}
	req := provider.ConfigureRequest{Config: tfsdk.Config{Schema: ps, Raw: tftypes.NewValue(typ, all)}}
	resp := &provider.ConfigureResponse{}
	New("test")().Configure(context.Background(), req, resp)
	data, _ := resp.DataSourceData.(*providerData)
	return data, resp
}

// TestConfigureIsLazy proves that Configure resolves nothing: a broken AWS environment (an
// unknown profile, no region) does not fail it; only the first DynamoDB call reports it.
func TestConfigureIsLazy(t *testing.T) {
	t.Setenv("AWS_PROFILE", "no-such-profile-anywhere")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	data, resp := configure(t, nil)
	if resp.Diagnostics.HasError() {
		t.Fatalf("Configure must not resolve AWS settings: %v", resp.Diagnostics)
	}
	if data == nil || data.aws == nil {
		t.Fatal("Configure returned no provider data")
	}
	_, diags := data.dynamoClient(context.Background())
	if !diags.HasError() || !strings.Contains(diags[0].Summary(), "Unknown AWS Profile") {
		t.Fatalf("first DynamoDB use should report the unknown profile, got %v", diags)
	}
}

func TestConfigureWithUnknownValues(t *testing.T) {
	t.Parallel()
	data, resp := configure(t, map[string]tftypes.Value{
		"region":      tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"max_retries": tftypes.NewValue(tftypes.Number, tftypes.UnknownValue),
	})
	if resp.Diagnostics.HasError() {
		t.Fatalf("unknown provider values must not fail Configure: %v", resp.Diagnostics)
	}
	_, err := data.aws.Client(context.Background())
	if !errors.Is(err, awsclient.ErrUnknownConfig) {
		t.Fatalf("client with unknown settings: %v, want ErrUnknownConfig", err)
	}
	_, diags := data.dynamoClient(context.Background())
	if !diags.HasError() || diags[0].Summary() != "Provider Configuration Unknown" {
		t.Fatalf("diagnostic = %v", diags)
	}
}

func TestValidateConfigEndpoint(t *testing.T) {
	t.Parallel()
	ps := providerSchema(t)
	typ := providerType(t, ps)
	for ep, wantErr := range map[string]bool{
		"http://127.0.0.1:8000": false,
		"127.0.0.1:8000":        true,
		"ftp://example.com":     true,
	} {
		all := map[string]tftypes.Value{}
		for name, at := range typ.AttributeTypes {
			all[name] = tftypes.NewValue(at, nil)
		}
		all["endpoint"] = tftypes.NewValue(tftypes.String, ep)
		req := provider.ValidateConfigRequest{Config: tfsdk.Config{Schema: ps, Raw: tftypes.NewValue(typ, all)}}
		var resp provider.ValidateConfigResponse
		p, ok := New("test")().(provider.ProviderWithValidateConfig)
		if !ok {
			t.Fatal("the provider must implement ValidateConfig")
		}
		p.ValidateConfig(context.Background(), req, &resp)
		if resp.Diagnostics.HasError() != wantErr {
			t.Errorf("endpoint %q: errors %v, want error=%v", ep, resp.Diagnostics, wantErr)
		}
	}
}
