package provider

import (
	"testing"
	"time"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
)

func TestProgressMessage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p    loader.Progress
		want string
	}{
		{loader.Progress{Done: 12345, Total: 1000000, ItemsPerSec: 2480.4, WCUPerSec: 2512.6, Throttled: 3, ETA: 398400 * time.Millisecond},
			"Loading orders: 12,345 of 1,000,000 items written (1%), 2,480 items/s, 2,513 WCU/s, 3 throttled calls, about 6m38s left"},
		{loader.Progress{Done: 0, Total: 10, Throttled: 1},
			"Loading orders: 0 of 10 items written (0%), 0 items/s, 0 WCU/s, 1 throttled call"},
		{loader.Progress{Done: 5, Total: 10, ItemsPerSec: 1, WCUPerSec: 1, ETA: 5040 * time.Millisecond},
			"Loading orders: 5 of 10 items written (50%), 1 items/s, 1 WCU/s, 0 throttled calls, about 5s left"},
	} {
		if got := progressMessage("orders", tc.p); got != tc.want {
			t.Errorf("progressMessage(%+v)\n got %q\nwant %q", tc.p, got, tc.want)
		}
	}
}

func TestSummaryMessage(t *testing.T) {
	t.Parallel()
	res := &loader.Result{Stats: write.Stats{Written: 50000, WCUConsumed: 50012.5, Throttled: 1, Retries: 4, Duration: 20100 * time.Millisecond}}
	want := "Loaded 50,000 items into orders in 20s (2,488 items/s): 50,013 WCU consumed, 1 throttled call, 4 retries"
	if got := summaryMessage("orders", res); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	res = &loader.Result{Stats: write.Stats{Written: 1, Duration: 0}}
	want = "Loaded 1 item into orders in 0s: 0 WCU consumed, 0 throttled calls, 0 retries"
	if got := summaryMessage("orders", res); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
