package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"envoybot/bot/wxapi"
	"envoybot/configs"
)

// menuItem is a click button of the campaign menu: its name, the CLICK key
// it sends by default, and the chat text that key stands for (configs
// wechat.menu_keys), used to find the key when a deployment renamed it.
type menuItem struct {
	name, key, text string
}

// menuLayout is the account's custom menu: 活动/讲座 (活动, 讲座), 我的 (我的报名,
// 我的时长), 帮助. A group with one item is a top-level click button.
var menuLayout = []struct {
	name  string
	items []menuItem
}{
	{"活动/讲座", []menuItem{{"活动", "MENU_ACTIVITIES", "活动"}, {"讲座", "MENU_LECTURES", "讲座"}}},
	{"我的", []menuItem{{"我的报名", "MENU_MY_SIGNUPS", "我的报名"}, {"我的时长", "MENU_MY_HOURS", "我的时长"}}},
	{"帮助", []menuItem{{"帮助", "MENU_HELP", "帮助"}}},
}

const menuUsage = `usage: envoybot menu show   print the custom menu built from the configuration
       envoybot menu sync   create it on the WeChat account (needs ENVOYBOT_WECHAT_APPID and ENVOYBOT_WECHAT_SECRET)`

// runMenu prints the account's custom menu (show) or creates it through
// the WeChat API (sync), printing what it sent.
func runMenu(ctx context.Context, cfg *configs.Config, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || (args[0] != "show" && args[0] != "sync") {
		fmt.Fprintln(stderr, menuUsage)
		return 2
	}
	menu, err := buildMenu(cfg.WeChat.MenuKeys)
	if err == nil {
		err = wxapi.ValidateMenu(menu)
	}
	if err != nil {
		fmt.Fprintln(stderr, "envoybot menu:", err)
		return 2
	}
	if args[0] == "show" {
		printMenu(stdout, menu, cfg.WeChat.MenuKeys)
		return 0
	}
	wc := cfg.WeChat
	if wc.AppID == "" || wc.Secret == "" {
		fmt.Fprintln(stderr, "envoybot menu sync: the account's AppID and secret are not configured (ENVOYBOT_WECHAT_APPID, ENVOYBOT_WECHAT_SECRET); `envoybot menu show` prints the menu without them")
		return 2
	}
	// The shared cache (Redis when configured) lets the CLI reuse the
	// servers' access token instead of fetching one that replaces theirs.
	log := newLogger(stderr, cfg.LogLevel)
	cache, err := openCache(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "envoybot menu sync: open cache:", err)
		return 1
	}
	defer cache.Close()
	api := wxapi.New(wxapi.Config{AppID: wc.AppID, Secret: wc.Secret, APIBase: wc.APIBase, Timeout: wc.APITimeout}, cache, log)
	if err := api.CreateMenu(ctx, menu); err != nil {
		fmt.Fprintln(stderr, "envoybot menu sync:", err)
		return 1
	}
	fmt.Fprintf(stdout, "created the custom menu of %s (it reaches followers within minutes; re-following shows it at once):\n", wc.AppID)
	printMenu(stdout, menu, cfg.WeChat.MenuKeys)
	return 0
}

// buildMenu lays out menuLayout with the CLICK keys of keys (EventKey →
// chat text): the layout's own key when configured, else the key whose text
// is the button's command. A button without a key is an error, since it
// would do nothing.
func buildMenu(keys map[string]string) ([]wxapi.MenuButton, error) {
	var menu []wxapi.MenuButton
	for _, group := range menuLayout {
		var buttons []wxapi.MenuButton
		for _, it := range group.items {
			key, err := menuKey(keys, it)
			if err != nil {
				return nil, err
			}
			buttons = append(buttons, wxapi.MenuButton{Type: wxapi.MenuClick, Name: it.name, Key: key})
		}
		if len(buttons) == 1 {
			menu = append(menu, buttons[0])
			continue
		}
		menu = append(menu, wxapi.MenuButton{Name: group.name, SubButtons: buttons})
	}
	return menu, nil
}

func menuKey(keys map[string]string, it menuItem) (string, error) {
	if keys[it.key] != "" {
		return it.key, nil
	}
	var found []string
	for k, text := range keys {
		if strings.TrimSpace(text) == it.text {
			found = append(found, k)
		}
	}
	if len(found) == 0 {
		return "", fmt.Errorf("wechat.menu_keys has no key for the button %q: add %s: %s", it.name, it.key, it.text)
	}
	sort.Strings(found)
	return found[0], nil
}

// printMenu writes the menu as a tree with what each button says in chat,
// then the JSON body of /cgi-bin/menu/create.
func printMenu(w io.Writer, menu []wxapi.MenuButton, keys map[string]string) {
	line := func(indent string, b wxapi.MenuButton) {
		fmt.Fprintf(w, "%s%s\t[%s %s] → %s\n", indent, b.Name, b.Type, b.Key, keys[b.Key])
	}
	for _, b := range menu {
		if len(b.SubButtons) == 0 {
			line("", b)
			continue
		}
		fmt.Fprintln(w, b.Name)
		for _, s := range b.SubButtons {
			line("  ", s)
		}
	}
	body, _ := json.MarshalIndent(map[string]any{"button": menu}, "", "  ")
	fmt.Fprintf(w, "\n%s\n", body)
}
