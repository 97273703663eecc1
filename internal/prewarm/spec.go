package prewarm

import (
	"fmt"
	"time"

	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// Strategy is how a table is pre-warmed.
type Strategy string

// The strategies.
const (
	// StrategyWarmThroughput raises the table's and GSIs' warm throughput with UpdateTable.
	StrategyWarmThroughput Strategy = "warm_throughput"
	// StrategyProvisionedSwitch switches to PROVISIONED at the targets, holds, then switches
	// to the final billing mode.
	StrategyProvisionedSwitch Strategy = "provisioned_switch"
)

// Billing modes as DynamoDB names them.
const (
	BillingProvisioned   = "PROVISIONED"
	BillingPayPerRequest = "PAY_PER_REQUEST"
)

// Defaults and DynamoDB's rules (as DynamoDB documents capacity modes and warm throughput).
const (
	// DefaultHold is how long provisioned_switch stays provisioned at the peak once the table
	// and its GSIs are ACTIVE at it.
	DefaultHold = 5 * time.Minute
	// TableQuota is DynamoDB's default per-table quota, in RCU and in WCU (table and each GSI).
	TableQuota = 40000
	// AccountQuota is DynamoDB's default per-account quota of provisioned capacity, in RCU
	// and in WCU, summed over tables and GSIs.
	AccountQuota = 80000
	// MaxSwitchesToOnDemand switches from provisioned to on-demand are allowed per SwitchWindow.
	MaxSwitchesToOnDemand = 4
	// SwitchWindow is the rolling window of that rule.
	SwitchWindow = 24 * time.Hour
)

// IndexSpec overrides the targets of one GSI. Zero members take the table's values.
type IndexSpec struct {
	Target        tableinfo.Throughput
	FinalCapacity tableinfo.Throughput
}

// Spec is what to do to one table.
type Spec struct {
	Table    string
	Strategy Strategy // "" means StrategyWarmThroughput
	// Target is the peak the table must sustain at once, in read and write units per second.
	Target tableinfo.Throughput
	// Indexes overrides the targets per GSI, by index name; every GSI not listed gets Target.
	Indexes map[string]IndexSpec
	// Hold is how long provisioned_switch stays at the peak (DefaultHold if negative).
	Hold time.Duration
	// FinalBillingMode is provisioned_switch's final mode: BillingPayPerRequest ("" too) or
	// BillingProvisioned, the latter at FinalCapacity (table, and GSIs unless overridden).
	FinalBillingMode string
	FinalCapacity    tableinfo.Throughput
}

// withDefaults returns the spec with its defaults filled in, or a *SpecError.
func (s Spec) withDefaults() (Spec, error) {
	if s.Strategy == "" {
		s.Strategy = StrategyWarmThroughput
	}
	if s.FinalBillingMode == "" {
		s.FinalBillingMode = BillingPayPerRequest
	}
	if s.Hold < 0 {
		s.Hold = DefaultHold
	}
	switch {
	case s.Table == "":
		return s, &SpecError{Field: "table", Reason: "the table name is empty"}
	case s.Strategy != StrategyWarmThroughput && s.Strategy != StrategyProvisionedSwitch:
		return s, &SpecError{Field: "strategy", Reason: fmt.Sprintf("%q is not %q or %q", s.Strategy, StrategyWarmThroughput, StrategyProvisionedSwitch)}
	case s.Target.ReadUnits < 1 || s.Target.WriteUnits < 1:
		return s, &SpecError{Field: "target", Reason: "read and write units per second must both be at least 1"}
	case s.FinalBillingMode != BillingPayPerRequest && s.FinalBillingMode != BillingProvisioned:
		return s, &SpecError{Field: "final billing mode", Reason: fmt.Sprintf("%q is not %s or %s", s.FinalBillingMode, BillingPayPerRequest, BillingProvisioned)}
	}
	if s.Strategy == StrategyProvisionedSwitch && s.FinalBillingMode == BillingProvisioned &&
		(s.FinalCapacity.ReadUnits < 1 || s.FinalCapacity.WriteUnits < 1) {
		return s, &SpecError{Field: "final capacity", Reason: "a final PROVISIONED mode needs read and write capacity of at least 1"}
	}
	for name, ix := range s.Indexes {
		if ix.Target.ReadUnits < 0 || ix.Target.WriteUnits < 0 || ix.FinalCapacity.ReadUnits < 0 || ix.FinalCapacity.WriteUnits < 0 {
			return s, &SpecError{Field: "index " + name, Reason: "targets and capacities must not be negative"}
		}
	}
	return s, nil
}

// component is the table ("" index) or one GSI, with its resolved targets.
type component struct {
	index  string
	target tableinfo.Throughput
	final  tableinfo.Throughput
}

func (c component) label(table string) string {
	if c.index == "" {
		return "table " + table
	}
	return "GSI " + c.index
}

// components resolves the targets of the table and each of its GSIs (in the table's order).
func (s Spec) components(t *tableinfo.Table) ([]component, error) {
	have := make(map[string]bool, len(t.GlobalIndexes))
	var names []string
	for _, g := range t.GlobalIndexes {
		have[g.Name] = true
		names = append(names, g.Name)
	}
	for name := range s.Indexes {
		if !have[name] {
			return nil, &IndexNotFoundError{Table: s.Table, Index: name, Have: names}
		}
	}
	out := []component{{target: s.Target, final: s.FinalCapacity}}
	for _, name := range names {
		c := component{index: name, target: s.Target, final: s.FinalCapacity}
		if ix, ok := s.Indexes[name]; ok {
			c.target = orDefault(ix.Target, s.Target)
			c.final = orDefault(ix.FinalCapacity, s.FinalCapacity)
		}
		out = append(out, c)
	}
	return out, nil
}

func orDefault(v, def tableinfo.Throughput) tableinfo.Throughput {
	if v.ReadUnits == 0 {
		v.ReadUnits = def.ReadUnits
	}
	if v.WriteUnits == 0 {
		v.WriteUnits = def.WriteUnits
	}
	return v
}
