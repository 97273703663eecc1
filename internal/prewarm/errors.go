package prewarm

import (
	"fmt"
	"time"
)

// SpecError says a Spec is invalid: which field and why.
type SpecError struct {
	Field  string
	Reason string
}

func (e *SpecError) Error() string { return fmt.Sprintf("invalid %s: %s", e.Field, e.Reason) }

// IndexNotFoundError says a per-index target names a GSI the table does not have.
type IndexNotFoundError struct {
	Table string
	Index string
	// Have lists the table's GSIs.
	Have []string
}

func (e *IndexNotFoundError) Error() string {
	return fmt.Sprintf("table %q has no global secondary index %q (it has %v)", e.Table, e.Index, e.Have)
}

// UpdateError says an UpdateTable call failed; Step says which one.
type UpdateError struct {
	Table string
	Step  StepKind
	Err   error
}

func (e *UpdateError) Error() string {
	return fmt.Sprintf("UpdateTable on %q (%s) failed: %v", e.Table, e.Step, e.Err)
}

func (e *UpdateError) Unwrap() error { return e.Err }

// SwitchRefusedError says DynamoDB refused the switch to PAY_PER_REQUEST, almost certainly
// because the table already switched to on-demand 4 times in the last 24 hours.
type SwitchRefusedError struct {
	Table string
	// LastSwitch is when the table last switched to on-demand, if DynamoDB said.
	LastSwitch *time.Time
	// SafeAt is when a switch is certainly allowed again (LastSwitch + 24 h), if known.
	SafeAt *time.Time
	Err    error
}

func (e *SwitchRefusedError) Error() string {
	s := fmt.Sprintf("DynamoDB refused to switch table %q to PAY_PER_REQUEST (at most %d switches to on-demand in a rolling %s)",
		e.Table, MaxSwitchesToOnDemand, SwitchWindow)
	if e.SafeAt != nil {
		s += fmt.Sprintf("; certainly allowed again from %s", e.SafeAt.UTC().Format(time.RFC3339))
	}
	return s + ": " + e.Err.Error()
}

func (e *SwitchRefusedError) Unwrap() error { return e.Err }

// WaitError says a wait ended before its condition held: the context was cancelled or its
// deadline (the Terraform timeout) passed. Err is the context's error.
type WaitError struct {
	Table string
	// For says what was awaited, e.g. "the table and every GSI to be ACTIVE".
	For string
	// Last describes the last state seen.
	Last string
	Err  error
}

func (e *WaitError) Error() string {
	s := fmt.Sprintf("waiting for %s on table %q: %v", e.For, e.Table, e.Err)
	if e.Last != "" {
		s += " (last seen: " + e.Last + ")"
	}
	return s
}

func (e *WaitError) Unwrap() error { return e.Err }

// WarmThroughputNotReportedError says the endpoint accepted a warm-throughput update but its
// DescribeTable reports no warm throughput, so the update cannot be confirmed. Local servers
// such as dynalite and DynamoDB Local do not implement warm throughput.
type WarmThroughputNotReportedError struct {
	Table string
	Index string
}

func (e *WarmThroughputNotReportedError) Error() string {
	what := "table " + e.Table
	if e.Index != "" {
		what = "GSI " + e.Index + " of table " + e.Table
	}
	return fmt.Sprintf("DescribeTable reports no warm throughput for %s: this endpoint does not implement warm throughput", what)
}
