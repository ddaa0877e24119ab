package intent

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalize folds the ways a phone keyboard can write the same message into
// one: full-width ASCII (ＡＢ１２，：；？) becomes half-width, the ideographic
// space a space, the Chinese separators ，、； and ; become ",", ：becomes ":"
// (kept apart from "," because it carries meaning in "14:30"), zero-width
// characters, variation selectors and invalid UTF-8 are dropped. Runs of
// spaces collapse to one space, a run of separators and spaces to one ",",
// and runs of line breaks to one "\n" (line structure matters for pasted
// 接龙 lists). The result is trimmed. Normalize is idempotent.
func Normalize(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	const (
		gapNone = iota
		gapSpace
		gapComma
		gapLine
	)
	gap := gapNone
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		r = foldRune(r)
		switch {
		case r < 0:
			continue
		case r == '\n':
			gap = gapLine
			continue
		case r == ',':
			gap = max(gap, gapComma)
			continue
		case r == ' ':
			gap = max(gap, gapSpace)
			continue
		}
		if b.Len() > 0 {
			switch gap {
			case gapSpace:
				b.WriteByte(' ')
			case gapComma:
				b.WriteByte(',')
			case gapLine:
				b.WriteByte('\n')
			}
		}
		gap = gapNone
		b.WriteRune(r)
	}
	return b.String()
}

// foldRune maps one rune to its normal form: ' ', '\n', ',' for the three
// kinds of gap, -1 to drop it, otherwise the (half-width) rune itself.
func foldRune(r rune) rune {
	switch {
	case r == utf8.RuneError:
		return -1 // invalid UTF-8, or a replacement character carrying nothing
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		r -= 0xFEE0
	case r == 0x3000:
		return ' '
	}
	switch r {
	case ',', ';', 0x3001, 0xFE50, 0xFE51, 0xFE54, 0xFF64: // ， 、 ； and their small/half-width forms
		return ','
	case 0xFE55: // small colon
		return ':'
	case '\n', '\r', '\v', '\f', 0x85, 0x2028, 0x2029:
		return '\n'
	}
	if isInvisible(r) {
		return -1
	}
	if unicode.IsSpace(r) {
		return ' '
	}
	if unicode.IsControl(r) {
		return -1
	}
	return r
}

// isInvisible reports characters that render as nothing but break matching:
// zero-width joiners and spaces, BOM, direction marks, soft hyphen, and the
// variation selectors that emoji keyboards append.
func isInvisible(r rune) bool {
	switch {
	case r == 0x00AD, r == 0x034F, r == 0x061C, r == 0x180E:
		return true
	case r >= 0x200B && r <= 0x200F:
		return true
	case r >= 0x202A && r <= 0x202E:
		return true
	case r >= 0x2060 && r <= 0x206F:
		return true
	case r == 0xFEFF:
		return true
	case r >= 0xFE00 && r <= 0xFE0F:
		return true
	case r >= 0xE0100 && r <= 0xE01EF:
		return true
	}
	return false
}
