package handlers

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"envoybot/bot"
	"envoybot/store"
)

// checkoutGrace is how long after the end a volunteer may still check out.
const checkoutGrace = 12 * time.Hour

// positionFreshness is how recent a reported position must be to judge a
// text check-in against the venue.
const positionFreshness = 10 * time.Minute

// Checkin answers `签到 A12`.
func (h *Handlers) Checkin(ctx context.Context, req *Request) (bot.Reply, error) {
	if req.Parse.Request != "" {
		return h.CheckinRequest(ctx, req) // 签到 R12
	}
	return h.checkin(ctx, req, req.Parse.Activity, h.recentPosition(req))
}

// Checkout answers `签退 A12`.
func (h *Handlers) Checkout(ctx context.Context, req *Request) (bot.Reply, error) {
	if req.Parse.Request != "" {
		return h.CheckoutRequest(ctx, req) // 签退 R12
	}
	code := req.Parse.Activity
	if code == "" {
		var reply bot.Reply
		var err error
		if code, reply, err = h.currentActivity(ctx, req, true); code == "" {
			return reply, err
		}
	}
	a, reply, err := h.openActivity(ctx, code)
	if a == nil {
		return reply, err
	}
	if req.Now.Before(a.StartsAt) {
		return bot.Reply{Text: fmt.Sprintf(Text.CheckoutTooEarly, a.Code)}, nil
	}
	att, err := h.findAttendance(ctx, a.Code, req.User.ID)
	if err != nil {
		return bot.Reply{}, err
	}
	if att == nil {
		return bot.Reply{Text: fmt.Sprintf(Text.CheckoutNotIn, a.Code)}, nil
	}
	if att.ConfirmedMinutes >= 0 {
		return bot.Reply{Text: fmt.Sprintf(Text.CheckoutConfirmed, a.Code, store.FormatHours(att.ConfirmedMinutes))}, nil
	}
	minutes, reply, err := h.checkOut(ctx, req, a, h.recentPosition(req))
	if err != nil || reply.Text != "" {
		return reply, err
	}
	return bot.Reply{Text: fmt.Sprintf(Text.CheckoutDone, store.FormatHours(minutes))}, nil
}

// checkOut records the sender's check-out of a now (at most checkoutGrace
// after its end) at pos, with the same radius flag as a check-in, and
// returns the service minutes; reply is set when there was no check-in.
func (h *Handlers) checkOut(ctx context.Context, req *Request, a *store.Activity, pos *store.Position) (int, bot.Reply, error) {
	att, err := h.findAttendance(ctx, a.Code, req.User.ID)
	if err != nil {
		return 0, bot.Reply{}, err
	}
	if att == nil {
		return 0, bot.Reply{Text: fmt.Sprintf(Text.CheckoutNotIn, a.Code)}, nil
	}
	out := req.Now
	if limit := a.EndsAt.Add(checkoutGrace); out.After(limit) {
		out = limit
	}
	far, _ := h.farAway(a, pos)
	far = far || att.FarAway
	minutes := store.ServiceMinutes(att.CheckInAt, out, a.StartsAt, a.EndsAt, h.hoursRule())
	if _, err := h.attendance.CheckOut(ctx, a.Code, req.User.ID, out, pos, far, minutes); err != nil {
		if store.ErrorCode(err) == store.ENOTFOUND {
			return 0, bot.Reply{Text: fmt.Sprintf(Text.CheckoutNotIn, a.Code)}, nil
		}
		return 0, bot.Reply{}, fmt.Errorf("check out: %w", err)
	}
	return minutes, bot.Reply{}, nil
}

// middle is the instant halfway through a: from then on a second scan or a
// location checks out instead of answering that the sender checked in.
func middle(a *store.Activity) time.Time {
	return a.StartsAt.Add(a.EndsAt.Sub(a.StartsAt) / 2)
}

// secondScan answers a scan of a's QR code or a location from someone who
// checked in already: after the activity's middle it checks them out (and
// says how), before it says when it will. ok is false when they have not
// checked in, and the check-in goes on as usual.
func (h *Handlers) secondScan(ctx context.Context, req *Request, a *store.Activity, pos *store.Position) (bot.Reply, bool, error) {
	att, err := h.findAttendance(ctx, a.Code, req.User.ID)
	if err != nil || att == nil {
		return bot.Reply{}, false, err
	}
	switch {
	case !att.CheckOutAt.IsZero():
		return bot.Reply{Text: fmt.Sprintf(ReachText.CheckedOutAlready, clock(att.CheckOutAt, h.loc), a.Code,
			store.FormatHours(max(att.ComputedMinutes, 0)))}, true, nil
	case att.ConfirmedMinutes >= 0:
		return bot.Reply{Text: fmt.Sprintf(Text.CheckoutConfirmed, a.Code, store.FormatHours(att.ConfirmedMinutes))}, true, nil
	case req.Now.Before(middle(a)):
		return bot.Reply{Text: fmt.Sprintf(ReachText.CheckinAgainLater, clock(att.CheckInAt, h.loc), a.Code, clock(middle(a), h.loc))}, true, nil
	}
	minutes, reply, err := h.checkOut(ctx, req, a, pos)
	if err != nil || reply.Text != "" {
		return reply, true, err
	}
	how := ReachText.CheckoutByScan
	if req.Msg.Kind == bot.KindLocation {
		how = ReachText.CheckoutByLocation
	}
	return bot.Reply{Text: fmt.Sprintf(how, a.Code, a.Title, store.FormatHours(minutes))}, true, nil
}

// Scan handles a scanned check-in QR code (scene checkin:A13).
func (h *Handlers) Scan(ctx context.Context, req *Request) (bot.Reply, error) {
	code, ok := strings.CutPrefix(req.Msg.Scene, "checkin:")
	if !ok || code == "" {
		return bot.Reply{Text: Text.ScanUnknown}, nil
	}
	return h.checkinOrOut(ctx, req, code, h.recentPosition(req))
}

// checkinOrOut is a check-in by scan or location: the second one, after
// the activity's middle, checks out.
func (h *Handlers) checkinOrOut(ctx context.Context, req *Request, code string, pos *store.Position) (bot.Reply, error) {
	a, reply, err := h.openActivity(ctx, code)
	if a == nil {
		return reply, err
	}
	if !req.Now.Before(a.StartsAt) && !req.Now.After(a.EndsAt.Add(checkoutGrace)) && req.User != nil {
		if reply, ok, err := h.secondScan(ctx, req, a, pos); ok || err != nil {
			return reply, err
		}
	}
	return h.checkin(ctx, req, a.Code, pos)
}

// Location handles a location message: it sets the venue of an activity
// the envoy just published, or checks the sender in to the activity whose
// check-in window is open now.
func (h *Handlers) Location(ctx context.Context, req *Request) (bot.Reply, error) {
	if !req.Msg.HasPosition {
		return bot.Reply{Text: Text.Location}, nil
	}
	if err := h.users.SetLastLocation(ctx, req.Msg.OpenID, req.Msg.Lat, req.Msg.Lng, req.Now); err != nil {
		return bot.Reply{}, err
	}
	pos := &store.Position{Lat: req.Msg.Lat, Lng: req.Msg.Lng}
	if code := h.followUp(ctx, "venue", req.Msg.OpenID); code != "" {
		if err := h.activities.SetActivityVenue(ctx, code, pos.Lat, pos.Lng, h.rules.VenueRadiusM); err != nil {
			return bot.Reply{}, fmt.Errorf("set venue: %w", err)
		}
		h.clearFollowUp(ctx, "venue", req.Msg.OpenID)
		label := req.Msg.Label
		if label == "" {
			label = fmt.Sprintf("%.5f,%.5f", pos.Lat, pos.Lng)
		}
		return bot.Reply{Text: fmt.Sprintf(Text.VenueSet, code, label, h.rules.VenueRadiusM)}, nil
	}
	code, reply, err := h.currentActivity(ctx, req, false)
	if code == "" && err == nil && reply.Text == Text.CheckinWhich {
		// After the end, a location may still check out.
		if later, _, lerr := h.currentActivity(ctx, req, true); lerr == nil && later != "" {
			code = later
		}
	}
	if code == "" {
		if err == nil && reply.Text == Text.CheckinWhich {
			reply.Text = Text.LocationNoActivity
		}
		return reply, err
	}
	return h.checkinOrOut(ctx, req, code, pos)
}

func (h *Handlers) checkin(ctx context.Context, req *Request, code string, pos *store.Position) (bot.Reply, error) {
	if code == "" {
		var reply bot.Reply
		var err error
		if code, reply, err = h.currentActivity(ctx, req, false); code == "" {
			return reply, err
		}
	}
	a, reply, err := h.openActivity(ctx, code)
	if a == nil {
		return reply, err
	}
	opens := a.StartsAt.Add(-h.rules.CheckinOpensBefore)
	if req.Now.Before(opens) || req.Now.After(a.EndsAt) {
		return bot.Reply{Text: fmt.Sprintf(Text.CheckinWindow, a.Code, when(opens, time.Time{}, h.loc), clock(a.EndsAt, h.loc))}, nil
	}
	if seated, err := h.isSeated(ctx, a, req.User.ID); err != nil {
		return bot.Reply{}, err
	} else if !seated {
		return bot.Reply{Text: fmt.Sprintf(Text.CheckinNotSignedUp, a.Code, a.Code)}, nil
	}
	far, dist := h.farAway(a, pos)
	att, first, err := h.attendance.CheckIn(ctx, a.Code, req.User.ID, req.Now, pos, far)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("check in: %w", err)
	}
	if !first {
		return bot.Reply{Text: fmt.Sprintf(Text.CheckinAgain, clock(att.CheckInAt, h.loc), a.Code)}, nil
	}
	text := fmt.Sprintf(Text.CheckinDone, a.Code+" "+a.Title, a.Code)
	if far {
		text += fmt.Sprintf(Text.CheckinFar, dist)
	}
	return bot.Reply{Text: text}, nil
}

// currentActivity finds the one activity the sender holds a seat on whose
// check-in window is open now; otherwise the reply asks which.
func (h *Handlers) currentActivity(ctx context.Context, req *Request, checkout bool) (string, bot.Reply, error) {
	ss, err := h.signups.ListUserSignups(ctx, req.User.ID, req.Now.Add(-checkoutGrace))
	if err != nil {
		return "", bot.Reply{}, fmt.Errorf("list sign-ups: %w", err)
	}
	var codes []string
	for _, s := range ss {
		a := s.Activity
		end := a.EndsAt
		if checkout {
			end = end.Add(checkoutGrace)
		}
		if s.Status == store.SignupSeated && !req.Now.Before(a.StartsAt.Add(-h.rules.CheckinOpensBefore)) && !req.Now.After(end) {
			codes = append(codes, a.Code)
		}
	}
	switch {
	case len(codes) == 1:
		return codes[0], bot.Reply{}, nil
	case len(codes) > 1 && checkout:
		return "", bot.Reply{Text: fmt.Sprintf(Text.CheckoutWhichOf, strings.Join(codes, "、"), codes[0])}, nil
	case len(codes) > 1:
		return "", bot.Reply{Text: fmt.Sprintf(Text.CheckinWhichOf, strings.Join(codes, "、"), codes[0])}, nil
	case checkout:
		return "", bot.Reply{Text: Text.CheckoutWhich}, nil
	}
	return "", bot.Reply{Text: Text.CheckinWhich}, nil
}

// isSeated reports whether the user holds a seat on a, reading the user's
// few sign-ups rather than the activity's many.
func (h *Handlers) isSeated(ctx context.Context, a *store.Activity, userID int64) (bool, error) {
	if a.Status == store.ActivityCancelled {
		return false, nil
	}
	s, err := h.signups.FindUserSignup(ctx, a.Code, userID)
	switch {
	case store.ErrorCode(err) == store.ENOTFOUND:
		return false, nil
	case err != nil:
		return false, fmt.Errorf("find sign-up: %w", err)
	}
	return s.Status == store.SignupSeated, nil
}

func (h *Handlers) findAttendance(ctx context.Context, code string, userID int64) (*store.Attendance, error) {
	all, err := h.attendance.ListAttendance(ctx, code)
	if err != nil {
		return nil, fmt.Errorf("list attendance: %w", err)
	}
	for _, a := range all {
		if a.UserID == userID && !a.CheckInAt.IsZero() {
			return a, nil
		}
	}
	return nil, nil
}

// recentPosition is the position the message carries, or the sender's
// last reported one when it is fresh.
func (h *Handlers) recentPosition(req *Request) *store.Position {
	if req.Msg.Kind == bot.KindLocation {
		return &store.Position{Lat: req.Msg.Lat, Lng: req.Msg.Lng}
	}
	u := req.User
	if !u.LastLocationAt.IsZero() && req.Now.Sub(u.LastLocationAt) <= positionFreshness {
		return &store.Position{Lat: u.LastLat, Lng: u.LastLng}
	}
	return nil
}

// farAway reports whether pos lies outside the venue radius, and the
// distance in metres. Without a venue or a position nothing is flagged.
func (h *Handlers) farAway(a *store.Activity, pos *store.Position) (bool, int) {
	if !a.HasVenue || pos == nil {
		return false, 0
	}
	radius := a.RadiusM
	if radius <= 0 {
		radius = h.rules.VenueRadiusM
	}
	d := distanceM(a.VenueLat, a.VenueLng, pos.Lat, pos.Lng)
	return d > float64(radius), int(math.Round(d))
}

func (h *Handlers) hoursRule() store.HoursRule {
	return store.HoursRule{Unit: h.rules.HoursUnit, Threshold: h.rules.HoursThreshold, MinShare: h.rules.MinAttendanceShare}
}

// distanceM is the great-circle distance in metres.
func distanceM(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6371000
	rad := math.Pi / 180
	dLat, dLng := (lat2-lat1)*rad, (lng2-lng1)*rad
	s := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * r * math.Asin(math.Sqrt(s))
}
