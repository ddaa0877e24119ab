package handlers

import (
	"context"
	"fmt"
	"strings"

	"envoybot/bot"
	"envoybot/bot/intent"
	"envoybot/store"
)

// Import answers `导入 A12` followed by a pasted 群接龙 list: every person
// matched to a registered volunteer of the activity's community — by the
// mobile when the line gives one, else by exact name — becomes a sign-up.
// Nobody outside the community is ever matched, and the reply names each
// person only as the envoy typed them, so that an import cannot be used to
// look up who owns a mobile.
func (h *Handlers) Import(ctx context.Context, req *Request) (bot.Reply, error) {
	p := req.Parse
	if p.Activity == "" {
		return bot.Reply{Text: missing([]string{"activity"}, "导入 A12")}, nil
	}
	entries := intent.ImportEntries(req.Msg.Text)
	if len(entries) == 0 {
		return bot.Reply{Text: Text.ImportNone}, nil
	}
	a, reply, err := h.ownedActivity(ctx, req, p.Activity)
	if a == nil {
		return reply, err
	}
	var added, waitlisted, known, unmatched, ambiguous []string
	for _, e := range entries {
		u, several, err := h.matchVolunteer(ctx, e, a.Community)
		if err != nil {
			return bot.Reply{}, err
		}
		label := importLabel(e, u)
		if several {
			ambiguous = append(ambiguous, label)
			continue
		}
		if u == nil {
			unmatched = append(unmatched, label)
			continue
		}
		brought := min(e.Companions, store.MaxCompanions)
		if brought > 0 {
			label += fmt.Sprintf(Text.ImportCompanions, brought)
		}
		s, created, err := h.signups.SignUpGroup(ctx, a.Code, u.ID, brought, store.SourceImport, req.Now)
		if err != nil {
			return bot.Reply{}, fmt.Errorf("import sign-up: %w", err)
		}
		switch {
		case !created:
			known = append(known, label)
		case s.Status == store.SignupWaitlisted:
			waitlisted = append(waitlisted, label)
		default:
			added = append(added, label)
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
	return bot.Reply{Text: h.page(ctx, req.Msg.OpenID, fmt.Sprintf(Text.ImportDone, a.Code, len(entries)), lines)}, nil
}

// importLabel names a person in the reply as the envoy typed them: the
// typed name, else the typed mobile masked. The stored name is never
// shown: when the owner of a typed mobile is stored under another name
// than the typed one, the line only says that the mobile matched.
func importLabel(e intent.ImportEntry, u *store.User) string {
	switch {
	case e.Name == "":
		return store.MaskPhone(e.Phone)
	case u != nil && e.Phone != "" && !sameName(e.Name, u.Name):
		return e.Name + Text.ImportMobileMatched
	}
	return e.Name
}

// sameName compares a typed name with a stored one, blind to spaces and
// to the way the middle dot of a minority name was typed.
func sameName(typed, stored string) bool {
	fold := strings.NewReplacer(" ", "", "•", "·", "・", "·", "‧", "·", "∙", "·", "⋅", "·", "･", "·")
	return fold.Replace(typed) == fold.Replace(stored)
}

// matchVolunteer finds the one registered volunteer of the community an
// entry names: by mobile when one was typed (and then only by it, so that
// a wrong mobile never signs up a namesake), else by exact name. several
// is true when more than one volunteer there has the name. An activity
// without a community matches nobody.
func (h *Handlers) matchVolunteer(ctx context.Context, e intent.ImportEntry, community string) (u *store.User, several bool, err error) {
	if strings.TrimSpace(community) == "" {
		return nil, false, nil
	}
	if e.Phone != "" {
		u, err := h.profiles.FindCommunityVolunteerByPhone(ctx, community, e.Phone)
		switch {
		case store.ErrorCode(err) == store.ENOTFOUND:
			return nil, false, nil
		case err != nil:
			return nil, false, fmt.Errorf("find by phone: %w", err)
		}
		return u, false, nil
	}
	us, err := h.profiles.FindVolunteersByName(ctx, e.Name, community)
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
