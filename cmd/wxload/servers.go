package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// pinning says where the servers and the load run.
type pinning struct {
	On          bool
	ServerCPUs  string // taskset list for the servers, e.g. "1"
	LoadCPUs    string // taskset list for this process (the load), e.g. "0"
	Note        string // said in the report
	taskset     string
	restoreMask string // this process's affinity mask before pinning
}

// choosePinning decides on pinning: mode "auto" pins when taskset exists
// and the machine has more than one CPU, "on" insists, "off" does not pin.
func choosePinning(mode, serverCPUs, loadCPUs string) (*pinning, error) {
	p := &pinning{ServerCPUs: serverCPUs, LoadCPUs: loadCPUs}
	switch mode {
	case "off":
		p.Note = "no pinning (-pin off): servers and load share all CPUs"
		return p, nil
	case "auto", "on":
	default:
		return nil, fmt.Errorf("-pin: want auto, on or off, got %q", mode)
	}
	path, err := exec.LookPath("taskset")
	switch {
	case err != nil && mode == "on":
		return nil, errors.New("-pin on: taskset not found")
	case err != nil:
		p.Note = "no pinning: taskset not found, servers and load share all CPUs"
		return p, nil
	case runtime.NumCPU() < 2 && mode == "auto":
		p.Note = "no pinning: one CPU only"
		return p, nil
	}
	for _, cpus := range []string{serverCPUs, loadCPUs} {
		if out, err := exec.Command(path, "-c", cpus, "true").CombinedOutput(); err != nil {
			if mode == "on" {
				return nil, fmt.Errorf("-pin on: taskset -c %s: %w: %s", cpus, err, bytes.TrimSpace(out))
			}
			p.Note = fmt.Sprintf("no pinning: taskset -c %s fails here (%s), servers and load share all CPUs", cpus, bytes.TrimSpace(out))
			return p, nil
		}
	}
	p.On, p.taskset = true, path
	p.Note = fmt.Sprintf("pinned with taskset: servers on CPU %s, load (wxload) on CPU %s; PostgreSQL and Redis not pinned", serverCPUs, loadCPUs)
	return p, nil
}

// pinSelf moves every thread of this process to the load's CPUs,
// remembering the mask to restore.
func (p *pinning) pinSelf() error {
	if !p.On {
		return nil
	}
	pid := strconv.Itoa(os.Getpid())
	out, err := exec.Command(p.taskset, "-p", pid).Output()
	if err != nil {
		return fmt.Errorf("taskset -p %s: %w", pid, err)
	}
	// "pid 123's current affinity mask: 3"
	f := strings.Fields(string(out))
	if len(f) == 0 {
		return fmt.Errorf("taskset -p %s: %q", pid, out)
	}
	p.restoreMask = f[len(f)-1]
	if out, err := exec.Command(p.taskset, "-a", "-p", "-c", p.LoadCPUs, pid).CombinedOutput(); err != nil {
		return fmt.Errorf("taskset -a -p -c %s %s: %w: %s", p.LoadCPUs, pid, err, bytes.TrimSpace(out))
	}
	return nil
}

// unpinSelf gives this process back the CPUs it had.
func (p *pinning) unpinSelf() {
	if p.On && p.restoreMask != "" {
		_ = exec.Command(p.taskset, "-a", "-p", p.restoreMask, strconv.Itoa(os.Getpid())).Run()
	}
}

// command is name args…, under taskset on the servers' CPUs when pinning.
func (p *pinning) command(name string, args ...string) *exec.Cmd {
	if p.On {
		return exec.Command(p.taskset, append([]string{"-c", p.ServerCPUs, name}, args...)...)
	}
	return exec.Command(name, args...)
}

// server is a target started as a child process.
type server struct {
	Name string // "bare echo", "envoybot embedded", …
	URL  string
	cmd  *exec.Cmd
	log  string // its output
	done chan struct{}
	err  error // once done
}

// echoEnv is added to the echo child's environment (the tests use it to
// run their own binary as wxload).
var echoEnv []string

// startServer runs cmd with its output in logPath and waits until addr
// accepts connections.
func startServer(ctx context.Context, name, addr, logPath string, cmd *exec.Cmd) (*server, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	setParentDeath(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s := &server{Name: name, URL: "http://" + addr + "/wechat", cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() { s.err = cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return s, nil
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("%s exited before serving (%v); its output:\n%s", name, s.err, tail(logPath, 20))
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("%s not serving on %s after 60 s; its output:\n%s", name, addr, tail(logPath, 20))
		}
	}
}

// pid is the server's process (taskset execs the server, keeping its PID).
func (s *server) pid() int { return s.cmd.Process.Pid }

// alive reports an error when the server has exited.
func (s *server) alive() error {
	select {
	case <-s.done:
		return fmt.Errorf("%s exited (%v); its output:\n%s", s.Name, s.err, tail(s.log, 20))
	default:
		return nil
	}
}

// stop asks the server to stop (SIGTERM) and kills it after 15 s.
func (s *server) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// startEcho runs this program's bare echo (-serve-echo) as a child.
func startEcho(ctx context.Context, p *pinning, dir string, o options) (*server, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := p.command(self, "-serve-echo", addr, "-token", o.Token, "-appid", o.AppID, "-aeskey", o.AESKey)
	cmd.Env = append(os.Environ(), echoEnv...)
	return startServer(ctx, "bare echo", addr, filepath.Join(dir, "echo.log"), cmd)
}

// envoybotEnv is this process's environment without any ENVOYBOT_*
// setting (which would change the server under test), plus set.
func envoybotEnv(set ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ENVOYBOT_") {
			env = append(env, kv)
		}
	}
	return append(env, set...)
}

// startEnvoybot issues an envoy invite and starts envoybot on the store that
// env configures, returning the server and the invite code.
func startEnvoybot(ctx context.Context, p *pinning, bin, name, dir string, env []string) (*server, string, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, "", err
	}
	maddr, err := freeAddr()
	if err != nil {
		return nil, "", err
	}
	env = append(env, "ENVOYBOT_ADDR="+addr, "ENVOYBOT_METRICS_ADDR="+maddr)
	// --init: the embedded store's data directory is new.
	inv := exec.CommandContext(ctx, bin, "invite", "--init", "--role", "envoy", "--name", "压测使者")
	inv.Env = env
	var stderr bytes.Buffer
	inv.Stderr = &stderr
	out, err := inv.Output()
	if err != nil {
		return nil, "", fmt.Errorf("%s invite: %w: %s", bin, err, bytes.TrimSpace(stderr.Bytes()))
	}
	code := strings.TrimSpace(string(out))
	cmd := p.command(bin, "serve")
	cmd.Env = env
	s, err := startServer(ctx, name, addr, filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".log"), cmd)
	return s, code, err
}

// buildEnvoybot builds envoybot from the module this is run in.
func buildEnvoybot(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "envoybot")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "envoybot/cmd/envoybot")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build envoybot/cmd/envoybot (run wxload compare inside the repository, or give -envoybot): %w\n%s", err, out)
	}
	return bin, nil
}

// describeBinary is the envoybot version line and, when built here, the
// commit of the working tree.
func describeBinary(bin string, built bool) string {
	out, _ := exec.Command(bin, "version").Output()
	desc := bin + ": " + strings.TrimSpace(string(out))
	if !built {
		return desc
	}
	head, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return desc
	}
	desc += ", built from the working tree at " + strings.TrimSpace(string(head))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		desc += " (with uncommitted changes)"
	}
	return desc
}

// freeAddr is a loopback address with a port free now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// tail is the last n lines of a file.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
