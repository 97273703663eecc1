package estimate

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/ddbload/terraform-provider-ddbload/internal/bulkput"
)

// report renders the estimate for people, one fact per line, the same way every time.
func report(d *design, r *Result) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	line("Partitions (a heuristic: DynamoDB does not publish partition counts):")
	line("  for throughput: %d = ceil(%s RCU/s / 3,000 + %s WCU/s / 1,000)%s", r.PartitionsForThroughput, num(d.rcu), num(d.wcu),
		from(d.wcuFrom, d.wcu > 0 || d.rcu > 0))
	line("  for storage:    %d = ceil(%s / 10 GB)%s", r.PartitionsForStorage, gb(d.storageBytes), from(d.storageFrom, d.storageBytes > 0))
	line("  estimate:       %d, each serving %s RCU/s and %s WCU/s (throughput is split evenly)",
		r.Partitions, num(r.ReadUnitsPerPartition), num(r.WriteUnitsPerPartition))
	line("Billing mode: %s%s.", d.billing, from(d.billingFrom, true))
	line("Per partition-key value: at most %s RCU/s and %s WCU/s (one partition).", num(r.PerKeyReadUnits), num(r.PerKeyWriteUnits))
	if d.in.Engine == EngineBulkPut {
		line("Engine: bulk put (StartBulkPutItems): not for global tables, capped at no less than %s WCU/s.", num(bulkput.MinWriteUnits))
	}

	switch {
	case d.fromDataset:
		ks := d.in.Keys
		approx := ""
		if ks.Approximate {
			approx = " (estimated: the dataset has more keys than are counted exactly)"
		}
		line("Keys (from the dataset): %s items, %s partition-key values%s, built with %s.", num(float64(ks.Items)),
			num(float64(d.values)), approx, plural(d.shards, "shard", "shards"))
		if d.hotName != "" {
			line("  hottest value: %s with %s of the items.", d.hotName, pct(d.valueShare))
		}
	case d.keys > 0 || d.logicalShare > 0:
		keys := "unknown number of keys"
		if d.keys > 0 {
			keys = fmt.Sprintf("%s × %s = %s", plural(d.keys, "key", "keys"), plural(d.shards, "shard", "shards"),
				plural(d.values, "partition-key value", "partition-key values"))
		}
		share := pct(d.logicalShare) + " of the traffic"
		if d.shareFrom == InputPartitionKeys {
			share += " (keys evenly used)"
		}
		line("Keys (declared): %s; the hottest key takes %s.", keys, share)
	default:
		line("Keys: nothing declared about the partition keys.")
	}
	if d.knowsKeys() {
		line("  hottest value's demand: %s.", orNone(d.demandText()))
		line("  required shards for the hottest key: %d (today %d).", r.RequiredShards, d.shards)
	}
	if d.lsis > 0 {
		line("LSIs: %d%s: item collections stay on one partition and below 10 GB.", d.lsis, from(d.lsiFrom, true))
	}
	if d.collBytes > 0 || d.collItems > 0 {
		var parts []string
		if d.collItems > 0 {
			parts = append(parts, plural(d.collItems, "item", "items"))
		}
		if d.collBytes > 0 {
			parts = append(parts, gb(d.collBytes))
		}
		line("Largest item collection: %s%s.", strings.Join(parts, ", "), from(d.collFrom, d.collFrom != ""))
	}
	line("Reachable with this key design: %s and %s.", reach(r.AchievableReadUnits, d.rcu, "RCU/s"), reach(r.AchievableWriteUnits, d.wcu, "WCU/s"))

	errs, warns := 0, 0
	for _, f := range r.Findings {
		if f.Severity == SeverityError {
			errs++
		} else {
			warns++
		}
	}
	if len(r.Findings) == 0 {
		line("Findings: none.")
	} else {
		line("Findings: %s, %s.", plural(int64(errs), "error", "errors"), plural(int64(warns), "warning", "warnings"))
		for _, f := range r.Findings {
			line("  %-7s %s (%s): %s", f.Severity, f.Code, f.Input, f.Message)
		}
	}
	if len(r.Ignored) > 0 {
		var codes []string
		for _, f := range r.Ignored {
			codes = append(codes, string(f.Code))
		}
		line("Ignored: %s.", strings.Join(codes, ", "))
	}
	return strings.TrimRight(b.String(), "\n")
}

func from(input string, known bool) string {
	switch {
	case !known:
		return " (not given)"
	case input == InputTable:
		return " (from the table)"
	case input == InputDataset:
		return " (from the dataset)"
	}
	return ""
}

func reach(v *float64, target float64, unit string) string {
	if v == nil || target <= 0 {
		return "no target in " + unit
	}
	return fmt.Sprintf("%s of %s %s", num(*v), num(target), unit)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// num formats units for people: thousands separated, one decimal below 100 when needed.
func num(x float64) string {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return "unlimited"
	}
	neg := x < 0
	x = math.Abs(x)
	var s string
	if x < 100 && math.Abs(x-math.Round(x)) > 0.05 {
		s = strconv.FormatFloat(x, 'f', 1, 64)
	} else {
		s = group(strconv.FormatFloat(math.Round(x), 'f', 0, 64))
	}
	if neg {
		s = "-" + s
	}
	return s
}

func group(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	head := len(digits) % 3
	if head > 0 {
		b.WriteString(digits[:head])
	}
	for i := head; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// pct formats a share as a percentage with up to three significant digits.
func pct(share float64) string {
	if share > 0 && share < 0.0001 {
		return "under 0.01%"
	}
	return strconv.FormatFloat(share*100, 'g', 3, 64) + "%"
}

// gb formats a size in decimal units, as DynamoDB's limits are given.
func gb(bytes float64) string {
	switch {
	case bytes > 0 && bytes < 1e6:
		return strconv.FormatFloat(bytes/1e3, 'f', 1, 64) + " KB"
	case bytes > 0 && bytes < gigabyte/10:
		return strconv.FormatFloat(bytes/1e6, 'f', 1, 64) + " MB"
	}
	return strconv.FormatFloat(bytes/gigabyte, 'f', 1, 64) + " GB"
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return num(float64(n)) + " " + many
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
