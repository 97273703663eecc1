package main

import (
	"bytes"
	"testing"
)

func TestShowProgress(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := showProgress(&out)
	_, _ = w.Write([]byte(`2026-12-03T18:05:06.234Z [INFO]  provider.terraform-provider-ddbload: configuring server automatic mTLS: timestamp=x
ddbload_dataset.orders: Creating...
2026-12-03T18:05:06.300Z [INFO]  provider.terraform-provider-ddbload: Loading dataset: @caller=x resuming=false table_name=orders
2026-12-03T18:05:17.742Z [INFO]  provider.terraform-provider-ddbload: Loading orders: 371125/1000000 items: tf_req_id=1 total=1e+06 items_per_second=74219 throttled=0 eta_seconds=8 @module=ddbload
2026-12-03T18:05:22.742Z [INFO]  provider.terraform-provider-ddbload: Loading orders: 746350/1000000 items: eta_seconds=4 throttled=1 items=746350 items_per_second=74635
2026-12-03T18:05:27.792Z [INFO]  provider.terraform-provider-ddbload: Loaded dataset: @module=ddbload unchanged=0 seconds=13.7 throttled=2
Apply complete! Resources: 1 added, 0 changed, 0 destroyed.
`))
	_ = w.Close()
	want := "ddbload_dataset.orders: Creating...\n" +
		"  Loading orders: 371125/1000000 items  items_per_second=74219 throttled=0 eta_seconds=8\n" +
		"  Loading orders: 746350/1000000 items  items_per_second=74635 throttled=1 eta_seconds=4\n" +
		"  Loaded dataset  seconds=13.7 throttled=2\n" +
		"Apply complete! Resources: 1 added, 0 changed, 0 destroyed.\n"
	if got := out.String(); got != want {
		t.Errorf("shown:\n%s\nwant:\n%s", got, want)
	}
}
