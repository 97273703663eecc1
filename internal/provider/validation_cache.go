package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/ddbload/terraform-provider-ddbload/internal/converge"
)

// validationCacheEnv names the folder of the validation cache, or "off".
const validationCacheEnv = "DDBLOAD_VALIDATION_CACHE"

// validationCache is where a plan leaves what validation learned about a dataset for the same
// run's apply (Terraform plans and applies in different provider processes): the folder
// DDBLOAD_VALIDATION_CACHE names, else terraform-provider-ddbload in the user's cache folder
// (or the temporary folder); nil when DDBLOAD_VALIDATION_CACHE is "off". Entries carry this
// executable's hash, so another build of the provider never takes them.
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
		dir = filepath.Join(base, "terraform-provider-ddbload")
	}
	return &converge.Cache{Dir: dir, Salt: buildID()}
}

// buildID is the SHA-256 of this executable, or "" if it cannot be read (then entries of
// every build that cannot read itself share their keys: they differ by the other parts).
var buildID = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
})
