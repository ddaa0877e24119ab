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
	"envoybot/store/sqlstore"
)

// runBackup writes an online, consistent copy of the embedded database
// into dir, ready to serve as a data directory (ENVOYBOT_DATA_DIR=dir), and
// checks it. PostgreSQL is backed up with pg_dump: it says how.
func runBackup(ctx context.Context, cfg *configs.Config, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] == "" || args[0][0] == '-' {
		fmt.Fprintln(stderr, "usage: envoybot backup DIR   (writes DIR/envoybot.db, a consistent copy of the embedded database, while the server runs)")
		return 2
	}
	dir := args[0]
	if !cfg.Embedded() {
		fmt.Fprintf(stderr, "envoybot backup: the database is PostgreSQL (%s): back it up with pg_dump, e.g.\n"+
			"  pg_dump --format=custom --file=%s \"$ENVOYBOT_DATABASE_URL\"\n"+
			"and restore into an empty database with pg_restore --no-owner --dbname=\"$NEW_DATABASE_URL\" that file\n",
			configs.Mask(cfg.DatabaseURL), filepath.Join(dir, "envoybot-"+time.Now().Format("20060102-150405")+".dump"))
		return 2
	}
	target := filepath.Join(dir, "envoybot.db")
	st, err := sqlstore.OpenSQLite(ctx, cfg.SQLitePath())
	if err != nil {
		fmt.Fprintln(stderr, "envoybot backup:", err)
		return 1
	}
	defer st.Close()
	start := time.Now()
	if err := st.BackupTo(ctx, target); err != nil {
		fmt.Fprintln(stderr, "envoybot backup:", err)
		return 1
	}
	took := time.Since(start)
	counts, err := sqlstore.CheckSQLiteFile(ctx, target)
	if err != nil {
		fmt.Fprintln(stderr, "envoybot backup: the copy is unusable:", err)
		return 1
	}
	// The demo's campaign belongs with its data.
	if data, err := os.ReadFile(cfg.DemoCampaignPath()); err == nil {
		if err := os.WriteFile(filepath.Join(dir, configs.DemoCampaignFile), data, 0o644); err != nil {
			fmt.Fprintln(stderr, "envoybot backup:", err)
			return 1
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintln(stderr, "envoybot backup:", err)
		return 1
	}
	info, err := os.Stat(target)
	if err != nil {
		fmt.Fprintln(stderr, "envoybot backup:", err)
		return 1
	}
	abs, _ := filepath.Abs(target)
	fmt.Fprintf(stdout, "backup written: %s (%d bytes in %s, integrity ok: %d users, %d activities, %d sign-ups, %d notices)\n"+
		"restore: stop envoybot, copy it to <data_dir>/envoybot.db (removing envoybot.db-wal and envoybot.db-shm there), start envoybot;\n"+
		"or serve it where it is: ENVOYBOT_DATA_DIR=%s envoybot\n",
		abs, info.Size(), took.Round(time.Millisecond), counts["users"], counts["activities"], counts["signups"], counts["outbox"], filepath.Dir(abs))
	return 0
}
