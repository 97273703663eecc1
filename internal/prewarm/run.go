package prewarm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/hashicorp/go-hclog"

	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// Polling of DescribeTable while waiting: the first check is immediate, then the delay grows
// from DefaultPollMin by half each time up to DefaultPollMax.
const (
	DefaultPollMin = 500 * time.Millisecond
	DefaultPollMax = 10 * time.Second
	// maxInUseRetries bounds how often an UpdateTable refused with ResourceInUseException
	// (another update is running) is retried after waiting for the table.
	maxInUseRetries = 5
)

// Engine runs pre-warms. API is required; the rest have defaults.
type Engine struct {
	API   API
	Clock Clock // default SystemClock
	// PollMin and PollMax bound the delay between DescribeTable calls while waiting.
	PollMin, PollMax time.Duration
	// Logger receives lifecycle messages at the INFO level (nil: silent); the provider passes
	// one that writes through tflog.
	Logger hclog.Logger
}

// Result is what a run did.
type Result struct {
	Strategy Strategy
	// Plan is the plan the run carried out (nil if the table could not be described).
	Plan *Plan
	// Actions lists what was done, in order, each with its time (RFC 3339, UTC).
	Actions     []string
	UpdateCalls int
	StartedAt   time.Time
	CompletedAt time.Time // zero if the run did not finish
	// HoldStartedAt and HoldEndedAt bound the hold at the peak (zero if there was none).
	HoldStartedAt, HoldEndedAt time.Time
	// Raised is true once provisioned_switch's raise to the peak was accepted; Finalized once
	// the final update was (or none was needed).
	Raised, Finalized bool
	// Final is the last description of the table (at the end, or when the run stopped).
	Final *Snapshot
}

// LeftAtPeak reports whether the run stopped with the table still provisioned at the peak
// although a final update was due: it bills provisioned capacity by the hour until switched.
func (r *Result) LeftAtPeak() bool {
	return r.Raised && !r.Finalized
}

// Run pre-warms spec.Table: it waits until the table is idle (ACTIVE, no update running),
// plans, and carries the plan out. The result is never nil and records what was done also
// when the run fails. A plan with nothing to do makes no UpdateTable call.
func (e *Engine) Run(ctx context.Context, spec Spec) (*Result, error) {
	clock := e.clock()
	res := &Result{Strategy: spec.Strategy, StartedAt: clock.Now()}
	spec, err := spec.withDefaults()
	if err != nil {
		return res, err
	}
	res.Strategy = spec.Strategy
	snap, err := e.waitFor(ctx, spec.Table, "the table and every GSI to be ACTIVE", idle)
	if err != nil {
		return res, err
	}
	res.Final = snap
	plan, err := MakePlan(spec, snap, clock.Now())
	if err != nil {
		return res, err
	}
	res.Plan = plan
	e.log("Pre-warm planned", "table_name", spec.Table, "strategy", string(spec.Strategy),
		"update_calls", plan.UpdateCalls(), "actions", plan.Actions())
	if plan.NoOp {
		res.Finalized = true
		res.CompletedAt = clock.Now()
		return res, nil
	}
	if spec.Strategy == StrategyWarmThroughput {
		err = e.runWarm(ctx, plan, res)
	} else {
		err = e.runSwitch(ctx, plan, res)
	}
	if err != nil {
		return res, err
	}
	res.CompletedAt = clock.Now()
	e.log("Pre-warm done", "table_name", spec.Table, "strategy", string(spec.Strategy),
		"update_calls", res.UpdateCalls, "billing_mode", res.Final.BillingMode)
	return res, nil
}

func (e *Engine) runWarm(ctx context.Context, p *Plan, res *Result) error {
	if err := e.update(ctx, res, p.Steps[0], p.warmInput); err != nil {
		return err
	}
	snap, err := e.waitFor(ctx, p.Table, "warm throughput to be ACTIVE at the targets", func(s *Snapshot) (bool, error) {
		for ix, req := range p.warmTo {
			w := warmOf(s.Table, ix)
			if w == nil {
				return false, &WarmThroughputNotReportedError{Table: p.Table, Index: ix}
			}
			if w.ReadUnits < req.ReadUnits || w.WriteUnits < req.WriteUnits || !activeOrEmpty(w.Status) {
				return false, nil
			}
		}
		return idle(s)
	})
	if snap != nil {
		res.Final = snap
	}
	if err != nil {
		return err
	}
	res.Finalized = true
	e.act(res, "warm throughput ACTIVE")
	return nil
}

func (e *Engine) runSwitch(ctx context.Context, p *Plan, res *Result) error {
	clock := e.clock()
	if p.raiseInput != nil {
		if err := e.update(ctx, res, p.Steps[0], p.raiseInput); err != nil {
			return err
		}
		res.Raised = true
		snap, err := e.waitFor(ctx, p.Table, "the table and every GSI to be ACTIVE at the peak capacity", func(s *Snapshot) (bool, error) {
			if s.BillingMode != BillingProvisioned || !atLeast(s.Table, p.peak) {
				return false, nil
			}
			return idle(s)
		})
		if snap != nil {
			res.Final = snap
		}
		if err != nil {
			return err
		}
		e.act(res, "ACTIVE at the peak capacity: "+p.PeakSummary())
	}
	if p.Hold > 0 {
		res.HoldStartedAt = clock.Now()
		e.log("Holding at the peak capacity", "table_name", p.Table, "hold", p.Hold.String(),
			"until", res.HoldStartedAt.Add(p.Hold).UTC().Format(time.RFC3339))
		if err := clock.Sleep(ctx, p.Hold); err != nil {
			return &WaitError{Table: p.Table, For: fmt.Sprintf("the end of the %s hold at the peak capacity", p.Hold),
				Last: "held since " + res.HoldStartedAt.UTC().Format(time.RFC3339), Err: err}
		}
		res.HoldEndedAt = clock.Now()
		e.act(res, "held "+p.Hold.String()+" at the peak")
	}
	if p.finalInput == nil {
		res.Finalized = true
		return nil
	}
	step := p.Steps[len(p.Steps)-2]
	if err := e.update(ctx, res, step, p.finalInput); err != nil {
		var ue *UpdateError
		if p.finalMode == BillingPayPerRequest && errors.As(err, &ue) && isSwitchRefusal(ue.Err) {
			ref := &SwitchRefusedError{Table: p.Table, LastSwitch: p.lastSwitch, Err: ue.Err}
			if p.lastSwitch != nil {
				safe := p.lastSwitch.Add(SwitchWindow)
				ref.SafeAt = &safe
			}
			return ref
		}
		return err
	}
	res.Finalized = true
	snap, err := e.waitFor(ctx, p.Table, "the table and every GSI to be ACTIVE in the final billing mode", func(s *Snapshot) (bool, error) {
		if s.BillingMode != p.finalMode || (p.finalTo != nil && !equalTo(s.Table, p.finalTo)) {
			return false, nil
		}
		return idle(s)
	})
	if snap != nil {
		res.Final = snap
	}
	if err != nil {
		return err
	}
	e.act(res, "ACTIVE as "+p.finalMode)
	return nil
}

// update makes one UpdateTable call. Refused because another update is running, it waits for
// the table and tries again, a few times.
func (e *Engine) update(ctx context.Context, res *Result, step Step, in *dynamodb.UpdateTableInput) error {
	table := *in.TableName
	for attempt := 1; ; attempt++ {
		e.log("Calling UpdateTable", "table_name", table, "step", string(step.Kind), "indexes", step.Indexes)
		_, err := e.API.UpdateTable(ctx, in)
		if err == nil {
			res.UpdateCalls++
			e.act(res, step.Summary)
			return nil
		}
		var inUse *types.ResourceInUseException
		if !errors.As(err, &inUse) || attempt >= maxInUseRetries || ctx.Err() != nil {
			return &UpdateError{Table: table, Step: step.Kind, Err: err}
		}
		e.log("Table busy with another update; waiting to retry", "table_name", table, "attempt", attempt)
		if _, err := e.waitFor(ctx, table, "another update to finish", idle); err != nil {
			return err
		}
	}
}

// waitFor describes the table until done says so, sleeping between calls. It returns the
// last description, and a *WaitError when ctx ends first.
func (e *Engine) waitFor(ctx context.Context, table, what string, done func(*Snapshot) (bool, error)) (*Snapshot, error) {
	clock := e.clock()
	delay, maxDelay := e.PollMin, e.PollMax
	if delay <= 0 {
		delay = DefaultPollMin
	}
	if maxDelay < delay {
		maxDelay = max(DefaultPollMax, delay)
	}
	var last *Snapshot
	for {
		snap, err := Describe(ctx, e.API, table)
		if err != nil {
			if ctx.Err() != nil {
				return last, &WaitError{Table: table, For: what, Last: stateText(last), Err: ctx.Err()}
			}
			return last, err
		}
		last = snap
		ok, err := done(snap)
		if err != nil || ok {
			return snap, err
		}
		if err := clock.Sleep(ctx, delay); err != nil {
			return last, &WaitError{Table: table, For: what, Last: stateText(last), Err: err}
		}
		delay = min(delay+delay/2, maxDelay)
	}
}

func (e *Engine) clock() Clock {
	if e.Clock == nil {
		return SystemClock{}
	}
	return e.Clock
}

func (e *Engine) log(msg string, args ...any) {
	if e.Logger != nil {
		e.Logger.Info(msg, args...)
	}
}

func (e *Engine) act(res *Result, what string) {
	res.Actions = append(res.Actions, e.clock().Now().UTC().Format(time.RFC3339)+" "+what)
}

// idle reports whether the table and every GSI are ACTIVE with no warm-throughput update
// running. Servers that report no status count as ACTIVE.
func idle(s *Snapshot) (bool, error) {
	if !activeOrEmpty(s.Status) || (s.WarmThroughput != nil && !activeOrEmpty(s.WarmThroughput.Status)) {
		return false, nil
	}
	for _, g := range s.GlobalIndexes {
		if !activeOrEmpty(g.Status) || (g.WarmThroughput != nil && !activeOrEmpty(g.WarmThroughput.Status)) {
			return false, nil
		}
	}
	return true, nil
}

func activeOrEmpty(status string) bool {
	return status == "" || status == "ACTIVE"
}

// atLeast reports whether every component's provisioned capacity is at least want's.
func atLeast(t *tableinfo.Table, want map[string]tableinfo.Throughput) bool {
	for ix, w := range want {
		have := provisionedOf(t, ix)
		if have.ReadUnits < w.ReadUnits || have.WriteUnits < w.WriteUnits {
			return false
		}
	}
	return true
}

func equalTo(t *tableinfo.Table, want map[string]tableinfo.Throughput) bool {
	for ix, w := range want {
		if provisionedOf(t, ix) != w {
			return false
		}
	}
	return true
}

// isSwitchRefusal reports whether an UpdateTable error to PAY_PER_REQUEST is DynamoDB's
// refusal under the switching rule: a LimitExceededException, or a validation error that
// speaks of the billing-mode switch limit.
func isSwitchRefusal(err error) bool {
	var le *types.LimitExceededException
	if errors.As(err, &le) {
		return true
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	m := strings.ToLower(ae.ErrorMessage())
	aboutMode := strings.Contains(m, "payperrequest") || strings.Contains(m, "pay_per_request") ||
		strings.Contains(m, "billing mode") || strings.Contains(m, "on-demand")
	aboutLimit := strings.Contains(m, "once") || strings.Contains(m, "times") || strings.Contains(m, "limit") ||
		strings.Contains(m, "24 hours") || strings.Contains(m, "day")
	return aboutMode && aboutLimit
}

// stateText describes a table's state for error messages.
func stateText(s *Snapshot) string {
	if s == nil {
		return ""
	}
	parts := []string{"table " + orUnknown(s.Status) + " " + s.BillingMode}
	if s.WarmThroughput != nil {
		parts = append(parts, fmt.Sprintf("warm %s %s", warmText(s.WarmThroughput.Throughput), orUnknown(s.WarmThroughput.Status)))
	}
	for _, g := range s.GlobalIndexes {
		t := "GSI " + g.Name + " " + orUnknown(g.Status)
		if g.WarmThroughput != nil {
			t += fmt.Sprintf(" warm %s %s", warmText(g.WarmThroughput.Throughput), orUnknown(g.WarmThroughput.Status))
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, "; ")
}

func orUnknown(s string) string {
	if s == "" {
		return "(status not reported)"
	}
	return s
}
