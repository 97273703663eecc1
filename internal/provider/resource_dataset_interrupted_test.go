package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/converge"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// TestInterruptedDiagSaysWhenEverythingIsRewritten: a user whose load stopped while its files
// changed must learn that the next apply rewrites every item, not that it resumes.
func TestInterruptedDiagSaysWhenEverythingIsRewritten(t *testing.T) {
	t.Parallel()
	m := &datasetModel{TableName: types.StringValue("orders")}
	validated, err := loader.Validate(context.Background(), keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "S"}},
		loader.Options{Source: source.Spec{Inline: `[{"pk":"a"}]`}})
	if err != nil {
		t.Fatal(err)
	}
	out := converge.Outcome{Validated: validated, Load: &loader.Result{Acked: &loader.Bitmap{}}}
	const rewrite = "writes every item again"
	for _, tc := range []struct {
		err        error
		rewriteAll bool
		want       bool
	}{
		{context.DeadlineExceeded, false, false},
		{context.DeadlineExceeded, true, true},
		{context.Canceled, true, true},
		{loader.ErrDatasetChanged, true, true}, // said once, by the error's own text
	} {
		out.FilesChanged = tc.rewriteAll
		d := interruptedDiag(m, tc.err, out, time.Minute)
		if n := strings.Count(d.Detail(), rewrite); (n == 1) != tc.want || n > 1 {
			t.Errorf("%v, rewriteAll %v: %q said %d times in %q", tc.err, tc.rewriteAll, rewrite, n, d.Detail())
		}
	}
}
