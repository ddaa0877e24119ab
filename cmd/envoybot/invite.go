package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"envoybot/configs"
	"envoybot/store"
)

// runInvite issues a one-time invite code and prints it.
func runInvite(ctx context.Context, cfg *configs.Config, args []string, stdout, stderr io.Writer, now func() time.Time) int {
	fs := flag.NewFlagSet("invite", flag.ContinueOnError)
	fs.SetOutput(stderr)
	role := fs.String("role", "envoy", "envoy or admin")
	name := fs.String("name", "", "the person the code is for (required)")
	level := fs.String("level", "", "envoy level: 省 or 市")
	kind := fs.String("kind", "和谐使者", "envoy kind: 和谐使者 or 敬老使者")
	expires := fs.Duration("expires", cfg.Rules.InviteTTL, "how long the code is valid")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: envoybot invite --role envoy|admin --name NAME [--level 省|市] [--kind 和谐使者|敬老使者] [--expires 72h]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	inv := store.NewInvite{Role: store.Role(*role), Name: *name, ExpiresAt: now().Add(*expires)}
	switch {
	case *name == "":
		fmt.Fprintln(stderr, "envoybot invite: --name is required")
		return 2
	case inv.Role != store.RoleEnvoy && inv.Role != store.RoleAdmin:
		fmt.Fprintf(stderr, "envoybot invite: --role must be envoy or admin, got %q\n", *role)
		return 2
	case *expires <= 0:
		fmt.Fprintln(stderr, "envoybot invite: --expires must be positive")
		return 2
	}
	if inv.Role == store.RoleEnvoy {
		if *level != "" && *level != "省" && *level != "市" {
			fmt.Fprintf(stderr, "envoybot invite: --level must be 省 or 市, got %q\n", *level)
			return 2
		}
		if *kind != "和谐使者" && *kind != "敬老使者" {
			fmt.Fprintf(stderr, "envoybot invite: --kind must be 和谐使者 or 敬老使者, got %q\n", *kind)
			return 2
		}
		inv.EnvoyLevel, inv.EnvoyKind = *level, *kind
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "envoybot invite:", err)
		return 1
	}
	defer st.Close()
	code, err := createInvite(ctx, st, inv, now())
	if err != nil {
		fmt.Fprintln(stderr, "envoybot invite:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s\n", code)
	fmt.Fprintf(stderr, "invite for %s (%s), valid until %s; the person sends: 绑定 %s\n",
		inv.Name, inv.Role, inv.ExpiresAt.In(cfg.Location()).Format("2006-01-02 15:04"), code)
	return 0
}

// createInvite issues inv under a fresh code and returns the code.
func createInvite(ctx context.Context, st store.InviteService, inv store.NewInvite, at time.Time) (string, error) {
	created, err := store.IssueInvite(ctx, st, inv, at)
	if err != nil {
		return "", err
	}
	return created.Code, nil
}
