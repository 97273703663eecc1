package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"time"
)

// The demo dataset: orders with a skewed customer key. One customer places hotShare of all
// orders, so its partition key would be a hot partition; examples/demo shards it.
const (
	orderCount    = 100_000
	hotCustomer   = "bigbox-retail"
	hotShare      = 0.40
	otherCustomer = 2_000 // the rest of the orders spread evenly over this many customers
	orderSeed     = 20250101
)

var statuses = []string{"placed", "paid", "shipped", "delivered", "returned"}

// ordersInfo is what the demo needs to know about the generated file.
type ordersInfo struct {
	Path     string
	Orders   int
	Hot      int    // orders of hotCustomer
	HotOrder string // the first order of hotCustomer, read back directly at the end
	HotDate  string // its order_date
	Bytes    int64
}

// writeOrders writes orderCount orders as JSON Lines to path, one line at a time. The same
// seed gives the same file on every machine, so every run loads the same dataset. Lines are
// in order-id (and date) order, as an export from an order system would be.
func writeOrders(path string) (info ordersInfo, err error) {
	f, err := os.Create(path)
	if err != nil {
		return info, err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriterSize(f, 1<<16)
	rng := rand.New(rand.NewPCG(orderSeed, 0))
	start := time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC)
	line := make([]byte, 0, 256)
	info.Path = path
	for i := range orderCount {
		id := fmt.Sprintf("o-%07d", i+1)
		customer := hotCustomer
		if rng.Float64() >= hotShare {
			customer = fmt.Sprintf("cust-%04d", rng.IntN(otherCustomer)+1)
		} else {
			info.Hot++
			if info.HotOrder == "" {
				info.HotOrder = id
			}
		}
		date := start.AddDate(0, 0, i*365/orderCount).Format(time.DateOnly)
		if info.HotOrder == id {
			info.HotDate = date
		}
		cents := 500 + rng.IntN(50_000)

		line = line[:0]
		line = append(line, `{"order_id":"`...)
		line = append(line, id...)
		line = append(line, `","customer":"`...)
		line = append(line, customer...)
		line = append(line, `","order_date":"`...)
		line = append(line, date...)
		line = append(line, `","status":"`...)
		line = append(line, statuses[rng.IntN(len(statuses))]...)
		line = append(line, `","lines":`...)
		line = strconv.AppendInt(line, int64(1+rng.IntN(8)), 10)
		line = append(line, `,"total":`...)
		line = fmt.Appendf(line, "%d.%02d", cents/100, cents%100)
		line = append(line, `,"currency":"EUR"}`+"\n"...)
		n, err := w.Write(line)
		if err != nil {
			return info, err
		}
		info.Bytes += int64(n)
		info.Orders++
	}
	return info, w.Flush()
}
