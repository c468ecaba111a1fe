package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/renda-platform/renda/plugins/issuesupervision/open311"
)

// callbackAttempts is how often one status change is tried before it is given up.
const callbackAttempts = 3

// delivery is one status change to report.
type delivery struct {
	id    string // the request's ID and the event, so a receiver can drop repeats
	event string
	body  []byte
}

// notifier POSTs status changes to the --callback URL, one at a time and in order, each signed
// with HMAC-SHA256 (open311.SignatureHeader) and retried with a growing pause.
type notifier struct {
	url     string
	secret  []byte
	client  *http.Client
	log     *slog.Logger
	backoff time.Duration

	ctx    context.Context
	cancel context.CancelFunc
	queue  chan delivery
	done   chan struct{}

	mu     sync.Mutex
	closed bool
}

func newNotifier(url string, secret []byte, log *slog.Logger) *notifier {
	ctx, cancel := context.WithCancel(context.Background())
	n := &notifier{url: url, secret: secret, client: &http.Client{Timeout: 5 * time.Second}, log: log,
		backoff: 200 * time.Millisecond, ctx: ctx, cancel: cancel, queue: make(chan delivery, 256), done: make(chan struct{})}
	go n.loop()
	return n
}

// send queues the change of r; it never blocks the platform. A nil notifier sends nothing.
func (n *notifier) send(event string, r open311.ServiceRequest) {
	if n == nil {
		return
	}
	var body bytes.Buffer
	if err := open311.Encode(&body, open311.JSON, open311.ServiceRequests{r}); err != nil {
		n.log.Error("callback not encoded", "id", r.ServiceRequestID, "err", err)
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return
	}
	select {
	case n.queue <- delivery{id: r.ServiceRequestID + "-" + event, event: event, body: body.Bytes()}:
	default:
		n.log.Error("callback queue full, change dropped", "id", r.ServiceRequestID, "event", event)
	}
}

func (n *notifier) loop() {
	defer close(n.done)
	for d := range n.queue {
		n.deliver(d)
	}
}

func (n *notifier) deliver(d delivery) {
	for attempt := 1; ; attempt++ {
		err := n.post(d)
		if err == nil {
			n.log.Info("callback delivered", "delivery", d.id)
			return
		}
		if attempt == callbackAttempts || n.ctx.Err() != nil {
			n.log.Error("callback undeliverable", "delivery", d.id, "attempts", attempt, "err", err)
			return
		}
		n.log.Warn("callback failed, retrying", "delivery", d.id, "attempt", attempt, "err", err)
		select {
		case <-time.After(time.Duration(attempt) * n.backoff):
		case <-n.ctx.Done():
		}
	}
}

func (n *notifier) post(d delivery) error {
	req, err := http.NewRequestWithContext(n.ctx, http.MethodPost, n.url, bytes.NewReader(d.body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", open311.ContentTypeJSON)
	req.Header.Set(open311.SignatureHeader, open311.SignCallback(n.secret, d.body))
	req.Header.Set(open311.EventHeader, d.event)
	req.Header.Set("X-Gridsim-Delivery", d.id)
	resp, err := n.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}

// close stops taking changes and waits for the queue to drain until ctx is done, then abandons
// what is left.
func (n *notifier) close(ctx context.Context) {
	if n == nil {
		return
	}
	n.mu.Lock()
	if !n.closed {
		n.closed = true
		close(n.queue)
	}
	n.mu.Unlock()
	select {
	case <-n.done:
	case <-ctx.Done():
		n.cancel()
		<-n.done
	}
	n.cancel()
}
