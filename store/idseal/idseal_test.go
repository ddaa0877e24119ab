package idseal

import (
	"strings"
	"testing"
)

func TestKeyring(t *testing.T) {
	k1 := Key{Name: "k1", Key: []byte("0123456789abcdef0123456789abcdef")}
	k2 := Key{Name: "k2", Key: []byte("fedcba9876543210fedcba9876543210")}
	old, err := New([]Key{k1})
	if err != nil {
		t.Fatal(err)
	}
	const id = "37080219900101123X"
	sealed, err := old.Seal(id, "user:1")
	if err != nil || !strings.HasPrefix(sealed, "v1:k1:") || strings.Contains(sealed, id) {
		t.Fatalf("Seal = %q, %v", sealed, err)
	}
	again, _ := old.Seal(id, "user:1")
	if again == sealed {
		t.Error("two seals of one number are equal: the nonce is not random")
	}
	t.Run("opens with its context only", func(t *testing.T) {
		if got, err := old.Open(sealed, "user:1"); err != nil || got != id {
			t.Fatalf("Open = %q, %v", got, err)
		}
		if _, err := old.Open(sealed, "user:2"); err == nil {
			t.Fatal("opened under another user's context")
		}
		if _, err := old.Open(sealed[:len(sealed)-2]+"AA", "user:1"); err == nil {
			t.Fatal("opened damaged text")
		}
	})
	t.Run("rotation: the new key seals, both open, reseal moves to the new", func(t *testing.T) {
		both, err := New([]Key{k2, k1})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := both.Open(sealed, "user:1"); err != nil || got != id {
			t.Fatalf("the old text under both keys = %q, %v", got, err)
		}
		moved, err := both.Reseal(sealed, "user:1")
		if err != nil || KeyOf(moved) != "k2" {
			t.Fatalf("Reseal = %q, %v", moved, err)
		}
		if same, _ := both.Reseal(moved, "user:1"); same != moved {
			t.Error("resealing text of the current key changed it")
		}
		newOnly, _ := New([]Key{k2})
		if got, err := newOnly.Open(moved, "user:1"); err != nil || got != id {
			t.Fatalf("the new key alone = %q, %v", got, err)
		}
		if _, err := newOnly.Open(sealed, "user:1"); err == nil || !strings.Contains(err.Error(), `"k1"`) {
			t.Fatalf("text of a removed key = %v, want it named", err)
		}
	})
	t.Run("bad keys are refused", func(t *testing.T) {
		for _, keys := range [][]Key{nil, {{Name: "k", Key: []byte("short")}}, {{Name: "bad name", Key: k1.Key}}, {k1, k1}} {
			if _, err := New(keys); err == nil {
				t.Errorf("New(%v) accepted", keys)
			}
		}
	})
}
