package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"envoybot/bot/intent"
)

// runParse prints the parse of one message, or of one JSON line at a time
// with --jsonl, so the parser can be checked without a WeChat account.
func runParse(args []string, stdin io.Reader, stdout, stderr io.Writer, loc *time.Location) int {
	fs := flag.NewFlagSet("parse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	nowFlag := fs.String("now", "", "the instant relative dates are read against (RFC3339); default: now")
	jsonl := fs.Bool("jsonl", false, `read {"text": ...} lines from standard input, write one parse per line`)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: envoybot parse [--now RFC3339] TEXT\n       envoybot parse [--now RFC3339] --jsonl < messages.jsonl")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	now := time.Now().In(loc)
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			fmt.Fprintf(stderr, "envoybot parse: --now: want RFC3339 like 2026-12-01T09:00:00+08:00, got %q\n", *nowFlag)
			return 2
		}
		now = t.In(loc)
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	if !*jsonl {
		if fs.NArg() == 0 {
			fs.Usage()
			return 2
		}
		text := fs.Arg(0)
		for _, more := range fs.Args()[1:] {
			text += " " + more
		}
		_ = enc.Encode(intent.Parse(text, now))
		return 0
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	status, line := 0, 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var in struct {
			Text *string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &in); err != nil || in.Text == nil {
			fmt.Fprintf(stderr, "envoybot parse: line %d: want a JSON object with a \"text\" string\n", line)
			_ = enc.Encode(map[string]string{"error": "line is not {\"text\": ...}"})
			status = 1
			continue
		}
		_ = enc.Encode(intent.Parse(*in.Text, now))
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(stderr, "envoybot parse: read: %v\n", err)
		return 1
	}
	return status
}
