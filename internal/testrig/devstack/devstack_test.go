package devstack

import (
	"context"
	"errors"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// TestTableShapes starts each local server, creates every table shape the provider handles,
// reads each back through tableinfo, and deletes it. A server that cannot start (node or java
// missing) fails the test with the reason.
func TestTableShapes(t *testing.T) {
	for _, name := range ServerNames {
		t.Run(name, func(t *testing.T) { testTableShapes(t, name) })
	}
}

func testTableShapes(t *testing.T, server string) {
	ctx := context.Background()
	d, err := Start(ctx, server, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Stop()
	if d.Name != server {
		t.Errorf("Start(%q) returned a server named %q", server, d.Name)
	}
	c := d.Client()

	onDemand := WithGSIs("gsis_on_demand")
	onDemand.OnDemand = true
	provisioned := HashOnly("hash_provisioned")
	provisioned.ReadUnits, provisioned.WriteUnits = 300, 100

	cases := []struct {
		spec      TableSpec
		billing   string
		sortKey   string
		lsis      int
		gsis      int
		writeUnit int64
	}{
		{provisioned, "PROVISIONED", "", 0, 0, 100},
		{HashRange("hash_range"), "PROVISIONED", "sk", 0, 0, 5},
		{WithLSI("with_lsi"), "PROVISIONED", "sk", 1, 0, 5},
		{WithGSIs("with_gsis"), "PROVISIONED", "sk", 0, 2, 5},
		{onDemand, "PAY_PER_REQUEST", "sk", 0, 2, 0},
	}
	for i := range cases {
		tc := &cases[i]
		t.Run(tc.spec.Name, func(t *testing.T) {
			if err := CreateTable(ctx, c, tc.spec); err != nil {
				t.Fatal(err)
			}
			tbl, err := tableinfo.Describe(ctx, c, tc.spec.Name)
			if err != nil {
				t.Fatal(err)
			}
			if tbl.Status != "ACTIVE" || tbl.PartitionKey != (tableinfo.Key{Name: "pk", Type: "S"}) {
				t.Errorf("status %q, partition key %+v", tbl.Status, tbl.PartitionKey)
			}
			gotSort := ""
			if tbl.SortKey != nil {
				gotSort = tbl.SortKey.Name
			}
			if gotSort != tc.sortKey || tbl.BillingMode != tc.billing || len(tbl.LocalIndexes) != tc.lsis ||
				len(tbl.GlobalIndexes) != tc.gsis || tbl.Provisioned.WriteUnits != tc.writeUnit {
				t.Errorf("got sort %q billing %q lsis %d gsis %d wcu %d", gotSort, tbl.BillingMode,
					len(tbl.LocalIndexes), len(tbl.GlobalIndexes), tbl.Provisioned.WriteUnits)
			}
			if err := DeleteTable(ctx, c, tc.spec.Name); err != nil {
				t.Fatal(err)
			}
			var nf *tableinfo.NotFoundError
			if _, err := tableinfo.Describe(ctx, c, tc.spec.Name); !errors.As(err, &nf) {
				t.Fatalf("after DeleteTable, Describe = %v; want not found", err)
			}
			if err := DeleteTable(ctx, c, tc.spec.Name); err != nil {
				t.Fatalf("deleting a missing table must be a no-op: %v", err)
			}
		})
	}
}

func TestStopIsIdempotentAndEndsServer(t *testing.T) {
	for _, name := range ServerNames {
		t.Run(name, func(t *testing.T) {
			d, err := Start(context.Background(), name, Options{})
			if err != nil {
				t.Fatal(err)
			}
			// The launcher exits by itself once its stdin closes; Stop kills it only after 5s.
			start := time.Now()
			d.Stop()
			if took := time.Since(start); took > 4*time.Second {
				t.Errorf("Stop took %s: the launcher did not exit when its stdin closed", took)
			}
			d.Stop()
			if _, err := tableinfo.Describe(context.Background(), d.Client(), "x"); err == nil {
				t.Fatal("server still answers after Stop")
			}
		})
	}
}

// TestListensOnLoopbackOnly checks that each server answers on 127.0.0.1 and refuses the same
// port on the machine's other addresses: the test servers accept any credentials.
func TestListensOnLoopbackOnly(t *testing.T) {
	other := nonLoopbackAddress(t)
	for _, name := range ServerNames {
		t.Run(name, func(t *testing.T) {
			d, err := Start(context.Background(), name, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Stop()
			u, err := url.Parse(d.Endpoint)
			if err != nil {
				t.Fatal(err)
			}
			if u.Hostname() != "127.0.0.1" {
				t.Fatalf("endpoint %s is not on 127.0.0.1", d.Endpoint)
			}
			conn, err := net.DialTimeout("tcp", u.Host, time.Second)
			if err != nil {
				t.Fatalf("nothing listens at %s: %v", u.Host, err)
			}
			_ = conn.Close()
			addr := net.JoinHostPort(other.String(), u.Port())
			if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				_ = conn.Close()
				t.Fatalf("%s also listens at %s, not on 127.0.0.1 only", name, addr)
			}
		})
	}
}

// nonLoopbackAddress returns an address of this machine other than loopback, or skips the
// test, saying so, on a machine that has none.
func nonLoopbackAddress(t *testing.T) net.IP {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() && n.IP.To4() != nil {
			return n.IP
		}
	}
	t.Skip("needs a network interface with an IPv4 address besides loopback (this machine has none), to tell binding 127.0.0.1 only from binding every interface")
	return nil
}

func TestStartUnknownServer(t *testing.T) {
	if _, err := Start(context.Background(), "localstack", Options{}); err == nil {
		t.Fatal("Start accepted a server it does not know")
	}
}
