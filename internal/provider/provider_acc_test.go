package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// These tests run the provider through the real CLI with broken AWS settings and check that
// the error names the setting to fix. They change the environment, so they do not run in
// parallel.

func isolateAWSEnv(t *testing.T) string {
	t.Helper()
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID",
		"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", empty)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", empty)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return empty
}

func TestAccProvider_missingRegion(t *testing.T) {
	isolateAWSEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderBlock(`
  endpoint   = "`+accEndpoint+`"
  access_key = "local"
  secret_key = "local"
`) + `
data "ddbload_table" "t" {
  name = "anything"
}
`,
			ExpectError: regexp.MustCompile(`(?s)Missing AWS Region.*"region" attribute.*AWS_REGION`),
		}},
	})
}

func TestAccProvider_unknownProfile(t *testing.T) {
	empty := isolateAWSEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderBlock(`
  profile             = "no-such-profile"
  shared_config_files = ["`+empty+`"]
  endpoint            = "`+accEndpoint+`"
`) + `
data "ddbload_table" "t" {
  name = "anything"
}
`,
			ExpectError: regexp.MustCompile(`(?s)Unknown AWS Profile.*"profile" attribute.*no-such-profile`),
		}},
	})
}

func TestAccProvider_badEndpoint(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderBlock(`
  region   = "us-east-1"
  endpoint = "127.0.0.1:8000"
`) + `
data "ddbload_table" "t" {
  name = "anything"
}
`,
			ExpectError: regexp.MustCompile(`Invalid DynamoDB Endpoint`),
		}},
	})
}
