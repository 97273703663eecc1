package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/sim"
)

// TestPlainJSONLine pins the text of a dataset line: datasets are kept in the work folder and
// reused, so a generator that wrote other bytes would mix old and new files in one report.
func TestPlainJSONLine(t *testing.T) {
	t.Parallel()
	got, err := benchItem{pk: "cust-00042", sk: "order-00000110", seq: 110}.plainJSON()
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"pk":"cust-00042","sk":"order-00000110","total":110.12,"qty":6,"status":"shipped",` +
		`"note":"größe — order 00000110 ok","paid":true,"tags":["a","b","c"],"addr":{"city":"Zürich","zip":"8010"}}`
	if string(got) != want {
		t.Errorf("line:\n%s\nwant:\n%s", got, want)
	}
}

// TestCLIBatchesHoldTheDataset: the AWS CLI's request files hold the dataset's first items,
// each the item the loader makes of the dataset's line, so every peer loads the same items.
func TestCLIBatchesHoldTheDataset(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const datasetItems, cliItems = 100, 30
	d, err := Generate(dir, datasetItems, Uniform)
	if err != nil {
		t.Fatal(err)
	}
	n, err := WriteCLIBatches(dir, "bench", cliItems, Uniform, datasetItems)
	if err != nil || n != cliItems {
		t.Fatalf("WriteCLIBatches = %d, %v; want %d items", n, err, cliItems)
	}
	f, err := os.Open(d.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines := bufio.NewScanner(f)

	for _, file := range []struct {
		name string
		puts int
	}{{"batch-00001.json", 25}, {"batch-00002.json", 5}} {
		b, err := os.ReadFile(filepath.Join(dir, file.name))
		if err != nil {
			t.Fatal(err)
		}
		var batch map[string][]struct {
			PutRequest struct{ Item json.RawMessage }
		}
		if err := json.Unmarshal(b, &batch); err != nil {
			t.Fatalf("%s: %v", file.name, err)
		}
		if len(batch) != 1 || len(batch["bench"]) != file.puts {
			t.Fatalf("%s holds %d tables, %d puts for bench; want 1 and %d", file.name, len(batch), len(batch["bench"]), file.puts)
		}
		for i, put := range batch["bench"] {
			cli, err := attributevalue.UnmarshalMapJSON(put.PutRequest.Item)
			if err != nil {
				t.Fatalf("%s, put %d: %v", file.name, i, err)
			}
			if !lines.Scan() {
				t.Fatalf("the dataset has fewer lines than the batches hold puts: %v", lines.Err())
			}
			plain, err := source.PlainItem(d.Path, lines.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(loader.CanonicalBytes(cli), loader.CanonicalBytes(plain)) {
				t.Errorf("%s, put %d: %s\nis not the item of the dataset's line\n%s", file.name, i, put.PutRequest.Item, lines.Bytes())
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "batch-00003.json")); err == nil {
		t.Errorf("a third request file for %d items", cliItems)
	}
}

// TestCollections: the large-collection datasets are sorted by key, every customer holding
// its share of items at any scale, and their limit is the hottest partition's keys together:
// a key lives on one partition, so no key can be written faster than its partition allows.
func TestCollections(t *testing.T) {
	t.Parallel()
	for _, d := range []Dist{Collections100, Collections20, CollectionsMix} {
		n := CollectionItems(d) / 100
		items := genItems(n, d, 1)
		if len(items) != n {
			t.Fatalf("%s: %d items, want %d", d, len(items), n)
		}
		per := map[string]int{}
		perPartition := map[int]float64{}
		for i, it := range items {
			if i > 0 && it.pk < items[i-1].pk {
				t.Fatalf("%s: %s after %s: not sorted", d, it.pk, items[i-1].pk)
			}
			per[it.pk]++
			perPartition[sim.PartitionOf([]byte(it.pk), 8)]++
		}
		c := collections[d]
		if len(per) != c.customers {
			t.Fatalf("%s: %d customers, want %d", d, len(per), c.customers)
		}
		var samples []sim.Sample
		hot := 0.0
		for p, w := range perPartition {
			samples = append(samples, sim.Sample{Table: "t", Partition: p, WCU: w})
			hot = max(hot, w)
		}
		l := PhysicalLimit(samples, "t", 1000, 8000)
		if want := max(hot/1000, float64(n)/8000); l.TPhys.Seconds() != want || l.HotWCU != hot {
			t.Fatalf("%s: T_phys %v, hot %v; want %v s from the hot partition's %v WCU", d, l.TPhys, l.HotWCU, want, hot)
		}
		biggest := 0
		for _, k := range per {
			biggest = max(biggest, k)
		}
		if l.HotWCU < float64(biggest) {
			t.Fatalf("%s: the hot partition's %v WCU is below one key's %d items", d, l.HotWCU, biggest)
		}
	}
}
