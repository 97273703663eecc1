package provider

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	_ validator.String = durationValidator{}
	//nolint:staticcheck // xattr.TypeWithValidate is deprecated, but it is what runs before any validator.
	_ xattr.TypeWithValidate = wholeNumberType{}
	_ basetypes.Int64Typable = wholeNumberType{}
)

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

// wholeNumberType is the CustomType of the provider's configurable Int64 attributes. It is
// types.Int64Type with readable messages for a number that is not a whole number: the
// framework's own reads "Value %!s(*big.Float=2.5) is not an integer." (it formats a
// *big.Float with %s) and comes before any validator can speak. Its values are plain
// types.Int64, so models need no change.
type wholeNumberType struct {
	basetypes.Int64Type
}

// Equal also accepts types.Int64Type, the type of this type's values: the framework checks
// that an object's attribute values have the schema's types (NewObjectValue), and without it
// a plan holding one of these attributes could not be set.
func (t wholeNumberType) Equal(o attr.Type) bool {
	switch o.(type) {
	case wholeNumberType, basetypes.Int64Type:
		return true
	}
	return false
}

func (t wholeNumberType) String() string { return "wholeNumberType" }

// Validate runs when the framework reads the attribute from the configuration, before any
// validator.
func (t wholeNumberType) Validate(ctx context.Context, in tftypes.Value, p path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	if err := wholeNumberError(in, p); err != "" {
		diags.AddAttributeError(p, "Invalid Whole Number", err)
		return diags
	}
	return t.Int64Type.Validate(ctx, in, p)
}

// ValueFromTerraform reads a number that is not a whole number as unknown instead of failing:
// the framework wraps a failure here in "This is always an error in the provider", and calls
// Validate right after every read, which reports the number to the user.
func (t wholeNumberType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	if wholeNumberError(in, path.Empty()) != "" {
		return basetypes.NewInt64Unknown(), nil
	}
	return t.Int64Type.ValueFromTerraform(ctx, in)
}

// wholeNumberError is the message for a known number that is not a whole number or does not
// fit in 64 bits, "" otherwise (including values the base type reports on).
func wholeNumberError(in tftypes.Value, p path.Path) string {
	if in.Type() == nil || !in.Type().Equal(tftypes.Number) || !in.IsKnown() || in.IsNull() {
		return ""
	}
	var f *big.Float
	if err := in.As(&f); err != nil || f == nil {
		return ""
	}
	name := "The value"
	if s := p.String(); s != "" {
		name = s
	}
	if !f.IsInt() {
		return fmt.Sprintf("%s must be a whole number, got %s.", name, f.Text('g', -1))
	}
	if _, acc := f.Int64(); acc != big.Exact {
		return fmt.Sprintf("%s must be a whole number from %d to %d, got %s.", name, int64(math.MinInt64), int64(math.MaxInt64),
			f.Text('g', -1))
	}
	return ""
}

// wholeNumbers gives every configurable top-level Int64 attribute of a resource schema that
// has no CustomType the wholeNumberType, so a fractional number gets a plain message. Call it
// on resp.Schema.Attributes at the end of a resource's Schema method.
func wholeNumbers(attrs map[string]rschema.Attribute) {
	for name, a := range attrs {
		if i, ok := a.(rschema.Int64Attribute); ok && i.CustomType == nil && (i.Optional || i.Required) {
			i.CustomType = wholeNumberType{}
			attrs[name] = i
		}
	}
}
