package wxapi

import (
	"context"
	"fmt"
	"unicode/utf8"
)

// Menu button types envoybot uses: a click sends us a CLICK event with the
// button's key; a view opens a web page.
const (
	MenuClick = "click"
	MenuView  = "view"
)

// WeChat's limits on a custom menu (自定义菜单).
const (
	MaxMenuButtons    = 3
	MaxMenuSubButtons = 5
	// Names are measured in bytes of UTF-8, as WeChat does: 16 bytes (five
	// Chinese characters) for a top button, 60 for a sub-button.
	MaxMenuNameBytes    = 16
	MaxSubMenuNameBytes = 60
	MaxMenuKeyBytes     = 128
	MaxMenuURLBytes     = 1024
)

// MenuButton is one button of the custom menu; a button with SubButtons
// only opens them and has no type of its own.
type MenuButton struct {
	Type       string       `json:"type,omitempty"`
	Name       string       `json:"name"`
	Key        string       `json:"key,omitempty"`
	URL        string       `json:"url,omitempty"`
	SubButtons []MenuButton `json:"sub_button,omitempty"`
}

// menuBody is the body of /cgi-bin/menu/create.
type menuBody struct {
	Buttons []MenuButton `json:"button"`
}

// CreateMenu replaces the account's custom menu. The menu is checked
// against WeChat's limits first, so that a bad one fails here with the
// button named rather than as an errcode.
func (c *Client) CreateMenu(ctx context.Context, buttons []MenuButton) error {
	if err := ValidateMenu(buttons); err != nil {
		return err
	}
	return c.postJSON(ctx, "/cgi-bin/menu/create", menuBody{Buttons: buttons}, nil)
}

// ValidateMenu checks a menu against WeChat's limits: 1 to 3 buttons, at
// most 5 sub-buttons each, name lengths, and a key for a click or a URL for
// a view.
func ValidateMenu(buttons []MenuButton) error {
	if len(buttons) == 0 || len(buttons) > MaxMenuButtons {
		return fmt.Errorf("wxapi: menu: %d buttons, WeChat allows 1 to %d", len(buttons), MaxMenuButtons)
	}
	for _, b := range buttons {
		if err := validateButton(b, MaxMenuNameBytes); err != nil {
			return err
		}
		if len(b.SubButtons) == 0 {
			continue
		}
		if len(b.SubButtons) > MaxMenuSubButtons {
			return fmt.Errorf("wxapi: menu: %q has %d sub-buttons, WeChat allows %d", b.Name, len(b.SubButtons), MaxMenuSubButtons)
		}
		for _, s := range b.SubButtons {
			if len(s.SubButtons) > 0 {
				return fmt.Errorf("wxapi: menu: %q / %q: sub-buttons cannot have sub-buttons", b.Name, s.Name)
			}
			if err := validateButton(s, MaxSubMenuNameBytes); err != nil {
				return fmt.Errorf("%w (under %q)", err, b.Name)
			}
		}
	}
	return nil
}

func validateButton(b MenuButton, maxName int) error {
	switch n := len(b.Name); {
	case n == 0:
		return fmt.Errorf("wxapi: menu: a button has no name")
	case n > maxName || !utf8.ValidString(b.Name):
		return fmt.Errorf("wxapi: menu: name %q is %d bytes, WeChat allows %d (%d Chinese characters)", b.Name, n, maxName, maxName/3)
	}
	if len(b.SubButtons) > 0 {
		if b.Type != "" || b.Key != "" || b.URL != "" {
			return fmt.Errorf("wxapi: menu: %q opens sub-buttons and cannot have a type, key or URL", b.Name)
		}
		return nil
	}
	switch b.Type {
	case MenuClick:
		if b.Key == "" || len(b.Key) > MaxMenuKeyBytes {
			return fmt.Errorf("wxapi: menu: click button %q needs a key of 1 to %d bytes, got %q", b.Name, MaxMenuKeyBytes, b.Key)
		}
	case MenuView:
		if b.URL == "" || len(b.URL) > MaxMenuURLBytes {
			return fmt.Errorf("wxapi: menu: view button %q needs a URL of 1 to %d bytes", b.Name, MaxMenuURLBytes)
		}
	default:
		return fmt.Errorf("wxapi: menu: button %q has type %q, want %s or %s", b.Name, b.Type, MenuClick, MenuView)
	}
	return nil
}
