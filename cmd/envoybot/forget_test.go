package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	_ "modernc.org/sqlite" // the "sqlite" driver, to dump the embedded database

	"envoybot/bot/wechattest"
	"envoybot/store"
)

// The volunteer who deletes her data, and the admin who does too: after
// 注销 no dump of the database or the cache may hold any of these: names,
// mobile, and (issue 14) her ID number whole, masked or in part (the
// birth date and sequence digits), the volunteer number on her
// certificate.
var forgottenForms = []string{"赵小满", "13712345678", "137****5678", "王科长",
	forgetID, "3708**********123X", forgetID[6:], "HX0000"}

// forgetID is the volunteer's ID number (a valid 居民身份证 number).
const forgetID = "37080219900101123X"

// forgetIDKey is the deployment's ID key in the story.
const forgetIDKey = "story=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

// TestForgetStory is issue 11's acceptance of 注销 through /wechat: a
// volunteer registers, is named in an envoy's import reply, holds the last
// seat of a full activity with someone wait-listed, sends a location, then
// deletes her data; an admin does too. Afterwards the wait-listed
// volunteer is seated and told, the admin gets no login link, and a full
// dump of the database (pg_dump --data-only, or every table of the
// embedded one) and of every Redis key under the deployment's prefix holds
// neither name nor mobile, full or masked.
func TestForgetStory(t *testing.T) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			env["ENVOYBOT_ID_KEYS"] = forgetIDKey
			api := wechattest.NewFakeAPI(t)
			clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, cst)}
			var logs lockedBuffer
			r := startAtLogging(t, env, api, clk.Now, newLogger(&logs, "debug"))
			tr := transcript{t: t, r: r}

			tr.say("管理员", "o-admin", "绑定 "+invite(t, env, "--role", "admin", "--name", "王科长"), "管理员")
			tr.say("使者", "o-envoy", "绑定 "+invite(t, env, "--role", "envoy", "--name", "李使者"), "和谐使者")
			tr.say("使者", "o-envoy", "联系点 古槐社区", "古槐社区")
			act := codePattern.FindString(tr.say("使者", "o-envoy", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额1", "报名"))
			if act == "" {
				t.Fatal("no activity published")
			}
			tr.say("志愿者", "o-zhao", "注册 赵小满 13712345678 古槐社区", "注册成功")
			tr.say("候补", "o-wait", "注册 钱多多 13800000009 古槐社区", "注册成功")
			tr.say("使者", "o-envoy", "导入 "+act+"\n#接龙\n1. 赵小满 13712345678", "报名成功：赵小满")
			tr.say("候补", "o-wait", "报名 "+act, "候补第1位")
			tr.say("使者", "o-envoy", "活动签到 "+act) // a roster-like reply; whatever it says
			tr.location("志愿者", "o-zhao", 35.4123, 116.5871)
			tr.say("志愿者", "o-zhao", "我的报名", act)
			tr.say("志愿者", "o-zhao", "赵小满想问问证书怎么开") // unrecognised, kept for the dashboard
			number := realNameAndCertificate(t, tr, r, clk, env)

			tr.say("志愿者", "o-zhao", "注销", "已删除")
			tr.say("志愿者", "o-zhao", "注销", "已经删除过了")
			chatAdminLogin(t, r, tr.say("管理员", "o-admin", "登录后台", "?t="))
			tr.say("管理员", "o-admin", "注销", "已删除")
			// The dashboard session stays in the cache, unused, until the
			// dump below; its next request would end it (stillAdmin).
			if reply := tr.say("管理员", "o-admin", "登录后台"); strings.Contains(reply, "?t=") {
				t.Errorf("an anonymised admin still gets a login link: %q", reply)
			}

			// The make-up notices of the story go out too: wait for the
			// promotion itself, up to 5 s.
			promoted := 0
			for deadline := time.Now().Add(5 * time.Second); promoted == 0 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				for _, m := range api.CustomerTexts() {
					if m.ToUser == "o-wait" && strings.Contains(m.Content, "递补") && strings.Contains(m.Content, act) {
						promoted++
						t.Logf("fake WeChat API> customer-service message to %s: %s", m.ToUser, m.Content)
					}
				}
			}
			if promoted != 1 {
				t.Errorf("%d promotion notices to the wait-listed volunteer, want 1: %+v", promoted, api.CustomerTexts())
			}
			seated, waitlisted := countSignups(t, r.app.store, act)
			if seated != 1 || waitlisted != 0 {
				t.Errorf("%s: %d seated, %d wait-listed; want the wait-listed volunteer seated", act, seated, waitlisted)
			}
			wait, err := r.app.store.FindUserByOpenID(context.Background(), "o-wait")
			if err != nil {
				t.Fatal(err)
			}
			if s, err := r.app.store.ListUserSignups(context.Background(), wait.ID, clk.Now()); err != nil || len(s) != 1 || s[0].Status != "seated" {
				t.Errorf("o-wait sign-ups = %v, %v; want seated", s, err)
			}

			if page := verifyPage(t, r, number); !strings.Contains(page, "已作废") || !strings.Contains(page, "注销") {
				t.Errorf("/verify/%s after 注销 does not say it was revoked: %s", number, page)
			}
			if strings.Contains(logs.String(), forgetID[6:]) {
				t.Errorf("the log holds the ID number")
			}
			t.Logf("the log: %d bytes, no ID number in it", len(logs.String()))
			r.stop(t)
			for _, job := range []string{"prune-unrecognised"} {
				jobsRun(t, env, job, clk.Now())
			}
			assertDumpForgets(t, env)
		})
	}
}

var linkPattern = regexp.MustCompile(`(?:https?://[^/\s]+)?(/\S*\?t=\S+)`)

// noRedirect is an HTTP client that returns redirects instead of
// following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// chatAdminLogin opens the login link of a 登录后台 reply and returns the
// dashboard session cookie it sets.
func chatAdminLogin(t *testing.T, r *running, reply string) *http.Cookie {
	t.Helper()
	var path string
	if m := linkPattern.FindStringSubmatch(reply); m != nil {
		path = m[1] // the path on this server, whatever public URL the link names
	}
	resp, err := noRedirect.Get(r.url + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Value != "" && c.MaxAge >= 0 {
			if code := adminPageStatus(t, r, c); code != http.StatusOK {
				t.Fatalf("GET /admin/ with the chat login's session = %d, want 200", code)
			}
			return c
		}
	}
	t.Fatalf("the chat login link %s set no session cookie (status %d)", path, resp.StatusCode)
	return nil
}

func adminPageStatus(t *testing.T, r *running, c *http.Cookie) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, r.url+"/admin/", nil)
	req.AddCookie(c)
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// assertDumpForgets dumps the deployment's database and cache and fails
// when either holds a forgotten form.
func assertDumpForgets(t *testing.T, env map[string]string) {
	t.Helper()
	dump, what := dumpDatabase(t, env)
	if !strings.Contains(dump, "o-zhao") || !strings.Contains(dump, "钱多多") {
		t.Fatalf("%s does not look like the story's data (no o-zhao or 钱多多):\n%s", what, dump)
	}
	assertNone(t, what, dump, forgottenForms)

	if prefix := env["ENVOYBOT_REDIS_PREFIX"]; env["ENVOYBOT_REDIS_URL"] != "" {
		keys, dump := dumpRedis(t, env["ENVOYBOT_REDIS_URL"], prefix)
		if keys == 0 {
			t.Fatalf("no Redis key under %s: the dump is not of this deployment", prefix)
		}
		assertNone(t, fmt.Sprintf("the %d Redis keys under %s", keys, prefix), dump, forgottenForms)
	}
}

// dumpDatabase is every row of the deployment's database: pg_dump
// --data-only of its schema, or every table of the embedded database.
func dumpDatabase(t *testing.T, env map[string]string) (dump, what string) {
	t.Helper()
	if dbURL := env["ENVOYBOT_DATABASE_URL"]; dbURL != "" {
		u, err := url.Parse(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		schema := q.Get("search_path")
		q.Del("search_path")
		u.RawQuery = q.Encode()
		out, err := exec.Command("pg_dump", "--data-only", "--schema="+schema, u.String()).CombinedOutput()
		if err != nil {
			t.Fatalf("pg_dump: %v\n%s", err, out)
		}
		return string(out), "pg_dump --data-only --schema=" + schema
	}
	return dumpSQLite(t, loadConfig(t, env).SQLitePath()), "every table of the embedded database"
}

func assertNone(t *testing.T, what, dump string, forms []string) {
	t.Helper()
	found := 0
	for _, f := range forms {
		for _, line := range strings.Split(dump, "\n") {
			if strings.Contains(line, f) {
				found++
				t.Errorf("%s holds %q after 注销: %s", what, f, line)
			}
		}
	}
	t.Logf("%s: %d bytes, %d lines holding %s", what, len(dump), found, strings.Join(forms, ", "))
}

// dumpSQLite returns every row of every table of the database at path.
func dumpSQLite(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := t.Context()
	var tables []string
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, table := range tables {
		rows, err := db.QueryContext(ctx, `SELECT * FROM `+table)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			b.WriteString(table + ":")
			for _, v := range vals {
				if raw, ok := v.([]byte); ok {
					v = string(raw)
				}
				fmt.Fprintf(&b, " %v", v)
			}
			b.WriteString("\n")
		}
		rows.Close()
	}
	return b.String()
}

// dumpRedis returns the number of keys under prefix and every one with its
// value, whatever its type.
func dumpRedis(t *testing.T, redisURL, prefix string) (int, string) {
	t.Helper()
	opt, err := goredis.ParseURL(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	c := goredis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var b strings.Builder
	n := 0
	iter := c.Scan(ctx, 0, prefix+"*", 500).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		n++
		var v any
		switch typ := c.Type(ctx, key).Val(); typ {
		case "string":
			v = c.Get(ctx, key).Val()
		case "hash":
			v = c.HGetAll(ctx, key).Val()
		case "list":
			v = c.LRange(ctx, key, 0, -1).Val()
		case "set":
			v = c.SMembers(ctx, key).Val()
		case "zset":
			v = c.ZRangeWithScores(ctx, key, 0, -1).Val()
		case "stream":
			v = c.XRange(ctx, key, "-", "+").Val()
		default:
			v = "(" + typ + ")"
		}
		fmt.Fprintf(&b, "%s = %v\n", key, v)
	}
	if err := iter.Err(); err != nil {
		t.Fatalf("scan %s*: %v", prefix, err)
	}
	return n, b.String()
}

// realNameAndCertificate is issue 14 in the story: the volunteer agrees to
// real name and gives her ID (a wrong one first), asks for the hours of an
// activity she served at a week before without checking in (made through
// the store: chat cannot publish in the past), the envoy approves, and she
// gets a certificate, which /verify/<number> confirms and whose PDF
// downloads. It returns the certificate's number.
func realNameAndCertificate(t *testing.T, tr transcript, r *running, clk *clock, env map[string]string) string {
	t.Helper()
	// A minute between turns of the story: the follower limit counts
	// messages by the minute, and the story's clock stands still.
	clk.Set(clk.Now().Add(time.Minute))
	defer clk.Set(clk.Now().Add(time.Minute))
	ctx := context.Background()
	st := r.app.store
	tr.say("志愿者", "o-zhao", "实名 身份证 "+forgetID, "同意实名", "没有保存")
	tr.say("志愿者", "o-zhao", "同意实名", "已记录您的同意")
	tr.say("志愿者", "o-zhao", "实名 身份证 370802199001011234", "校验位不对")
	tr.say("志愿者", "o-zhao", "实名 身份证 "+forgetID, "3708**********123X")
	// While the profile lives the database holds the number masked and
	// sealed, never in clear.
	dump, what := dumpDatabase(t, env)
	if !strings.Contains(dump, "3708**********123X") || !strings.Contains(dump, "v1:story:") {
		t.Fatalf("%s holds no masked and sealed ID: the profile was not stored", what)
	}
	assertNone(t, what+" with the profile stored", dump, []string{forgetID, forgetID[6:]})
	envoy, err := st.FindUserByOpenID(ctx, "o-envoy")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 24, 14, 0, 0, 0, cst)
	past, err := st.CreateActivity(ctx, store.NewActivity{EnvoyID: envoy.ID, Title: "社区义诊", Category: "关爱困难群体",
		StartsAt: start, EndsAt: start.Add(2 * time.Hour), Place: "古槐社区卫生站", Community: "古槐社区"}, start.Add(-72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	makeup := regexp.MustCompile(`B\d+`).FindString(tr.say("志愿者", "o-zhao", "补录 "+past.Code+" 14:00-16:00 赵小满手机没电", "已提交"))
	tr.say("使者", "o-envoy", "同意补录 "+makeup, "已同意", "2小时")
	reply := tr.say("志愿者", "o-zhao", "我的证明", "志愿服务记录证明", "2小时")
	number := regexp.MustCompile(`ZM\d{4}-[0-9A-Z]{8}`).FindString(reply)
	if page := verifyPage(t, r, number); !strings.Contains(page, "真实有效") || strings.Contains(page, "3708") {
		t.Errorf("/verify/%s before 注销: %s", number, page)
	}
	if m := linkPattern.FindStringSubmatch(reply); m == nil {
		t.Errorf("no PDF link in %q", reply)
	} else if resp, err := http.Get(r.url + m[1]); err != nil {
		t.Errorf("GET %s: %v", m[1], err)
	} else {
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("GET %s = %d %s", m[1], resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	return number
}

// verifyPage is the body of /verify/<number>.
func verifyPage(t *testing.T, r *running, number string) string {
	t.Helper()
	resp, err := http.Get(r.url + store.VerifyPath(number))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
