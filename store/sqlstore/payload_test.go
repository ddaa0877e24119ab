package sqlstore

import (
	"encoding/json"
	"maps"
	"testing"

	"envoybot/store"
)

// payloadStrings are texts and field values a notice may carry: plain,
// Chinese, and every kind encoding/json escapes.
var payloadStrings = []string{
	"", "讲座提醒", "【讲座提醒】法律知识讲座 12月5日 09:30 在 活动室（古槐社区）。回复“讲座”查看全部讲座。",
	"line\nbreak", "tab\there", `quote " inside`, `back\slash`, "<b>&amp;</b>", "\u2028sep\u2029", "\x01ctl",
	"bad \xff utf-8", "emoji 😀", "/slash/",
}

// TestEncodePayload: the payload written directly is byte for byte what
// encoding/json writes.
func TestEncodePayload(t *testing.T) {
	for _, text := range payloadStrings {
		for _, fields := range []map[string]string{nil, {}, {"title": text}, {"b": "2", "a": text, "c": "三", text: "k"}} {
			want, err := json.Marshal(noticePayload{Text: text, Fields: fields})
			if err != nil {
				t.Fatal(err)
			}
			got, err := encodePayload(text, fields)
			if err != nil || got != string(want) {
				t.Errorf("encodePayload(%q, %q) = %s, %v; want %s", text, fields, got, err, want)
			}
		}
	}
}

// TestDecodePayload: a payload read directly comes out as encoding/json
// reads it, in the forms the two databases give back; anything else is
// left to encoding/json, malformed payloads included.
func TestDecodePayload(t *testing.T) {
	check := func(payload string) {
		t.Helper()
		var want noticePayload
		wantErr := json.Unmarshal([]byte(payload), &want)
		if want.Fields == nil {
			want.Fields = map[string]string{}
		}
		var got store.Notice
		err := decodePayload(&got, payload)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("decodePayload(%s) error %v, encoding/json %v", payload, err, wantErr)
		}
		if err == nil && (got.Text != want.Text || !maps.Equal(got.Fields, want.Fields) || got.Fields == nil) {
			t.Errorf("decodePayload(%s) = %q %q, want %q %q", payload, got.Text, got.Fields, want.Text, want.Fields)
		}
	}
	for _, text := range payloadStrings {
		for _, fields := range []map[string]string{nil, {"title": text, "code": "L1"}} {
			p, _ := json.Marshal(noticePayload{Text: text, Fields: fields})
			check(string(p))
		}
	}
	for _, p := range []string{
		// PostgreSQL's jsonb: spaces, shorter keys first.
		`{"text": "讲座提醒", "fields": {"code": "L1", "time": "12月5日 09:30", "title": "法律知识讲座"}}`,
		`{"fields": {"a": "1"}, "text": "x"}`,
		` { "text" : "x" , "fields" : { } } `,
		`{}`, `{"text": ""}`, `{"fields": {}}`,
		// Left to encoding/json.
		`{"text": "a\nb"}`, `{"text": "\u8bb2"}`, `{"text": "x", "text": "y"}`, `{"fields": {"a": "1", "a": "2"}}`,
		`{"text": "x", "extra": 1}`, `{"text": null}`, `{"fields": null}`, `{"fields": {"a": 1}}`,
		`{"text": "x"} trailing`, `{"text": "x",}`, `{"text" "x"}`, `[]`, ``, `{"text": "x"`, `{"text": "\xff"}`,
	} {
		check(p)
	}
}
