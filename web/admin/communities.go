package admin

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"envoybot/store"
)

// communityRow is one community on the 社区 page.
type communityRow struct {
	*store.CommunityStats
	// Configured is true for the campaign's linked communities, which
	// every start adds again: renaming or merging one away needs the
	// configuration changed too.
	Configured bool
	// Like is another community this one's name would be matched to
	// (古槐 → 古槐社区): likely the same, made before the list was known,
	// and a candidate for a merge.
	Like string
}

// communitiesView is the 社区 page: every community with its counts and
// the forms to add, rename and merge.
type communitiesView struct {
	Rows []communityRow
	// Name is what the add form keeps after an error.
	Name      string
	LocalTime func(time.Time) string
}

// communitiesPage lists the known communities.
func (s *server) communitiesPage(w http.ResponseWriter, r *http.Request, ss *session) {
	s.showCommunities(w, r, ss, communitiesView{}, page{})
}

// showCommunities renders the page with the current list.
func (s *server) showCommunities(w http.ResponseWriter, r *http.Request, ss *session, v communitiesView, p page) {
	stats, err := s.st.ListCommunityStats(r.Context())
	if err != nil {
		s.fail(w, r, fmt.Errorf("admin: community stats: %w", err))
		return
	}
	names := make([]string, 0, len(stats))
	for _, c := range stats {
		names = append(names, c.Name)
	}
	for i, c := range stats {
		others := slices.Delete(slices.Clone(names), i, i+1)
		v.Rows = append(v.Rows, communityRow{CommunityStats: c, Configured: slices.Contains(s.cfg.Campaign.Communities, c.Name),
			Like: store.MatchCommunity(c.Name, others).Name})
	}
	v.LocalTime = s.localTime
	p.Title, p.Data = "社区", v
	s.renderAuthed(w, r, ss, "communities", p)
}

// addCommunity adds a community the admin names.
func (s *server) addCommunity(w http.ResponseWriter, r *http.Request, ss *session) {
	name := strings.TrimSpace(r.PostFormValue("name"))
	if msg := s.communityNameProblem(r, name, 0); msg != "" {
		s.showCommunities(w, r, ss, communitiesView{Name: name}, page{Error: msg})
		return
	}
	c, err := s.st.CreateCommunity(r.Context(), name, s.now())
	if s.communityFailed(w, r, ss, communitiesView{Name: name}, err) {
		return
	}
	s.log.Info("admin added a community", slog.String("admin", ss.Name), slog.String("community", c.Name))
	s.showCommunities(w, r, ss, communitiesView{}, page{Flash: "已添加社区“" + c.Name + "”。"})
}

// renameCommunity gives a community a new name; its volunteers,
// activities and everything else follow.
func (s *server) renameCommunity(w http.ResponseWriter, r *http.Request, ss *session) {
	id, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	name := strings.TrimSpace(r.PostFormValue("name"))
	old := s.communityName(r, id)
	msg := s.communityNameProblem(r, name, id)
	if old == "" {
		msg = "这个社区已不存在（可能已被合并），请刷新后重试。"
	}
	if msg != "" {
		s.showCommunities(w, r, ss, communitiesView{}, page{Error: msg})
		return
	}
	c, err := s.st.RenameCommunity(r.Context(), id, name)
	if s.communityFailed(w, r, ss, communitiesView{}, err) {
		return
	}
	s.log.Info("admin renamed a community", slog.String("admin", ss.Name), slog.String("from", old), slog.String("to", c.Name))
	flash := "已将“" + old + "”改名为“" + c.Name + "”。"
	if slices.Contains(s.cfg.Campaign.Communities, old) {
		flash += "“" + old + "”在配置（communities）中，请同时修改配置，否则重启后会重新添加。"
	}
	s.showCommunities(w, r, ss, communitiesView{}, page{Flash: flash})
}

// mergeCommunity moves everything of one community into another and
// deletes the first.
func (s *server) mergeCommunity(w http.ResponseWriter, r *http.Request, ss *session) {
	from, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	into, _ := strconv.ParseInt(r.PostFormValue("into"), 10, 64)
	msg := ""
	switch {
	case into == 0:
		msg = "请选择要合并到的社区。"
	case from == into:
		msg = "不能把社区合并到它自己，请选择另一个社区。"
	case r.PostFormValue("confirm") == "":
		msg = "合并后原社区会被删除，请勾选“确认合并”。"
	}
	if msg != "" {
		s.showCommunities(w, r, ss, communitiesView{}, page{Error: msg})
		return
	}
	m, err := s.st.MergeCommunities(r.Context(), from, into)
	if s.communityFailed(w, r, ss, communitiesView{}, err) {
		return
	}
	s.log.Info("admin merged communities", slog.String("admin", ss.Name), slog.String("from", m.From),
		slog.String("into", m.Into), slog.Any("moved", m.Moved))
	s.showCommunities(w, r, ss, communitiesView{}, page{Flash: s.mergeFlash(m)})
}

// mergeTableNames are the tables a merge reports, in the order shown.
var mergeTableNames = []struct{ table, name string }{
	{"users", "居民和志愿者"}, {"lecture_subscriptions", "讲座订阅"}, {"activities", "活动"}, {"lectures", "讲座"},
	{"contact_points", "联系点"}, {"teams", "队伍"}, {"brands", "品牌"}, {"help_requests", "居民求助"},
}

// mergeFlash says what a merge moved.
func (s *server) mergeFlash(m *store.CommunityMerge) string {
	parts := []string{}
	for _, t := range mergeTableNames {
		if n := m.Moved[t.table]; n > 0 {
			parts = append(parts, t.name+" "+strconv.Itoa(n))
		}
	}
	moved := "没有需要转移的记录"
	if len(parts) > 0 {
		moved = "转移了" + strings.Join(parts, "、")
	}
	flash := "已将“" + m.From + "”合并到“" + m.Into + "”：" + moved + "。"
	if m.DroppedBrand != "" {
		flash += "“" + m.Into + "”已有志愿服务品牌，“" + m.From + "”的品牌“" + m.DroppedBrand + "”已删除。"
	}
	if slices.Contains(s.cfg.Campaign.Communities, m.From) {
		flash += "“" + m.From + "”在配置（communities）中，请从配置中删去，否则重启后会重新添加。"
	}
	return flash
}

// communityNameProblem is what is wrong with a new name for the community
// id (0 for a new one), "" when nothing is; another community with the
// same name, or one that means the same (古槐社区居委会 is 古槐社区),
// takes it.
func (s *server) communityNameProblem(r *http.Request, name string, id int64) string {
	clean := store.CleanCommunityName(name)
	switch {
	case clean == "":
		return "请填写社区名称。"
	case utf8.RuneCountInString(clean) > store.MaxCommunityName:
		return fmt.Sprintf("社区名称请控制在 %d 字以内。", store.MaxCommunityName)
	}
	cs, err := s.st.ListCommunities(r.Context())
	if err != nil {
		return "" // the store checks again and says so
	}
	for _, c := range cs {
		if c.ID != id && store.CommunityKey(c.Name) == store.CommunityKey(clean) {
			return "已有社区“" + c.Name + "”，社区名称不能重复。"
		}
	}
	return ""
}

// communityName is the name of the community id, "" when there is none.
func (s *server) communityName(r *http.Request, id int64) string {
	cs, err := s.st.ListCommunities(r.Context())
	if err != nil {
		return ""
	}
	for _, c := range cs {
		if c.ID == id {
			return c.Name
		}
	}
	return ""
}

// communityError is the sentence for a domain error of the store's
// community methods, "" for none or any other error.
// communityFailed answers a failed community action: the form again with
// the reason when the admin can fix it, the error page otherwise. It
// reports whether err was a failure.
func (s *server) communityFailed(w http.ResponseWriter, r *http.Request, ss *session, v communitiesView, err error) bool {
	if msg := communityError(err); msg != "" {
		s.showCommunities(w, r, ss, v, page{Error: msg})
		return true
	}
	if err != nil {
		s.fail(w, r, err)
		return true
	}
	return false
}

func communityError(err error) string {
	switch store.ErrorCode(err) {
	case store.ECONFLICT:
		return "已有同名社区，社区名称不能重复。"
	case store.EINVALID:
		return fmt.Sprintf("社区名称不能为空，且不超过 %d 字。", store.MaxCommunityName)
	case store.ENOTFOUND:
		return "这个社区已不存在（可能已被合并），请刷新后重试。"
	}
	return ""
}
