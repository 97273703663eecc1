package estimate

import (
	"math"
	"sort"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/partition"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// Limits the findings use besides the partition package's (DynamoDB's documented limits).
const (
	// NewOnDemandWriteUnits and NewOnDemandReadUnits are what a new on-demand table serves at
	// once; beyond them (and beyond twice the previous peak) it throttles for up to 30 minutes.
	NewOnDemandWriteUnits = 4000
	NewOnDemandReadUnits  = 12000
	// TableQuotaUnits is the default per-table quota, in RCU and in WCU (and in request units
	// for on-demand tables).
	TableQuotaUnits = 40000
	// CollectionWarnBytes is where an item collection under an LSI gets close to the 10 GB cap.
	CollectionWarnBytes = 8 * 1000 * 1000 * 1000
	// gigabyte is the GB of storage_gb and of the 10 GB limits: 10^9 bytes.
	gigabyte = 1000 * 1000 * 1000
)

// Billing modes, as DynamoDB names them.
const (
	Provisioned = "PROVISIONED"
	OnDemand    = "PAY_PER_REQUEST"
)

// The engines a load can run on, as ddbload_dataset names them.
const (
	EngineLocal   = "local"    // BatchWriteItem from the machine running Terraform
	EngineBulkPut = "bulk_put" // DynamoDB's StartBulkPutItems
)

// Names of the inputs, as the data source calls them. A Finding names the input it concerns
// with one of these, so the caller can point at the attribute to change.
const (
	InputReadUnits       = "read_units_per_second"
	InputWriteUnits      = "write_units_per_second"
	InputBillingMode     = "billing_mode"
	InputStorageGB       = "storage_gb"
	InputItemCount       = "item_count"
	InputPartitionKeys   = "partition_key_count"
	InputShardCount      = "shard_count"
	InputHottestShare    = "hottest_key_share"
	InputMonotonic       = "sort_key_monotonic"
	InputLSICount        = "lsi_count"
	InputCollectionItems = "largest_collection_items"
	InputCollectionGB    = "largest_collection_gb"
	InputGSIs            = "global_secondary_indexes"
	InputTable           = "table_name"
	InputDataset         = "dataset"
	InputEngine          = "engine"
)

// GSI is a declared global secondary index.
type GSI struct {
	Name string
	// PartitionKeys is the number of distinct values of the index's partition key; 0 unknown.
	PartitionKeys int64
	// HottestShare is the share of the table's writes that go to the index's hottest key
	// value, from 0 to 1; 0 means unknown (then 1/PartitionKeys is assumed).
	HottestShare float64
}

// Input is what the estimate knows. Every field is optional; a zero value means "not given".
// Declared values win over the dataset's statistics, which win over the described table.
type Input struct {
	// Declared capacity, in units per second: provisioned capacity, or the target peak of an
	// on-demand table.
	ReadUnits, WriteUnits int64
	// BillingMode is Provisioned or OnDemand; "" takes the table's, else Provisioned.
	BillingMode string
	// Declared storage: StorageGB, or ItemCount items of AverageItemBytes each.
	StorageGB        float64
	ItemCount        int64
	AverageItemBytes int64

	// Declared key design. PartitionKeys is the number of distinct logical partition-key
	// values, ShardCount the write shards each is split into (0 or 1: not sharded),
	// HottestShare the hottest logical key's share of the traffic (0: spread evenly).
	PartitionKeys int64
	ShardCount    int64
	HottestShare  float64
	// MonotonicSortKey says the sort key only increases (timestamps, sequence numbers).
	MonotonicSortKey bool
	// LSICount is the number of local secondary indexes; 0 takes the table's.
	LSICount int64
	// The largest item collection (the items sharing one partition-key value): its items
	// and/or its size in GB. CollectionsWrittenAtOnce says a collection's items are written in
	// one burst (a job writing one user's data at a time, input sorted by key).
	LargestCollectionItems   int64
	LargestCollectionGB      float64
	CollectionsWrittenAtOnce bool
	GSIs                     []GSI

	// On-demand warm-up: the previous peak rates, and whether the table is pre-warmed for
	// the targets (e.g. by a ddbload_prewarm resource).
	PreviousPeakReadUnits, PreviousPeakWriteUnits int64
	Prewarmed                                     bool

	// Table is the live table, if one was described.
	Table *tableinfo.Table
	// Keys are a dataset's real key statistics, with the shard count its keys were built
	// with (0 or 1: not sharded). They replace the declared key design.
	Keys            *loader.KeyStats
	KeysShardCount  int64
	KeysShardSource string // the input to name when the dataset's sharding is at fault; "" is InputDataset

	// Engine is the engine that will load the table (EngineLocal or EngineBulkPut; "" is
	// EngineLocal): bulk put has limits of its own.
	Engine string

	// Ignore lists finding codes to leave out.
	Ignore []Code
}

// Result is the estimate.
type Result struct {
	// The effective inputs: what the numbers below were computed from.
	ReadUnits, WriteUnits int64
	BillingMode           string
	StorageGB             float64
	LSICount              int64
	ShardCount            int64

	PartitionsForThroughput int64
	PartitionsForStorage    int64
	Partitions              int64
	// Throughput is split evenly across partitions.
	ReadUnitsPerPartition, WriteUnitsPerPartition float64
	// The most one partition-key value can take: one partition's throughput.
	PerKeyReadUnits, PerKeyWriteUnits float64
	// RequiredShards is how many write shards the hottest logical key needs; 0 when nothing
	// is known about the keys.
	RequiredShards int64
	// What the key design can reach of the targets, in units per second; nil without a target.
	AchievableReadUnits, AchievableWriteUnits *float64

	// Findings, sorted: errors first, then by code, input and message. Ignored findings are
	// in Ignored, not here.
	Findings []Finding
	Ignored  []Finding
	// Report is a human-readable account of all of the above.
	Report string
}

// design is Input resolved: one value for each quantity, and where it came from.
type design struct {
	in Input

	rcu, wcu         float64
	rcuFrom, wcuFrom string
	billing          string
	billingFrom      string
	storageBytes     float64
	storageFrom      string
	avgItemBytes     float64

	lsis    int64
	lsiFrom string

	// Keys. values is the number of distinct partition-key values as stored (logical keys ×
	// shards); valueShare the hottest value's share of the traffic; logicalShare the hottest
	// logical key's. 0 means unknown.
	keys, shards, values     int64
	valueShare, logicalShare float64
	keysFrom, shareFrom      string
	shardFrom                string
	hotName                  string // the hottest value as text, from a dataset
	fromDataset              bool

	collItems   int64
	collBytes   float64
	collFrom    string
	burstWrites float64 // WCU/s of a collection written at once; 0 none

	pThroughput, pStorage, partitions int64
}

// Estimate computes the estimate for in.
func Estimate(in Input) Result {
	d := resolve(in)
	r := Result{
		ReadUnits:               int64(d.rcu),
		WriteUnits:              int64(d.wcu),
		BillingMode:             d.billing,
		StorageGB:               d.storageBytes / gigabyte,
		LSICount:                d.lsis,
		ShardCount:              d.shards,
		PartitionsForThroughput: d.pThroughput,
		PartitionsForStorage:    d.pStorage,
		Partitions:              d.partitions,
		ReadUnitsPerPartition:   d.rcu / float64(d.partitions),
		WriteUnitsPerPartition:  d.wcu / float64(d.partitions),
		PerKeyReadUnits:         partition.PartitionRCU,
		PerKeyWriteUnits:        partition.PartitionWCU,
		RequiredShards:          d.requiredShards(),
	}
	r.AchievableWriteUnits, r.AchievableReadUnits = d.achievable()

	ignore := map[Code]bool{}
	for _, c := range in.Ignore {
		ignore[c] = true
	}
	for _, f := range d.findings(r.RequiredShards) {
		if ignore[f.Code] {
			r.Ignored = append(r.Ignored, f)
		} else {
			r.Findings = append(r.Findings, f)
		}
	}
	sortFindings(r.Findings)
	sortFindings(r.Ignored)
	r.Report = report(&d, &r)
	return r
}

func resolve(in Input) design {
	d := design{in: in, billing: Provisioned, shards: 1, shardFrom: InputShardCount}
	t, ks := in.Table, in.Keys
	if ks != nil && ks.Items == 0 {
		ks = nil
	}

	// Capacity: declared, else the table's provisioned capacity.
	d.rcu, d.rcuFrom = float64(in.ReadUnits), InputReadUnits
	d.wcu, d.wcuFrom = float64(in.WriteUnits), InputWriteUnits
	if t != nil && t.BillingMode == Provisioned {
		if in.ReadUnits == 0 && t.Provisioned.ReadUnits > 0 {
			d.rcu, d.rcuFrom = float64(t.Provisioned.ReadUnits), InputTable
		}
		if in.WriteUnits == 0 && t.Provisioned.WriteUnits > 0 {
			d.wcu, d.wcuFrom = float64(t.Provisioned.WriteUnits), InputTable
		}
	}
	switch {
	case in.BillingMode != "":
		d.billing, d.billingFrom = in.BillingMode, InputBillingMode
	case t != nil && t.BillingMode != "":
		d.billing, d.billingFrom = t.BillingMode, InputTable
	}

	// Item size and storage.
	switch {
	case in.AverageItemBytes > 0:
		d.avgItemBytes = float64(in.AverageItemBytes)
	case ks != nil:
		d.avgItemBytes = float64(ks.Bytes) / float64(ks.Items)
	case t != nil && t.ItemCount > 0:
		d.avgItemBytes = float64(t.SizeBytes) / float64(t.ItemCount)
	}
	switch {
	case in.StorageGB > 0:
		d.storageBytes, d.storageFrom = in.StorageGB*gigabyte, InputStorageGB
	case in.ItemCount > 0 && in.AverageItemBytes > 0:
		d.storageBytes, d.storageFrom = float64(in.ItemCount)*float64(in.AverageItemBytes), InputItemCount
	case ks != nil:
		d.storageBytes, d.storageFrom = float64(ks.Bytes), InputDataset
	case t != nil:
		d.storageBytes, d.storageFrom = float64(t.SizeBytes), InputTable
	}

	d.lsis, d.lsiFrom = in.LSICount, InputLSICount
	if d.lsis == 0 && t != nil && t.HasLSI() {
		d.lsis, d.lsiFrom = int64(len(t.LocalIndexes)), InputTable
	}

	d.resolveKeys(ks)
	d.resolveCollection(ks)

	d.pThroughput = partition.ForThroughput(d.rcu, d.wcu)
	d.pStorage = partition.ForStorage(d.storageBytes / gigabyte)
	d.partitions = max(d.pThroughput, d.pStorage)
	return d
}

func (d *design) resolveKeys(ks *loader.KeyStats) {
	in := d.in
	if ks != nil {
		d.fromDataset = true
		d.shards = max(1, in.KeysShardCount)
		d.shardFrom = InputDataset
		if in.KeysShardSource != "" {
			d.shardFrom = in.KeysShardSource
		}
		d.values, d.keysFrom = ks.DistinctPartitionKeys, InputDataset
		d.keys = ceilDiv(d.values, d.shards)
		if len(ks.Hottest) > 0 {
			d.valueShare, d.shareFrom = ks.Hottest[0].ItemShare, InputDataset
			d.hotName = loader.PartitionKeyText(ks.Hottest[0].PartitionKey)
		}
		d.logicalShare = math.Min(1, d.valueShare*float64(d.shards))
		return
	}
	d.shards = max(1, in.ShardCount)
	d.keys, d.keysFrom = in.PartitionKeys, InputPartitionKeys
	if d.keys > 0 {
		d.values = d.keys * d.shards
	}
	switch {
	case in.HottestShare > 0:
		d.logicalShare, d.shareFrom = math.Min(1, in.HottestShare), InputHottestShare
	case d.keys > 0:
		d.logicalShare, d.shareFrom = 1/float64(d.keys), InputPartitionKeys
	}
	d.valueShare = d.logicalShare / float64(d.shards)
}

func (d *design) resolveCollection(ks *loader.KeyStats) {
	in := d.in
	switch {
	case in.LargestCollectionGB > 0:
		d.collBytes, d.collFrom = in.LargestCollectionGB*gigabyte, InputCollectionGB
	case in.LargestCollectionItems > 0 && d.avgItemBytes > 0:
		d.collBytes, d.collFrom = float64(in.LargestCollectionItems)*d.avgItemBytes, InputCollectionItems
	case ks != nil:
		d.collBytes, d.collFrom = float64(ks.LargestCollection.Bytes), InputDataset
	}
	d.collItems = in.LargestCollectionItems
	if d.collItems == 0 && ks != nil {
		d.collItems = ks.LargestCollection.Items
	}
	if in.CollectionsWrittenAtOnce && d.collItems > 0 {
		if in.LargestCollectionItems > 0 {
			d.collFrom = InputCollectionItems
		}
		d.burstWrites = float64(d.collItems) * float64(ddbitem.WriteUnits(int(math.Ceil(d.avgItemBytes))))
		if d.wcu > 0 {
			// A burst cannot go faster than the table.
			d.burstWrites = math.Min(d.burstWrites, d.wcu)
		}
	}
}

// keyWrites and keyReads are the hottest partition-key value's demand, in units per second:
// its share of the table's rate, or a collection written at once, whichever is more.
func (d *design) keyWrites() float64 { return math.Max(d.valueShare*d.wcu, d.burstWrites) }
func (d *design) keyReads() float64  { return d.valueShare * d.rcu }

func (d *design) knowsKeys() bool {
	return d.values > 0 || d.valueShare > 0 || d.burstWrites > 0
}

// hotKey reports whether the hottest value needs more than one partition's throughput.
func (d *design) hotKey() bool {
	return d.keyWrites() > partition.PartitionWCU+1e-9 || d.keyReads() > partition.PartitionRCU+1e-9
}

// requiredShards is how many write shards the hottest logical key needs: enough that no
// value takes more than one partition's throughput, a collection written at once included,
// and enough values for the partitions the throughput needs.
func (d *design) requiredShards() int64 {
	if !d.knowsKeys() {
		return 0
	}
	need := int64(1)
	if d.fromDataset {
		// The statistics describe values that are already shards of a logical key.
		need = max(need, d.shards*partition.RequiredShards(d.valueShare, d.rcu, d.wcu))
		if d.values > 0 && d.values < d.pThroughput {
			need = max(need, d.shards*ceilDiv(d.pThroughput, d.values))
		}
	} else {
		need = max(need, partition.RequiredShards(d.logicalShare, d.rcu, d.wcu))
		if d.keys > 0 && d.keys*d.shards < d.pThroughput {
			need = max(need, ceilDiv(d.pThroughput, d.keys))
		}
	}
	if d.burstWrites > partition.PartitionWCU {
		need = max(need, d.shards*int64(math.Ceil(d.burstWrites/partition.PartitionWCU-1e-9)))
	}
	return need
}

// achievable is what the key design can reach of the targets: no value beyond one partition,
// no GSI key beyond one index partition (its back-pressure throttles the table). Unknown
// without a target.
func (d *design) achievable() (writes, reads *float64) {
	ceilW, ceilR := math.Inf(1), math.Inf(1)
	if d.valueShare > 0 {
		ceilW = partition.PartitionWCU / d.valueShare
		ceilR = partition.PartitionRCU / d.valueShare
	}
	if d.values > 0 {
		ceilW = math.Min(ceilW, float64(d.values)*partition.PartitionWCU)
		ceilR = math.Min(ceilR, float64(d.values)*partition.PartitionRCU)
	}
	for _, g := range d.in.GSIs {
		if s := gsiShare(g); s > 0 {
			ceilW = math.Min(ceilW, partition.PartitionWCU/s)
		}
	}
	pick := func(target, ceiling float64) *float64 {
		if target <= 0 {
			return nil
		}
		v := math.Floor(math.Min(target, ceiling)*10+1e-9) / 10
		return &v
	}
	return pick(d.wcu, ceilW), pick(d.rcu, ceilR)
}

func gsiShare(g GSI) float64 {
	switch {
	case g.HottestShare > 0:
		return math.Min(1, g.HottestShare)
	case g.PartitionKeys > 0:
		return 1 / float64(g.PartitionKeys)
	}
	return 0
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity != b.Severity {
			return a.Severity == SeverityError
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		if a.Input != b.Input {
			return a.Input < b.Input
		}
		if a.Index != b.Index {
			return a.Index < b.Index
		}
		return a.Message < b.Message
	})
}

func ceilDiv(a, b int64) int64 {
	if b <= 0 {
		return 0
	}
	return (a + b - 1) / b
}
