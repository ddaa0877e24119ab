package store

import (
	"strings"
	"testing"
	"time"
)

func TestMaskPhone(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"masks a mobile", "13812345678", "138****5678"},
		{"masks every mobile in a text", "张三 13812345678 李四 15900001111", "张三 138****5678 李四 159****1111"},
		{"leaves short numbers", "12345", "12345"},
		{"leaves empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := MaskPhone(tc.in); got != tc.want {
				t.Errorf("MaskPhone(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestMaskIDNumbers(t *testing.T) {
	for in, want := range map[string]string{
		"实名 身份证 37080219900101123X":     "实名 身份证 3708**********123X",
		"a 370802198512310026, b":       "a 3708**********0026, b",
		"15位 370802900101123":           "15位 3708*******1123",
		"1370802198512310026 19 digits": "1370802198512310026 19 digits",
		"A12 13812345678":               "A12 13812345678",
	} {
		if got := MaskIDNumbers(in); got != want {
			t.Errorf("MaskIDNumbers(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseIDNumber(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name, typ, number string
		gender            string
		year              int
		msg               string
	}{
		{"valid, X check digit", IDTypeResident, "37080219900101123x", GenderMale, 1990, ""},
		{"valid, female", IDTypeResident, "370802 19851231 0026", GenderFemale, 1985, ""},
		{"wrong check digit", IDTypeResident, "370802198512310027", "", 0, MsgIDChecksum},
		{"impossible birth date", IDTypeResident, "370802199002301239", "", 0, MsgIDBirthDate},
		{"old 15 digits", IDTypeResident, "370802900101123", "", 0, MsgIDOld15},
		{"too short", IDTypeResident, "3708021990", "", 0, MsgIDFormat},
		{"a passport", IDTypePassport, "e12345678", "", 0, ""},
		{"a passport with a sign", IDTypePassport, "E1234-5678", "", 0, MsgIDFormat},
		{"an unknown type", "学生证", "12345678", "", 0, MsgIDType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ParseIDNumber(tt.typ, tt.number, now)
			if tt.msg != "" {
				if ErrorMessage(err) != tt.msg {
					t.Fatalf("err = %v, want %q", err, tt.msg)
				}
				if strings.Contains(err.Error(), tt.number) {
					t.Errorf("the error holds the number: %v", err)
				}
				return
			}
			if err != nil || id.Gender != tt.gender || id.BirthYear != tt.year {
				t.Fatalf("ParseIDNumber = %+v, %v", id, err)
			}
		})
	}
	if got := MaskIDNumber("37080219900101123X"); got != "3708**********123X" {
		t.Errorf("MaskIDNumber = %q", got)
	}
	if got := MaskIDNumber("E12345678"); got != "E******78" {
		t.Errorf("MaskIDNumber(passport) = %q", got)
	}
}
