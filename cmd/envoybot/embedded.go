package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"envoybot/configs"
)

// initFlag is the flag that lets a CLI command create the embedded
// database it would otherwise refuse to find missing.
const initFlag = "--init"

// takeInitFlag removes --init (or -init) from args and reports whether it
// was there, so that every command accepts it wherever it is written.
func takeInitFlag(args []string) ([]string, bool) {
	out := args[:0:0]
	found := false
	for _, a := range args {
		if a == initFlag || a == "-init" {
			found = true
			continue
		}
		out = append(out, a)
	}
	return out, found
}

// needsDatabase reports whether cmd with args opens the store.
func needsDatabase(cmd string, args []string) bool {
	switch cmd {
	case "migrate", "invite", "idkeys", "backup":
		return true
	case "jobs":
		return len(args) > 0 && args[0] == "run"
	}
	return false
}

// checkEmbeddedDatabase refuses to let a CLI command create an embedded
// database as a side effect: run from the wrong directory, `envoybot
// invite` would otherwise make a second, empty database and issue a code
// nobody's server knows. The error names the absolute path looked at.
func checkEmbeddedDatabase(cfg *configs.Config) error {
	if !cfg.Embedded() {
		return nil
	}
	path := cfg.SQLitePath()
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	_, err = os.Stat(path)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("no embedded database at %s (data_dir %q, ENVOYBOT_DATA_DIR): run this where the server's data directory is, set ENVOYBOT_DATA_DIR or ENVOYBOT_DATABASE_URL, or add %s to create an empty database there", abs, cfg.DataDir, initFlag)
	default:
		return fmt.Errorf("embedded database at %s: %w", abs, err)
	}
}
