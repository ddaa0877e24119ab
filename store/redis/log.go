package redis

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	goredis "github.com/redis/go-redis/v9"
)

// SetLogger routes go-redis's own log lines (a failed dial, pool trouble)
// to log as warnings, so that they are JSON lines like every other instead
// of plain text on stderr. go-redis keeps one logger per process.
func SetLogger(log *slog.Logger) {
	goredis.SetLogger(slogPrintf{log: log.With(slog.String("component", "redis"))})
}

// slogPrintf adapts slog to go-redis's Printf logger.
type slogPrintf struct{ log *slog.Logger }

func (l slogPrintf) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, strings.TrimSpace(fmt.Sprintf(format, v...)))
}
