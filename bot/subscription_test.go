package bot

import (
	"reflect"
	"testing"
)

func TestSubscriptionChoices(t *testing.T) {
	for _, tc := range []struct {
		name, xml string
		want      []SubscriptionChoice
	}{
		{"pop-up with two templates", `<xml><Event><![CDATA[subscribe_msg_popup_event]]></Event><SubscribeMsgPopupEvent>` +
			`<List><TemplateId><![CDATA[T1]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene></List>` +
			`<List><TemplateId><![CDATA[T2]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString><PopupScene>2</PopupScene></List>` +
			`</SubscribeMsgPopupEvent></xml>`,
			[]SubscriptionChoice{{"T1", true}, {"T2", false}}},
		{"turned off in the settings", `<xml><Event><![CDATA[subscribe_msg_change_event]]></Event><SubscribeMsgChangeEvent>` +
			`<List><TemplateId><![CDATA[T1]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString></List>` +
			`</SubscribeMsgChangeEvent></xml>`,
			[]SubscriptionChoice{{"T1", false}}},
		{"malformed", `<xml><SubscribeMsgPopupEvent>`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := subscriptionChoices([]byte(tc.xml)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("choices = %+v, want %+v", got, tc.want)
			}
		})
	}
}
