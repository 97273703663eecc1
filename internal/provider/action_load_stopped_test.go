package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/ddbload/terraform-provider-ddbload/internal/converge"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
)

// TestLoadStoppedDiag: a stopped invocation says how far it got, why it stopped in the user's
// terms, and that nothing records the items in flight.
func TestLoadStoppedDiag(t *testing.T) {
	t.Parallel()
	acked := &loader.Bitmap{}
	for seq := range uint64(1234) {
		acked.Set(seq)
	}
	out := converge.Outcome{Validated: &loader.Validated{Items: 5000}, Load: &loader.Result{Acked: acked}}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"timeout", fmt.Errorf("writing: %w", context.DeadlineExceeded), "because the invocation's timeout (20m0s) ran out"},
		{"cancelled", fmt.Errorf("writing: %w", context.Canceled), "because it was cancelled"},
		{"refused", errors.New("orders.jsonl:7: ValidationException: item too large"), "because orders.jsonl:7: ValidationException: item too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := loadStoppedDiag("orders", out, tc.err, 20*time.Minute)
			if d.Severity() != diag.SeverityError || d.Summary() != "Load Interrupted" {
				t.Fatalf("got %v %q; want an error diagnostic \"Load Interrupted\"", d.Severity(), d.Summary())
			}
			for _, want := range []string{
				`Loading 5,000 items into "orders" stopped after 1,234 were written`,
				tc.want,
				"nothing records them",
				"Invoke the action again",
			} {
				if !strings.Contains(d.Detail(), want) {
					t.Errorf("detail %q lacks %q", d.Detail(), want)
				}
			}
		})
	}
}
