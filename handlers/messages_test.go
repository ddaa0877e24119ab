package handlers

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCatalogueIsComplete guards against a reply declared but never
// written: an empty one would send nothing at all.
func TestCatalogueIsComplete(t *testing.T) {
	v := reflect.ValueOf(Text)
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		name := v.Type().Field(i).Name
		switch f.Kind() {
		case reflect.String:
			s := f.String()
			if strings.TrimSpace(s) == "" {
				t.Errorf("Text.%s is empty", name)
			}
			if len(s) > 1500 || !utf8.ValidString(s) {
				t.Errorf("Text.%s is too long or not UTF-8", name)
			}
		case reflect.Map:
			if f.Len() == 0 {
				t.Errorf("Text.%s is empty", name)
			}
		}
	}
}
