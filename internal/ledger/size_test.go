package ledger

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/hashing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
)

// keyShape generates realistic entry i of a dataset, deterministically, so a test can rebuild
// any entry without keeping the dataset.
type keyShape struct {
	name    string
	entry   func(i int) Entry
	maxPerE float64 // bytes per entry the encoding must stay under
}

var keyShapes = []keyShape{
	{
		// 100,000 users with 10 events each: "S:user-000123" / "N:1700000000123".
		name: "user and timestamp",
		entry: func(i int) Entry {
			ts := 1_700_000_000_000 + int64(i%10)*3_600_000 + int64(hashing.Mix64(uint64(i))%3_600_000)
			k := keys.Key{Partition: "S:user-" + pad(i/10, 6), Sort: "N:" + strconv.FormatInt(ts, 10)}
			return Entry{KeyID: k.ID(), Hash: uint32(hashing.Mix64(uint64(i) + 1<<40)), Known: true}
		},
		maxPerE: 4,
	},
	{
		// 1,000 tenants with 1,000 orders each, write-sharded 10 ways: "S:7#tenant-42" /
		// "S:order-00000042".
		name: "sharded tenant and order",
		entry: func(i int) Entry {
			tenant, order := i/1000, i%1000
			orderID := "order-" + pad(order, 8)
			k := keys.Key{
				Partition: "S:" + strconv.Itoa(keys.Shard(orderID, 10)) + "#tenant-" + strconv.Itoa(tenant),
				Sort:      "S:" + orderID,
			}
			return Entry{KeyID: k.ID(), Hash: uint32(hashing.Mix64(uint64(i) + 2<<40)), Known: true}
		},
		maxPerE: 1,
	},
	{
		// 20,000 customers with orders numbered 0 to n-1, each order drawn to a random customer:
		// "S:cust-01234" / "S:order-00000042", the benchmark's dataset.
		name: "customer and order",
		entry: func(i int) Entry {
			k := keys.Key{Partition: "S:cust-" + pad(int(hashing.Mix64(uint64(i)+6<<40)%20_000), 5), Sort: "S:order-" + pad(i, 8)}
			return Entry{KeyID: k.ID(), Hash: uint32(hashing.Mix64(uint64(i) + 7<<40)), Known: true}
		},
		maxPerE: 4,
	},
	{
		// Random UUIDs, no sort key: 122 random bits a key, the worst realistic case.
		name: "uuid",
		entry: func(i int) Entry {
			var r [16]byte
			binary.BigEndian.PutUint64(r[:8], hashing.Mix64(uint64(i)+3<<40))
			binary.BigEndian.PutUint64(r[8:], hashing.Mix64(uint64(i)+4<<40))
			r[6], r[8] = r[6]&0x0f|0x40, r[8]&0x3f|0x80 // version 4, RFC 4122 variant
			h := hex.EncodeToString(r[:])
			u := h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
			return Entry{KeyID: keys.Key{Partition: "S:" + u}.ID(), Hash: uint32(hashing.Mix64(uint64(i) + 5<<40)), Known: true}
		},
		maxPerE: 20,
	},
}

// pad is i in decimal, zero-padded to width digits.
func pad(i, width int) string {
	s := strconv.Itoa(i)
	return strings.Repeat("0", max(0, width-len(s))) + s
}

// TestLedgerSizeAtAMillion encodes a million entries of each key shape, decodes them, checks
// the round trip, and logs the encoded bytes per entry (the numbers in the package doc). The
// bounds are generous, so they catch a regression of the format, not noise.
//
// `go test ./internal/ledger/` runs the full million in about 6 s. Under -short it uses 200,000
// entries, and under -race 50,000, since the race detector slows compress/flate about tenfold
// (a million would take a minute); bytes per entry barely depend on the count, because
// DEFLATE's window is 32 KB.
func TestLedgerSizeAtAMillion(t *testing.T) {
	t.Parallel()
	n := 1_000_000
	if testing.Short() {
		n = 200_000
	}
	if raceEnabled {
		n = 50_000
	}
	for _, shape := range keyShapes {
		t.Run(shape.name, func(t *testing.T) {
			t.Parallel()
			var b Builder
			b.Grow(n)
			for i := range n {
				e := shape.entry(i)
				b.Add(e.KeyID, e.Hash)
			}
			l := b.Build()
			if l.Len() != n {
				t.Fatalf("Len = %d, want %d (the generator repeats keys)", l.Len(), n)
			}
			enc := l.Encode()
			got, err := Decode(enc)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got.Len() != n {
				t.Fatalf("decoded Len = %d, want %d", got.Len(), n)
			}
			if !sameLedger(got, l) {
				t.Errorf("the decoded ledger's entries differ from the built one's")
			}
			rng := rand.New(rand.NewPCG(1, 2))
			for range 300 {
				e := shape.entry(rng.IntN(n))
				if got.Find(e.KeyID) < 0 {
					t.Fatalf("decoded ledger lacks %q", e.KeyID)
				}
			}
			perEntry := float64(len(enc)) / float64(n)
			t.Logf("%d entries (%s): %d bytes encoded, %.2f bytes/entry, %d bytes as a string, steps in coding %d; key IDs average %.1f bytes",
				n, shape.name, len(enc), perEntry, len(l.EncodeString()), stepsOf(t, enc), float64(len(l.keys))/float64(n))
			if perEntry >= shape.maxPerE {
				t.Errorf("%.2f bytes per entry, want < %g", perEntry, shape.maxPerE)
			}
		})
	}
}
