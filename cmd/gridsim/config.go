package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"time"
)

// config is what the flags set.
type config struct {
	addr           string
	apiKey         string
	acceptAfter    time.Duration // from submission until a grid worker is dispatched
	resolveAfter   time.Duration // from dispatch until the request is closed
	failNext       int           // answer the next N POSTs with 503
	failRate       float64       // answer this share of POSTs with 503
	callbackURL    string
	callbackSecret string
	stateFile      string
}

func parseConfig(args []string, out io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("gridsim", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8090", "address to listen on")
	fs.StringVar(&c.apiKey, "api-key", "", "api_key clients must send with POST requests (required)")
	fs.DurationVar(&c.acceptAfter, "accept-after", 3*time.Second, "delay from submission until a grid worker is dispatched")
	fs.DurationVar(&c.resolveAfter, "resolve-after", 10*time.Second, "delay from dispatch until the worker closes the request")
	fs.IntVar(&c.failNext, "fail", 0, "answer the next `N` POST requests with 503 (testing retries)")
	fs.Float64Var(&c.failRate, "fail-rate", 0, "answer this share (0..1) of POST requests with 503")
	fs.StringVar(&c.callbackURL, "callback", "", "URL to POST status changes to (optional)")
	fs.StringVar(&c.callbackSecret, "callback-secret", "", "HMAC-SHA256 key signing callbacks in X-Gridsim-Signature (required with --callback)")
	fs.StringVar(&c.stateFile, "state", "", "JSON `file` keeping requests across restarts (optional)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return c, c.validate()
}

func (c config) validate() error {
	var errs []error
	if c.apiKey == "" {
		errs = append(errs, errors.New("--api-key is required"))
	}
	if c.acceptAfter < 0 || c.resolveAfter < 0 {
		errs = append(errs, errors.New("--accept-after and --resolve-after may not be negative"))
	}
	if c.failNext < 0 {
		errs = append(errs, errors.New("--fail may not be negative"))
	}
	if c.failRate < 0 || c.failRate > 1 {
		errs = append(errs, errors.New("--fail-rate must be within 0..1"))
	}
	if c.callbackURL != "" {
		u, err := url.Parse(c.callbackURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--callback %q is not an absolute http(s) URL", c.callbackURL))
		}
		if c.callbackSecret == "" {
			errs = append(errs, errors.New("--callback needs --callback-secret"))
		}
	}
	return errors.Join(errs...)
}
