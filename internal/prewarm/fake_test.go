package prewarm

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

var t0 = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

// fakeClock advances only when slept on. With a deadline, a sleep that would pass it cancels
// the run's context instead, like a Terraform timeout.
type fakeClock struct {
	mu       sync.Mutex
	now      time.Time
	slept    time.Duration
	deadline time.Time
	cancel   context.CancelFunc
	onSleep  func(d time.Duration) // called after each sleep, with the clock unlocked
}

func newFakeClock() *fakeClock { return &fakeClock{now: t0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	if !c.deadline.IsZero() && c.now.Add(d).After(c.deadline) {
		c.now = c.deadline
		c.mu.Unlock()
		c.cancel()
		return ctx.Err()
	}
	c.now = c.now.Add(d)
	c.slept += d
	hook := c.onSleep
	c.mu.Unlock()
	if hook != nil {
		hook(d)
	}
	return ctx.Err()
}

// withDeadline returns a context the clock cancels once fake time reaches now+d.
func (c *fakeClock) withDeadline(d time.Duration) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	c.mu.Lock()
	c.deadline = c.now.Add(d)
	c.cancel = cancel
	c.mu.Unlock()
	return ctx
}

// fakeIndex and fakeModel are a table as the fake server keeps it.
type fakeIndex struct {
	name       string
	status     string
	prov       tableinfo.Throughput
	warm       tableinfo.Throughput
	warmStatus string
}

type fakeModel struct {
	status     string
	billing    string
	prov       tableinfo.Throughput
	warm       tableinfo.Throughput
	warmStatus string
	lastSwitch *time.Time
	gsis       []fakeIndex
}

func (m fakeModel) clone() fakeModel {
	m.gsis = append([]fakeIndex(nil), m.gsis...)
	return m
}

// fakeAPI is a DynamoDB that models UpdateTable's asynchrony: an update leaves the table (and
// the GSIs it touches) UPDATING with the old values for delay, then ACTIVE with the new ones.
type fakeAPI struct {
	mu      sync.Mutex
	clock   *fakeClock
	name    string
	id      string
	created time.Time
	model   fakeModel
	pending *fakeModel
	readyAt time.Time
	delay   time.Duration
	// noWarm: the server reports no warm throughput (like dynalite).
	noWarm bool
	// staleReads: this many DescribeTable calls after each update return the old values as
	// ACTIVE (DescribeTable is eventually consistent).
	staleReads int
	stale      int
	// updateErr, if set, may fail an UpdateTable before it is applied.
	updateErr func(in *dynamodb.UpdateTableInput) error

	updates   []*dynamodb.UpdateTableInput
	describes int
}

func newFake(clock *fakeClock, m fakeModel) *fakeAPI {
	for i := range m.gsis {
		if m.gsis[i].status == "" {
			m.gsis[i].status = "ACTIVE"
		}
		if m.gsis[i].warmStatus == "" {
			m.gsis[i].warmStatus = "ACTIVE"
		}
	}
	if m.status == "" {
		m.status = "ACTIVE"
	}
	if m.warmStatus == "" {
		m.warmStatus = "ACTIVE"
	}
	return &fakeAPI{clock: clock, name: "orders", id: "id-1", created: t0.Add(-30 * 24 * time.Hour), model: m, delay: 20 * time.Second}
}

// onDemandWithGSIs is a fresh on-demand table with two GSIs at the default warm throughput.
func onDemandWithGSIs() fakeModel {
	base := tableinfo.Throughput{ReadUnits: 12000, WriteUnits: 4000}
	return fakeModel{billing: BillingPayPerRequest, warm: base, gsis: []fakeIndex{
		{name: "by_status", warm: base},
		{name: "by_owner", warm: base},
	}}
}

func (f *fakeAPI) settle() {
	if f.pending != nil && !f.clock.Now().Before(f.readyAt) {
		if f.pending.billing == BillingPayPerRequest && f.model.billing != BillingPayPerRequest {
			at := f.readyAt
			f.pending.lastSwitch = &at
		}
		f.model = *f.pending
		f.pending = nil
	}
}

func (f *fakeAPI) DescribeTable(_ context.Context, in *dynamodb.DescribeTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.describes++
	if aws.ToString(in.TableName) != f.name {
		return nil, &types.ResourceNotFoundException{Message: aws.String("Requested resource not found")}
	}
	f.settle()
	m := f.model
	if f.stale > 0 {
		f.stale--
		m = m.clone()
		m.status = "ACTIVE"
		m.warmStatus = "ACTIVE"
		for i := range m.gsis {
			m.gsis[i].status, m.gsis[i].warmStatus = "ACTIVE", "ACTIVE"
		}
	}
	d := &types.TableDescription{
		TableName:        aws.String(f.name),
		TableId:          aws.String(f.id),
		CreationDateTime: aws.Time(f.created),
		TableStatus:      types.TableStatus(m.status),
		KeySchema:        []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingModeSummary: &types.BillingModeSummary{
			BillingMode: types.BillingMode(m.billing), LastUpdateToPayPerRequestDateTime: m.lastSwitch,
		},
		ProvisionedThroughput: &types.ProvisionedThroughputDescription{
			ReadCapacityUnits: aws.Int64(m.prov.ReadUnits), WriteCapacityUnits: aws.Int64(m.prov.WriteUnits),
		},
	}
	if !f.noWarm {
		d.WarmThroughput = &types.TableWarmThroughputDescription{ReadUnitsPerSecond: aws.Int64(m.warm.ReadUnits),
			WriteUnitsPerSecond: aws.Int64(m.warm.WriteUnits), Status: types.TableStatus(m.warmStatus)}
	}
	for _, g := range m.gsis {
		gd := types.GlobalSecondaryIndexDescription{
			IndexName:   aws.String(g.name),
			IndexStatus: types.IndexStatus(g.status),
			ProvisionedThroughput: &types.ProvisionedThroughputDescription{
				ReadCapacityUnits: aws.Int64(g.prov.ReadUnits), WriteCapacityUnits: aws.Int64(g.prov.WriteUnits),
			},
		}
		if !f.noWarm {
			gd.WarmThroughput = &types.GlobalSecondaryIndexWarmThroughputDescription{ReadUnitsPerSecond: aws.Int64(g.warm.ReadUnits),
				WriteUnitsPerSecond: aws.Int64(g.warm.WriteUnits), Status: types.IndexStatus(g.warmStatus)}
		}
		d.GlobalSecondaryIndexes = append(d.GlobalSecondaryIndexes, gd)
	}
	return &dynamodb.DescribeTableOutput{Table: d}, nil
}

func invalid(format string, args ...any) error {
	return &smithy.GenericAPIError{Code: "ValidationException", Message: "One or more parameter values were invalid: " + fmt.Sprintf(format, args...)}
}

func (f *fakeAPI) UpdateTable(_ context.Context, in *dynamodb.UpdateTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateTableOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, in)
	if f.updateErr != nil {
		if err := f.updateErr(in); err != nil {
			return nil, err
		}
	}
	f.settle()
	if f.pending != nil || f.model.status != "ACTIVE" {
		return nil, &types.ResourceInUseException{Message: aws.String("Attempt to change a resource which is still in use: Table is being updated: " + f.name)}
	}
	next := f.model.clone()
	cur := f.model.clone()
	if in.BillingMode != "" {
		next.billing = string(in.BillingMode)
	}
	if next.billing == BillingPayPerRequest && (in.ProvisionedThroughput != nil) {
		return nil, invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
	}
	if next.billing == BillingPayPerRequest && f.model.billing != BillingPayPerRequest {
		next.prov = tableinfo.Throughput{}
		for i := range next.gsis {
			next.gsis[i].prov = tableinfo.Throughput{}
			cur.gsis[i].status = "UPDATING"
			next.gsis[i].warm = maxTP(next.gsis[i].warm, f.model.gsis[i].prov)
		}
		next.warm = maxTP(next.warm, f.model.prov)
	}
	if p := in.ProvisionedThroughput; p != nil {
		next.prov = tableinfo.Throughput{ReadUnits: *p.ReadCapacityUnits, WriteUnits: *p.WriteCapacityUnits}
	}
	if w := in.WarmThroughput; w != nil {
		if err := raiseWarm(&next.warm, w, "table"); err != nil {
			return nil, err
		}
		cur.warmStatus = "UPDATING"
	}
	touched := map[string]bool{}
	for _, u := range in.GlobalSecondaryIndexUpdates {
		name := aws.ToString(u.Update.IndexName)
		i := indexOf(next.gsis, name)
		if i < 0 {
			return nil, invalid("Global secondary index %s does not exist", name)
		}
		touched[name] = true
		cur.gsis[i].status = "UPDATING"
		if p := u.Update.ProvisionedThroughput; p != nil {
			next.gsis[i].prov = tableinfo.Throughput{ReadUnits: *p.ReadCapacityUnits, WriteUnits: *p.WriteCapacityUnits}
		}
		if w := u.Update.WarmThroughput; w != nil {
			if err := raiseWarm(&next.gsis[i].warm, w, "index "+name); err != nil {
				return nil, err
			}
			cur.gsis[i].warmStatus = "UPDATING"
		}
	}
	if in.BillingMode == types.BillingModeProvisioned && f.model.billing == BillingPayPerRequest {
		if in.ProvisionedThroughput == nil {
			return nil, invalid("ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
		}
		for _, g := range next.gsis {
			if !touched[g.name] {
				return nil, invalid("ProvisionedThroughput must be specified for index: %s", g.name)
			}
		}
	}
	if next.billing == BillingProvisioned {
		// Provisioned capacity makes partitions: warm throughput follows it.
		next.warm = maxTP(next.warm, next.prov)
		for i := range next.gsis {
			next.gsis[i].warm = maxTP(next.gsis[i].warm, next.gsis[i].prov)
		}
	}
	cur.status = "UPDATING"
	f.model = cur
	f.pending = &next
	f.readyAt = f.clock.Now().Add(f.delay)
	f.stale = f.staleReads
	return &dynamodb.UpdateTableOutput{}, nil
}

func raiseWarm(cur *tableinfo.Throughput, w *types.WarmThroughput, what string) error {
	if r := w.ReadUnitsPerSecond; r != nil {
		if *r < cur.ReadUnits {
			return invalid("%s warm throughput cannot be decreased", what)
		}
		cur.ReadUnits = *r
	}
	if wr := w.WriteUnitsPerSecond; wr != nil {
		if *wr < cur.WriteUnits {
			return invalid("%s warm throughput cannot be decreased", what)
		}
		cur.WriteUnits = *wr
	}
	return nil
}

func maxTP(a, b tableinfo.Throughput) tableinfo.Throughput {
	return tableinfo.Throughput{ReadUnits: max(a.ReadUnits, b.ReadUnits), WriteUnits: max(a.WriteUnits, b.WriteUnits)}
}

func indexOf(gsis []fakeIndex, name string) int {
	for i, g := range gsis {
		if g.name == name {
			return i
		}
	}
	return -1
}

// snapshot returns the model as the engine would see it now.
func (f *fakeAPI) snapshot() fakeModel {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.settle()
	return f.model.clone()
}

func (f *fakeAPI) updateCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.updates)
}

func newEngine(f *fakeAPI) *Engine {
	return &Engine{API: f, Clock: f.clock, PollMin: time.Second, PollMax: 5 * time.Second}
}
