package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/converge"
)

// TestBulkErrorDiagInterrupted: an apply stopped before its operation started says that
// nothing was written; one stopped while the operation ran says the state records every item
// it was given and how to finish.
func TestBulkErrorDiagInterrupted(t *testing.T) {
	stopped := fmt.Errorf("staging the items: %w", context.DeadlineExceeded)
	d := bulkErrorDiag("orders", stopped, converge.Outcome{}, &converge.BulkResult{}, 3*time.Second)
	if d.Summary() != "Load Interrupted" || !strings.Contains(d.Detail(), "before the operation started") ||
		!strings.Contains(d.Detail(), "Nothing was written") || !strings.Contains(d.Detail(), "timeout (3s)") {
		t.Fatalf("stopped while staging: %s: %s", d.Summary(), d.Detail())
	}
	res := &converge.BulkResult{Started: true, Arn: "arn:op", Status: types.BulkOperationStatusCancelled}
	out := converge.Outcome{Changes: converge.Changes{Write: 6000}}
	d = bulkErrorDiag("orders", context.Canceled, out, res, time.Minute)
	if d.Summary() != "Load Interrupted" || !strings.Contains(d.Detail(), "The bulk put arn:op into \"orders\" was cancelled because the apply was interrupted (it ended CANCELLED)") ||
		!strings.Contains(d.Detail(), "6000 items") || !strings.Contains(d.Detail(), "terraform destroy deletes them") {
		t.Fatalf("stopped while the operation ran: %s: %s", d.Summary(), d.Detail())
	}
}
