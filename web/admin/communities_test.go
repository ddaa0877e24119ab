package admin

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"envoybot/store"
	"envoybot/store/storetest"
)

func TestCommunitiesPage(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		seedCampaign(t, s)
		e := newEnv(t, s)
		b := e.browser("10.0.0.1").login()
		ctx := t.Context()
		id := func(name string) string {
			t.Helper()
			cs, err := s.ListCommunities(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if c.Name == name {
					return strconv.FormatInt(c.ID, 10)
				}
			}
			t.Fatalf("no community %q", name)
			return ""
		}

		t.Run("lists every community with its counts", func(t *testing.T) {
			r := b.do("GET", "/admin/communities", nil)
			if r.Code != http.StatusOK {
				t.Fatalf("GET /admin/communities = %d", r.Code)
			}
			// 古槐社区: 3 volunteers and the envoy, 3 subscribers, 1
			// activity, 0 lectures, 1 contact point, 1 team, no brand.
			row := `<td>古槐社区 <small class="muted">（配置）</small></td>
    <td class="num">4</td><td class="num">3</td><td class="num">1</td>
    <td class="num">0</td><td class="num">1</td><td class="num">1</td><td class="num">0</td>`
			if !strings.Contains(r.Body, row) || !strings.Contains(r.Body, "运河社区") || !strings.Contains(r.Body, `action="/admin/communities/merge"`) {
				t.Errorf("page lacks the row of 古槐社区 or the forms:\n%s", r.Body)
			}
		})

		t.Run("a POST without the CSRF token is refused", func(t *testing.T) {
			r := b.do("POST", "/admin/communities", url.Values{"name": {"新兴社区"}})
			if r.Code != http.StatusForbidden {
				t.Errorf("POST without a token = %d, want 403", r.Code)
			}
			cs, _ := s.ListCommunities(ctx)
			for _, c := range cs {
				if c.Name == "新兴社区" {
					t.Errorf("the refused POST added the community")
				}
			}
		})

		for _, tc := range []struct{ name, input, want string }{
			{"an empty name", " ", "请填写社区名称"},
			{"a name too long", strings.Repeat("古", 31), "社区名称请控制在 30 字以内"},
			{"a name taken", "古槐社区", "已有社区“古槐社区”"},
			{"a name meaning one taken", "古槐社区居委会", "已有社区“古槐社区”"},
		} {
			t.Run("adding "+tc.name+" is refused", func(t *testing.T) {
				r := b.post("/admin/communities", "/admin/communities", url.Values{"name": {tc.input}})
				if r.Code != http.StatusBadRequest || !strings.Contains(r.Body, tc.want) {
					t.Errorf("POST %q = %d, lacks %q:\n%s", tc.input, r.Code, tc.want, r.Body)
				}
			})
		}

		t.Run("communities alike are flagged, to be merged", func(t *testing.T) {
			if _, err := s.CreateCommunity(ctx, "阜桥", testNow); err != nil {
				t.Fatal(err)
			}
			r := b.do("GET", "/admin/communities", nil)
			if !strings.Contains(r.Body, "阜桥<br><span class=\"warn\">可能与“阜桥社区”重复</span>") {
				t.Errorf("阜桥 not flagged as like 阜桥社区:\n%s", r.Body)
			}
			if !strings.Contains(r.Body, "可能与“阜桥”重复") || strings.Count(r.Body, "可能与") != 2 {
				t.Errorf("want 阜桥 and 阜桥社区 flagged, each like the other, none else; got %d flagged", strings.Count(r.Body, "可能与"))
			}
		})

		t.Run("added", func(t *testing.T) {
			r := b.post("/admin/communities", "/admin/communities", url.Values{"name": {" 北关 社区 "}})
			if r.Code != http.StatusOK || !strings.Contains(r.Body, "已添加社区“北关社区”") {
				t.Fatalf("POST = %d:\n%s", r.Code, r.Body)
			}
			id("北关社区")
		})

		t.Run("renamed, a configured one with a warning", func(t *testing.T) {
			r := b.post("/admin/communities", "/admin/communities/rename", url.Values{"id": {id("运河社区")}, "name": {"古槐社区"}})
			if r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "已有社区“古槐社区”") {
				t.Errorf("renaming onto a taken name = %d:\n%s", r.Code, r.Body)
			}
			r = b.post("/admin/communities", "/admin/communities/rename", url.Values{"id": {id("运河社区")}, "name": {"运河新社区"}})
			if r.Code != http.StatusOK || !strings.Contains(r.Body, "已将“运河社区”改名为“运河新社区”") || !strings.Contains(r.Body, "请同时修改配置") {
				t.Fatalf("rename = %d:\n%s", r.Code, r.Body)
			}
			if u, err := s.FindUserByOpenID(ctx, "o-envoy"); err != nil {
				t.Fatal(err)
			} else if subs, _ := s.ListSubscriptions(ctx, u.ID); len(subs) != 1 || subs[0] != "运河新社区" {
				t.Errorf("the envoy's subscriptions after the rename: %v", subs)
			}
		})

		t.Run("merged: everything moves, the community goes", func(t *testing.T) {
			r := b.post("/admin/communities", "/admin/communities/merge", url.Values{"id": {id("古槐社区")}, "into": {id("北关社区")}})
			if r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "请勾选“确认合并”") {
				t.Errorf("merge without confirming = %d:\n%s", r.Code, r.Body)
			}
			r = b.post("/admin/communities", "/admin/communities/merge", url.Values{"id": {id("古槐社区")}, "into": {id("古槐社区")}, "confirm": {"1"}})
			if r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "不能把社区合并到它自己") {
				t.Errorf("merge into itself = %d:\n%s", r.Code, r.Body)
			}
			into := id("北关社区")
			r = b.post("/admin/communities", "/admin/communities/merge", url.Values{"id": {id("古槐社区")}, "into": {into}, "confirm": {"1"}})
			want := "已将“古槐社区”合并到“北关社区”：转移了居民和志愿者 4、讲座订阅 3、活动 1、联系点 1、队伍 1。"
			if r.Code != http.StatusOK || !strings.Contains(r.Body, want) || !strings.Contains(r.Body, "请从配置中删去") {
				t.Fatalf("merge = %d, lacks %q:\n%s", r.Code, want, r.Body)
			}
			if u, err := s.FindUserByOpenID(ctx, "o-v1"); err != nil || u.Community != "北关社区" {
				t.Errorf("o-v1 after the merge = %+v, %v", u, err)
			}
			r = b.post("/admin/communities", "/admin/communities/merge", url.Values{"id": {"999999"}, "into": {into}, "confirm": {"1"}})
			if r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "这个社区已不存在") {
				t.Errorf("merging a community gone = %d:\n%s", r.Code, r.Body)
			}
		})
	})
}
