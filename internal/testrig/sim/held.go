package sim

import (
	"bytes"
	"context"
	"net/http"
	"time"
)

// heldAnswer is a response kept back to be sent later (Faults.AnswerDelay).
type heldAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (h *heldAnswer) Header() http.Header { return h.header }

func (h *heldAnswer) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}

func (h *heldAnswer) Write(b []byte) (int, error) {
	h.WriteHeader(http.StatusOK)
	return h.body.Write(b)
}

// sendAfter sends the answer to w after d, or never if the client goes away first.
func (h *heldAnswer) sendAfter(ctx context.Context, d time.Duration, w http.ResponseWriter) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return
	}
	for k, vs := range h.header {
		w.Header()[k] = vs
	}
	w.WriteHeader(h.status)
	_, _ = w.Write(h.body.Bytes())
}
