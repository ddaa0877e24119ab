package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"envoybot/configs"
)

// runHealthcheck asks the server listening on the configured addr for
// /healthz and exits 0 when it answers 200: a container image without a
// shell or curl checks itself with it (Dockerfile HEALTHCHECK).
func runHealthcheck(ctx context.Context, cfg *configs.Config, stderr io.Writer) int {
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		fmt.Fprintf(stderr, "envoybot healthcheck: addr %q: %v\n", cfg.Addr, err)
		return 1
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintf(stderr, "envoybot healthcheck: %v\n", err)
		return 1
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "envoybot healthcheck: %s: %v\n", url, err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "envoybot healthcheck: %s: %s\n", url, resp.Status)
		return 1
	}
	return 0
}
