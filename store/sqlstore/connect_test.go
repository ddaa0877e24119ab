package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"envoybot/store"
	"envoybot/store/sqlstore"
	"envoybot/store/storetest"
)

func TestOpenPostgresTimeout(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  time.Duration
	}{
		{"a server that never answers fails the start within the default timeout", "", sqlstore.PostgresConnectTimeout},
		{"connect_timeout in the URL shortens it", "&connect_timeout=1", time.Second},
		{"connect_timeout in the URL cannot lengthen it", "&connect_timeout=600", sqlstore.PostgresConnectTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr := storetest.SilentServer(t)
			start := time.Now()
			_, err := sqlstore.OpenPostgres(t.Context(), "postgres://envoy:s3cret@"+addr+"/campaign?sslmode=disable"+tc.query)
			took := time.Since(start)
			t.Logf("OpenPostgres on a silent server: %v after %s", err, took.Round(10*time.Millisecond))
			if store.ErrorCode(err) != store.EUNAVAILABLE {
				t.Fatalf("OpenPostgres = %v, want code %s", err, store.EUNAVAILABLE)
			}
			if took < tc.want-100*time.Millisecond || took > tc.want+2*time.Second {
				t.Errorf("failed after %s, want about %s", took, tc.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, addr+"/campaign") || !strings.Contains(msg, "within "+tc.want.String()) {
				t.Errorf("error %q does not name %s/campaign and the timeout %s", msg, addr, tc.want)
			}
			if strings.Contains(msg, "s3cret") {
				t.Errorf("error %q shows the password", msg)
			}
		})
	}
}
