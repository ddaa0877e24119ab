package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"envoybot/bot"
	"envoybot/handlers"
	"envoybot/store"
	"envoybot/store/idseal"
	"envoybot/store/storetest"
)

// Valid 居民身份证 numbers (their check digits computed by GB 11643), and
// one with a wrong check digit.
const (
	validID   = "37080219900101123X"
	validID2  = "370802198512310026"
	invalidID = "370802198512310027"
)

// testKeyring seals with a fixed test key.
func testKeyring(t *testing.T) *idseal.Keyring {
	t.Helper()
	k, err := idseal.New([]idseal.Key{{Name: "test", Key: []byte("0123456789abcdef0123456789abcdef")}})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// clockRouter is a router whose clock the test moves, logging JSON into
// logs.
type clockRouter struct {
	*handlers.Router
	mu   sync.Mutex
	at   time.Time
	logs *bytes.Buffer
}

func (c *clockRouter) set(at time.Time) { c.mu.Lock(); c.at = at; c.mu.Unlock() }

func newRecordsRouter(t *testing.T, s store.Store, ids store.IDSealer) *clockRouter {
	t.Helper()
	if _, err := s.AddCommunities(context.Background(), campaign().Communities, now); err != nil {
		t.Fatal(err)
	}
	c := &clockRouter{at: now, logs: &bytes.Buffer{}}
	log := slog.New(slog.NewJSONHandler(c.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c.Router = handlers.NewRouter(handlers.Deps{Store: s, Rules: rules(), Campaign: campaign(), Location: now.Location(),
		IDs: ids, Issuer: "古槐社区志愿服务站", VolunteerPrefix: "HX", AdminURL: "https://envoybot.example.org",
		Logger: log, Now: func() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.at }})
	return c
}

// TestRecordsTranscript is issue 14 in chat: consent, 实名 with a wrong
// and a right ID number (masked in every reply, never logged, sealed in
// the store), a make-up request approved by the activity's envoy (audited,
// counted), trainings, awards and evaluations, and a certificate.
func TestRecordsTranscript(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		r := newRecordsRouter(t, s, testKeyring(t))
		var transcript []string
		step := func(who, msg string, want ...string) string {
			t.Helper()
			got := say(t, r.Router, text(who, msg))
			transcript = append(transcript, who+"> "+msg, "bot> "+strings.ReplaceAll(got, "\n", "\n     "))
			for _, w := range want {
				if !strings.Contains(got, w) {
					t.Errorf("%s> %s\nreply %q lacks %q", who, msg, got, w)
				}
			}
			if strings.Contains(got, validID) || strings.Contains(got, invalidID) {
				t.Errorf("%s> %s: the reply shows an ID number whole: %q", who, msg, got)
			}
			return got
		}
		defer func() {
			if t.Failed() || testing.Verbose() {
				t.Logf("transcript:\n%s", strings.Join(transcript, "\n"))
			}
		}()
		for i, id := range []string{"o-envoy1", "o-envoy2"} {
			inv := fmt.Sprintf("ENVOY%d", i+1)
			if _, err := s.CreateInvite(ctx, store.NewInvite{Code: inv, Role: store.RoleEnvoy, Name: "使者" + id[len(id)-1:], EnvoyKind: "和谐使者", ExpiresAt: now.Add(time.Hour)}, now); err != nil {
				t.Fatal(err)
			}
			step(id, "绑定 "+inv, "绑定成功")
		}
		step("o-envoy1", "联系点 古槐社区")
		act := code.FindString(step("o-envoy1", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额20", "活动已发布"))
		step("o-v1", "注册 张三 13800000001 古槐社区", "注册成功")
		step("o-v1", "报名 "+act, "报名成功")

		t.Run("real name needs consent first, and keeps nothing before it", func(t *testing.T) {
			step("o-v1", "实名 身份证 "+validID, "实名登记说明", "同意实名", "没有保存")
			if u, _ := s.FindUserByOpenID(ctx, "o-v1"); u.HasRealName() {
				t.Fatalf("profile kept before consent: %+v", u)
			}
			step("o-v1", "同意实名", "已记录您的同意")
		})
		t.Run("a wrong check digit is refused, nothing kept", func(t *testing.T) {
			step("o-v1", "实名 身份证 "+invalidID, "校验位不对", "没有保存")
			if u, _ := s.FindUserByOpenID(ctx, "o-v1"); u.HasRealName() {
				t.Fatalf("profile kept from a wrong number: %+v", u)
			}
		})
		t.Run("a right number is kept sealed and shown masked", func(t *testing.T) {
			step("o-v1", "实名 身份证 "+validID, "实名信息已保存", "居民身份证 3708**********123X", "男", "1990年出生")
			u, _ := s.FindUserByOpenID(ctx, "o-v1")
			if u.IDMasked != "3708**********123X" || u.Gender != "男" || u.BirthYear != 1990 || u.IDType != "居民身份证" {
				t.Fatalf("profile = %+v", u)
			}
			sealed, err := s.SealedIDs(ctx, []int64{u.ID})
			if err != nil || len(sealed) != 1 || strings.Contains(sealed[0].Sealed, validID) || !strings.HasPrefix(sealed[0].Sealed, "v1:test:") {
				t.Fatalf("sealed = %+v, %v", sealed, err)
			}
			if plain, err := testKeyring(t).Open(sealed[0].Sealed, store.IDSealContext(u.ID)); err != nil || plain != validID {
				t.Fatalf("opened %q, %v", plain, err)
			}
			step("o-v1", "实名", "您已实名登记", "3708**********123X")
		})
		t.Run("a make-up request before the end is refused", func(t *testing.T) {
			step("o-v1", "补录 "+act+" 14:00-16:00 忘记签到了", "还没有结束")
		})
		r.set(time.Date(2026, 12, 5, 17, 0, 0, 0, now.Location()))
		var makeup string
		t.Run("a make-up request goes to the activity's envoy", func(t *testing.T) {
			got := step("o-v1", "补录 "+act+" 14:00-16:00 忘记签到了", "补录申请", "已提交", "2小时")
			makeup = regexp.MustCompile(`B\d+`).FindString(got)
			step("o-v1", "补录 "+act, "已提交过", makeup)
			notices := noticesTo(t, s, "makeup_request")
			if len(notices["o-envoy1"]) != 1 || !strings.Contains(notices["o-envoy1"][0], "同意补录 "+makeup) || !strings.Contains(notices["o-envoy1"][0], "张三") {
				t.Fatalf("envoy's notices = %q", notices)
			}
			step("o-envoy1", "补录", "待审核的补录申请", makeup, "张三")
		})
		t.Run("another envoy may not decide it", func(t *testing.T) {
			step("o-envoy2", "同意补录 "+makeup, "只有发布活动")
			step("o-v1", "同意补录 "+makeup, "和谐使者的功能")
		})
		t.Run("the envoy approves: hours counted, audited, volunteer told", func(t *testing.T) {
			step("o-envoy1", "同意补录 "+makeup, "已同意补录申请", "2小时已计入")
			step("o-envoy1", "同意补录 "+makeup, "已于", "同意")
			notices := noticesTo(t, s, "makeup_decided")
			if len(notices["o-v1"]) != 1 || !strings.Contains(notices["o-v1"][0], "补录通过") {
				t.Fatalf("volunteer's notices = %q", notices)
			}
			step("o-v1", "我的时长", "关爱困难群体：2小时（1次）")
			audit, err := s.ListHoursAudit(ctx, store.HoursAuditFilter{ActivityCode: act})
			if err != nil || len(audit) != 1 || audit[0].NewMinutes != 120 || audit[0].OldMinutes != -1 ||
				!strings.Contains(audit[0].Reason, "补录 "+makeup) || audit[0].VolunteerName != "张三" || audit[0].ActorName == "" {
				t.Fatalf("audit = %+v, %v", audit, err)
			}
		})
		t.Run("trainings, awards and evaluations are recorded by envoys", func(t *testing.T) {
			step("o-envoy1", "培训 张三 急救知识培训 12月3日 3小时", "已记录张三的培训：急救知识培训", "2026年12月3日", "3小时")
			step("o-envoy1", "表彰 13800000001 优秀志愿者 12月4日 市文明办", "已记录张三的表彰：优秀志愿者")
			step("o-envoy1", "评价 张三 很好", "评价等级请写")
			step("o-envoy1", "评价 张三 优秀 服务认真负责", "已记录对张三的评价：优秀", "服务认真负责")
			step("o-envoy1", "培训 李四 急救", "没有找到志愿者“李四”")
			step("o-v1", "培训 张三 急救知识培训", "和谐使者的功能")
			recs, err := s.ListVolunteerRecords(ctx, 0, time.Time{}, time.Time{})
			if err != nil || len(recs) != 3 || recs[0].Kind != store.RecordTraining || recs[0].Minutes != 180 || recs[2].Kind != store.RecordEvaluation {
				t.Fatalf("records = %+v, %v", recs, err)
			}
		})
		t.Run("a certificate is issued, recorded and linked", func(t *testing.T) {
			step("o-v1", "我的证明 2025年", "没有已确认的志愿服务时长")
			got := step("o-v1", "我的证明", "志愿服务记录证明", "2小时（1次活动）", "古槐社区志愿服务站",
				"https://envoybot.example.org/certificates/", "https://envoybot.example.org/verify/")
			number := regexp.MustCompile(`ZM2026-[0-9A-Z]{8}`).FindString(got)
			c, err := s.FindCertificate(ctx, number)
			if err != nil || c.HolderName != "张三" || c.IDMasked != "3708**********123X" || c.Minutes != 120 || c.VolunteerNumber == "" || c.IssuedVia != "chat" {
				t.Fatalf("certificate %q = %+v, %v", number, c, err)
			}
			step("o-v2", "我的证明", "请先注册")
			step("o-v2", "注册 李四 13800000002 古槐社区", "注册成功")
			step("o-v2", "我的证明", "请先回复“实名”")
		})
		t.Run("no log line holds the ID number", func(t *testing.T) {
			if strings.Contains(r.logs.String(), validID) || strings.Contains(r.logs.String(), validID[:14]) {
				t.Fatalf("logs hold the ID number:\n%s", r.logs.String())
			}
		})
	})
}

// TestRealNameOff: without an ID key 实名 is refused and nothing is kept.
func TestRealNameOff(t *testing.T) {
	s := storetest.OpenSQLite(t)
	r := newRecordsRouter(t, s, nil)
	say(t, r.Router, text("o-v", "注册 张三 13800000001 古槐社区"))
	for _, msg := range []string{"同意实名", "实名 身份证 " + validID} {
		if got := say(t, r.Router, text("o-v", msg)); got != handlers.RecordsText.RealNameOff {
			t.Errorf("%s: reply %q", msg, got)
		}
	}
	_ = bot.KindText
}

// TestIDNeverEchoed: a voice message read as 实名 and a near-miss of a
// command do not say the number back whole.
func TestIDNeverEchoed(t *testing.T) {
	s := storetest.OpenSQLite(t)
	r := newRecordsRouter(t, s, testKeyring(t))
	say(t, r.Router, text("o-v", "注册 张三 13800000001 古槐社区"))
	say(t, r.Router, text("o-v", "同意实名"))
	voice := &bot.Message{OpenID: "o-v", Kind: bot.KindVoice, Text: "实名 身份证 " + validID}
	if got := say(t, r.Router, voice); strings.Contains(got, validID) || !strings.Contains(got, "3708**********123X") {
		t.Errorf("voice reply = %q", got)
	}
	for _, msg := range []string{"实明身份证" + validID, "身份证号" + validID} {
		if got := say(t, r.Router, text("o-v", msg)); strings.Contains(got, validID) {
			t.Errorf("%s: reply = %q", msg, got)
		}
	}
}
