package bench

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
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
	// Collections100 is sorted input of large item collections: 100 customers of 5,000 items
	// each. The order stage's window holds only two or three of them at a time.
	Collections100 Dist = "sorted-100x5000"
	// Collections20 is 20 customers of 20,000 items each, sorted: few enough keys that one
	// partition's share of them sets the limit.
	Collections20 Dist = "sorted-20x20000"
	// CollectionsMix holds both shapes in one sorted file: 50 customers of 5,000 items and 10
	// of 20,000 (every sixth customer).
	CollectionsMix Dist = "sorted-mix"
)

// collections gives, for a Dist of large item collections, the number of customers and each
// one's number of items.
var collections = map[Dist]struct {
	customers int
	items     func(c int) int
}{
	Collections100: {100, func(int) int { return 5_000 }},
	Collections20:  {20, func(int) int { return 20_000 }},
	CollectionsMix: {60, func(c int) int {
		if c%6 == 5 {
			return 20_000
		}
		return 5_000
	}},
}

// CollectionItems is the number of items of a Dist of large item collections (0 for the
// others, whose size is chosen).
func CollectionItems(d Dist) int {
	c, ok := collections[d]
	if !ok {
		return 0
	}
	n := 0
	for i := range c.customers {
		n += c.items(i)
	}
	return n
}

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
// and its sequence number, from which the rest of its attributes follow (record). Only these
// are kept in memory: a dataset holds up to a million items.
type benchItem struct {
	pk, sk string
	seq    int
}

// benchRecord is an item as a Go value, about 200 bytes in all (one write unit). Every loader
// gets it from this one value: encoding/json writes it as plain JSON (the loader's and boto3's
// input), attributevalue as DynamoDB attribute values (the AWS CLI's input), so the peers load
// the same items.
type benchRecord struct {
	PK string `json:"pk" dynamodbav:"pk"`
	SK string `json:"sk" dynamodbav:"sk"`
	// Total is decimal text that encoding/json and attributevalue both write as a number, as
	// it is: a float64 would write 12.10 as 12.1.
	Total  json.Number `json:"total" dynamodbav:"total"`
	Qty    int         `json:"qty" dynamodbav:"qty"`
	Status string      `json:"status" dynamodbav:"status"`
	Note   string      `json:"note" dynamodbav:"note"`
	Paid   bool        `json:"paid" dynamodbav:"paid"`
	Tags   []string    `json:"tags" dynamodbav:"tags"`
	Addr   benchAddr   `json:"addr" dynamodbav:"addr"`
}

type benchAddr struct {
	City string `json:"city" dynamodbav:"city"`
	Zip  string `json:"zip" dynamodbav:"zip"`
}

var benchTags = []string{"a", "b", "c"}

// record is the item as a Go value.
func (it benchItem) record() benchRecord {
	return benchRecord{
		PK:     it.pk,
		SK:     it.sk,
		Total:  json.Number(fmt.Sprintf("%d.%02d", it.seq%5000, 1+it.seq%99)),
		Qty:    1 + it.seq%7,
		Status: "shipped",
		Note:   fmt.Sprintf("größe — order %08d ok", it.seq),
		Paid:   it.seq%2 == 0,
		Tags:   benchTags,
		Addr:   benchAddr{City: "Zürich", Zip: fmt.Sprintf("80%02d", it.seq%100)},
	}
}

// plainJSON is the item as a line of plain JSON.
func (it benchItem) plainJSON() ([]byte, error) {
	return json.Marshal(it.record())
}

// attributeValues is the item as DynamoDB attribute values.
func (it benchItem) attributeValues() (map[string]types.AttributeValue, error) {
	return attributevalue.MarshalMap(it.record())
}

func genItems(n int, dist Dist, seed uint64) []benchItem {
	if c, ok := collections[dist]; ok {
		// Already in sorted order. n scales every collection: CollectionItems gives the
		// shape's own size.
		total := CollectionItems(dist)
		items := make([]benchItem, 0, n)
		for cust := range c.customers {
			for range c.items(cust) * n / total {
				i := len(items)
				items = append(items, benchItem{pk: fmt.Sprintf("cust-%05d", cust), sk: fmt.Sprintf("order-%08d", i), seq: i})
			}
		}
		return items
	}
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
	d := &Dataset{Path: filepath.Join(dir, string(dist)+"-"+strconv.Itoa(n)+".jsonl"), Dist: dist, Items: len(items)}
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
		line, err := it.plainJSON()
		if err != nil {
			_ = f.Close()
			return nil, err
		}
		_, _ = w.Write(line)
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

// Gzipped is d compressed into one gzip file beside it (d.Path + ".gz"), written once.
func (d *Dataset) Gzipped() (*Dataset, error) {
	gz := *d
	gz.Path = d.Path + ".gz"
	if st, err := os.Stat(gz.Path); err == nil {
		gz.Bytes = st.Size()
		return &gz, nil
	}
	in, err := os.Open(d.Path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	tmp := gz.Path + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return nil, err
	}
	zw := gzip.NewWriter(out)
	_, err = io.Copy(zw, in)
	err = errors.Join(err, zw.Close(), out.Close())
	if err == nil {
		err = os.Rename(tmp, gz.Path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return nil, err
	}
	st, err := os.Stat(gz.Path)
	if err != nil {
		return nil, err
	}
	gz.Bytes = st.Size()
	return &gz, nil
}

// WriteCLIBatches writes the first n items of dist as BatchWriteItem request files of 25 puts
// each for table (dir/batch-00001.json, ...), the AWS CLI's --request-items input. The
// conversion is not timed: the CLI benchmark times only the calls.
func WriteCLIBatches(dir, table string, n int, dist Dist, datasetItems int) (int, error) {
	items := genItems(datasetItems, dist, 1)
	items = items[:min(n, len(items))]
	files := 0
	for start := 0; start < len(items); start += 25 {
		var puts []putRequest
		for _, it := range items[start:min(start+25, len(items))] {
			av, err := it.attributeValues()
			if err != nil {
				return 0, err
			}
			item, err := attributevalue.MarshalMapJSON(av)
			if err != nil {
				return 0, err
			}
			var p putRequest
			p.PutRequest.Item = item
			puts = append(puts, p)
		}
		b, err := json.Marshal(map[string][]putRequest{table: puts})
		if err != nil {
			return 0, err
		}
		files++
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("batch-%05d.json", files)), b, 0o600); err != nil {
			return 0, err
		}
	}
	return len(items), nil
}

// putRequest is a PutRequest of a --request-items file, its item in DynamoDB JSON. (The SDK
// has no public encoder for a whole WriteRequest, only for attribute values.)
type putRequest struct {
	PutRequest struct {
		Item json.RawMessage
	}
}
