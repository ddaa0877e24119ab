package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// Issue 14 (records people can use): a volunteer's real-name profile. The
// MCA's 《志愿服务记录与证明出具办法》 asks a service record and a
// certificate for the volunteer's ID type and number, gender and birth
// date; envoybot keeps them only after the volunteer agreed in chat
// (实名 → 同意实名), keeps the number sealed (IDSealer: AES-GCM with a key
// from configuration), shows it only masked (MaskIDNumber) and deletes
// all of it at 注销.

// ID document types (证件类型), as the national volunteer system names
// them. IDTypeResident numbers are checked with their check digit, and
// give gender and birth date; the others are kept as typed.
const (
	IDTypeResident  = "居民身份证"
	IDTypeHKMacau   = "港澳居民来往内地通行证"
	IDTypeTaiwan    = "台湾居民来往大陆通行证"
	IDTypePassport  = "护照"
	IDTypeForeigner = "外国人永久居留身份证"
	IDTypeResidence = "港澳台居民居住证"
)

// IDTypes lists the accepted ID types.
var IDTypes = []string{IDTypeResident, IDTypeHKMacau, IDTypeTaiwan, IDTypePassport, IDTypeForeigner, IDTypeResidence}

// Genders as the records write them.
const (
	GenderMale   = "男"
	GenderFemale = "女"
)

// Messages of the EINVALID errors ParseIDNumber returns, which the chat
// tells apart.
const (
	MsgIDChecksum  = "id check digit wrong"
	MsgIDBirthDate = "id birth date impossible"
	MsgIDFormat    = "id format wrong"
	MsgIDType      = "id type unknown"
	MsgIDOld15     = "15-digit id"
	MsgNoConsent   = "no consent to real name"
	MsgNoIDKey     = "no id key configured"
)

// IDNumber is a checked ID document number with what it says of its
// holder: gender and birth date for a 居民身份证, nothing for the others
// (then Gender is "" and BirthYear 0 unless given apart).
type IDNumber struct {
	Type      string
	Number    string // upper case, no spaces
	Gender    string
	BirthYear int
	BirthDate time.Time // zero when unknown
}

// residentWeights are the weights of the 17 digits in the check digit of
// a 居民身份证 number (GB 11643, ISO 7064 MOD 11-2).
var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// residentCheck is the check character for each remainder.
const residentCheck = "10X98765432"

// NormaliseIDType maps what people type for an ID type to its name:
// 身份证, 居民身份证, 二代身份证 → 居民身份证; 回乡证 → 港澳居民来往内地通行证;
// 台胞证 → 台湾居民来往大陆通行证; 护照; 永居证 → 外国人永久居留身份证;
// 居住证 → 港澳台居民居住证. "" when none fits.
func NormaliseIDType(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return ""
	case strings.Contains(s, "居住证"):
		return IDTypeResidence
	case strings.Contains(s, "身份证") && (strings.Contains(s, "永久") || strings.Contains(s, "外国")):
		return IDTypeForeigner
	case strings.Contains(s, "身份证"):
		return IDTypeResident
	case strings.Contains(s, "回乡证") || strings.Contains(s, "港澳"):
		return IDTypeHKMacau
	case strings.Contains(s, "台胞证") || strings.Contains(s, "台湾"):
		return IDTypeTaiwan
	case strings.Contains(s, "护照"):
		return IDTypePassport
	case strings.Contains(s, "永居") || strings.Contains(s, "永久居留"):
		return IDTypeForeigner
	}
	return ""
}

// ParseIDNumber checks number as an ID of the type (a name of IDTypes).
// A 居民身份证 must be 18 characters whose check digit is right and whose
// birth date is a real day before now; gender and birth date come from
// it. Other types must be 5 to 20 letters and digits. The errors are
// EINVALID with one of the MsgID messages; they never contain the number.
func ParseIDNumber(idType, number string, now time.Time) (IDNumber, error) {
	number = strings.ToUpper(strings.Join(strings.Fields(number), ""))
	id := IDNumber{Type: idType, Number: number}
	switch idType {
	case IDTypeResident:
		return parseResident(id, now)
	case IDTypeHKMacau, IDTypeTaiwan, IDTypePassport, IDTypeForeigner, IDTypeResidence:
		if len(number) < 5 || len(number) > 20 || strings.IndexFunc(number, func(r rune) bool {
			return !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z')
		}) >= 0 {
			return id, Errorf(EINVALID, MsgIDFormat)
		}
		if idType == IDTypeResidence {
			return parseResident(id, now) // 居住证 numbers follow GB 11643 too
		}
		return id, nil
	}
	return id, Errorf(EINVALID, MsgIDType)
}

// parseResident checks an 18-character GB 11643 number.
func parseResident(id IDNumber, now time.Time) (IDNumber, error) {
	n := id.Number
	if len(n) == 15 && allDigits(n) {
		return id, Errorf(EINVALID, MsgIDOld15)
	}
	if len(n) != 18 || !allDigits(n[:17]) || !(n[17] >= '0' && n[17] <= '9' || n[17] == 'X') {
		return id, Errorf(EINVALID, MsgIDFormat)
	}
	sum := 0
	for i, w := range residentWeights {
		sum += int(n[i]-'0') * w
	}
	if residentCheck[sum%11] != n[17] {
		return id, Errorf(EINVALID, MsgIDChecksum)
	}
	birth, err := time.Parse("20060102", n[6:14])
	if err != nil || birth.Year() < 1900 || birth.After(now) {
		return id, Errorf(EINVALID, MsgIDBirthDate)
	}
	id.BirthDate, id.BirthYear = birth, birth.Year()
	id.Gender = GenderFemale
	if (n[16]-'0')%2 == 1 {
		id.Gender = GenderMale
	}
	return id, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// MaskIDNumber is how an ID number is shown anywhere, to anyone: the
// first four and last four characters (3708**********1234) of a number of
// ten or more, the first and last two of a shorter one; the length stays.
func MaskIDNumber(n string) string {
	n = strings.TrimSpace(n)
	head, tail := 4, 4
	if len(n) < 10 {
		head, tail = 1, 2
	}
	if len(n) <= head+tail {
		return strings.Repeat("*", len(n))
	}
	return n[:head] + strings.Repeat("*", len(n)-head-tail) + n[len(n)-tail:]
}

// LooksLikeIDNumber reports whether s holds something that may be an ID
// number (an 18-character or 15-digit run): a text that does must never
// be logged or kept as typed.
func LooksLikeIDNumber(s string) bool {
	run := 0
	for _, r := range s {
		if unicode.IsDigit(r) || (run == 17 && (r == 'X' || r == 'x')) {
			run++
			if run >= 15 {
				return true
			}
			continue
		}
		run = 0
	}
	return false
}

// IDSealer seals ID numbers for storage and opens them for the one export
// that needs them whole (the national system's batch file). Sealed text
// names the key that sealed it, so that keys can be rotated: the first
// key seals, every configured key opens. context binds a sealed value to
// its row (the user's id), so that one cannot be copied onto another.
type IDSealer interface {
	Seal(plain, context string) (string, error)
	Open(sealed, context string) (string, error)
	// Current names the key Seal uses.
	Current() string
}

// IDSealContext is the context a user's ID number is sealed under.
func IDSealContext(userID int64) string { return fmt.Sprintf("user:%d", userID) }

// RealName is the real-name profile the chat stores: the ID sealed and
// masked, never whole.
type RealName struct {
	IDType    string
	Sealed    string // IDSealer.Seal of the number
	Masked    string // MaskIDNumber of the number
	Gender    string
	BirthYear int
}

// Validate requires a known type, a sealed and a masked number, and a
// gender and birth year that can be.
func (r *RealName) Validate() error {
	switch {
	case NormaliseIDType(r.IDType) != r.IDType || r.IDType == "":
		return Errorf(EINVALID, MsgIDType)
	case strings.TrimSpace(r.Sealed) == "" || strings.TrimSpace(r.Masked) == "":
		return Errorf(EINVALID, "real name needs the sealed and masked number")
	case strings.Count(r.Masked, "*") == 0:
		return Errorf(EINVALID, "the masked number is not masked")
	case r.Gender != "" && r.Gender != GenderMale && r.Gender != GenderFemale:
		return Errorf(EINVALID, "gender must be 男 or 女")
	case r.BirthYear != 0 && (r.BirthYear < 1900 || r.BirthYear > 2200):
		return Errorf(EINVALID, "birth year out of range")
	}
	return nil
}

// SealedID is one stored sealed ID number, for re-sealing under a new key
// and for the national export.
type SealedID struct {
	UserID int64
	Sealed string
}

// IdentityService keeps real-name profiles.
type IdentityService interface {
	// ConsentRealName records that the user agreed to give their ID (the
	// first agreement's time is kept).
	ConsentRealName(ctx context.Context, userID int64, at time.Time) (*User, error)
	// SetRealName stores the profile; without consent it is EFORBIDDEN
	// MsgNoConsent and nothing is stored.
	SetRealName(ctx context.Context, userID int64, r RealName, at time.Time) (*User, error)
	// SealedIDs returns the sealed numbers of the users (all users with one
	// when ids is empty), by user id.
	SealedIDs(ctx context.Context, userIDs []int64) ([]SealedID, error)
	// ResealIDs replaces each user's sealed number with reseal of it, in
	// one transaction, and returns how many changed: key rotation.
	ResealIDs(ctx context.Context, reseal func(SealedID) (string, error)) (int, error)
}

// VolunteerNumber is the organisation's number of a volunteer (志愿者编号):
// the configured prefix and the user's id, at least six digits.
func VolunteerNumber(prefix string, userID int64) string {
	return fmt.Sprintf("%s%06d", prefix, userID)
}

// idRun is an ID card number inside a text: 17 digits and a digit or X,
// or 15 digits, standing apart from other digits.
var idRun = regexp.MustCompile(`(^|[^0-9])([0-9]{17}[0-9Xx]|[0-9]{15})($|[^0-9])`)

// MaskIDNumbers masks every ID card number in s (MaskIDNumber), for logs:
// whatever reaches a log line, an ID number never does whole.
func MaskIDNumbers(s string) string {
	return idRun.ReplaceAllStringFunc(s, func(m string) string {
		sub := idRun.FindStringSubmatch(m)
		return sub[1] + MaskIDNumber(sub[2]) + sub[3]
	})
}
