package storetest

import (
	"testing"

	"envoybot/store"
)

// runImportMatchConformance checks the lookup a 接龙 import matches mobiles
// with: within the activity's community only, so that an envoy cannot find
// anyone in the city by phone.
func runImportMatchConformance(t *testing.T, open func(t *testing.T) store.Store) {
	s := open(t)
	for _, reg := range []store.Registration{
		{OpenID: "o-guhuai", Name: "李秀英", Phone: "13800000001", Community: "古槐社区"},
		{OpenID: "o-beiguan", Name: "王建国", Phone: "13800000002", Community: "北关社区"},
		{OpenID: "o-gone", Name: "赵六", Phone: "13800000003", Community: "古槐社区"}, // anonymised below
	} {
		if _, _, err := s.RegisterVolunteer(t.Context(), reg, base); err != nil {
			t.Fatalf("RegisterVolunteer(%s): %v", reg.OpenID, err)
		}
	}
	if _, err := s.AnonymiseUser(t.Context(), mustFind(t, s, "o-gone").ID, base); err != nil {
		t.Fatalf("AnonymiseUser: %v", err)
	}
	tests := []struct {
		name, community, phone, want string
	}{
		{"a volunteer of the community by mobile", "古槐社区", "13800000001", "o-guhuai"},
		{"the mobile typed with spaces around", " 古槐社区 ", " 13800000001 ", "o-guhuai"},
		{"the same mobile from another community", "北关社区", "13800000001", ""},
		{"a mobile registered in another community", "古槐社区", "13800000002", ""},
		{"that volunteer from their own community", "北关社区", "13800000002", "o-beiguan"},
		{"no community matches nobody", "", "13800000002", ""},
		{"no mobile matches nobody", "古槐社区", "", ""},
		{"an anonymised volunteer", "古槐社区", "13800000003", ""},
		{"an unknown community", "东关社区", "13800000001", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := s.FindCommunityVolunteerByPhone(t.Context(), tc.community, tc.phone)
			if tc.want == "" {
				assertCode(t, "FindCommunityVolunteerByPhone", err, store.ENOTFOUND, "")
				if u != nil {
					t.Errorf("FindCommunityVolunteerByPhone returned %+v with an error", u)
				}
				return
			}
			if err != nil {
				t.Fatalf("FindCommunityVolunteerByPhone: %v", err)
			}
			assertUser(t, u, mustFind(t, s, tc.want))
		})
	}
}
