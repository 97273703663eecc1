package prewarm

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// StepKind names what a step of a run does.
type StepKind string

// The steps, in the order a run may take them.
const (
	StepUpdateWarmThroughput StepKind = "update_warm_throughput"
	StepWaitWarmActive       StepKind = "wait_warm_throughput_active"
	StepSwitchToProvisioned  StepKind = "switch_to_provisioned"
	StepRaiseProvisioned     StepKind = "raise_provisioned"
	StepWaitActive           StepKind = "wait_active"
	StepHold                 StepKind = "hold"
	StepSwitchToOnDemand     StepKind = "switch_to_on_demand"
	StepSetSteadyCapacity    StepKind = "set_steady_capacity"
)

// Step is one thing a run does.
type Step struct {
	Kind StepKind
	// Summary says what happens: which API call with which values.
	Summary string
	// Indexes names the GSIs the step touches.
	Indexes []string
}

// WarningKind names a reason to warn at plan time.
type WarningKind string

// The warnings.
const (
	WarnTableQuota   WarningKind = "table_quota"
	WarnAccountQuota WarningKind = "account_quota"
	WarnSwitchRule   WarningKind = "switch_rule"
)

// Warning is something the user should know before applying. Summary is in Title Case.
type Warning struct {
	Kind    WarningKind
	Summary string
	Detail  string
	// SafeAt is, for WarnSwitchRule, when a switch to on-demand is certainly allowed again.
	SafeAt *time.Time
}

// CapacityHours is provisioned capacity over time: capacity units × hours.
type CapacityHours struct {
	Read, Write float64
}

// Plan is what a run will do to a table as it is now.
type Plan struct {
	Table    string
	Strategy Strategy
	// NoOp is true when the table needs no change; Reason says why.
	NoOp   bool
	Reason string
	Steps  []Step
	// Indexes lists the GSIs the run changes.
	Indexes []string
	// Above lists the parts of the table whose current value already exceeds a target: warm
	// throughput (and partitions) never decrease, so nothing lowers them.
	Above []string
	// Hold is how long the run stays at the peak; HoldCapacityHours what that bills
	// (provisioned_switch only; zero when there is no hold).
	Hold              time.Duration
	HoldCapacityHours CapacityHours
	Warnings          []Warning

	warmInput  *dynamodb.UpdateTableInput
	warmTo     map[string]tableinfo.Throughput // requested warm throughput by component; 0 = not requested
	raiseInput *dynamodb.UpdateTableInput
	peak       map[string]tableinfo.Throughput // provisioned capacity after the raise, by component
	finalInput *dynamodb.UpdateTableInput
	finalMode  string
	finalTo    map[string]tableinfo.Throughput // provisioned capacity after a final PROVISIONED update
	lastSwitch *time.Time
}

// Actions lists the steps' summaries, or says why there is nothing to do.
func (p *Plan) Actions() []string {
	if p.NoOp {
		return []string{"none: " + p.Reason}
	}
	out := make([]string, 0, len(p.Steps))
	for _, s := range p.Steps {
		out = append(out, s.Summary)
	}
	return out
}

// UpdateCalls is how many UpdateTable calls the plan makes.
func (p *Plan) UpdateCalls() int {
	n := 0
	for _, in := range []*dynamodb.UpdateTableInput{p.warmInput, p.raiseInput, p.finalInput} {
		if in != nil {
			n++
		}
	}
	return n
}

// PeakSummary describes the provisioned capacity the run raises the table and its GSIs to
// (provisioned_switch), e.g. "table orders 12,000 RCU / 8,000 WCU, GSI by_status 12,000 RCU /
// 8,000 WCU".
func (p *Plan) PeakSummary() string {
	if p.peak == nil {
		return ""
	}
	parts := []string{fmt.Sprintf("table %s %s", p.Table, capText(p.peak[""]))}
	for _, ix := range sortedIndexes(p.peak) {
		parts = append(parts, fmt.Sprintf("GSI %s %s", ix, capText(p.peak[ix])))
	}
	return strings.Join(parts, ", ")
}

// MakePlan computes what a run of spec does to the table as snap describes it at time now.
// It makes no call. Errors are a *SpecError or an *IndexNotFoundError.
func MakePlan(spec Spec, snap *Snapshot, now time.Time) (*Plan, error) {
	spec, err := spec.withDefaults()
	if err != nil {
		return nil, err
	}
	comps, err := spec.components(snap.Table)
	if err != nil {
		return nil, err
	}
	p := &Plan{Table: spec.Table, Strategy: spec.Strategy}
	p.warnTableQuota(comps)
	if spec.Strategy == StrategyWarmThroughput {
		p.planWarm(snap, comps)
	} else {
		p.planSwitch(spec, snap, comps, now)
	}
	return p, nil
}

func (p *Plan) planWarm(snap *Snapshot, comps []component) {
	in := &dynamodb.UpdateTableInput{TableName: aws.String(p.Table)}
	p.warmTo = map[string]tableinfo.Throughput{}
	var changes []string
	for _, c := range comps {
		var have tableinfo.Throughput
		cur := warmOf(snap.Table, c.index)
		if cur != nil {
			have = cur.Throughput
		}
		if cur != nil && (c.target.ReadUnits < have.ReadUnits || c.target.WriteUnits < have.WriteUnits) {
			p.Above = append(p.Above, fmt.Sprintf("%s has warm throughput %s", c.label(p.Table), warmText(have)))
		}
		var req tableinfo.Throughput
		var parts []string
		if c.target.ReadUnits > have.ReadUnits {
			req.ReadUnits = c.target.ReadUnits
			parts = append(parts, fmt.Sprintf("read %s → %s", currentText(cur, have.ReadUnits), num(req.ReadUnits)))
		}
		if c.target.WriteUnits > have.WriteUnits {
			req.WriteUnits = c.target.WriteUnits
			parts = append(parts, fmt.Sprintf("write %s → %s", currentText(cur, have.WriteUnits), num(req.WriteUnits)))
		}
		if len(parts) == 0 {
			continue
		}
		p.warmTo[c.index] = req
		changes = append(changes, c.label(p.Table)+" "+strings.Join(parts, ", ")+" units/s")
		wt := &types.WarmThroughput{}
		if req.ReadUnits > 0 {
			wt.ReadUnitsPerSecond = aws.Int64(req.ReadUnits)
		}
		if req.WriteUnits > 0 {
			wt.WriteUnitsPerSecond = aws.Int64(req.WriteUnits)
		}
		if c.index == "" {
			in.WarmThroughput = wt
			continue
		}
		p.Indexes = append(p.Indexes, c.index)
		in.GlobalSecondaryIndexUpdates = append(in.GlobalSecondaryIndexUpdates, types.GlobalSecondaryIndexUpdate{
			Update: &types.UpdateGlobalSecondaryIndexAction{IndexName: aws.String(c.index), WarmThroughput: wt},
		})
	}
	if len(changes) == 0 {
		p.NoOp = true
		p.Reason = fmt.Sprintf("table %s%s already has warm throughput at or above the targets (warm throughput never decreases)",
			p.Table, andGSIs(comps))
		return
	}
	p.warmInput = in
	p.Steps = []Step{
		{Kind: StepUpdateWarmThroughput, Summary: "UpdateTable WarmThroughput: " + strings.Join(changes, "; "), Indexes: p.Indexes},
		{Kind: StepWaitWarmActive, Summary: "wait until DescribeTable reports that warm throughput ACTIVE", Indexes: p.Indexes},
	}
}

func (p *Plan) planSwitch(spec Spec, snap *Snapshot, comps []component, now time.Time) {
	t := snap.Table
	p.finalMode = spec.FinalBillingMode
	p.lastSwitch = t.LastSwitchToOnDemand
	if t.BillingMode == BillingPayPerRequest && spec.FinalBillingMode == BillingPayPerRequest && warmAtTargets(t, comps) {
		p.NoOp = true
		p.Reason = fmt.Sprintf("table %s%s is on-demand and DescribeTable reports warm throughput at or above the targets already, "+
			"so a switch would change nothing", p.Table, andGSIs(comps))
		return
	}

	// Raise: to the targets from on-demand (every GSI must be given capacity), or to at least
	// the targets when already provisioned (never lowering anything).
	p.peak = map[string]tableinfo.Throughput{}
	raise := &dynamodb.UpdateTableInput{TableName: aws.String(p.Table)}
	fromOnDemand := t.BillingMode == BillingPayPerRequest
	if fromOnDemand {
		raise.BillingMode = types.BillingModeProvisioned
	}
	var changes []string
	for _, c := range comps {
		cur := provisionedOf(t, c.index)
		req := c.target
		if !fromOnDemand {
			req = tableinfo.Throughput{ReadUnits: max(cur.ReadUnits, c.target.ReadUnits), WriteUnits: max(cur.WriteUnits, c.target.WriteUnits)}
			if cur.ReadUnits > c.target.ReadUnits || cur.WriteUnits > c.target.WriteUnits {
				p.Above = append(p.Above, fmt.Sprintf("%s is provisioned at %s", c.label(p.Table), capText(cur)))
			}
		}
		p.peak[c.index] = req
		if !fromOnDemand && req == cur {
			continue
		}
		pt := &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(req.ReadUnits), WriteCapacityUnits: aws.Int64(req.WriteUnits)}
		if fromOnDemand {
			changes = append(changes, fmt.Sprintf("%s at %s", c.label(p.Table), capText(req)))
		} else {
			changes = append(changes, fmt.Sprintf("%s %s → %s", c.label(p.Table), capText(cur), capText(req)))
		}
		if c.index == "" {
			raise.ProvisionedThroughput = pt
			continue
		}
		p.Indexes = append(p.Indexes, c.index)
		raise.GlobalSecondaryIndexUpdates = append(raise.GlobalSecondaryIndexUpdates, types.GlobalSecondaryIndexUpdate{
			Update: &types.UpdateGlobalSecondaryIndexAction{IndexName: aws.String(c.index), ProvisionedThroughput: pt},
		})
	}
	waitText := "wait until the table" + andEveryGSI(comps) + " is ACTIVE"
	switch {
	case fromOnDemand:
		p.raiseInput = raise
		p.Steps = append(p.Steps, Step{Kind: StepSwitchToProvisioned, Indexes: p.Indexes,
			Summary: "UpdateTable BillingMode PAY_PER_REQUEST → PROVISIONED: " + strings.Join(changes, "; ")})
	case len(changes) > 0:
		p.raiseInput = raise
		p.Steps = append(p.Steps, Step{Kind: StepRaiseProvisioned, Indexes: p.Indexes,
			Summary: "UpdateTable ProvisionedThroughput (already PROVISIONED): " + strings.Join(changes, "; ")})
	}
	if p.raiseInput != nil {
		p.Steps = append(p.Steps, Step{Kind: StepWaitActive, Summary: waitText + " at the peak capacity"})
		p.Hold = spec.Hold
	}
	if p.Hold > 0 {
		var sum tableinfo.Throughput
		for _, v := range p.peak {
			sum.ReadUnits += v.ReadUnits
			sum.WriteUnits += v.WriteUnits
		}
		h := p.Hold.Hours()
		p.HoldCapacityHours = CapacityHours{Read: float64(sum.ReadUnits) * h, Write: float64(sum.WriteUnits) * h}
		p.Steps = append(p.Steps, Step{Kind: StepHold, Summary: fmt.Sprintf("hold %s at the peak: about %s RCU-hours and %s WCU-hours "+
			"billed (table and GSIs), plus the time the updates take", p.Hold, hours(p.HoldCapacityHours.Read), hours(p.HoldCapacityHours.Write))})
	}
	p.warnAccountQuota()

	if spec.FinalBillingMode == BillingPayPerRequest {
		p.finalInput = &dynamodb.UpdateTableInput{TableName: aws.String(p.Table), BillingMode: types.BillingModePayPerRequest}
		p.Steps = append(p.Steps,
			Step{Kind: StepSwitchToOnDemand, Summary: fmt.Sprintf("UpdateTable BillingMode PROVISIONED → PAY_PER_REQUEST "+
				"(one of the %d switches to on-demand DynamoDB allows per rolling 24 hours)", MaxSwitchesToOnDemand)},
			Step{Kind: StepWaitActive, Summary: waitText + " on-demand"})
		p.warnSwitchRule(snap, now)
	} else {
		p.planSteady(comps, waitText)
	}
	if len(p.Steps) == 0 {
		p.NoOp = true
		p.Reason = fmt.Sprintf("table %s%s is already PROVISIONED at or above the targets and at the final capacity", p.Table, andGSIs(comps))
	}
}

// planSteady plans the final update to the steady provisioned capacity.
func (p *Plan) planSteady(comps []component, waitText string) {
	p.finalTo = map[string]tableinfo.Throughput{}
	in := &dynamodb.UpdateTableInput{TableName: aws.String(p.Table)}
	var changes, indexes []string
	for _, c := range comps {
		p.finalTo[c.index] = c.final
		if c.final == p.peak[c.index] {
			continue
		}
		changes = append(changes, fmt.Sprintf("%s %s → %s", c.label(p.Table), capText(p.peak[c.index]), capText(c.final)))
		pt := &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(c.final.ReadUnits), WriteCapacityUnits: aws.Int64(c.final.WriteUnits)}
		if c.index == "" {
			in.ProvisionedThroughput = pt
			continue
		}
		indexes = append(indexes, c.index)
		in.GlobalSecondaryIndexUpdates = append(in.GlobalSecondaryIndexUpdates, types.GlobalSecondaryIndexUpdate{
			Update: &types.UpdateGlobalSecondaryIndexAction{IndexName: aws.String(c.index), ProvisionedThroughput: pt},
		})
	}
	if len(changes) == 0 {
		return
	}
	p.finalInput = in
	p.Steps = append(p.Steps,
		Step{Kind: StepSetSteadyCapacity, Indexes: indexes, Summary: "UpdateTable ProvisionedThroughput to the steady capacity: " + strings.Join(changes, "; ")},
		Step{Kind: StepWaitActive, Summary: waitText + " at the steady capacity"})
}

func (p *Plan) warnTableQuota(comps []component) {
	var over []string
	for _, c := range comps {
		if c.target.ReadUnits > TableQuota || c.target.WriteUnits > TableQuota {
			over = append(over, fmt.Sprintf("%s (%s read, %s write units/s)", c.label(p.Table), num(c.target.ReadUnits), num(c.target.WriteUnits)))
		}
	}
	if len(over) == 0 {
		return
	}
	p.Warnings = append(p.Warnings, Warning{Kind: WarnTableQuota, Summary: "Target Above The Default Table Quota",
		Detail: fmt.Sprintf("The targets of %s exceed DynamoDB's default per-table quota of %s read and %s write units per second "+
			"(it applies to the table and to each GSI). Unless this account's quota was raised (Service Quotas: \"Table-level read "+
			"throughput limit\" and \"Table-level write throughput limit\"), DynamoDB refuses the update.",
			strings.Join(over, ", "), num(TableQuota), num(TableQuota))})
}

func (p *Plan) warnAccountQuota() {
	var sum tableinfo.Throughput
	for _, v := range p.peak {
		sum.ReadUnits += v.ReadUnits
		sum.WriteUnits += v.WriteUnits
	}
	if sum.ReadUnits <= AccountQuota && sum.WriteUnits <= AccountQuota {
		return
	}
	p.Warnings = append(p.Warnings, Warning{Kind: WarnAccountQuota, Summary: "Peak Above The Default Account Quota",
		Detail: fmt.Sprintf("At the peak, table %s and its GSIs are provisioned at %s in total, above DynamoDB's default per-account "+
			"quota of %s read and %s write capacity units, which all provisioned tables and GSIs of the account in this region share. "+
			"Unless the quota was raised (Service Quotas: \"Account-level read/write throughput limit (Provisioned mode)\"), DynamoDB "+
			"refuses the switch.", p.Table, capText(sum), num(AccountQuota), num(AccountQuota))})
}

// warnSwitchRule warns when the table switched to on-demand within the last 24 hours and the
// final switch would come before that switch leaves the window: DynamoDB does not report how
// many of the 4 allowed switches are used, so it may refuse.
func (p *Plan) warnSwitchRule(snap *Snapshot, now time.Time) {
	last := snap.LastSwitchToOnDemand
	if last == nil || last.IsZero() {
		return
	}
	if !snap.CreatedAt.IsZero() && absDuration(last.Sub(snap.CreatedAt)) < 2*time.Second {
		return // created on-demand: that is no switch
	}
	safe := last.Add(SwitchWindow)
	switchAt := now.Add(p.Hold)
	if !switchAt.Before(safe) {
		return
	}
	p.Warnings = append(p.Warnings, Warning{Kind: WarnSwitchRule, Summary: "Switch To On-Demand May Be Refused", SafeAt: &safe,
		Detail: fmt.Sprintf("Table %s last switched to PAY_PER_REQUEST at %s (%s ago). DynamoDB allows at most %d switches from "+
			"provisioned to on-demand in any rolling 24 hours and does not report how many were used. If this table already made %d "+
			"since %s, the final switch is refused and the table stays PROVISIONED at the peak capacity, billed by the hour, until "+
			"it can switch. A switch is certainly allowed from %s. To be safe, apply after that time, use strategy "+
			"\"warm_throughput\", or set final_billing_mode = \"PROVISIONED\".",
			p.Table, last.UTC().Format(time.RFC3339), now.Sub(*last).Round(time.Minute), MaxSwitchesToOnDemand, MaxSwitchesToOnDemand,
			now.Add(-SwitchWindow).UTC().Format(time.RFC3339), safe.UTC().Format(time.RFC3339))})
}

// warmAtTargets reports whether DescribeTable reports warm throughput at or above the targets
// for the table and every GSI.
func warmAtTargets(t *tableinfo.Table, comps []component) bool {
	for _, c := range comps {
		w := warmOf(t, c.index)
		if w == nil || w.ReadUnits < c.target.ReadUnits || w.WriteUnits < c.target.WriteUnits {
			return false
		}
	}
	return true
}

func warmOf(t *tableinfo.Table, index string) *tableinfo.WarmThroughput {
	if index == "" {
		return t.WarmThroughput
	}
	for i := range t.GlobalIndexes {
		if t.GlobalIndexes[i].Name == index {
			return t.GlobalIndexes[i].WarmThroughput
		}
	}
	return nil
}

func provisionedOf(t *tableinfo.Table, index string) tableinfo.Throughput {
	if index == "" {
		return t.Provisioned
	}
	for i := range t.GlobalIndexes {
		if t.GlobalIndexes[i].Name == index {
			return t.GlobalIndexes[i].Provisioned
		}
	}
	return tableinfo.Throughput{}
}

func andGSIs(comps []component) string {
	if len(comps) > 1 {
		return " and its GSIs"
	}
	return ""
}

func andEveryGSI(comps []component) string {
	if len(comps) > 1 {
		return " and every GSI"
	}
	return ""
}

func sortedIndexes(m map[string]tableinfo.Throughput) []string {
	var out []string
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func capText(t tableinfo.Throughput) string {
	return num(t.ReadUnits) + " RCU / " + num(t.WriteUnits) + " WCU"
}

func warmText(t tableinfo.Throughput) string {
	return num(t.ReadUnits) + " read / " + num(t.WriteUnits) + " write units/s"
}

func currentText(cur *tableinfo.WarmThroughput, v int64) string {
	if cur == nil {
		return "(not reported)"
	}
	return num(v)
}

// num formats an integer with thousands separators: 12000 → "12,000".
func num(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// hours formats capacity-hours with one decimal and thousands separators.
func hours(h float64) string {
	tenths := int64(h*10 + 0.5)
	return num(tenths/10) + "." + strconv.FormatInt(tenths%10, 10)
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
