package estimate

import (
	"fmt"
	"strings"

	"github.com/ddbload/terraform-provider-ddbload/internal/bulkput"
)

// bulkPutFindings are the limits of DynamoDB's bulk put that the local engine does not have:
// it refuses global tables, and its rate cap (MaxWriteRequestUnits) cannot go below
// bulkput.MinWriteUnits.
func (d *design) bulkPutFindings() []Finding {
	if d.in.Engine != EngineBulkPut {
		return nil
	}
	var fs []Finding
	if t := d.in.Table; t != nil && t.Global() {
		fs = append(fs, Finding{Code: BulkPutGlobal, Severity: SeverityError, Input: InputTable, Index: -1, Message: fmt.Sprintf(
			"Table %q is a global table (replicas in %s), and bulk put (StartBulkPutItems) refuses global tables: "+
				"set engine = %q, which writes with BatchWriteItem and replicates like any other write.",
			t.Name, strings.Join(t.Replicas, ", "), EngineLocal)})
	}
	if d.wcu > 0 && d.wcu < bulkput.MinWriteUnits {
		what := "the target write rate"
		if d.wcuFrom == InputTable {
			what = "the table's provisioned write capacity"
		}
		fs = append(fs, Finding{Code: BulkPutMinRate, Severity: SeverityWarning, Input: d.wcuFrom, Index: -1, Message: fmt.Sprintf(
			"A bulk put cannot be capped below %s WCU/s (StartBulkPutItems' MaxWriteRequestUnits), more than %s of %s "+
				"WCU/s: on a provisioned table its writes beyond the capacity are throttled and crowd out the table's other "+
				"writes. To load at %s WCU/s or less, set engine = %q with max_write_units_per_second.",
			num(bulkput.MinWriteUnits), what, num(d.wcu), num(d.wcu), EngineLocal)})
	}
	return fs
}
