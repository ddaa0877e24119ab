package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"sort"

	"envoybot/configs"
	"envoybot/store"
	"envoybot/store/idseal"
)

// idkeysUsage is the help of `envoybot idkeys`.
const idkeysUsage = `usage: envoybot idkeys new | status | reseal
  new     print a fresh random key (base64 of 32 bytes) to add to records.id_keys
  status  count the stored ID numbers by the key that sealed them
  reseal  seal every stored ID number again with the first key of records.id_keys

Rotating the key: put the new key first in records.id_keys (or
ENVOYBOT_ID_KEYS=new=...,old=...), keeping the old one after it; restart the
servers; run "envoybot idkeys reseal"; when "status" shows no number under
the old key, remove it.
`

// runIDKeys is `envoybot idkeys`: make a key, and rotate keys.
func runIDKeys(ctx context.Context, cfg *configs.Config, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprint(stderr, idkeysUsage)
		return 2
	}
	if args[0] == "new" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			fmt.Fprintln(stderr, "envoybot idkeys new:", err)
			return 1
		}
		fmt.Fprintln(stdout, base64.StdEncoding.EncodeToString(b))
		return 0
	}
	if args[0] != "status" && args[0] != "reseal" {
		fmt.Fprint(stderr, idkeysUsage)
		return 2
	}
	log := newLogger(stderr, cfg.LogLevel)
	ring := idKeyring(cfg, log)
	if ring == nil && args[0] == "reseal" {
		fmt.Fprintln(stderr, "envoybot idkeys reseal: no key in records.id_keys")
		return 2
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		log.Error("idkeys", slog.Any("error", err))
		return 1
	}
	defer st.Close()
	if args[0] == "status" {
		sealed, err := st.SealedIDs(ctx, nil)
		if err != nil {
			log.Error("idkeys status", slog.Any("error", err))
			return 1
		}
		byKey := map[string]int{}
		for _, s := range sealed {
			byKey[idseal.KeyOf(s.Sealed)]++
		}
		names := make([]string, 0, len(byKey))
		for k := range byKey {
			names = append(names, k)
		}
		sort.Strings(names)
		current := ""
		if ring != nil {
			current = ring.Current()
		}
		fmt.Fprintf(stdout, "%d ID numbers stored; sealing key: %q\n", len(sealed), current)
		for _, k := range names {
			fmt.Fprintf(stdout, "  key %q: %d\n", k, byKey[k])
		}
		return 0
	}
	n, err := st.ResealIDs(ctx, func(s store.SealedID) (string, error) {
		return ring.Reseal(s.Sealed, store.IDSealContext(s.UserID))
	})
	if err != nil {
		log.Error("idkeys reseal: nothing changed", slog.Any("error", err))
		return 1
	}
	fmt.Fprintf(stdout, "%d ID numbers sealed again with key %q\n", n, ring.Current())
	return 0
}
