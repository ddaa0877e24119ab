package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/sirupsen/logrus"

	"envoybot/bot"
	"envoybot/store"
)

// newLogger returns the JSON logger every part of envoybot writes to. Any
// mobile number or ID card number that reaches a log line is masked,
// whatever attribute it hides in.
func newLogger(w io.Writer, level string) *slog.Logger {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		lv = slog.LevelInfo
	}
	return slog.New(requestIDHandler{slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level: lv,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			switch a.Value.Kind() {
			case slog.KindString:
				if s := a.Value.String(); strings.ContainsAny(s, "13456789") {
					a.Value = slog.StringValue(store.MaskIDNumbers(store.MaskPhone(s)))
				}
			case slog.KindAny:
				// Errors, structs and Stringers are written as their text,
				// masked, so no mobile hides in a value slog would expand.
				if s := fmt.Sprint(a.Value.Any()); strings.ContainsAny(s, "13456789") {
					if masked := store.MaskIDNumbers(store.MaskPhone(s)); masked != s {
						a.Value = slog.StringValue(masked)
					}
				}
			}
			return a
		},
	})})
}

// requestIDHandler adds the request_id of the chat message a log line's
// context handles (bot.RequestID), so that one message's lines — the
// callback's, the handler's, the store's, the API client's — can be found
// together.
type requestIDHandler struct{ slog.Handler }

// Handle implements slog.Handler.
func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := bot.RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(as)}
}

// WithGroup implements slog.Handler.
func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// silenceSDK turns off the SDK's logrus output: it logs decrypted messages
// at debug level, and all our logging is slog JSON.
func silenceSDK() {
	logrus.SetOutput(io.Discard)
	logrus.SetLevel(logrus.PanicLevel)
}
