package provider

import (
	"fmt"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
)

// progressMessage is one progress event of ddbload_load, for a person watching the CLI.
func progressMessage(table string, p loader.Progress) string {
	msg := fmt.Sprintf("Loading %s: %s of %s items written", table, thousands(p.Done), thousands(p.Total))
	if p.Total > 0 {
		msg += fmt.Sprintf(" (%d%%)", p.Done*100/p.Total)
	}
	msg += fmt.Sprintf(", %s items/s, %s WCU/s, %s", thousands(int64(p.ItemsPerSec+0.5)), thousands(int64(p.WCUPerSec+0.5)),
		countOf(p.Throttled, "throttled call", "throttled calls"))
	if p.ETA > 0 {
		msg += ", about " + roundDuration(p.ETA).String() + " left"
	}
	return msg
}

// summaryMessage is ddbload_load's last event: what the load did.
func summaryMessage(table string, res *loader.Result) string {
	s := res.Stats
	msg := fmt.Sprintf("Loaded %s %s into %s in %s", thousands(s.Written), plural(s.Written, "item", "items"), table, roundDuration(s.Duration))
	if secs := s.Duration.Seconds(); secs > 0 {
		msg += fmt.Sprintf(" (%s items/s)", thousands(int64(float64(s.Written)/secs+0.5)))
	}
	msg += fmt.Sprintf(": %s WCU consumed, %s, %s", thousands(int64(s.WCUConsumed+0.5)),
		countOf(s.Throttled, "throttled call", "throttled calls"), countOf(s.Retries, "retry", "retries"))
	return msg
}

// roundDuration keeps a duration readable: whole seconds, or tenths under ten seconds.
func roundDuration(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}

// thousands writes n with comma separators: 1234567 is "1,234,567".
func thousands(n int64) string { return english.Sprint(n) }

// english formats numbers for progress messages, which Terraform shows as they are.
var english = message.NewPrinter(language.English)
