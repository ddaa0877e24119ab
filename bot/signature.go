package bot

import (
	"crypto/subtle"
	"strings"

	"github.com/silenceper/wechat/v2/util"
)

// validSignature reports, in constant time, whether got is WeChat's SHA-1
// signature of parts (sorted and concatenated). Upper-case hex is accepted.
func validSignature(got string, parts ...string) bool {
	want := util.Signature(parts...)
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(got)), []byte(want)) == 1
}
