// Command envoybot runs the WeChat Official Account backend of the campaign
// "让社区更美好——和谐使者在行动".
//
//	envoybot [serve]        run the server (the default)
//	envoybot migrate        apply database migrations and exit
//	envoybot parse TEXT     print how a chat message is understood, as JSON
//	envoybot invite         issue a one-time envoy or admin invite code
//	envoybot jobs           list the scheduled jobs, or run one as of an instant
//	envoybot menu           print (show) or create (sync) the account's custom menu
//	envoybot admin passwd   make a dashboard password hash
//	envoybot idkeys         make an ID key, or seal the stored ID numbers again (rotation)
//	envoybot demo           load a fake, lively campaign into an empty embedded database
//	envoybot backup DIR     write a consistent copy of the embedded database into DIR
//	envoybot healthcheck    exit 0 when the server on addr answers /healthz (for HEALTHCHECK)
//	envoybot version        print the version
package main

import (
	"context"
	"envoybot/bot/intent"
	"fmt"
	"io"
	"os"
	"time"

	"envoybot/configs"
)

func main() {
	silenceSDK()
	os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

const usage = `usage: envoybot [command]

commands:
  serve     run the server (the default)
  migrate   apply database migrations and exit
  parse     print how a chat message is understood: envoybot parse [--now RFC3339] TEXT | --jsonl
  jobs      list the scheduled jobs, or run one as of an instant: envoybot jobs list | run NAME [--now RFC3339]
  menu      print or create the account's custom menu: envoybot menu show | sync
  admin     make a dashboard password hash: envoybot admin passwd NAME (password on stdin)
  idkeys    ID number keys: envoybot idkeys new | status | reseal (rotation)
  invite    issue a one-time invite code: envoybot invite --role envoy|admin --name NAME [--level 省|市] [--kind 和谐使者|敬老使者] [--expires 72h]
  demo      load a realistic, clearly fake campaign into an empty embedded database (try the dashboard)
  backup    write an online, consistent copy of the embedded database: envoybot backup DIR
  healthcheck  exit 0 when the server on addr answers /healthz (a container's HEALTHCHECK)
  version   print the version

Commands that open the embedded database (migrate, invite, jobs run, idkeys, backup)
refuse a data directory without one; add --init to create it there.
`

// run is main without the process: testable, and it returns the exit code
// (2 for bad usage or configuration).
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "version", "--version", "-v":
		return runVersion(stdout)
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return 0
	case "admin":
		if len(args) == 0 || args[0] != "passwd" {
			fmt.Fprintln(stderr, "usage: envoybot admin passwd NAME   (the password is read from stdin)")
			return 2
		}
		cfg, _ := configs.Load(getenv) // optional: only used to point out an existing account
		return runAdminPasswd(args[1:], stdin, stdout, stderr, cfg)
	case "serve", "migrate", "invite", "jobs", "menu", "parse", "idkeys", "demo", "backup", "healthcheck":
	default:
		fmt.Fprintf(stderr, "envoybot: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	cfg, err := configs.Load(getenv)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if needsDatabase(cmd, args) {
		var create bool
		if args, create = takeInitFlag(args); !create {
			if err := checkEmbeddedDatabase(cfg); err != nil {
				fmt.Fprintf(stderr, "envoybot %s: %v\n", cmd, err)
				return 1
			}
		}
	}
	if cmd != "demo" {
		// A demo's data directory carries the demo's campaign.
		if _, err := cfg.UseDemoCampaign(); err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
	}
	intent.UseLines(cfg.Campaign.Lines) // the parser reads the configured lines and communities
	intent.UseCommunities(cfg.Campaign.Communities)
	switch cmd {
	case "parse":
		return runParse(args, stdin, stdout, stderr, cfg.Location())
	case "migrate":
		return runMigrate(ctx, cfg, stdout, stderr)
	case "invite":
		return runInvite(ctx, cfg, args, stdout, stderr, time.Now)
	case "jobs":
		return runJobs(ctx, cfg, args, stdout, stderr)
	case "menu":
		return runMenu(ctx, cfg, args, stdout, stderr)
	case "idkeys":
		return runIDKeys(ctx, cfg, args, stdout, stderr)
	case "demo":
		return runDemo(ctx, cfg, stdout, stderr, time.Now)
	case "backup":
		return runBackup(ctx, cfg, args, stdout, stderr)
	case "healthcheck":
		return runHealthcheck(ctx, cfg, stderr)
	}
	return runServe(ctx, cfg, stderr)
}
