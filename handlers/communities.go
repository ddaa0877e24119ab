package handlers

import (
	"context"
	"fmt"
	"strings"

	"envoybot/bot"
	"envoybot/store"
)

// Communities are a known list (store.MatchCommunity): what a volunteer or
// resident types is matched against it tolerantly, and an unknown one is
// answered with suggestions and the corrected command, never created.

// maxListedCommunities is how many communities a reply lists when the
// words were like none of them.
const maxListedCommunities = 10

// communityLookup is typed words matched against the known communities,
// with the list they were matched against.
type communityLookup struct {
	words string
	match store.CommunityMatch
	known []string
}

// lookupCommunity matches words against the communities in the store.
func (h *Handlers) lookupCommunity(ctx context.Context, words string) (communityLookup, error) {
	cs, err := h.community.ListCommunities(ctx)
	if err != nil {
		return communityLookup{}, fmt.Errorf("list communities: %w", err)
	}
	known := make([]string, 0, len(cs))
	for _, c := range cs {
		known = append(known, c.Name)
	}
	return communityLookup{words: words, match: store.MatchCommunity(words, known), known: known}, nil
}

// resolveCommunity is the known community that words (as the user wrote
// them: 古槐, 古槐社区居委会, 古淮社区) mean; "" and up to three
// suggestions when none, or two equally, fit.
func (h *Handlers) resolveCommunity(ctx context.Context, words string) (name string, suggestions []string, err error) {
	l, err := h.lookupCommunity(ctx, words)
	return l.match.Name, l.match.Suggestions, err
}

// communityInPlace is the known community a place is in (古槐社区敬老院 is
// in 古槐社区): the longest known name the place contains, "" when none.
func (h *Handlers) communityInPlace(ctx context.Context, place string) (string, error) {
	l, err := h.lookupCommunity(ctx, "")
	if err != nil {
		return "", err
	}
	return store.CommunityInPlace(place, l.known), nil
}

// publishCommunity is the community an activity or lecture an envoy
// publishes belongs to: the known community its place is in, else the
// one named when it is known, else the envoy's own (envoyCommunity).
func (h *Handlers) publishCommunity(ctx context.Context, req *Request, named, place string) (string, error) {
	if c, err := h.communityInPlace(ctx, place); err != nil || c != "" {
		return c, err
	}
	if named != "" {
		c, _, err := h.resolveCommunity(ctx, named)
		if err != nil || c != "" {
			return c, err
		}
	}
	return h.envoyCommunity(ctx, req, "")
}

// userCommunity resolves the community a volunteer or resident named:
// its name, or "" and the reply to send (suggestions with the corrected
// command, form with %s for the community) when it is not known.
func (h *Handlers) userCommunity(ctx context.Context, words, form string) (name string, unknown bot.Reply, err error) {
	l, err := h.lookupCommunity(ctx, words)
	if err != nil {
		return "", bot.Reply{}, err
	}
	if l.match.Name != "" {
		return l.match.Name, bot.Reply{}, nil
	}
	return "", unknownCommunity(l, form), nil
}

// unknownCommunity tells the user the community was not found: the
// suggestions and the command corrected with the first, or when nothing
// is alike, the known communities.
func unknownCommunity(l communityLookup, form string) bot.Reply {
	shown := strings.TrimSuffix(store.CleanCommunityName(l.words), "社区")
	if shown == "" {
		shown = strings.TrimSpace(l.words)
	}
	if len(l.match.Suggestions) > 0 {
		return bot.Reply{Text: fmt.Sprintf(CommunityText.Unknown, shown,
			strings.Join(l.match.Suggestions, "、"), fmt.Sprintf(form, l.match.Suggestions[0]))}
	}
	if len(l.known) == 0 {
		return bot.Reply{Text: fmt.Sprintf(CommunityText.NoneKnown, shown)}
	}
	listed := strings.Join(l.known[:min(len(l.known), maxListedCommunities)], "、")
	if len(l.known) > maxListedCommunities {
		listed += fmt.Sprintf(CommunityText.AndMore, len(l.known))
	}
	return bot.Reply{Text: fmt.Sprintf(CommunityText.NoneAlike, shown, listed, fmt.Sprintf(form, l.known[0]))}
}

// isUnknownCommunity reports whether err is the store refusing a community
// that is not (or no longer, after an admin's merge) known.
func isUnknownCommunity(err error) bool {
	return store.ErrorCode(err) == store.ENOTFOUND && store.ErrorMessage(err) == store.MsgUnknownCommunity
}

// fullCommunityName reports whether words name a community in full (end
// in 社区 or 村 once the office after them is dropped), so that an envoy
// may add it as a new community.
func fullCommunityName(words string) bool {
	k := store.CommunityKey(words)
	return strings.HasSuffix(k, "社区") && k != "社区" || strings.HasSuffix(k, "村") && k != "村"
}
