package estimate

import (
	"fmt"
	"math"
	"strings"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/partition"
)

// Code identifies a kind of finding.
type Code string

// The findings. Their rules are in the data source's documentation page.
const (
	LSIHotCollection  Code = "LSI_HOT_COLLECTION"
	LSICollectionSize Code = "LSI_COLLECTION_SIZE"
	TooFewShards      Code = "TOO_FEW_SHARDS"
	MonotonicSortKey  Code = "MONOTONIC_SORT_KEY"
	GSIHotKey         Code = "GSI_HOT_KEY"
	OnDemandColdStart Code = "ON_DEMAND_COLD_START"
	Quota             Code = "QUOTA"
	BulkPutGlobal     Code = "BULK_PUT_GLOBAL_TABLE"
	BulkPutMinRate    Code = "BULK_PUT_MINIMUM_RATE"
)

// Codes lists every finding code, sorted.
func Codes() []string {
	return []string{
		string(BulkPutGlobal), string(BulkPutMinRate), string(GSIHotKey), string(LSICollectionSize), string(LSIHotCollection),
		string(MonotonicSortKey), string(OnDemandColdStart), string(Quota), string(TooFewShards),
	}
}

// Severity is how bad a finding is: an error means the design cannot work, a warning that it
// may not.
type Severity string

// The severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Enforcement says what errors do: fail the plan ("error", the default) or only warn.
type Enforcement string

// The enforcement modes.
const (
	EnforceError Enforcement = "error"
	EnforceWarn  Enforcement = "warn"
)

// Finding is one problem with the design.
type Finding struct {
	Code     Code
	Severity Severity
	// Message says what is wrong, with the numbers, and what to change.
	Message string
	// Input names the input the finding concerns (one of the Input* constants); Index is the
	// GSI's position among Input.GSIs for InputGSIs, else -1.
	Input string
	Index int
}

// Fails reports whether the finding fails the plan under enforcement e ("" is EnforceError).
func (f Finding) Fails(e Enforcement) bool {
	return f.Severity == SeverityError && e != EnforceWarn
}

func (d *design) findings(requiredShards int64) []Finding {
	var fs []Finding
	add := func(c Code, s Severity, input string, format string, args ...any) {
		fs = append(fs, Finding{Code: c, Severity: s, Input: input, Index: -1, Message: fmt.Sprintf(format, args...)})
	}

	if f, ok := d.tooFewShards(requiredShards); ok {
		fs = append(fs, f)
	}
	if d.lsis > 0 && d.hotKey() {
		add(LSIHotCollection, SeverityError, d.demandFrom(),
			"The table has %s, and its hottest item collection%s needs %s, more than one partition serves (%s WCU/s, %s RCU/s). "+
				"With an LSI an item collection lives on one partition and is never split for heat, so this cannot work. "+
				"Spread the collection over more partition-key values so that none needs more than one partition: "+
				"%s, or replace the LSI by a GSI.",
			plural(d.lsis, "LSI", "LSIs"), d.hotSuffix(), d.demandText(), num(partition.PartitionWCU), num(partition.PartitionRCU), d.spreadAdvice(requiredShards))
	}
	if d.lsis > 0 && d.collBytes >= partition.CollectionLimitB {
		add(LSICollectionSize, SeverityError, d.collFrom,
			"The table has %s, which caps every item collection at 10 GB (the items and their LSI copies; writes beyond fail with "+
				"ItemCollectionSizeLimitExceededException), but the largest collection%s is %s. Spread it over more partition-key "+
				"values (a date or a shard suffix in the key) so that each collection stays well below 10 GB, or replace the LSI by a GSI.",
			plural(d.lsis, "LSI", "LSIs"), d.collLabel(), gb(d.collBytes))
	} else if d.lsis > 0 && d.collBytes > CollectionWarnBytes {
		add(LSICollectionSize, SeverityWarning, d.collFrom,
			"The table has %s, which caps every item collection at 10 GB (the items and their LSI copies), and the largest "+
				"collection%s is already %s. Plan for growth: spread it over more partition-key values (a date or a shard suffix "+
				"in the key), or replace the LSI by a GSI.",
			plural(d.lsis, "LSI", "LSIs"), d.collLabel(), gb(d.collBytes))
	}
	if d.in.MonotonicSortKey && d.keyWrites() > partition.PartitionWCU+1e-9 {
		add(MonotonicSortKey, SeverityError, InputMonotonic,
			"The hottest partition-key value%s takes %s WCU/s, and its sort key only increases: every new item lands at the "+
				"end of the key range, so split for heat cannot spread its writes and the value stays at one partition's %s WCU/s. "+
				"Spread it over more partition-key values: %s.",
			d.hotSuffix(), num(d.keyWrites()), num(partition.PartitionWCU), d.spreadAdvice(requiredShards))
	}
	fs = append(fs, d.gsiFindings()...)
	if f, ok := d.coldStart(); ok {
		fs = append(fs, f)
	}
	fs = append(fs, d.bulkPutFindings()...)
	if d.wcu > TableQuotaUnits || d.rcu > TableQuotaUnits {
		input, what := d.wcuFrom, fmt.Sprintf("%s WCU/s", num(d.wcu))
		if d.wcu <= TableQuotaUnits {
			input, what = d.rcuFrom, fmt.Sprintf("%s RCU/s", num(d.rcu))
		} else if d.rcu > TableQuotaUnits {
			what += fmt.Sprintf(" and %s RCU/s", num(d.rcu))
		}
		add(Quota, SeverityWarning, input,
			"%s is above the default per-table quota of %s units per second (read and write each). Request a higher "+
				"quota (Service Quotas, Amazon DynamoDB) for this account and region before applying, or the table cannot be "+
				"given this capacity.", upperFirst(what), num(TableQuotaUnits))
	}
	return fs
}

// tooFewShards: fewer partition-key values than the partitions the throughput needs, or the
// hottest key above one partition; a warning when only storage partitions go unused.
func (d *design) tooFewShards(required int64) (Finding, bool) {
	f := Finding{Code: TooFewShards, Severity: SeverityError, Input: d.shardFrom, Index: -1}
	if required > d.shards {
		var why []string
		if d.values > 0 && d.values < d.pThroughput {
			why = append(why, fmt.Sprintf("%s cannot use the %s partitions that %s need: at most %s of them take traffic",
				d.valuesText(), num(float64(d.pThroughput)), d.capacityText(), num(float64(d.values))))
		}
		if d.hotKey() || d.burstWrites > partition.PartitionWCU {
			why = append(why, fmt.Sprintf("the hottest %s needs %s, but one partition-key value takes at most one partition's %s WCU/s and %s RCU/s",
				d.hotLabel(), d.demandText(), num(partition.PartitionWCU), num(partition.PartitionRCU)))
		}
		if len(why) == 0 {
			why = append(why, fmt.Sprintf("the hottest key needs %d shards", required))
		}
		f.Message = upperFirst(strings.Join(why, "; ")) + ". " + d.shardAdvice(required)
		return f, true
	}
	if d.values > 0 && d.values < d.partitions {
		f.Severity = SeverityWarning
		f.Message = fmt.Sprintf("%s are fewer than the %s partitions the storage needs (%s): each partition gets %s WCU/s and "+
			"%s RCU/s of the provisioned throughput, so with few values the table relies on adaptive capacity to reach it. "+
			"More values spread the load: %s",
			upperFirst(d.valuesText()), num(float64(d.partitions)), gb(d.storageBytes), num(d.wcu/float64(d.partitions)),
			num(d.rcu/float64(d.partitions)), d.shardAdvice(d.shards*ceilDiv(d.partitions, d.values)))
		return f, true
	}
	return Finding{}, false
}

func (d *design) gsiFindings() []Finding {
	var fs []Finding
	for i, g := range d.in.GSIs {
		share := gsiShare(g)
		demand := share * d.wcu
		if share <= 0 || demand <= partition.PartitionWCU+1e-9 {
			continue
		}
		need := int64(math.Ceil(demand/partition.PartitionWCU - 1e-9))
		how := fmt.Sprintf("takes %s of the table's writes", pct(share))
		if g.HottestShare <= 0 {
			how = fmt.Sprintf("takes 1/%d of the table's writes (%s key values, evenly used)", g.PartitionKeys, num(float64(g.PartitionKeys)))
		}
		fs = append(fs, Finding{Code: GSIHotKey, Severity: SeverityError, Input: InputGSIs, Index: i, Message: fmt.Sprintf(
			"GSI %q: its hottest key value %s, %s WCU/s of index writes at %s WCU/s, but one index partition takes at most %s WCU/s. "+
				"A GSI that cannot keep up throttles writes to the table itself (back-pressure), so the table reaches at most %s WCU/s. "+
				"Give the index key more distinct values: add a calculated shard suffix to it (at least %d shards for the hottest "+
				"value) or choose a key with more values.",
			g.Name, how, num(demand), num(d.wcu), num(partition.PartitionWCU), num(partition.PartitionWCU/share), need)})
	}
	return fs
}

// coldStart: an on-demand table asked for more than it serves at once, and not pre-warmed.
func (d *design) coldStart() (Finding, bool) {
	if d.billing != OnDemand || d.in.Prewarmed {
		return Finding{}, false
	}
	instantW := math.Max(NewOnDemandWriteUnits, 2*float64(d.in.PreviousPeakWriteUnits))
	instantR := math.Max(NewOnDemandReadUnits, 2*float64(d.in.PreviousPeakReadUnits))
	if t := d.in.Table; t != nil && t.WarmThroughput != nil {
		instantW = math.Max(instantW, float64(t.WarmThroughput.WriteUnits))
		instantR = math.Max(instantR, float64(t.WarmThroughput.ReadUnits))
	}
	var over []string
	input := ""
	if d.wcu > instantW {
		over = append(over, fmt.Sprintf("%s WCU/s where it serves %s", num(d.wcu), num(instantW)))
		input = d.wcuFrom
	}
	if d.rcu > instantR {
		over = append(over, fmt.Sprintf("%s RCU/s where it serves %s", num(d.rcu), num(instantR)))
		if input == "" {
			input = d.rcuFrom
		}
	}
	if len(over) == 0 {
		return Finding{}, false
	}
	return Finding{Code: OnDemandColdStart, Severity: SeverityWarning, Input: input, Index: -1, Message: fmt.Sprintf(
		"The on-demand table is asked for %s at once. A new on-demand table serves about %s WCU/s and %s RCU/s, and "+
			"later twice its previous peak (or its warm throughput); beyond that it throttles for up to 30 minutes while it "+
			"scales. Pre-warm it for the peak with a ddbload_prewarm resource (warm throughput, or the provisioned-then-on-demand "+
			"switch) and set prewarmed = true, or ramp the load up over 30 minutes.",
		strings.Join(over, " and "), num(NewOnDemandWriteUnits), num(NewOnDemandReadUnits))}, true
}

// demandFrom names the input that makes the hottest value hot.
func (d *design) demandFrom() string {
	if d.burstWrites > 0 && d.burstWrites >= d.valueShare*d.wcu && d.collFrom != "" {
		return d.collFrom
	}
	if d.shareFrom != "" {
		return d.shareFrom
	}
	return InputPartitionKeys
}

// demandText is the hottest value's demand: "5,000 WCU/s (5,000 items written at once)".
func (d *design) demandText() string {
	w, r := d.keyWrites(), d.keyReads()
	var parts []string
	if w > 0 {
		s := num(w) + " WCU/s"
		if d.burstWrites > 0 && d.burstWrites >= d.valueShare*d.wcu {
			s += fmt.Sprintf(" (%s items written at once)", num(float64(d.collItems)))
		} else if d.valueShare > 0 && d.wcu > 0 {
			s += fmt.Sprintf(" (%s of %s WCU/s)", pct(d.valueShare), num(d.wcu))
		}
		parts = append(parts, s)
	}
	if r > 0 {
		parts = append(parts, fmt.Sprintf("%s RCU/s (%s of %s RCU/s)", num(r), pct(d.valueShare), num(d.rcu)))
	}
	return strings.Join(parts, " and ")
}

// hotLabel names the hottest key in messages: `"alice"` from a dataset, else a description.
func (d *design) hotLabel() string {
	switch {
	case d.hotName != "":
		return "partition key " + d.hotName
	case d.shards > 1:
		return "partition-key value (one shard of the hottest key)"
	}
	return "partition key"
}

// hotSuffix is the hottest value's name for "the hottest value%s", when a dataset gives it.
func (d *design) hotSuffix() string {
	if d.hotName != "" {
		return " (partition key " + d.hotName + ")"
	}
	return ""
}

func (d *design) collLabel() string {
	if d.fromDataset && d.collFrom == InputDataset && d.in.Keys != nil && d.in.Keys.LargestCollection.PartitionKey != "" {
		return " (partition key " + loader.PartitionKeyText(d.in.Keys.LargestCollection.PartitionKey) + ")"
	}
	return ""
}

func (d *design) valuesText() string {
	if d.fromDataset {
		return fmt.Sprintf("the dataset's %s", plural(d.values, "partition-key value", "partition-key values"))
	}
	return fmt.Sprintf("%s (%s × %s)", plural(d.values, "partition-key value", "partition-key values"),
		plural(d.keys, "key", "keys"), plural(d.shards, "shard", "shards"))
}

func (d *design) capacityText() string {
	var parts []string
	if d.rcu > 0 {
		parts = append(parts, num(d.rcu)+" RCU/s")
	}
	if d.wcu > 0 {
		parts = append(parts, num(d.wcu)+" WCU/s")
	}
	return strings.Join(parts, " and ")
}

// shardAdvice says how many shards to use, in the terms of the input at fault.
func (d *design) shardAdvice(required int64) string {
	if d.fromDataset {
		if d.shards > 1 {
			return fmt.Sprintf("Raise dataset.shard_count from %d to at least %d.", d.shards, required)
		}
		return fmt.Sprintf("Shard the key: dataset.partition_key = \"{...}#{shard}\" with dataset.shard_attribute and "+
			"dataset.shard_count = %d or more (the hottest key needs at least %d shards).", required, required)
	}
	return fmt.Sprintf("The hottest key needs at least %d shards: set shard_count = %d or more (today %d) and write the "+
		"key as \"<key>#<shard>\" with a calculated suffix (provider::ddbload::shard, or ddbload_dataset's {shard}).",
		required, required, d.shards)
}

func (d *design) spreadAdvice(required int64) string {
	if required > 1 && required > d.shards {
		return fmt.Sprintf("add a time bucket to the partition key (e.g. \"<date>:<user_id>\") or a calculated shard suffix "+
			"(at least %d shards)", required)
	}
	return "add a time bucket to the partition key (e.g. \"<date>:<user_id>\") or a calculated shard suffix"
}
