package prewarm

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func describeFake(t *testing.T, f *fakeAPI) *Snapshot {
	t.Helper()
	s, err := Describe(context.Background(), f, "orders")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDescribeIdentity(t *testing.T) {
	t.Parallel()
	f := newFake(newFakeClock(), onDemandWithGSIs())
	s := describeFake(t, f)
	if s.ID != "id-1" || !s.CreatedAt.Equal(f.created) {
		t.Fatalf("identity %q created %v", s.ID, s.CreatedAt)
	}
	f.id = ""
	if s := describeFake(t, f); !strings.HasPrefix(s.ID, "created-2026-10-21T08:00:00") {
		t.Fatalf("identity without TableId = %q", s.ID)
	}
}

func TestSwitchRuleWarning(t *testing.T) {
	t.Parallel()
	now := t0
	for _, tc := range []struct {
		name       string
		lastSwitch time.Duration // before now; 0 = never
		created    bool          // the last switch is the creation as on-demand
		hold       time.Duration
		final      string
		warn       bool
	}{
		{name: "never switched", warn: false},
		{name: "switched 2 hours ago", lastSwitch: 2 * time.Hour, warn: true},
		{name: "switched 23 hours ago, hold of 2 hours ends after the window", lastSwitch: 23 * time.Hour, hold: 2 * time.Hour, warn: false},
		{name: "switched 23 hours ago, short hold", lastSwitch: 23 * time.Hour, hold: time.Minute, warn: true},
		{name: "switched 25 hours ago", lastSwitch: 25 * time.Hour, warn: false},
		{name: "created on-demand 1 hour ago", lastSwitch: time.Hour, created: true, warn: false},
		{name: "final PROVISIONED never switches to on-demand", lastSwitch: time.Hour, final: BillingProvisioned, warn: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(newFakeClock(), onDemandWithGSIs())
			if tc.lastSwitch > 0 {
				at := now.Add(-tc.lastSwitch)
				f.model.lastSwitch = &at
				if tc.created {
					f.created = at.Add(300 * time.Millisecond)
				}
			}
			spec := switchSpec(20000, 20000, tc.hold)
			if tc.final != "" {
				spec.FinalBillingMode, spec.FinalCapacity = tc.final, tp(5, 5)
			}
			p, err := MakePlan(spec, describeFake(t, f), now)
			if err != nil {
				t.Fatal(err)
			}
			var w *Warning
			for i := range p.Warnings {
				if p.Warnings[i].Kind == WarnSwitchRule {
					w = &p.Warnings[i]
				}
			}
			if (w != nil) != tc.warn {
				t.Fatalf("switch-rule warning = %+v, want %v", w, tc.warn)
			}
			if w != nil {
				safe := now.Add(-tc.lastSwitch).Add(24 * time.Hour)
				if !w.SafeAt.Equal(safe) || !strings.Contains(w.Detail, safe.Format(time.RFC3339)) || !strings.Contains(w.Detail, "at most 4") {
					t.Fatalf("warning = %+v, want safe at %v", w, safe)
				}
			}
		})
	}
}

func TestQuotaWarnings(t *testing.T) {
	t.Parallel()
	kinds := func(p *Plan) string {
		var k []string
		for _, w := range p.Warnings {
			k = append(k, string(w.Kind))
		}
		return strings.Join(k, ",")
	}
	f := newFake(newFakeClock(), onDemandWithGSIs())
	snap := describeFake(t, f)
	for _, tc := range []struct {
		name string
		spec Spec
		want string
	}{
		{"warm under the quota", warmSpec(40000, 40000), ""},
		{"warm above the table quota", warmSpec(40001, 100), "table_quota"},
		{"switch under both quotas", switchSpec(20000, 20000, 0), ""},
		// 3 × 30,000 = 90,000 WCU at the peak: above the 80,000 account quota.
		{"switch above the account quota", switchSpec(100, 30000, 0), "account_quota"},
		{"switch above both", switchSpec(50000, 100, 0), "table_quota,account_quota"},
	} {
		p, err := MakePlan(tc.spec, snap, t0)
		if err != nil {
			t.Fatal(err)
		}
		if got := kinds(p); got != tc.want {
			t.Errorf("%s: warnings %q, want %q", tc.name, got, tc.want)
		}
	}
	p, _ := MakePlan(warmSpec(50000, 60000), snap, t0)
	if d := p.Warnings[0].Detail; !strings.Contains(d, "table orders (50,000 read, 60,000 write units/s)") || !strings.Contains(d, "40,000") {
		t.Errorf("detail = %q", d)
	}
}

func TestPlanDescribesTheCalls(t *testing.T) {
	t.Parallel()
	f := newFake(newFakeClock(), onDemandWithGSIs())
	snap := describeFake(t, f)

	p, err := MakePlan(switchSpec(20000, 10000, 90*time.Minute), snap, t0)
	if err != nil {
		t.Fatal(err)
	}
	acts := strings.Join(p.Actions(), "\n")
	for _, want := range []string{
		"UpdateTable BillingMode PAY_PER_REQUEST → PROVISIONED: table orders at 20,000 RCU / 10,000 WCU; GSI by_status at 20,000 RCU / 10,000 WCU; GSI by_owner at",
		"wait until the table and every GSI is ACTIVE at the peak capacity",
		"hold 1h30m0s at the peak: about 90,000.0 RCU-hours and 45,000.0 WCU-hours",
		"UpdateTable BillingMode PROVISIONED → PAY_PER_REQUEST",
	} {
		if !strings.Contains(acts, want) {
			t.Errorf("actions lack %q:\n%s", want, acts)
		}
	}
	if p.UpdateCalls() != 2 || len(p.Indexes) != 2 {
		t.Errorf("calls %d, indexes %v", p.UpdateCalls(), p.Indexes)
	}

	p, _ = MakePlan(warmSpec(20000, 10000), snap, t0)
	if a := p.Actions(); len(a) != 2 || !strings.Contains(a[0], "table orders read 12,000 → 20,000, write 4,000 → 10,000 units/s; GSI by_status") {
		t.Errorf("warm actions = %q", a)
	}
}

func TestSpecErrors(t *testing.T) {
	t.Parallel()
	snap := describeFake(t, newFake(newFakeClock(), onDemandWithGSIs()))
	for _, tc := range []struct {
		field string
		spec  Spec
	}{
		{"table", Spec{Target: tp(1, 1)}},
		{"strategy", Spec{Table: "orders", Strategy: "magic", Target: tp(1, 1)}},
		{"target", Spec{Table: "orders", Target: tp(0, 1)}},
		{"final billing mode", Spec{Table: "orders", Target: tp(1, 1), FinalBillingMode: "FREE"}},
		{"final capacity", Spec{Table: "orders", Strategy: StrategyProvisionedSwitch, Target: tp(1, 1), FinalBillingMode: BillingProvisioned}},
		{"index by_status", Spec{Table: "orders", Target: tp(1, 1), Indexes: map[string]IndexSpec{"by_status": {Target: tp(-1, 0)}}}},
	} {
		_, err := MakePlan(tc.spec, snap, t0)
		var se *SpecError
		if !errors.As(err, &se) || se.Field != tc.field {
			t.Errorf("%s: err = %v", tc.field, err)
		}
	}
	p, err := MakePlan(Spec{Table: "orders", Target: tp(1, 1), Hold: -1}, snap, t0)
	if err != nil || p.Strategy != StrategyWarmThroughput {
		t.Errorf("defaults: %v %+v", err, p)
	}
}

func TestNum(t *testing.T) {
	t.Parallel()
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 40000: "40,000", 1234567: "1,234,567", -1500: "-1,500"} {
		if got := num(in); got != want {
			t.Errorf("num(%d) = %q, want %q", in, got, want)
		}
	}
	if got := hours(833.333); got != "833.3" {
		t.Errorf("hours = %q", got)
	}
}
