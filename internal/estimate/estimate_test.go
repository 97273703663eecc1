package estimate

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// The "Must hold" designs, reused by the cases below.
var (
	// Two election candidates on one table provisioned at 100,000 WCU with a 90/10 vote split.
	election = Input{WriteUnits: 100000, PartitionKeys: 2, HottestShare: 0.9}
	// A time-series table keyed by user id alone, 5,000 items per user written at once, with an LSI.
	timeSeriesByUser = Input{WriteUnits: 10000, PartitionKeys: 10000, LSICount: 1, LargestCollectionItems: 5000,
		AverageItemBytes: 300, CollectionsWrittenAtOnce: true}
	// The same table keyed by <date>:<user_id> (about 2 items per key).
	timeSeriesByDateUser = Input{WriteUnits: 10000, PartitionKeys: 2_500_000, LSICount: 1, LargestCollectionItems: 2,
		AverageItemBytes: 300, CollectionsWrittenAtOnce: true}
)

func codes(fs []Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, string(f.Severity)+":"+string(f.Code))
	}
	return out
}

func find(fs []Finding, c Code) *Finding {
	for i := range fs {
		if fs[i].Code == c {
			return &fs[i]
		}
	}
	return nil
}

// TestMustHold runs the "Must hold" list of the issue, each case under its own words.
func TestMustHold(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		check func(t *testing.T)
	}{
		{"7,500 RCU + 4,000 WCU + 100 GB → 7 partitions for throughput, 10 for storage, 10 in all.", func(t *testing.T) {
			r := Estimate(Input{ReadUnits: 7500, WriteUnits: 4000, StorageGB: 100})
			if r.PartitionsForThroughput != 7 || r.PartitionsForStorage != 10 || r.Partitions != 10 {
				t.Fatalf("partitions = %d/%d/%d, want 7/10/10", r.PartitionsForThroughput, r.PartitionsForStorage, r.Partitions)
			}
			if r.ReadUnitsPerPartition != 750 || r.WriteUnitsPerPartition != 400 {
				t.Errorf("per partition = %v RCU, %v WCU; want 750, 400", r.ReadUnitsPerPartition, r.WriteUnitsPerPartition)
			}
			if len(r.Findings) != 0 {
				t.Errorf("findings = %v, want none", codes(r.Findings))
			}
		}},
		{"Two election candidates on one table provisioned at 100,000 WCU with a 90/10 vote split → TOO_FEW_SHARDS, " +
			"and the hottest candidate needs at least 90 shards.", func(t *testing.T) {
			r := Estimate(election)
			f := find(r.Findings, TooFewShards)
			if f == nil || f.Severity != SeverityError {
				t.Fatalf("want an error TOO_FEW_SHARDS, got %v", codes(r.Findings))
			}
			if r.RequiredShards != 90 {
				t.Errorf("required shards = %d, want 90", r.RequiredShards)
			}
			for _, want := range []string{"at least 90 shards", "shard_count = 90", "90,000 WCU/s", "2 partition-key values (2 keys × 1 shard)", "100 partitions"} {
				if !strings.Contains(f.Message, want) {
					t.Errorf("message %q does not say %q", f.Message, want)
				}
			}
			if f.Input != InputShardCount {
				t.Errorf("input = %q, want %q", f.Input, InputShardCount)
			}
			// The hot key holds the table to 1,000 / 0.9 = 1,111 WCU/s.
			if r.AchievableWriteUnits == nil || *r.AchievableWriteUnits != 1111.1 {
				t.Errorf("achievable writes = %v, want 1111.1", r.AchievableWriteUnits)
			}
		}},
		{"A time-series table keyed by user id alone, 5,000 items per user written at once, with an LSI → LSI_HOT_COLLECTION; " +
			"keyed by <date>:<user_id> (about 2 items per key) → clean.", func(t *testing.T) {
			r := Estimate(timeSeriesByUser)
			f := find(r.Findings, LSIHotCollection)
			if f == nil || f.Severity != SeverityError {
				t.Fatalf("want an error LSI_HOT_COLLECTION, got %v", codes(r.Findings))
			}
			for _, want := range []string{"5,000 WCU/s", "5,000 items written at once", "never split for heat", "<date>:<user_id>"} {
				if !strings.Contains(f.Message, want) {
					t.Errorf("message %q does not say %q", f.Message, want)
				}
			}
			if f.Input != InputCollectionItems {
				t.Errorf("input = %q, want %q", f.Input, InputCollectionItems)
			}

			r = Estimate(timeSeriesByDateUser)
			if len(r.Findings) != 0 {
				t.Fatalf("<date>:<user_id>: want no findings, got %v: %s", codes(r.Findings), r.Report)
			}
			if r.RequiredShards != 1 {
				t.Errorf("<date>:<user_id>: required shards = %d, want 1", r.RequiredShards)
			}
		}},
		{"Works with no AWS credentials and no region unless table_name is set (CI runs plan offline). Deterministic output.", func(t *testing.T) {
			// The engine takes no client at all: only the provider describes a table. Here: the
			// same input gives the same result, findings sorted errors first, then by code.
			in := timeSeriesByUser
			in.MonotonicSortKey = true
			in.GSIs = []GSI{{Name: "by_status", PartitionKeys: 3}, {Name: "by_region", HottestShare: 0.5}}
			in.WriteUnits = 50000
			first := Estimate(in)
			for range 20 {
				if again := Estimate(in); !reflect.DeepEqual(first, again) {
					t.Fatalf("two runs differ:\n%s\n---\n%s", first.Report, again.Report)
				}
			}
			want := []string{"error:GSI_HOT_KEY", "error:GSI_HOT_KEY", "error:LSI_HOT_COLLECTION", "error:MONOTONIC_SORT_KEY",
				"error:TOO_FEW_SHARDS", "warning:QUOTA"}
			if got := codes(first.Findings); !reflect.DeepEqual(got, want) {
				t.Fatalf("findings = %v, want %v", got, want)
			}
			if first.Findings[0].Index != 0 || first.Findings[1].Index != 1 {
				t.Errorf("GSI findings out of order: %+v", first.Findings[:2])
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.check(t)
		})
	}
}

func TestFindings(t *testing.T) {
	t.Parallel()
	warm := &tableinfo.Table{BillingMode: OnDemand, WarmThroughput: &tableinfo.WarmThroughput{
		Throughput: tableinfo.Throughput{ReadUnits: 30000, WriteUnits: 20000}, Status: "ACTIVE"}}
	for _, tc := range []struct {
		name string
		in   Input
		want []string // severity:code, in order
		// says are phrases the message of the first finding must contain.
		says  []string
		input string // the first finding's input
	}{
		{name: "nothing given", in: Input{}, want: []string{}},
		{name: "enough shards", in: Input{WriteUnits: 100000, PartitionKeys: 2, HottestShare: 0.9, ShardCount: 90}, want: []string{"warning:QUOTA"}},
		{
			name: "one shard short", in: Input{WriteUnits: 100000, PartitionKeys: 2, HottestShare: 0.9, ShardCount: 89},
			want: []string{"error:TOO_FEW_SHARDS", "warning:QUOTA"}, says: []string{"set shard_count = 90 or more (today 89)", "one shard of the hottest key"},
		},
		{
			name: "fewer keys than throughput partitions", in: Input{WriteUnits: 20000, PartitionKeys: 10},
			want: []string{"error:TOO_FEW_SHARDS"}, says: []string{"10 partition-key values (10 keys × 1 shard) cannot use the 20 partitions", "at least 2 shards"},
			input: InputShardCount,
		},
		{
			name: "fewer keys than storage partitions only warns", in: Input{WriteUnits: 100, StorageGB: 100, PartitionKeys: 5},
			want: []string{"warning:TOO_FEW_SHARDS"}, says: []string{"fewer than the 10 partitions the storage needs (100.0 GB)", "shard_count = 2 or more"},
		},
		{
			name: "reads count too", in: Input{ReadUnits: 9000, PartitionKeys: 1},
			want: []string{"error:TOO_FEW_SHARDS"}, says: []string{"9,000 RCU/s", "at least 3 shards"},
		},
		{
			name: "hot key under an LSI from its share", in: Input{WriteUnits: 4000, PartitionKeys: 10, HottestShare: 0.5, LSICount: 2},
			want: []string{"error:LSI_HOT_COLLECTION", "error:TOO_FEW_SHARDS"}, says: []string{"2 LSIs", "2,000 WCU/s (50% of 4,000 WCU/s)"},
			input: InputHottestShare,
		},
		{
			name: "a burst is capped by the table's rate", in: Input{WriteUnits: 800, PartitionKeys: 1000, LSICount: 1,
				LargestCollectionItems: 5000, CollectionsWrittenAtOnce: true},
			want: []string{},
		},
		{
			name: "big items make a bigger burst", in: Input{PartitionKeys: 1000, LSICount: 1, LargestCollectionItems: 400,
				AverageItemBytes: 3000, CollectionsWrittenAtOnce: true},
			want: []string{"error:LSI_HOT_COLLECTION", "error:TOO_FEW_SHARDS"}, says: []string{"1,200 WCU/s (400 items written at once)"},
		},
		{
			name: "no LSI, no LSI findings", in: Input{WriteUnits: 10000, PartitionKeys: 10000, LargestCollectionItems: 5,
				LargestCollectionGB: 12},
			want: []string{},
		},
		{
			name: "collection at 10 GB under an LSI", in: Input{LSICount: 1, LargestCollectionGB: 10},
			want: []string{"error:LSI_COLLECTION_SIZE"}, says: []string{"10.0 GB", "caps every item collection at 10 GB"}, input: InputCollectionGB,
		},
		{
			name: "collection above 8 GB under an LSI", in: Input{LSICount: 1, LargestCollectionItems: 30_000_000, AverageItemBytes: 300},
			want: []string{"warning:LSI_COLLECTION_SIZE"}, says: []string{"already 9.0 GB"}, input: InputCollectionItems,
		},
		{name: "collection at 8 GB is fine", in: Input{LSICount: 1, LargestCollectionGB: 8}, want: []string{}},
		{
			name: "monotonic sort key on a hot key", in: Input{WriteUnits: 3000, PartitionKeys: 100, HottestShare: 0.5, MonotonicSortKey: true},
			want: []string{"error:MONOTONIC_SORT_KEY", "error:TOO_FEW_SHARDS"}, says: []string{"1,500 WCU/s", "only increases"}, input: InputMonotonic,
		},
		{name: "monotonic sort key on cool keys", in: Input{WriteUnits: 3000, PartitionKeys: 100, MonotonicSortKey: true}, want: []string{}},
		{
			name: "GSI with three values", in: Input{WriteUnits: 10000, PartitionKeys: 100000, GSIs: []GSI{{Name: "by_status", PartitionKeys: 3}}},
			want: []string{"error:GSI_HOT_KEY"}, says: []string{`GSI "by_status"`, "1/3", "3,333 WCU/s", "at most 3,000 WCU/s", "at least 4 shards"},
			input: InputGSIs,
		},
		{name: "GSI with enough values", in: Input{WriteUnits: 10000, GSIs: []GSI{{Name: "by_owner", PartitionKeys: 50000, HottestShare: 0.05}}}, want: []string{}},
		{
			name: "cold on-demand table", in: Input{BillingMode: OnDemand, WriteUnits: 10000, ReadUnits: 5000},
			want: []string{"warning:ON_DEMAND_COLD_START"}, says: []string{"10,000 WCU/s where it serves 4,000", "ddbload_prewarm"}, input: InputWriteUnits,
		},
		{
			name: "on-demand reads above twice the previous peak", in: Input{BillingMode: OnDemand, ReadUnits: 30000, PreviousPeakReadUnits: 10000},
			want: []string{"warning:ON_DEMAND_COLD_START"}, says: []string{"30,000 RCU/s where it serves 20,000"}, input: InputReadUnits,
		},
		{name: "on-demand within twice the previous peak", in: Input{BillingMode: OnDemand, WriteUnits: 10000, PreviousPeakWriteUnits: 5000}, want: []string{}},
		{name: "pre-warmed on-demand table", in: Input{BillingMode: OnDemand, WriteUnits: 10000, Prewarmed: true}, want: []string{}},
		{name: "warm throughput of the live table", in: Input{WriteUnits: 15000, Table: warm}, want: []string{}},
		{name: "provisioned tables start warm", in: Input{WriteUnits: 10000}, want: []string{}},
		{
			name: "quota on both", in: Input{WriteUnits: 50000, ReadUnits: 60000},
			want: []string{"warning:QUOTA"}, says: []string{"50,000 WCU/s and 60,000 RCU/s", "40,000"}, input: InputWriteUnits,
		},
		{
			name: "quota on reads", in: Input{ReadUnits: 60000}, want: []string{"warning:QUOTA"}, input: InputReadUnits,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := Estimate(tc.in)
			if got := codes(r.Findings); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("findings = %v, want %v\n%s", got, tc.want, r.Report)
			}
			if len(r.Findings) == 0 {
				return
			}
			f := r.Findings[0]
			for _, s := range tc.says {
				if !strings.Contains(f.Message, s) {
					t.Errorf("%s message %q does not say %q", f.Code, f.Message, s)
				}
			}
			if tc.input != "" && f.Input != tc.input {
				t.Errorf("%s input = %q, want %q", f.Code, f.Input, tc.input)
			}
			for _, f := range r.Findings {
				if !strings.Contains(r.Report, string(f.Code)) {
					t.Errorf("report does not list %s:\n%s", f.Code, r.Report)
				}
			}
		})
	}
}

func TestEveryMessageSaysWhatToChange(t *testing.T) {
	t.Parallel()
	in := timeSeriesByUser
	in.WriteUnits, in.ReadUnits = 50000, 60000
	in.MonotonicSortKey = true
	in.BillingMode = OnDemand
	in.LargestCollectionGB = 11
	in.GSIs = []GSI{{Name: "by_status", PartitionKeys: 3}}
	r := Estimate(in)
	seen := map[Code]bool{}
	for _, f := range r.Findings {
		seen[f.Code] = true
		if !strings.Contains(f.Message, ". ") || !containsAny(f.Message, "Spread", "spread", "set ", "Raise", "Shard", "add ", "Request", "Pre-warm", "Give") {
			t.Errorf("%s does not say what to change: %s", f.Code, f.Message)
		}
	}
	// Bulk put's limits need a small rate and a global table, which the design above is not.
	bulk := Estimate(Input{Engine: EngineBulkPut, Table: &tableinfo.Table{Name: "orders", BillingMode: Provisioned,
		Provisioned: tableinfo.Throughput{WriteUnits: 500}, Replicas: []string{"eu-west-1"}}})
	for _, f := range bulk.Findings {
		seen[f.Code] = true
		if !strings.Contains(f.Message, "set engine = ") {
			t.Errorf("%s does not say what to change: %s", f.Code, f.Message)
		}
	}
	for _, c := range Codes() {
		if !seen[Code(c)] {
			t.Errorf("%s not produced by the all-findings design: %v", c, codes(r.Findings))
		}
	}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// TestBulkPutEngine checks the findings that only the bulk put engine has, and that the local
// engine has none of them for the same design.
func TestBulkPutEngine(t *testing.T) {
	t.Parallel()
	global := &tableinfo.Table{Name: "orders", BillingMode: Provisioned, Provisioned: tableinfo.Throughput{WriteUnits: 5000},
		Replicas: []string{"eu-west-1", "us-west-2"}}
	small := &tableinfo.Table{Name: "orders", BillingMode: Provisioned, Provisioned: tableinfo.Throughput{WriteUnits: 500}}
	for _, tc := range []struct {
		name  string
		in    Input
		want  []string
		input string
		says  []string
	}{
		{name: "global table", in: Input{Engine: EngineBulkPut, Table: global}, want: []string{"error:BULK_PUT_GLOBAL_TABLE"},
			input: InputTable, says: []string{`Table "orders" is a global table (replicas in eu-west-1, us-west-2)`, `set engine = "local"`}},
		{name: "global table, local engine", in: Input{Engine: EngineLocal, Table: global}, want: []string{}},
		{name: "global table, engine unset", in: Input{Table: global}, want: []string{}},
		{name: "table below the minimum", in: Input{Engine: EngineBulkPut, Table: small}, want: []string{"warning:BULK_PUT_MINIMUM_RATE"},
			input: InputTable, says: []string{"below 1,024 WCU/s", "the table's provisioned write capacity of 500 WCU/s", "max_write_units_per_second"}},
		{name: "declared rate below the minimum", in: Input{Engine: EngineBulkPut, WriteUnits: 1000}, want: []string{"warning:BULK_PUT_MINIMUM_RATE"},
			input: InputWriteUnits, says: []string{"the target write rate of 1,000 WCU/s"}},
		{name: "the minimum itself", in: Input{Engine: EngineBulkPut, WriteUnits: 1024}, want: []string{}},
		{name: "declared rate wins over the table", in: Input{Engine: EngineBulkPut, Table: small, WriteUnits: 2000}, want: []string{}},
		{name: "no rate known", in: Input{Engine: EngineBulkPut, Table: &tableinfo.Table{Name: "orders", BillingMode: OnDemand}}, want: []string{}},
		{name: "small rate, local engine", in: Input{Table: small}, want: []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Estimate(tc.in)
			if got := codes(r.Findings); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("findings = %v, want %v", got, tc.want)
			}
			if len(tc.want) == 0 {
				return
			}
			f := r.Findings[0]
			if f.Input != tc.input {
				t.Errorf("input = %q, want %q", f.Input, tc.input)
			}
			for _, s := range tc.says {
				if !strings.Contains(f.Message, s) {
					t.Errorf("message does not say %q: %s", s, f.Message)
				}
			}
		})
	}
	if r := Estimate(Input{Engine: EngineBulkPut, WriteUnits: 5000}); !strings.Contains(r.Report, "Engine: bulk put") {
		t.Errorf("report does not name the engine:\n%s", r.Report)
	}
	if r := Estimate(Input{WriteUnits: 5000}); strings.Contains(r.Report, "Engine:") {
		t.Errorf("report names an engine that was not chosen:\n%s", r.Report)
	}
}

func TestIgnoreAndEnforcement(t *testing.T) {
	t.Parallel()
	in := election
	in.Ignore = []Code{TooFewShards}
	r := Estimate(in)
	if got := codes(r.Findings); !reflect.DeepEqual(got, []string{"warning:QUOTA"}) {
		t.Fatalf("findings = %v, want only the quota warning", got)
	}
	if len(r.Ignored) != 1 || r.Ignored[0].Code != TooFewShards {
		t.Fatalf("ignored = %v", codes(r.Ignored))
	}
	if !strings.Contains(r.Report, "Ignored: TOO_FEW_SHARDS.") {
		t.Errorf("report does not mention the ignored finding:\n%s", r.Report)
	}
	// Ignoring changes no number.
	if r.RequiredShards != 90 {
		t.Errorf("required shards = %d, want 90", r.RequiredShards)
	}

	e := Finding{Severity: SeverityError}
	w := Finding{Severity: SeverityWarning}
	if !e.Fails(EnforceError) || !e.Fails("") || e.Fails(EnforceWarn) || w.Fails(EnforceError) || w.Fails(EnforceWarn) {
		t.Fatal("Fails: only errors under error enforcement fail the plan")
	}
}

func TestLiveTable(t *testing.T) {
	t.Parallel()
	table := &tableinfo.Table{
		Name: "events", BillingMode: Provisioned, Provisioned: tableinfo.Throughput{ReadUnits: 6000, WriteUnits: 2000},
		ItemCount: 1000, SizeBytes: 25 * gigabyte,
		LocalIndexes: []tableinfo.Index{{Name: "by_time"}},
	}
	r := Estimate(Input{Table: table, PartitionKeys: 1000})
	if r.ReadUnits != 6000 || r.WriteUnits != 2000 || r.LSICount != 1 || r.BillingMode != Provisioned || r.StorageGB != 25 {
		t.Fatalf("effective inputs from the table: %+v", r)
	}
	if r.PartitionsForThroughput != 4 || r.PartitionsForStorage != 3 || r.Partitions != 4 {
		t.Errorf("partitions = %d/%d/%d, want 4/3/4", r.PartitionsForThroughput, r.PartitionsForStorage, r.Partitions)
	}
	// Each collection averages 25 MB: far from the cap.
	if len(r.Findings) != 0 {
		t.Errorf("findings = %v", codes(r.Findings))
	}
	for _, want := range []string{"(from the table)", "LSIs: 1 (from the table)"} {
		if !strings.Contains(r.Report, want) {
			t.Errorf("report does not say %q:\n%s", want, r.Report)
		}
	}

	// Declared numbers win over the table's; the LSI comes from the table.
	r = Estimate(Input{Table: table, WriteUnits: 8000, PartitionKeys: 1000, HottestShare: 0.25})
	if r.WriteUnits != 8000 || r.ReadUnits != 6000 {
		t.Errorf("declared writes should win: %d WCU, %d RCU", r.WriteUnits, r.ReadUnits)
	}
	if f := find(r.Findings, LSIHotCollection); f == nil || !strings.Contains(f.Message, "1 LSI,") {
		t.Errorf("want LSI_HOT_COLLECTION for the table's LSI, got %v", codes(r.Findings))
	}

	// On-demand tables take no targets from the table.
	r = Estimate(Input{Table: &tableinfo.Table{BillingMode: OnDemand}})
	if r.WriteUnits != 0 || r.BillingMode != OnDemand || len(r.Findings) != 0 || r.AchievableWriteUnits != nil {
		t.Errorf("on-demand table without targets: %+v", r)
	}
}

func TestDatasetStatistics(t *testing.T) {
	t.Parallel()
	// 10,000 votes, 90% for alice, loaded at 20,000 WCU/s.
	stats := &loader.KeyStats{
		Items: 10000, Bytes: 10000 * 200, DistinctPartitionKeys: 2,
		Hottest: []loader.KeyShare{
			{PartitionKey: "S:alice", Items: 9000, Bytes: 9000 * 200, ItemShare: 0.9, ByteShare: 0.9},
			{PartitionKey: "S:bob", Items: 1000, Bytes: 1000 * 200, ItemShare: 0.1, ByteShare: 0.1},
		},
		LargestCollection: loader.KeyShare{PartitionKey: "S:alice", Items: 9000, Bytes: 9000 * 200, ItemShare: 0.9, ByteShare: 0.9},
	}
	r := Estimate(Input{WriteUnits: 20000, Keys: stats, PartitionKeys: 99999, HottestShare: 0.01})
	f := find(r.Findings, TooFewShards)
	if f == nil {
		t.Fatalf("want TOO_FEW_SHARDS, got %v", codes(r.Findings))
	}
	for _, want := range []string{`partition key "alice"`, "18,000 WCU/s", "dataset.shard_count = 18 or more", "The dataset's 2 partition-key values"} {
		if !strings.Contains(f.Message, want) {
			t.Errorf("message %q does not say %q", f.Message, want)
		}
	}
	if f.Input != InputDataset || r.RequiredShards != 18 {
		t.Errorf("input %q, required %d; want dataset, 18", f.Input, r.RequiredShards)
	}
	if r.StorageGB != 0.002 {
		t.Errorf("storage from the dataset = %v GB, want 0.002", r.StorageGB)
	}

	// Sharded 50 ways, the hottest shard holds 2% of the items: 400 WCU/s, fine.
	sharded := &loader.KeyStats{Items: 10000, Bytes: 10000 * 200, DistinctPartitionKeys: 100,
		Hottest:           []loader.KeyShare{{PartitionKey: "S:alice#7", Items: 200, ItemShare: 0.02}},
		LargestCollection: loader.KeyShare{PartitionKey: "S:alice#7", Items: 200, Bytes: 200 * 200}}
	r = Estimate(Input{WriteUnits: 20000, Keys: sharded, KeysShardCount: 50, KeysShardSource: "dataset.shard_count"})
	if len(r.Findings) != 0 {
		t.Fatalf("findings = %v\n%s", codes(r.Findings), r.Report)
	}
	if r.RequiredShards != 50 || r.ShardCount != 50 {
		t.Errorf("required %d, shards %d; want 50 and 50", r.RequiredShards, r.ShardCount)
	}
	// At 60,000 WCU/s the hottest shard takes 1,200: raise the count from 50 to 100.
	r = Estimate(Input{WriteUnits: 60000, Keys: sharded, KeysShardCount: 50, KeysShardSource: "dataset.shard_count"})
	f = find(r.Findings, TooFewShards)
	if f == nil || !strings.Contains(f.Message, "Raise dataset.shard_count from 50 to at least 100") || f.Input != "dataset.shard_count" {
		t.Fatalf("want TOO_FEW_SHARDS raising 50 to 100 on dataset.shard_count, got %+v", r.Findings)
	}
	if !strings.Contains(r.Report, `hottest value: "alice#7" with 2% of the items`) {
		t.Errorf("report:\n%s", r.Report)
	}
}

func TestAchievable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		in          Input
		write, read float64 // -1: unknown
	}{
		{"nothing known", Input{}, -1, -1},
		{"targets only", Input{WriteUnits: 5000, ReadUnits: 9000}, 5000, 9000},
		{"even keys", Input{WriteUnits: 5000, ReadUnits: 9000, PartitionKeys: 2}, 2000, 6000},
		{"keys without targets", Input{PartitionKeys: 3}, -1, -1},
		{"hot GSI", Input{WriteUnits: 5000, GSIs: []GSI{{Name: "g", HottestShare: 0.5}}}, 2000, -1},
		{"sharded", Input{WriteUnits: 100000, PartitionKeys: 2, HottestShare: 0.9, ShardCount: 90}, 100000, -1},
	} {
		r := Estimate(tc.in)
		check := func(what string, got *float64, want float64) {
			switch {
			case want < 0 && got != nil:
				t.Errorf("%s: %s = %v, want unknown", tc.name, what, *got)
			case want >= 0 && (got == nil || *got != want):
				t.Errorf("%s: %s = %v, want %v", tc.name, what, got, want)
			}
		}
		check("writes", r.AchievableWriteUnits, tc.write)
		check("reads", r.AchievableReadUnits, tc.read)
	}
}

func TestReport(t *testing.T) {
	t.Parallel()
	r := Estimate(Input{ReadUnits: 7500, WriteUnits: 4000, StorageGB: 100})
	for _, want := range []string{
		"for throughput: 7 = ceil(7,500 RCU/s / 3,000 + 4,000 WCU/s / 1,000)",
		"for storage:    10 = ceil(100.0 GB / 10 GB)",
		"estimate:       10, each serving 750 RCU/s and 400 WCU/s",
		"heuristic",
		"Findings: none.",
	} {
		if !strings.Contains(r.Report, want) {
			t.Errorf("report does not say %q:\n%s", want, r.Report)
		}
	}
}

func TestNumberFormats(t *testing.T) {
	t.Parallel()
	for in, want := range map[float64]string{0: "0", 7: "7", 1111.11: "1,111", 12.34: "12.3", 100000: "100,000", 1234567: "1,234,567", -4000: "-4,000", 99.98: "100"} {
		if got := num(in); got != want {
			t.Errorf("num(%v) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[float64]string{0.9: "90%", 1.0 / 3: "33.3%", 0.02: "2%", 0.00045: "0.045%"} {
		if got := pct(in); got != want {
			t.Errorf("pct(%v) = %q, want %q", in, got, want)
		}
	}
}
