package admin

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"envoybot/store"
)

// inviteView is the invite form and, after issuing, the new code.
type inviteView struct {
	Role, Name, Level, Kind string
	Hours                   int
	Issued                  *store.Invite
	Expires                 string
}

// inviteForm shows the form to issue an invite code.
func (s *server) inviteForm(w http.ResponseWriter, r *http.Request, ss *session) {
	v := inviteView{Role: string(store.RoleEnvoy), Kind: "和谐使者", Hours: int(s.cfg.Rules.InviteTTL / time.Hour)}
	s.renderAuthed(w, r, ss, "invites", page{Title: "邀请码", Data: v})
}

// issueInvite stores a new invite code with CreateInvite and shows it.
func (s *server) issueInvite(w http.ResponseWriter, r *http.Request, ss *session) {
	v := inviteView{
		Role: r.PostFormValue("role"), Name: strings.TrimSpace(r.PostFormValue("name")),
		Level: r.PostFormValue("level"), Kind: r.PostFormValue("kind"),
	}
	hours, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("hours")))
	v.Hours = hours
	msg := ""
	switch {
	case v.Name == "" || len([]rune(v.Name)) > 32:
		msg = "请填写受邀人姓名（32字以内）。"
	case v.Role != string(store.RoleEnvoy) && v.Role != string(store.RoleAdmin):
		msg = "身份只能是使者或管理员。"
	case err != nil || hours < 1 || hours > 24*90:
		msg = "有效期请填写 1 到 2160 之间的小时数。"
	case v.Role == string(store.RoleEnvoy) && v.Level != "" && v.Level != "省" && v.Level != "市":
		msg = "使者级别只能是省级或市级。"
	case v.Role == string(store.RoleEnvoy) && v.Kind != "和谐使者" && v.Kind != "敬老使者":
		msg = "使者类型只能是和谐使者或敬老使者。"
	}
	if msg != "" {
		s.renderAuthed(w, r, ss, "invites", page{Title: "邀请码", Data: v, Error: msg})
		return
	}
	now := s.now()
	inv := store.NewInvite{Role: store.Role(v.Role), Name: v.Name, ExpiresAt: now.Add(time.Duration(hours) * time.Hour), CreatedByOpenID: ss.Actor}
	if inv.Role == store.RoleEnvoy {
		inv.EnvoyLevel, inv.EnvoyKind = v.Level, v.Kind
	}
	v.Issued, err = store.IssueInvite(r.Context(), s.st, inv, now)
	if store.ErrorCode(err) == store.EINVALID {
		s.renderAuthed(w, r, ss, "invites", page{Title: "邀请码", Data: v, Error: "无法签发：" + store.ErrorMessage(err)})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Expires = s.localTime(v.Issued.ExpiresAt)
	s.log.Info("admin issued an invite", slog.String("admin", ss.Name), slog.String("role", v.Role), slog.String("for", v.Name))
	s.renderAuthed(w, r, ss, "invites", page{Title: "邀请码", Data: v, Flash: "邀请码已生成。"})
}
