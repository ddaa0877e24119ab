package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"

	"envoybot/configs"
	"envoybot/web/admin"
)

// minPasswordLength keeps dashboard passwords out of easy guessing range;
// bcrypt reads at most 72 bytes.
const (
	minPasswordLength = 8
	maxPasswordBytes  = 72
)

// plainYAMLName is an account name that needs no quotes in YAML.
var plainYAMLName = regexp.MustCompile(`^[\p{L}\p{N}_.-]+$`)

// runAdminPasswd implements `envoybot admin passwd NAME` (args is [NAME]):
// it reads a password from stdin (twice, without echo, from a terminal;
// once from a pipe) and prints the admin.accounts entry with its bcrypt
// hash. cfg may be nil; when given, an existing account of that name is
// pointed out.
func runAdminPasswd(args []string, stdin io.Reader, stdout, stderr io.Writer, cfg *configs.Config) int {
	if len(args) != 1 || strings.TrimSpace(args[0]) == "" || strings.ContainsAny(args[0], "\r\n") {
		fmt.Fprintln(stderr, "usage: envoybot admin passwd NAME   (the password is read from stdin)")
		return 2
	}
	name := strings.TrimSpace(args[0])
	password, err := readNewPassword(stdin, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "envoybot admin passwd:", err)
		return 2
	}
	hash, err := admin.HashPassword(password)
	if err != nil {
		fmt.Fprintln(stderr, "envoybot admin passwd:", err)
		return 1
	}
	yamlName := name
	if !plainYAMLName.MatchString(name) {
		yamlName = strconv.Quote(name)
	}
	fmt.Fprintf(stdout, "- name: %s\n  password_hash: %q\n", yamlName, hash)
	if cfg != nil {
		for _, a := range cfg.Admin.Accounts {
			if a.Name == name {
				fmt.Fprintf(stderr, "account %q already exists: replace its password_hash under admin.accounts\n", name)
				return 0
			}
		}
	}
	fmt.Fprintln(stderr, "paste the entry under admin.accounts in the configuration file and restart")
	return 0
}

// readNewPassword reads the password: from a terminal twice without echo,
// otherwise the first line of stdin.
func readNewPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	r := bufio.NewReader(stdin)
	f, ok := stdin.(*os.File)
	if !ok || !isTerminal(f) {
		return checkPassword(readLine(r))
	}
	restore := noEcho(f)
	defer restore()
	fmt.Fprint(stderr, "password: ")
	first, err := readLine(r)
	fmt.Fprint(stderr, "\nagain: ")
	if err != nil {
		return "", err
	}
	second, err := readLine(r)
	fmt.Fprintln(stderr)
	if err != nil {
		return "", err
	}
	if first != second {
		return "", errors.New("the two passwords differ")
	}
	return checkPassword(first, nil)
}

// readLine returns one line without its line ending.
func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		if errors.Is(err, io.EOF) {
			return "", errors.New("no password on stdin")
		}
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// checkPassword refuses passwords bcrypt cannot take or that are too short.
func checkPassword(p string, err error) (string, error) {
	switch {
	case err != nil:
		return "", err
	case len([]rune(p)) < minPasswordLength:
		return "", fmt.Errorf("the password must have at least %d characters", minPasswordLength)
	case len(p) > maxPasswordBytes:
		return "", fmt.Errorf("the password must be at most %d bytes", maxPasswordBytes)
	}
	return p, nil
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// noEcho turns off the terminal's echo with stty and returns what turns it
// back on; where stty is missing the password shows, and it says so.
func noEcho(f *os.File) func() {
	off := exec.Command("stty", "-echo")
	off.Stdin = f
	if err := off.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "(cannot hide the password: it will be visible as you type)")
		return func() {}
	}
	return func() {
		on := exec.Command("stty", "echo")
		on.Stdin = f
		_ = on.Run()
	}
}
