package intent

import (
	"reflect"
	"testing"
)

// TestSignupCompanions: a sign-up that brings people says how many; a
// companion named without a count is left alone.
func TestSignupCompanions(t *testing.T) {
	tests := []struct {
		name, text string
		want       Result
	}{
		{"带2人", "报名 A12 带2人", Result{Intent: Signup, Activity: "A12", Companions: 2}},
		{"带两位家属", "我报名A12，带两位家属", Result{Intent: Signup, Activity: "A12", Companions: 2}},
		{"带1个孩子", "报名A12 带1个孩子", Result{Intent: Signup, Activity: "A12", Companions: 1}},
		{"家属2人 with a first-time registration", "报名 A12 张三 13812345678 家属2人",
			Result{Intent: Signup, Activity: "A12", Name: "张三", Phone: "13812345678", Companions: 2}},
		{"+1 is the sign-up itself", "+1 A12", Result{Intent: Signup, Activity: "A12"}},
		{"带老伴 names no count", "报名A12，我带我老伴一起", Result{Intent: Signup, Activity: "A12"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Parse(tt.text, fixedNow); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.text, got, tt.want)
			}
		})
	}
}
