package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"golang.org/x/sync/singleflight"

	"envoybot/store"
)

// QRPath is where the server answers for an activity's check-in QR code:
// QRPath + "A13" redirects to the code's image, made when first asked for.
const QRPath = "/qr/"

// qrMakeTimeout bounds the WeChat call that makes one QR code.
const qrMakeTimeout = 10 * time.Second

// QRActivities is what CheckinQRs needs of the store.
type QRActivities interface {
	FindActivityByCode(ctx context.Context, code string) (*store.Activity, error)
	SetActivityQR(ctx context.Context, code, url string) error
}

// CheckinQRs makes activities' check-in QR codes when they are first asked
// for and keeps them, so that publishing never waits for WeChat: the
// publish reply links to QRPath on the server instead. Concurrent first
// requests for one code make one call.
type CheckinQRs struct {
	activities QRActivities
	qr         QRCoder
	expiry     time.Duration
	log        *slog.Logger
	calls      singleflight.Group
}

// NewCheckinQRs returns the lazy QR maker; qr may be nil (no WeChat API
// configured), and then every code is unavailable.
func NewCheckinQRs(activities QRActivities, qr QRCoder, expiry time.Duration, log *slog.Logger) *CheckinQRs {
	return &CheckinQRs{activities: activities, qr: qr, expiry: expiry, log: log}
}

// URL returns the image URL of the activity's check-in QR code, making it
// through WeChat the first time. ENOTFOUND for an unknown activity,
// EUNAVAILABLE when WeChat cannot make it.
func (q *CheckinQRs) URL(ctx context.Context, code string) (string, error) {
	a, err := q.activities.FindActivityByCode(ctx, code)
	if err != nil {
		return "", fmt.Errorf("check-in qr: %w", err)
	}
	if a.QRURL != "" {
		return a.QRURL, nil
	}
	if q.qr == nil {
		return "", store.Errorf(store.EUNAVAILABLE, "no WeChat API to make QR codes")
	}
	v, err, _ := q.calls.Do(a.Code, func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), qrMakeTimeout)
		defer cancel()
		// A request that read the activity before an earlier call kept its
		// code arrives here after that call is over: look again.
		if a, err := q.activities.FindActivityByCode(ctx, a.Code); err == nil && a.QRURL != "" {
			return a.QRURL, nil
		}
		url, err := q.qr.CheckinQR(ctx, "checkin:"+a.Code, q.expiry)
		if err != nil {
			q.log.WarnContext(ctx, "check-in QR code not made", slog.String("activity", a.Code), slog.Any("error", err))
			return "", store.Errorf(store.EUNAVAILABLE, "WeChat did not make the QR code: %v", err)
		}
		if err := q.activities.SetActivityQR(ctx, a.Code, url); err != nil {
			q.log.WarnContext(ctx, "check-in QR code not kept", slog.String("activity", a.Code), slog.Any("error", err))
		}
		q.log.InfoContext(ctx, "check-in QR code made", slog.String("activity", a.Code))
		return url, nil
	})
	if err != nil {
		return "", fmt.Errorf("check-in qr: %w", err)
	}
	return v.(string), nil
}

// ServeHTTP answers GET QRPath+"A13": a redirect to the code's image, made
// on the first request.
func (q *CheckinQRs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	code := strings.ToUpper(strings.TrimPrefix(r.URL.Path, QRPath))
	if !activityCodePattern.MatchString(code) {
		http.NotFound(w, r)
		return
	}
	url, err := q.URL(r.Context(), code)
	w.Header().Set("Cache-Control", "no-store")
	switch store.ErrorCode(err) {
	case "":
		http.Redirect(w, r, url, http.StatusFound)
	case store.ENOTFOUND:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, TextQRNotFound+"\n", code)
	default:
		if store.ErrorCode(err) != store.EUNAVAILABLE {
			q.log.ErrorContext(r.Context(), "check-in QR code", slog.String("activity", code), slog.Any("error", err))
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Retry-After", "60")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, TextQRUnavailable+"\n", code, code)
	}
}

// activityCodePattern is an activity's short code (A13).
var activityCodePattern = regexp.MustCompile(`^A[0-9]{1,9}$`)
