package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/bot/wxsign"
	"envoybot/store"
	"envoybot/store/sqlstore"
	"envoybot/store/storetest"
)

// childArgsEnv carries the arguments of envoybot run as a child process by
// these tests: the test binary re-executed into TestChildProcess.
const childArgsEnv = "ENVOYBOT_TEST_CHILD_ARGS"

// TestChildProcess is envoybot's main when the crash tests start it as a
// process of its own (to SIGKILL it); otherwise it does nothing.
func TestChildProcess(t *testing.T) {
	args := os.Getenv(childArgsEnv)
	if args == "" {
		t.Skip("envoybot as a child process of the crash tests")
	}
	silenceSDK()
	os.Exit(run(context.Background(), strings.Split(args, "\x1f"), os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// child is envoybot running as a process of its own.
type child struct {
	cmd            *exec.Cmd
	url            string
	stdout, stderr *lockedBuffer
	exited         chan struct{}
	err            error // after exited
}

// startChild runs envoybot with args in a process with env (on top of the
// test's environment without its ENVOYBOT_ settings). A server listens on
// ENVOYBOT_ADDR, a free local port unless env names one.
func startChild(t *testing.T, env map[string]string, args ...string) *child {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	if _, ok := env["ENVOYBOT_ADDR"]; !ok {
		env["ENVOYBOT_ADDR"] = freeAddr(t)
	}
	c.url = "http://" + env["ENVOYBOT_ADDR"]
	if _, ok := env["ENVOYBOT_METRICS_ADDR"]; !ok {
		env["ENVOYBOT_METRICS_ADDR"] = freeAddr(t)
	}
	c.cmd = exec.Command(self, "-test.run=^TestChildProcess$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ENVOYBOT_") || strings.HasPrefix(kv, "ENVOYBOT_TEST_") {
			c.cmd.Env = append(c.cmd.Env, kv)
		}
	}
	for k, v := range env {
		c.cmd.Env = append(c.cmd.Env, k+"="+v)
	}
	c.cmd.Env = append(c.cmd.Env, childArgsEnv+"="+strings.Join(args, "\x1f"))
	c.cmd.Stdout, c.cmd.Stderr = c.stdout, c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.err = c.cmd.Wait(); close(c.exited) }()
	t.Cleanup(func() { c.kill() })
	return c
}

// freeAddr is a local address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitReady waits for the child's server to answer /healthz.
func (c *child) waitReady(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case <-c.exited:
			t.Fatalf("envoybot exited before serving: %v\n%s", c.err, c.stderr)
		default:
		}
		if resp, err := http.Get(c.url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatalf("envoybot did not serve within a minute:\n%s", c.stderr)
}

// kill ends the child with SIGKILL, as the OOM killer or a lost node does,
// and waits for it.
func (c *child) kill() {
	select {
	case <-c.exited:
		return
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.exited
}

// wait waits for the child to exit on its own and returns its exit code.
func (c *child) wait(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case <-c.exited:
	case <-time.After(within):
		t.Fatalf("envoybot still running after %s:\n%s", within, c.stderr)
	}
	var exit *exec.ExitError
	if errors.As(c.err, &exit) {
		return exit.ExitCode()
	}
	if c.err != nil {
		t.Fatal(c.err)
	}
	return 0
}

// childEnv is the configuration of a child server with the test account,
// whose API is the fake WeChat server.
func childEnv(api *wechattest.FakeAPI, env map[string]string) (map[string]string, wxsign.Signer) {
	env["ENVOYBOT_WECHAT_API_BASE"] = api.URL()
	env["ENVOYBOT_WECHAT_TOKEN"] = "testtoken42"
	env["ENVOYBOT_WECHAT_APPID"] = "wxtest0000000042"
	env["ENVOYBOT_WECHAT_SECRET"] = "test-secret"
	env["ENVOYBOT_WECHAT_AES_KEY"] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	env["ENVOYBOT_LOG_LEVEL"] = "warn"
	return env, wxsign.Signer{Token: env["ENVOYBOT_WECHAT_TOKEN"], AppID: env["ENVOYBOT_WECHAT_APPID"], AESKey: env["ENVOYBOT_WECHAT_AES_KEY"]}
}

// wechatClient plays WeChat's servers: it gives up on an answer after 5 s.
var wechatClient = &http.Client{Timeout: 5 * time.Second}

// deliver sends body once, as WeChat does, and returns the reply.
func deliver(s wxsign.Signer, base, body string, safe bool) (string, error) {
	resp, err := wechatClient.Do(s.Post(base+"/wechat", body, safe))
	if err != nil {
		return "", err
	}
	return s.ReadReply(resp, safe)
}

// deliverWithRetries sends body as WeChat does: again, with the same
// MsgId, when there is no answer within 5 s, up to 3 retries.
func deliverWithRetries(s wxsign.Signer, base, body string, safe bool) (reply string, attempts int, err error) {
	for attempts = 1; attempts <= 4; attempts++ {
		if reply, err = deliver(s, base, body, safe); err == nil {
			return reply, attempts, nil
		}
		time.Sleep(time.Second)
	}
	return "", attempts - 1, err
}

// stallProxy forwards TCP connections to a server and can stop forwarding
// for a while, as a PostgreSQL that stalls (a checkpoint storm, a failing
// disk, a network partition) looks to its clients; the shared PostgreSQL
// itself is never touched.
type stallProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cond   *sync.Cond
	stall  bool
}

func newStallProxy(t *testing.T, target string) *stallProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallProxy{ln: ln, target: target}
	p.cond = sync.NewCond(&p.mu)
	t.Cleanup(func() { p.setStalled(false); ln.Close() })
	go p.serve()
	return p
}

func (p *stallProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go func() {
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				return
			}
			go p.pipe(s, c)
			p.pipe(c, s)
		}()
	}
}

// pipe copies src to dst, holding every chunk while the proxy is stalled.
func (p *stallProxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			for p.stall {
				p.cond.Wait()
			}
			p.mu.Unlock()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *stallProxy) setStalled(on bool) {
	p.mu.Lock()
	p.stall = on
	p.mu.Unlock()
	p.cond.Broadcast()
}

// viaProxy is the PostgreSQL URL u through the proxy.
func (p *stallProxy) viaProxy(t *testing.T, u string) string {
	t.Helper()
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatalf("the PostgreSQL test URL must be a postgres:// URL here: %v", err)
	}
	parsed.Host = p.ln.Addr().String()
	return parsed.String()
}

// pgTarget is the host:port of a postgres:// URL.
func pgTarget(t *testing.T, u string) string {
	t.Helper()
	parsed, err := url.Parse(u)
	if err != nil || parsed.Host == "" {
		t.Skipf("the crash test needs a postgres:// URL in %s, got another form", storetest.DatabaseURLEnv)
	}
	if parsed.Port() == "" {
		return net.JoinHostPort(parsed.Hostname(), "5432")
	}
	return parsed.Host
}

// TestKilledReplicaLosesNoSignup is the acceptance drill of crash-safe
// dedup: PostgreSQL stalls, a burst of 200 sign-ups arrives, the replica
// is SIGKILLed in the middle of it with handlers in flight, a replica
// starts again, and the messages that got no answer are delivered again
// as WeChat does (same MsgId, up to 3 retries); those answered "success"
// are never delivered again (WeChat does not), and the restarted replica
// must take them over from the inbox. Every sign-up must be in the
// database, once.
func TestKilledReplicaLosesNoSignup(t *testing.T) {
	direct := storetest.PostgresSchemaURL(t)
	redis := redisURL(t)
	proxy := newStallProxy(t, pgTarget(t, direct))
	api := wechattest.NewFakeAPI(t)
	// A handler timeout of 10 s (30 s by default) brings the inbox
	// takeover of a dead replica's messages within 20 s of their arrival.
	cfgFile := filepath.Join(t.TempDir(), "envoybot.yaml")
	if err := os.WriteFile(cfgFile, []byte("wechat:\n  handler_timeout: 10s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env, signer := childEnv(api, map[string]string{
		"ENVOYBOT_DATABASE_URL": proxy.viaProxy(t, direct), "ENVOYBOT_REDIS_URL": redis,
		"ENVOYBOT_REDIS_PREFIX": fmt.Sprintf("envoybot-crash-%d:", time.Now().UnixNano()),
		"ENVOYBOT_CONFIG":       cfgFile,
	})
	st, err := sqlstore.OpenPostgres(context.Background(), direct)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	first := startChild(t, cloneEnv(env), "serve")
	first.waitReady(t)
	code, err := createInvite(context.Background(), st, drillInvite(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	say := func(c *child, openID, text string) string {
		t.Helper()
		reply, err := deliver(signer, c.url, signer.TextXML(openID, text, wxsign.NextMsgID()), true)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		return reply
	}
	if reply := say(first, "o-envoy", "绑定 "+code); !strings.Contains(reply, "成功") {
		t.Fatalf("bind: %q", reply)
	}
	act := codePattern.FindString(say(first, "o-envoy", "发布活动 防汛演练 12月31日 9:00-11:00 古槐社区 平安和谐 名额9999 古槐社区"))
	if act == "" {
		t.Fatal("no activity published")
	}

	const n = 200
	msgs := make([]string, n)
	for i := range msgs {
		name := []string{"周", "吴", "郑", "王", "冯", "陈", "褚", "卫"}[i%8] + []string{"志强", "秀英", "建国", "丽华", "明", "芳"}[i%6]
		msgs[i] = signer.TextXML(fmt.Sprintf("o-crash-%03d", i), fmt.Sprintf("报名 %s %s 139%08d", act, name, i), wxsign.NextMsgID())
	}

	// PostgreSQL stalls; the burst begins (200 messages over 8 s);
	// PostgreSQL comes back after stallFor, and at killAt, with the backlog
	// of handlers committing (some done, some answered "success" at the
	// reply deadline, most in flight), the replica is killed. The burst
	// goes on against the dead replica.
	const stallFor, killAt = 4 * time.Second, 4800 * time.Millisecond
	proxy.setStalled(true)
	began := time.Now()
	replies, errs := make([]string, n), make([]error, n)
	stalled, killed := true, false
	var wg sync.WaitGroup
	for i := range msgs {
		wg.Add(1)
		go func() { defer wg.Done(); replies[i], errs[i] = deliver(signer, first.url, msgs[i], i%2 == 0) }()
		time.Sleep(40 * time.Millisecond)
		if d := time.Since(began); stalled && d > stallFor {
			proxy.setStalled(false)
			stalled = false
		}
		if d := time.Since(began); !killed && d > killAt {
			first.kill()
			killed = true
			t.Logf("PostgreSQL stalled for %s; replica SIGKILLed %s into the burst, after %d of %d messages were sent", stallFor, d.Round(time.Millisecond), i+1, n)
		}
	}
	wg.Wait()
	proxy.setStalled(false)
	inDB := signedUp(t, st, act)
	var replied, acked, ackedLost, failed int
	for i := range msgs {
		switch {
		case errs[i] != nil:
			failed++
		case replies[i] == "":
			acked++
			if inDB[fmt.Sprintf("o-crash-%03d", i)] == 0 {
				ackedLost++
			}
		default:
			replied++
		}
	}
	t.Logf("first delivery: %d answered with a reply, %d with success (the reply to follow; %d of them killed before their sign-up committed), %d unanswered; %d sign-ups in the database",
		replied, acked, ackedLost, failed, len(inDB))

	second := startChild(t, cloneEnv(env), "serve")
	second.waitReady(t)
	restarted := time.Now()
	retried := make([]int, n)
	var replayed, unanswered, answered, success int
	var mu sync.Mutex
	for i := range msgs {
		if errs[i] == nil {
			continue // answered: WeChat never delivers it again
		}
		replayed++
		wg.Add(1)
		go func() {
			defer wg.Done()
			reply, attempts, err := deliverWithRetries(signer, second.url, msgs[i], i%2 == 1)
			mu.Lock()
			defer mu.Unlock()
			retried[i] = attempts
			switch {
			case err != nil:
				unanswered++
			case reply == "":
				success++
			default:
				answered++
			}
		}()
		time.Sleep(5 * time.Millisecond)
	}
	wg.Wait()
	extra := 0
	for _, a := range retried {
		extra += max(a-1, 0)
	}
	// Messages answered "success" whose replica was killed are in the
	// inbox: the restarted replica takes them over when their lease (the
	// reply deadline, the handler timeout and some seconds) has run out.
	seated := 0
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if seated, _ = countSignups(t, st, act); seated >= n {
			break
		}
	}
	settled := time.Since(restarted)
	found := signedUp(t, st, act)
	lost, twice := 0, 0
	for i := range msgs {
		switch found[fmt.Sprintf("o-crash-%03d", i)] {
		case 0:
			lost++
		case 1:
		default:
			twice++
		}
	}
	t.Logf("after the restart: %d unanswered messages replayed (%d answered with a reply, %d with success, %d further WeChat retries, %d unanswered); all sign-ups in the database %s after the restart",
		replayed, answered, success, extra, unanswered, settled.Round(time.Millisecond))
	t.Logf("%d sent, %d in the database, %d lost, %d twice", n, len(found), lost, twice)
	if lost > 0 || twice > 0 || unanswered > 0 {
		t.Errorf("%d sign-ups lost, %d made twice, %d messages unanswered after the restart; want none", lost, twice, unanswered)
	}
}

// signedUp counts the sign-ups of an activity by OpenID.
func signedUp(t *testing.T, st store.Store, act string) map[string]int {
	t.Helper()
	ss, err := st.ListActivitySignups(context.Background(), act)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]int{}
	for _, s := range ss {
		found[s.OpenID]++
	}
	return found
}

// cloneEnv is a copy of env, so that each child gets its own address.
func cloneEnv(env map[string]string) map[string]string {
	out := make(map[string]string, len(env))
	for k, v := range env {
		out[k] = v
	}
	return out
}

// TestRestartOnEmbeddedStoreRunsOnce: the same message after a SIGKILL and
// a restart on the embedded store (whose cache lived in the killed
// process) has one effect: one activity published.
func TestRestartOnEmbeddedStoreRunsOnce(t *testing.T) {
	dir := t.TempDir()
	api := wechattest.NewFakeAPI(t)
	env, signer := childEnv(api, map[string]string{"ENVOYBOT_DATA_DIR": dir})
	first := startChild(t, cloneEnv(env), "serve")
	first.waitReady(t)
	// The CLI works beside a running server on the same directory.
	code := invite(t, env, "--role", "envoy", "--name", "李使者")
	if reply, err := deliver(signer, first.url, signer.TextXML("o-envoy", "绑定 "+code, wxsign.NextMsgID()), false); err != nil || !strings.Contains(reply, "成功") {
		t.Fatalf("bind: %q, %v", reply, err)
	}
	publish := signer.TextXML("o-envoy", "发布活动 重阳敬老 12月20日 9:00-11:00 古槐社区敬老院 关爱困难群体 名额20", wxsign.NextMsgID())
	reply, err := deliver(signer, first.url, publish, true)
	if err != nil || codePattern.FindString(reply) == "" {
		t.Fatalf("publish: %q, %v", reply, err)
	}
	first.kill()

	second := startChild(t, cloneEnv(env), "serve")
	second.waitReady(t)
	again, attempts, err := deliverWithRetries(signer, second.url, publish, false)
	if err != nil {
		t.Fatalf("the retry after the restart: %v", err)
	}
	second.kill()

	st, err := sqlstore.OpenSQLite(context.Background(), loadConfig(t, env).SQLitePath())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	acts, err := st.ListOpenActivities(context.Background(), time.Now(), "", "", 100)
	if err != nil {
		t.Fatal(err)
	}
	published := 0
	for _, a := range acts {
		if a.Title == "重阳敬老" {
			published++
		}
	}
	t.Logf("published, SIGKILLed, restarted, the same MsgId delivered again (%d attempt): %d activity in the database; reply the same: %v", attempts, published, again == reply)
	if published != 1 {
		t.Errorf("%d activities after the retry across a restart, want 1", published)
	}
	if again != reply {
		t.Errorf("the retry got %q, the first delivery %q", again, reply)
	}
}

// TestSecondServerOnOneDataDirIsRefused: two servers on one embedded store
// would each run a retried message; the second refuses to start with one
// line naming the directory and the first one's process.
func TestSecondServerOnOneDataDirIsRefused(t *testing.T) {
	dir := t.TempDir()
	api := wechattest.NewFakeAPI(t)
	env, _ := childEnv(api, map[string]string{"ENVOYBOT_DATA_DIR": dir})
	first := startChild(t, cloneEnv(env), "serve")
	first.waitReady(t)

	second := startChild(t, cloneEnv(env), "serve")
	exit := second.wait(t, 30*time.Second)
	out := strings.TrimSpace(second.stderr.String())
	t.Logf("second envoybot serve on %s: exit %d, stderr %q", dir, exit, out)
	pid := fmt.Sprint(first.cmd.Process.Pid)
	if exit == 0 || strings.Count(out, "\n") != 0 || !strings.Contains(out, dir) || !strings.Contains(out, "process "+pid) {
		t.Errorf("second server: exit %d, stderr %q; want a non-zero exit and one line naming %s and process %s", exit, out, dir, pid)
	}
	if resp, err := http.Get(first.url + "/healthz"); err != nil {
		t.Errorf("the first server stopped serving: %v", err)
	} else {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	// CLI commands work beside the server.
	if code := invite(t, env, "--role", "envoy", "--name", "王使者"); code == "" {
		t.Error("no invite code beside a running server")
	}
	// Once the first is gone (however it ended), a server starts again.
	first.kill()
	third := startChild(t, cloneEnv(env), "serve")
	third.waitReady(t)
}
