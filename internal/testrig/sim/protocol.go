package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
)

// The AWS JSON 1.0 protocol as DynamoDB speaks it.
const (
	targetPrefix    = "DynamoDB_20120810."
	jsonContentType = "application/x-amz-json-1.0"

	// Error __type namespaces. aws-sdk-go-v2 keeps only what follows '#' and looks that name
	// up in its type registry, so these become the SDK's typed errors
	// (*types.ProvisionedThroughputExceededException, ...).
	nsDynamoDB = "com.amazonaws.dynamodb.v20120810#"
	nsValidate = "com.amazon.coral.validate#"
	nsService  = "com.amazon.coral.service#"

	// maxBodyBytes bounds a request body: a BatchWriteItem may carry 16 MB of items, plus
	// JSON overhead.
	maxBodyBytes = ddbitem.MaxBatchBytes + 4<<20
)

// operation reads the operation name from X-Amz-Target.
func operation(r *http.Request) (string, bool) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	return op, ok && op != ""
}

// readBody reads a request body, refusing oversized ones as DynamoDB does.
func readBody(r *http.Request) ([]byte, error) {
	// Room for the announced length up front spares io.ReadAll's regrowing.
	size := bytes.MinRead
	if n := r.ContentLength; n > 0 && n <= maxBodyBytes {
		size += int(n)
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, maxBodyBytes+1)); err != nil {
		return nil, internalError("reading the request body: " + err.Error())
	}
	body := buf.Bytes()
	if len(body) > maxBodyBytes {
		return nil, validationError("Request size exceeded the maximum of %d bytes", maxBodyBytes)
	}
	return body, nil
}

// response is an answer to relay: status, headers and body.
type response struct {
	status int
	header http.Header
	body   []byte
}

// apiError is a DynamoDB error answer in the AWS JSON error shape.
type apiError struct {
	status int
	typ    string // the full __type
	msg    string
	extra  map[string]any // further members, e.g. ThrottlingReasons
}

func (e *apiError) Error() string { return e.typ + ": " + e.msg }

// backendAnswerError carries a backend's non-200 answer to relay as is.
type backendAnswerError struct{ resp *response }

func (e *backendAnswerError) Error() string {
	return fmt.Sprintf("backend answered HTTP %d: %s", e.resp.status, e.resp.body)
}

func validationError(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: nsValidate + "ValidationException", msg: fmt.Sprintf(format, args...)}
}

func serializationError(err error) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: nsService + "SerializationException", msg: err.Error()}
}

func notFoundError(table string) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: nsDynamoDB + "ResourceNotFoundException",
		msg: "Requested resource not found: Table: " + table + " not found"}
}

func inUseError(msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: nsDynamoDB + "ResourceInUseException", msg: msg}
}

func internalError(msg string) *apiError {
	return &apiError{status: http.StatusInternalServerError, typ: nsDynamoDB + "InternalServerError", msg: msg}
}

func unknownOperation(target string) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: nsService + "UnknownOperationException",
		msg: fmt.Sprintf("unknown operation %q", target)}
}

// writeError answers err: an apiError in the AWS JSON shape, a backend's answer as is, and
// anything else as an InternalServerError.
func (s *Sim) writeError(w http.ResponseWriter, err error) {
	var be *backendAnswerError
	if errors.As(err, &be) {
		s.writeResponse(w, be.resp)
		return
	}
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = internalError(err.Error())
	}
	body := map[string]any{"__type": ae.typ, "message": ae.msg}
	for k, v := range ae.extra {
		body[k] = v
	}
	s.writeJSON(w, ae.status, body)
}

// writeJSON answers with v as a JSON document.
func (s *Sim) writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"__type":"` + nsDynamoDB + `InternalServerError","message":"encoding the response failed"}`)
	}
	s.writeResponse(w, &response{status: status, body: b})
}

// writeResponse answers with resp. Headers that describe the body (length, CRC32) are set
// afresh, because the simulator may have rewritten it.
func (s *Sim) writeResponse(w http.ResponseWriter, resp *response) {
	h := w.Header()
	for k, vs := range resp.header {
		if hopByHop[http.CanonicalHeaderKey(k)] || strings.EqualFold(k, "Content-Length") || strings.EqualFold(k, "X-Amz-Crc32") {
			continue
		}
		h[k] = vs
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", jsonContentType)
	}
	if h.Get("X-Amzn-Requestid") == "" {
		h.Set("X-Amzn-Requestid", "sim-"+strconv.FormatInt(s.reqID.Add(1), 10))
	}
	// The SDK verifies this checksum of the body when present.
	h.Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(resp.body)), 10))
	h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

// hopByHop are the headers a proxy must not pass on (RFC 9110, section 7.6.1).
var hopByHop = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Authenticate": true, "Proxy-Authorization": true,
	"Proxy-Connection": true, "Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
}

// tableName reads TableName from a request body; "" when absent.
func tableName(body []byte) string {
	var in struct{ TableName string }
	_ = json.Unmarshal(body, &in)
	return in.TableName
}

// decodeStrict decodes a request body into v after checking it holds only the allowed
// members: the in-memory sink refuses what it does not implement rather than ignore it.
func decodeStrict(body []byte, op string, allowed []string, v any) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil {
		return serializationError(err)
	}
	for k := range members {
		ok := false
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			return validationError("the simulator's in-memory sink does not support %s in %s; use a Backend", k, op)
		}
	}
	if err := json.Unmarshal(body, v); err != nil {
		return serializationError(err)
	}
	return nil
}
