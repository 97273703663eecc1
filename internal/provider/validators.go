package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = durationValidator{}

// durationValidator checks a Go duration string ("90s", "1h30m") against a range.
type durationValidator struct {
	min, max time.Duration
}

func durationBetween(minimum, maximum time.Duration) durationValidator {
	return durationValidator{min: minimum, max: maximum}
}

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("must be a duration such as \"1h\" or \"90m\", between %s and %s", v.min, v.max)
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d < v.min || d > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("The value %q %s.", req.ConfigValue.ValueString(), v.Description(ctx)))
	}
}
