package bench

import (
	"bufio"
	"cmp"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Dist is how a dataset's partition keys are drawn and ordered.
type Dist string

// The key distributions.
const (
	// Uniform draws customers uniformly, in random order.
	Uniform Dist = "uniform"
	// Sorted is Uniform sorted by partition key, then sort key, as an export would be.
	Sorted Dist = "sorted"
	// Zipf draws customers from a Zipf distribution (s = ZipfS): a few customers hold most
	// items. Random order.
	Zipf Dist = "zipf"
)

// Dataset shape.
const (
	// Customers is the number of distinct customers (partition keys before sharding).
	Customers = 20_000
	// ZipfS is the Zipf exponent: with Customers keys the hottest customer holds about 15% of
	// the items (14.7% of the 100,000 of the benchmark).
	ZipfS = 1.1
)

// Dataset is a generated JSON Lines file.
type Dataset struct {
	Path  string
	Dist  Dist
	Items int
	Bytes int64
}

// benchItem is one generated item: partition key pk (a customer), sort key sk (an order id),
// and about 200 bytes in all (one write unit).
type benchItem struct {
	pk, sk string
	seq    int
}

// plainJSON is the item as a line of plain JSON, the loader's and boto3's input.
func (it benchItem) plainJSON() string {
	return fmt.Sprintf(`{"pk":%q,"sk":%q,"total":%d.%02d,"qty":%d,"status":"shipped","note":"größe — order %08d ok","paid":%t,"tags":["a","b","c"],"addr":{"city":"Zürich","zip":"80%02d"}}`,
		it.pk, it.sk, it.seq%5000, 1+it.seq%99, 1+it.seq%7, it.seq, it.seq%2 == 0, it.seq%100)
}

// dynamoJSON is the item in DynamoDB JSON, the AWS CLI's input.
func (it benchItem) dynamoJSON() string {
	return fmt.Sprintf(`{"pk":{"S":%q},"sk":{"S":%q},"total":{"N":"%d.%02d"},"qty":{"N":"%d"},"status":{"S":"shipped"},"note":{"S":"größe — order %08d ok"},"paid":{"BOOL":%t},"tags":{"L":[{"S":"a"},{"S":"b"},{"S":"c"}]},"addr":{"M":{"city":{"S":"Zürich"},"zip":{"S":"80%02d"}}}}`,
		it.pk, it.sk, it.seq%5000, 1+it.seq%99, 1+it.seq%7, it.seq, it.seq%2 == 0, it.seq%100)
}

func genItems(n int, dist Dist, seed uint64) []benchItem {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	var draw func() int
	if dist == Zipf {
		z := rand.NewZipf(rng, ZipfS, 1, Customers-1)
		draw = func() int { return int(z.Uint64()) }
	} else {
		draw = func() int { return rng.IntN(Customers) }
	}
	items := make([]benchItem, n)
	for i := range items {
		c := draw()
		items[i] = benchItem{pk: fmt.Sprintf("cust-%05d", c), sk: fmt.Sprintf("order-%08d", i), seq: i}
	}
	if dist == Sorted {
		slices.SortFunc(items, func(a, b benchItem) int { return cmp.Or(strings.Compare(a.pk, b.pk), strings.Compare(a.sk, b.sk)) })
	}
	return items
}

// Generate writes n items of dist to dir/<dist>-<n>.jsonl (reusing the file when it is
// already there: generation is deterministic).
func Generate(dir string, n int, dist Dist) (*Dataset, error) {
	items := genItems(n, dist, 1)
	d := &Dataset{Path: filepath.Join(dir, string(dist)+"-"+strconv.Itoa(n)+".jsonl"), Dist: dist, Items: n}
	if st, err := os.Stat(d.Path); err == nil {
		d.Bytes = st.Size()
		return d, nil
	}
	f, err := os.Create(d.Path)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for _, it := range items {
		_, _ = w.WriteString(it.plainJSON())
		_ = w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		_ = f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	st, err := os.Stat(d.Path)
	if err != nil {
		return nil, err
	}
	d.Bytes = st.Size()
	return d, nil
}

// WriteCLIBatches writes the first n items of dist as BatchWriteItem request files of 25 puts
// each for table (dir/batch-00001.json, ...), the AWS CLI's --request-items input. The
// conversion is not timed: the CLI benchmark times only the calls.
func WriteCLIBatches(dir, table string, n int, dist Dist, datasetItems int) (int, error) {
	items := genItems(datasetItems, dist, 1)
	items = items[:min(n, len(items))]
	files := 0
	for start := 0; start < len(items); start += 25 {
		var b strings.Builder
		b.WriteString(`{"` + table + `":[`)
		for i, it := range items[start:min(start+25, len(items))] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"PutRequest":{"Item":` + it.dynamoJSON() + `}}`)
		}
		b.WriteString("]}")
		files++
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("batch-%05d.json", files)), []byte(b.String()), 0o600); err != nil {
			return 0, err
		}
	}
	return len(items), nil
}
