package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"envoybot/configs"
	"envoybot/store"
	"envoybot/store/sqlstore"
)

// demoToday is the day of the notice's campaign that the demo makes today:
// four days before the contact-point and team deadline (2019-12-31), in
// 实施推进, so that a missing contact point or team is red, a missing
// brand (due 2020-12-31) amber, and a met target green.
var demoToday = configs.Date{Year: 2019, Month: time.December, Day: 27}

// runDemo loads the demo dataset into an empty embedded database and
// writes the shifted campaign beside it.
func runDemo(ctx context.Context, cfg *configs.Config, stdout, stderr io.Writer, now func() time.Time) int {
	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "envoybot demo: "+format+"\n", args...)
		return 1
	}
	if !cfg.Embedded() {
		return fail("the demo loads only into the embedded database, and ENVOYBOT_DATABASE_URL is set: its fake people must never reach a real deployment's database")
	}
	if cfg.CampaignFile != "" {
		return fail("campaign_file is set (%s): the demo brings its own campaign; unset it", cfg.CampaignFile)
	}
	release, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return fail("%v", err)
	}
	defer release()
	dbPath, _ := filepath.Abs(cfg.SQLitePath())
	campaignPath := cfg.DemoCampaignPath()
	if _, err := os.Stat(campaignPath); err == nil {
		return fail("%s exists: this data directory already holds a demo; use an empty ENVOYBOT_DATA_DIR", campaignPath)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fail("%v", err)
	}
	st, err := sqlstore.OpenSQLite(ctx, cfg.SQLitePath())
	if err != nil {
		return fail("%v", err)
	}
	defer st.Close()
	if n, err := countUsers(ctx, st); err != nil {
		return fail("%v", err)
	} else if n > 0 {
		return fail("the database at %s already has data (%d users): the demo loads only into an empty one; use another ENVOYBOT_DATA_DIR", dbPath, n)
	}

	today := now().In(cfg.Location())
	shift := int(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC).Sub(demoToday.In(time.UTC)).Hours() / 24)
	campaign := configs.ShiftCampaign(cfg.Campaign, shift)
	campaign.Name += "（演示）"
	header := fmt.Sprintf("# DEMO campaign, written by `envoybot demo` on %s: the campaign of\n"+
		"# configs/campaign.yaml moved by %d days so that today falls in 实施推进.\n"+
		"# Every command on this data directory reads it while no campaign_file is\n"+
		"# set. Delete the whole data directory to leave the demo.\n\n", today.Format(time.DateOnly), shift)
	data, err := configs.MarshalCampaign(campaign, header)
	if err != nil {
		return fail("%v", err)
	}
	if err := os.WriteFile(campaignPath, data, 0o644); err != nil {
		return fail("%v", err)
	}
	if _, err := cfg.UseDemoCampaign(); err != nil {
		_ = os.Remove(campaignPath)
		return fail("the shifted campaign does not load: %v", err)
	}
	if _, err := st.AddCommunities(ctx, cfg.Campaign.Communities, now()); err != nil {
		return fail("%v", err)
	}
	start := time.Now()
	sum, err := loadDemo(ctx, st, cfg, now())
	if err != nil {
		return fail("%v (the database at %s is half loaded: delete the directory and run again)", err, dbPath)
	}
	fmt.Fprintf(stdout, `demo loaded into %s in %s (campaign: %s, today in %s)
  envoys      %d: %d with every target met (green), %d without a brand yet (amber), %d missing a contact point or team days before its deadline (red)
  volunteers  %d (%d in teams), %d subscribed to lecture notices
  activities  %d past (%d held, %d sign-ups in all, %d attended, %d with hours confirmed), %d upcoming
  lectures    %d recurring, %d sessions
  notices     %v
everything is fake: names, mobiles 170 0000 xxxx, OpenIDs demo-….

next: go run ./cmd/envoybot   (or envoybot serve), then
  dashboard  http://localhost:8080/admin/   admin / envoybotdev
  chat       http://localhost:8080/dev/chat  (try 活动, 讲座, 注册 张三 13812345678 古槐社区)
`, dbPath, time.Since(start).Round(time.Millisecond), campaignPath, phaseName(cfg, now()),
		sum.Envoys, sum.Green, sum.Amber, sum.Red, sum.Volunteers, sum.TeamMembers, sum.Subscribers,
		sum.PastActivities, sum.Held, sum.Signups, sum.Attended, sum.Confirmed, sum.Upcoming,
		sum.Lectures, sum.Sessions, sum.Notices)
	return 0
}

// countUsers counts the users of every role.
func countUsers(ctx context.Context, st store.Store) (int, error) {
	n := 0
	for _, r := range []store.Role{store.RoleResident, store.RoleVolunteer, store.RoleEnvoy, store.RoleAdmin} {
		us, err := st.ListUsersByRole(ctx, r)
		if err != nil {
			return 0, err
		}
		n += len(us)
	}
	return n, nil
}

// phaseName is the campaign's phase at t, or "no phase".
func phaseName(cfg *configs.Config, t time.Time) string {
	if p := cfg.Campaign.PhaseAt(t, cfg.Location()); p != nil {
		return p.Name
	}
	return "no phase"
}
