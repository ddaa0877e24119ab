package sqlstore

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"envoybot/store"
)

// noticePayload is how a notice's text and template fields are kept in
// outbox.payload.
type noticePayload struct {
	Text   string            `json:"text"`
	Fields map[string]string `json:"fields,omitempty"`
}

// encodePayload is json.Marshal of the payload, byte for byte, written
// directly: a fan-out encodes 100,000 of them, and encoding/json spends
// most of its time on reflection and on sorting the map. A string that
// needs escaping is left to encoding/json.
func encodePayload(text string, fields map[string]string) (string, error) {
	var b strings.Builder
	b.Grow(len(text) + 32 + 48*len(fields))
	b.WriteString(`{"text":`)
	if err := appendJSONString(&b, text); err != nil {
		return "", err
	}
	if len(fields) > 0 {
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b.WriteString(`,"fields":{`)
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := appendJSONString(&b, k); err != nil {
				return "", err
			}
			b.WriteByte(':')
			if err := appendJSONString(&b, fields[k]); err != nil {
				return "", err
			}
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return b.String(), nil
}

// appendJSONString writes s as encoding/json writes a string.
func appendJSONString(b *strings.Builder, s string) error {
	if plainJSON(s) {
		b.WriteByte('"')
		b.WriteString(s)
		b.WriteByte('"')
		return nil
	}
	q, err := json.Marshal(s)
	if err != nil {
		return err
	}
	b.Write(q)
	return nil
}

// plainJSON reports whether encoding/json writes s between quotes as it
// is: valid UTF-8 without a control character, a quote, a backslash, the
// HTML characters it escapes (<, >, &) or U+2028 and U+2029.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return utf8.ValidString(s) && !strings.Contains(s, "\u2028") && !strings.Contains(s, "\u2029")
}

// decodePayload fills in the notice's text and fields, never leaving
// Fields nil. Payloads as encodePayload writes them, or as PostgreSQL's
// jsonb gives them back (a space after each colon and comma, keys in its
// own order), are read directly when no string in them has an escape;
// anything else goes to encoding/json.
func decodePayload(n *store.Notice, payload string) error {
	if text, fields, ok := scanPayload(payload); ok {
		n.Text, n.Fields = text, fields
		return nil
	}
	var p noticePayload
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return fmt.Errorf("decode notice %d payload: %w", n.ID, err)
	}
	n.Text, n.Fields = p.Text, p.Fields
	if n.Fields == nil {
		n.Fields = map[string]string{}
	}
	return nil
}

// scanPayload reads a payload object of "text" (a string) and "fields"
// (an object of strings), each at most once, where no string has an
// escape and the text is valid UTF-8. ok is false for anything else,
// which encoding/json then reads (or rejects).
func scanPayload(s string) (text string, fields map[string]string, ok bool) {
	p := payloadScanner{s: s}
	if !p.byte('{') {
		return "", nil, false
	}
	var seenText, seenFields bool
	fields = map[string]string{}
	for first := true; ; first = false {
		if p.byte('}') {
			return text, fields, p.end()
		}
		if !first && !p.byte(',') {
			return "", nil, false
		}
		key, ok := p.str()
		if !ok || !p.byte(':') {
			return "", nil, false
		}
		switch {
		case key == "text" && !seenText:
			if text, ok = p.str(); !ok {
				return "", nil, false
			}
			seenText = true
		case key == "fields" && !seenFields:
			if !p.byte('{') {
				return "", nil, false
			}
			for first := true; !p.byte('}'); first = false {
				if !first && !p.byte(',') {
					return "", nil, false
				}
				k, ok := p.str()
				if !ok || !p.byte(':') {
					return "", nil, false
				}
				v, ok := p.str()
				if _, dup := fields[k]; !ok || dup {
					return "", nil, false
				}
				fields[k] = v
			}
			seenFields = true
		default:
			return "", nil, false
		}
	}
}

// payloadScanner reads s from i, skipping JSON whitespace before a token.
type payloadScanner struct {
	s string
	i int
}

func (p *payloadScanner) skip() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\n' || p.s[p.i] == '\r' || p.s[p.i] == '\t') {
		p.i++
	}
}

// byte consumes c if it is next.
func (p *payloadScanner) byte(c byte) bool {
	p.skip()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// str reads a string without escapes or control characters, valid UTF-8.
func (p *payloadScanner) str() (string, bool) {
	if !p.byte('"') {
		return "", false
	}
	start := p.i
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == '"':
			v := p.s[start:p.i]
			p.i++
			return v, utf8.ValidString(v)
		case c == '\\' || c < 0x20:
			return "", false
		}
		p.i++
	}
	return "", false
}

// end reports whether nothing but whitespace is left.
func (p *payloadScanner) end() bool {
	p.skip()
	return p.i == len(p.s)
}
