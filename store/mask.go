package store

import "regexp"

var mobilePattern = regexp.MustCompile(`1[3-9]\d{9}`)

// MaskPhone hides the middle of a mainland mobile number (138****5678), for
// logs and for rosters shown in chat. Anything that is not an 11-digit
// mobile is returned with every mobile inside it masked.
func MaskPhone(s string) string {
	return mobilePattern.ReplaceAllStringFunc(s, func(m string) string {
		return m[:3] + "****" + m[7:]
	})
}
