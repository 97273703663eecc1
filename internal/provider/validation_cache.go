package provider

import (
	"os"
	"path/filepath"

	"github.com/ddbload/terraform-provider-ddbload/internal/converge"
)

// validationCacheEnv names the folder of the validation cache, or "off".
const validationCacheEnv = "DDBLOAD_VALIDATION_CACHE"

// validationCache is where a plan leaves what validation learned about a dataset for the same
// run's apply (Terraform plans and applies in different provider processes): the user's cache
// folder, or the temporary folder; nil when DDBLOAD_VALIDATION_CACHE is "off".
func validationCache() *converge.Cache {
	dir := os.Getenv(validationCacheEnv)
	switch dir {
	case "off":
		return nil
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		dir = filepath.Join(base, "terraform-provider-ddbload", "validated")
	}
	return &converge.Cache{Dir: dir}
}
