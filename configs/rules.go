package configs

import "time"

// Rules are the campaign's record-keeping rules: check-in window and venue
// radius, how hours are rounded and credited, invite guessing limits.
type Rules struct {
	// CheckinOpensBefore: check-in opens this long before the start and
	// closes at the end.
	CheckinOpensBefore time.Duration `yaml:"checkin_opens_before"`
	// VenueRadiusM: a check-in farther than this from the venue (when the
	// activity has coordinates) is accepted but flagged for the envoy.
	VenueRadiusM int `yaml:"venue_radius_m"`
	// HoursUnit and HoursThreshold round service time: whole units count,
	// and a remainder of at least HoursThreshold counts as one more unit
	// (default: to the half hour, 15-minute floor).
	HoursUnit      time.Duration `yaml:"hours_unit"`
	HoursThreshold time.Duration `yaml:"hours_threshold"`
	// MinAttendanceShare: hours are credited only when the attended share
	// of the activity reaches it (0 to 1).
	MinAttendanceShare float64 `yaml:"min_attendance_share"`
	// InviteMaxFailures wrong invite codes per user within
	// InviteFailureWindow; further attempts are refused for the window.
	InviteMaxFailures   int           `yaml:"invite_max_failures"`
	InviteFailureWindow time.Duration `yaml:"invite_failure_window"`
	// InviteTTL is how long a new invite code is valid by default.
	InviteTTL time.Duration `yaml:"invite_ttl"`
	// FollowUpWindow: a location sent this soon after 发布活动 sets the
	// venue, and a photo this soon after 活动签到 is kept as its evidence.
	FollowUpWindow time.Duration `yaml:"follow_up_window"`
	// QRExpiry is the life of a check-in QR code (WeChat allows 30 days).
	QRExpiry time.Duration `yaml:"qr_expiry"`
	// PublishPerDay caps the activities and lectures one envoy publishes
	// in a day of the campaign's time zone (admins too), so that a runaway
	// script or a stuck client cannot flood the lists.
	PublishPerDay int `yaml:"publish_per_day"`
}

// validateRules checks the rules section.
func (c *Config) validateRules() error {
	r := c.Rules
	switch {
	case r.CheckinOpensBefore < 0:
		return c.keyErr("rules.checkin_opens_before", "must not be negative, got %s", r.CheckinOpensBefore)
	case r.VenueRadiusM <= 0:
		return c.keyErr("rules.venue_radius_m", "must be a positive number of metres, got %d", r.VenueRadiusM)
	case r.HoursUnit < time.Minute:
		return c.keyErr("rules.hours_unit", "must be at least 1m, got %s", r.HoursUnit)
	case r.HoursThreshold < 0 || r.HoursThreshold > r.HoursUnit:
		return c.keyErr("rules.hours_threshold", "must be between 0 and hours_unit (%s), got %s", r.HoursUnit, r.HoursThreshold)
	case r.MinAttendanceShare < 0 || r.MinAttendanceShare > 1:
		return c.keyErr("rules.min_attendance_share", "must be between 0 and 1, got %g", r.MinAttendanceShare)
	case r.InviteMaxFailures < 1:
		return c.keyErr("rules.invite_max_failures", "must be at least 1, got %d", r.InviteMaxFailures)
	case r.InviteFailureWindow <= 0:
		return c.keyErr("rules.invite_failure_window", "must be positive, got %s", r.InviteFailureWindow)
	case r.InviteTTL <= 0:
		return c.keyErr("rules.invite_ttl", "must be positive, got %s", r.InviteTTL)
	case r.FollowUpWindow <= 0:
		return c.keyErr("rules.follow_up_window", "must be positive, got %s", r.FollowUpWindow)
	case r.QRExpiry < time.Minute || r.QRExpiry > 30*24*time.Hour:
		return c.keyErr("rules.qr_expiry", "must be between 1m and 720h (WeChat's limit), got %s", r.QRExpiry)
	case r.PublishPerDay < 1:
		return c.keyErr("rules.publish_per_day", "must be at least 1, got %d", r.PublishPerDay)
	}
	return nil
}
