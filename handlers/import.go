package handlers

import (
	"context"
	"fmt"
	"strings"

	"envoybot/bot"
	"envoybot/store"
)

// Import answers `导入 A12` followed by a pasted 群接龙 list: every entry
// matched to a registered volunteer (by mobile, else by name within the
// activity's community) becomes a sign-up.
func (h *Handlers) Import(ctx context.Context, req *Request) (bot.Reply, error) {
	p := req.Parse
	if p.Activity == "" {
		return bot.Reply{Text: missing([]string{"activity"}, "导入 A12")}, nil
	}
	if len(p.Names) == 0 {
		return bot.Reply{Text: Text.ImportNone}, nil
	}
	a, reply, err := h.ownedActivity(ctx, req, p.Activity)
	if a == nil {
		return reply, err
	}
	var added, waitlisted, known, unmatched, ambiguous []string
	for _, entry := range p.Names {
		name, phone := splitEntry(entry)
		u, several, err := h.matchVolunteer(ctx, name, phone, a.Community)
		if err != nil {
			return bot.Reply{}, err
		}
		if several {
			ambiguous = append(ambiguous, entry)
			continue
		}
		if u == nil {
			unmatched = append(unmatched, entry)
			continue
		}
		s, created, err := h.signups.SignUp(ctx, a.Code, u.ID, store.SourceImport, req.Now)
		if err != nil {
			return bot.Reply{}, fmt.Errorf("import sign-up: %w", err)
		}
		switch {
		case !created:
			known = append(known, u.Name)
		case s.Status == store.SignupWaitlisted:
			waitlisted = append(waitlisted, u.Name)
		default:
			added = append(added, u.Name)
		}
	}
	// Who needs the envoy's attention comes first; long groups are cut
	// with a count so that every group shows.
	lines := []string{}
	for _, part := range []struct {
		format string
		names  []string
	}{{Text.ImportMiss, unmatched}, {Text.ImportAmbiguous, ambiguous}, {Text.ImportAdded, added}, {Text.ImportWaitlisted, waitlisted}, {Text.ImportKnown, known}} {
		if len(part.names) > 0 {
			lines = append(lines, fmt.Sprintf(part.format, nameList(part.names, 25)))
		}
	}
	return bot.Reply{Text: h.page(ctx, req.Msg.OpenID, fmt.Sprintf(Text.ImportDone, a.Code, len(p.Names)), lines)}, nil
}

// splitEntry separates a 接龙 entry into name and mobile ("李四 138…").
func splitEntry(entry string) (name, phone string) {
	fields := strings.Fields(entry)
	for _, f := range fields {
		if len(f) == 11 && f[0] == '1' && strings.Trim(f, "0123456789") == "" {
			phone = f
		} else if name == "" {
			name = f
		}
	}
	return name, phone
}

// matchVolunteer finds the one registered volunteer an entry names: by
// mobile when given, else by exact name in the community. several is true
// when more than one person has the name (a mobile would tell them apart).
func (h *Handlers) matchVolunteer(ctx context.Context, name, phone, community string) (u *store.User, several bool, err error) {
	if phone != "" {
		u, err := h.profiles.FindUserByPhone(ctx, phone)
		if err == nil {
			return u, false, nil
		} else if store.ErrorCode(err) != store.ENOTFOUND {
			return nil, false, fmt.Errorf("find by phone: %w", err)
		}
	}
	if name == "" {
		return nil, false, nil
	}
	us, err := h.profiles.FindVolunteersByName(ctx, name, community)
	if err != nil {
		return nil, false, fmt.Errorf("find by name: %w", err)
	}
	switch len(us) {
	case 0:
		return nil, false, nil
	case 1:
		return us[0], false, nil
	}
	return nil, true, nil
}
