package handlers_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"envoybot/handlers"
	"envoybot/store"
	"envoybot/store/storetest"
)

// unrecognisedRows lists what the store kept of unrecognised messages.
func unrecognisedRows(t *testing.T, s store.Store) []*store.UnrecognisedMessage {
	t.Helper()
	rows, err := s.ListUnrecognised(context.Background(), store.UnrecognisedFilter{})
	if err != nil {
		t.Fatalf("ListUnrecognised: %v", err)
	}
	return rows
}

func TestUnrecognisedMessagesAreKept(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		r := newRouter(s)
		say(t, r, text("o-wf", "注册 王芳 13700001111 古槐社区"))
		say(t, r, text("o-zs", "注册 张三丰 13700002222 古槐社区"))

		t.Run("masked, without registered names or the sender", func(t *testing.T) {
			got := say(t, r, text("o-x", "谢谢王芳阿姨，有事打我１３８１２３４５６７８"))
			if got != handlers.Text.Unknown {
				t.Fatalf("reply = %q, want the unknown reply", got)
			}
			rows := unrecognisedRows(t, s)
			if len(rows) != 1 {
				t.Fatalf("kept %d rows, want 1", len(rows))
			}
			m := rows[0]
			if want := "谢谢某某阿姨,有事打我138****5678"; m.Text != want || m.Count != 1 || m.Role != store.RoleResident {
				t.Fatalf("kept %+v, want %q once, from a resident", m, want)
			}
			if !m.LastSeenAt.Equal(now) || !m.FirstSeenAt.Equal(now) {
				t.Errorf("seen %v..%v, want %v", m.FirstSeenAt, m.LastSeenAt, now)
			}
		})

		t.Run("a repeat counts, with the role of its last sender", func(t *testing.T) {
			say(t, newRouterAt(s, now.Add(time.Hour)), text("o-zs", "谢谢王芳阿姨，有事打我13812345678"))
			rows := unrecognisedRows(t, s)
			if len(rows) != 1 || rows[0].Count != 2 || rows[0].Role != store.RoleVolunteer || !rows[0].LastSeenAt.Equal(now.Add(time.Hour)) {
				t.Fatalf("rows = %+v, want one counted twice, last by a volunteer an hour later", rows[0])
			}
		})

		t.Run("the sender's own name goes too, the longest name first", func(t *testing.T) {
			say(t, r, text("o-zs", "我是张三丰 电话 138 1234 5678 今天天气真好"))
			found := false
			for _, m := range unrecognisedRows(t, s) {
				if strings.Contains(m.Text, "天气") {
					found = true
					if want := "我是某某 电话 138****5678 今天天气真好"; m.Text != want {
						t.Errorf("kept %q, want %q", m.Text, want)
					}
				}
			}
			if !found {
				t.Fatal("the message was not kept")
			}
		})

		t.Run("understood messages are not kept", func(t *testing.T) {
			before := len(unrecognisedRows(t, s))
			say(t, r, text("o-x", "帮助"))
			say(t, r, text("o-x", "活动"))
			if n := len(unrecognisedRows(t, s)); n != before {
				t.Fatalf("%d rows after understood messages, want %d", n, before)
			}
		})
	})
}

// failingUnrecognised is a store whose unrecognised messages cannot be
// written.
type failingUnrecognised struct{ store.Store }

func (failingUnrecognised) RecordUnrecognised(context.Context, string, store.Role, time.Time) error {
	return errors.New("disk full")
}

func TestUnrecognisedRecordingNeverFailsTheReply(t *testing.T) {
	r := newRouter(failingUnrecognised{storetest.OpenSQLite(t)})
	if got := say(t, r, text("o-x", "今天天气真好")); got != handlers.Text.Unknown {
		t.Fatalf("reply = %q, want the unknown reply", got)
	}
}
