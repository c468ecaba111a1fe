// Command gridsim stands in for the grassroots governance platform (基层治理“四个平台”) in the demo
// and in end-to-end tests. It speaks Open311 GeoReport v2, the dialect of
// plugins/issuesupervision/open311: it takes service requests, dispatches the nearest grid worker
// (网格员) after --accept-after, closes the request after --resolve-after with a note of what the
// worker did, and can fail on demand and report status changes to a signed callback.
//
//	gridsim --api-key demo-key --accept-after 3s --resolve-after 10s
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gridsim:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done, then shuts down: in-flight HTTP requests finish, pending
// transitions stop, queued callbacks get a few seconds, and the state file is written.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseConfig(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stdout, nil))
	p, err := newPlatform(cfg, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: p.handler(), ReadHeaderTimeout: 5 * time.Second}
	log.Info("gridsim listening", "url", "http://"+ln.Addr().String(), "discovery", "/discovery.json",
		"accept_after", cfg.acceptAfter, "resolve_after", cfg.resolveAfter)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		p.shutdown(context.Background())
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("gridsim shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	herr := srv.Shutdown(sctx)
	p.shutdown(sctx)
	if herr != nil {
		return fmt.Errorf("shutdown: %w", herr)
	}
	return nil
}
