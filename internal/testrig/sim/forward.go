package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// backend applies what the simulator admits: a DynamoDB-compatible server or the in-memory
// sink.
type backend interface {
	// call runs one operation with a JSON body and returns the answer to relay.
	call(r *http.Request, op string, body []byte) (*response, error)
	// meta returns a table's key schema; a missing table is an error to answer with.
	meta(r *http.Request, table string) (*tableMeta, error)
	// batchWrite applies admitted write requests and returns those the backend itself left
	// unprocessed.
	batchWrite(r *http.Request, writes []tableWrites, collectionMetrics string) (*batchResult, error)
	// forget drops anything cached about a table (it was created or deleted).
	forget(table string)
	close()
}

// tableWrites are one table's admitted write requests, in request order.
type tableWrites struct {
	table string
	reqs  []*writeRequest
}

type batchResult struct {
	unprocessed           map[string][]json.RawMessage
	itemCollectionMetrics json.RawMessage
}

// forwarder relays requests to a DynamoDB-compatible server. It copies the client's headers,
// signature included: dynalite does not verify signatures, so a rewritten body still passes.
type forwarder struct {
	base   *url.URL
	client *http.Client

	mu    sync.Mutex
	metas map[string]*tableMeta // key schemas from DescribeTable, by table
}

func newForwarder(backendURL string) (*forwarder, error) {
	u, err := url.Parse(backendURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("sim: Backend %q is not an http(s) URL", backendURL)
	}
	t := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 1024, // one idle connection per concurrent writer
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true, // relay bytes as they are, so the backend's CRC32 still holds
	}
	return &forwarder{base: u, client: &http.Client{Transport: t, Timeout: 2 * time.Minute}, metas: map[string]*tableMeta{}}, nil
}

func (f *forwarder) call(r *http.Request, op string, body []byte) (*response, error) {
	u := *f.base
	u.Path = strings.TrimSuffix(f.base.Path, "/") + r.URL.Path
	u.RawQuery = r.URL.RawQuery
	req, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, internalError("building the backend request: " + err.Error())
	}
	for k, vs := range r.Header {
		if !hopByHop[http.CanonicalHeaderKey(k)] && http.CanonicalHeaderKey(k) != "Content-Length" {
			req.Header[k] = vs
		}
	}
	req.Header.Set("X-Amz-Target", targetPrefix+op)
	// The simulator reads some answers (descriptions, batch results): ask for them plain.
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, internalError("the simulator's backend is unreachable: " + err.Error())
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, internalError("reading the backend's answer: " + err.Error())
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// meta describes the table at the backend once and caches its key schema.
func (f *forwarder) meta(r *http.Request, table string) (*tableMeta, error) {
	f.mu.Lock()
	m, ok := f.metas[table]
	f.mu.Unlock()
	if ok {
		return m, nil
	}
	body, _ := json.Marshal(map[string]string{"TableName": table})
	resp, err := f.call(r, "DescribeTable", body)
	if err != nil {
		return nil, err
	}
	if resp.status != http.StatusOK {
		return nil, &backendAnswerError{resp: resp}
	}
	var out struct{ Table tableShape }
	if err := json.Unmarshal(resp.body, &out); err != nil {
		return nil, internalError("the backend's DescribeTable answer does not parse: " + err.Error())
	}
	m = out.Table.meta()
	if m.pk == "" {
		return nil, internalError("the backend's DescribeTable answer has no partition key for " + table)
	}
	f.mu.Lock()
	f.metas[table] = m
	f.mu.Unlock()
	return m, nil
}

func (f *forwarder) forget(table string) {
	f.mu.Lock()
	delete(f.metas, table)
	f.mu.Unlock()
}

func (f *forwarder) close() { f.client.CloseIdleConnections() }

// batchWrite sends the admitted requests as one BatchWriteItem.
func (f *forwarder) batchWrite(r *http.Request, writes []tableWrites, collectionMetrics string) (*batchResult, error) {
	body := []byte(`{"RequestItems":{`)
	for i, tw := range writes {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(appendString(body, tw.table), ":["...)
		for j, wr := range tw.reqs {
			if j > 0 {
				body = append(body, ',')
			}
			body = wr.appendJSON(body)
		}
		body = append(body, ']')
	}
	body = append(body, '}')
	if collectionMetrics != "" {
		body = appendString(append(body, `,"ReturnItemCollectionMetrics":`...), collectionMetrics)
	}
	body = append(body, '}')
	resp, err := f.call(r, "BatchWriteItem", body)
	if err != nil {
		return nil, err
	}
	if resp.status != http.StatusOK {
		// A table deleted or recreated behind the simulator's back: describe it afresh next time.
		for _, tw := range writes {
			f.forget(tw.table)
		}
		return nil, &backendAnswerError{resp: resp}
	}
	var out struct {
		UnprocessedItems      map[string][]json.RawMessage
		ItemCollectionMetrics json.RawMessage
	}
	if err := json.Unmarshal(resp.body, &out); err != nil {
		return nil, internalError("the backend's BatchWriteItem answer does not parse: " + err.Error())
	}
	return &batchResult{unprocessed: out.UnprocessedItems, itemCollectionMetrics: out.ItemCollectionMetrics}, nil
}

// tableShape is the part of a table description the simulator reads.
type tableShape struct {
	KeySchema []struct {
		AttributeName string
		KeyType       string
	}
	AttributeDefinitions []struct {
		AttributeName string
		AttributeType string
	}
	GlobalSecondaryIndexes []struct{ IndexName string }
}

func (t *tableShape) meta() *tableMeta {
	typeOf := func(name string) string {
		for _, d := range t.AttributeDefinitions {
			if d.AttributeName == name {
				return d.AttributeType
			}
		}
		return ""
	}
	m := &tableMeta{}
	for _, k := range t.KeySchema {
		switch k.KeyType {
		case "HASH":
			m.pk, m.pkType = k.AttributeName, typeOf(k.AttributeName)
		case "RANGE":
			m.sk, m.skType = k.AttributeName, typeOf(k.AttributeName)
		}
	}
	for _, g := range t.GlobalSecondaryIndexes {
		m.gsis = append(m.gsis, g.IndexName)
	}
	return m
}
