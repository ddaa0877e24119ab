package main

import (
	"context"
	"database/sql"
	"fmt"
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
)

// The volunteer who deletes her data, and the admin who does too: after
// 注销 no dump of the database or the cache may hold any of these.
var forgottenForms = []string{"赵小满", "13712345678", "137****5678", "王科长"}

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
			api := wechattest.NewFakeAPI(t)
			clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, cst)}
			r := startAt(t, env, api, clk.Now)
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

			tr.say("志愿者", "o-zhao", "注销", "已删除")
			tr.say("志愿者", "o-zhao", "注销", "已经删除过了")
			chatAdminLogin(t, r, tr.say("管理员", "o-admin", "登录后台", "?t="))
			tr.say("管理员", "o-admin", "注销", "已删除")
			// The dashboard session stays in the cache, unused, until the
			// dump below; its next request would end it (stillAdmin).
			if reply := tr.say("管理员", "o-admin", "登录后台"); strings.Contains(reply, "?t=") {
				t.Errorf("an anonymised admin still gets a login link: %q", reply)
			}

			texts := api.WaitCustomerTexts(t, 1, 5*time.Second)
			promoted := 0
			for _, m := range texts {
				if m.ToUser == "o-wait" && strings.Contains(m.Content, "递补") && strings.Contains(m.Content, act) {
					promoted++
					t.Logf("fake WeChat API> customer-service message to %s: %s", m.ToUser, m.Content)
				}
			}
			if promoted != 1 {
				t.Errorf("%d promotion notices to the wait-listed volunteer, want 1: %+v", promoted, texts)
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
	var dump, what string
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
		dump, what = string(out), "pg_dump --data-only --schema="+schema
	} else {
		dump, what = dumpSQLite(t, loadConfig(t, env).SQLitePath()), "every table of the embedded database"
	}
	if !strings.Contains(dump, "o-zhao") || !strings.Contains(dump, "钱多多") {
		t.Fatalf("%s does not look like the story's data (no o-zhao or 钱多多):\n%s", what, dump)
	}
	assertNone(t, what, dump)

	if prefix := env["ENVOYBOT_REDIS_PREFIX"]; env["ENVOYBOT_REDIS_URL"] != "" {
		keys, dump := dumpRedis(t, env["ENVOYBOT_REDIS_URL"], prefix)
		if keys == 0 {
			t.Fatalf("no Redis key under %s: the dump is not of this deployment", prefix)
		}
		assertNone(t, fmt.Sprintf("the %d Redis keys under %s", keys, prefix), dump)
	}
}

func assertNone(t *testing.T, what, dump string) {
	t.Helper()
	found := 0
	for _, f := range forgottenForms {
		for _, line := range strings.Split(dump, "\n") {
			if strings.Contains(line, f) {
				found++
				t.Errorf("%s holds %q after 注销: %s", what, f, line)
			}
		}
	}
	t.Logf("%s: %d bytes, %d lines holding %s", what, len(dump), found, strings.Join(forgottenForms, ", "))
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
