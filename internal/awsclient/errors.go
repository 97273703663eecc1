package awsclient

import (
	"errors"
	"fmt"
)

// ErrUnknownConfig is returned when the provider configuration holds values that are not known
// yet (they depend on resources that are not created), so no client can be built.
var ErrUnknownConfig = errors.New("the provider configuration depends on values that are not known yet")

// SettingError is a problem with one provider setting, found while building the client.
// Attribute names the provider attribute (e.g. "region", "profile") so the caller can point
// the user at it; EnvVars lists the environment variables that feed the same setting.
type SettingError struct {
	Attribute string
	EnvVars   []string
	Summary   string
	Err       error
}

func (e *SettingError) Error() string {
	return fmt.Sprintf("%s (provider attribute %q): %v", e.Summary, e.Attribute, e.Err)
}

func (e *SettingError) Unwrap() error { return e.Err }
