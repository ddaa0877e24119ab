// Package idseal seals ID numbers for the database with AES-256-GCM
// (store.IDSealer). Keys come from configuration (records.id_keys), each
// with a short name; sealed text carries the name of the key that sealed
// it, so that keys can be rotated: the first key seals, every key listed
// opens, and `envoybot idkeys reseal` re-seals every stored number with
// the first key, after which an old key can be removed.
//
// Sealed text: "v1:<key name>:<base64url(nonce | ciphertext | tag)>", the
// context (the user's id) as additional data, so that a sealed number
// copied onto another user's row does not open there.
package idseal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"envoybot/store"
)

// Key is one named 32-byte key.
type Key struct {
	Name string
	Key  []byte
}

// Keyring seals with its first key and opens with any of them.
type Keyring struct {
	current string
	aeads   map[string]cipher.AEAD
}

var _ store.IDSealer = (*Keyring)(nil)

// keyName is what a key's name may be: it is written into sealed text.
var keyName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// New returns a keyring of keys, the first sealing. Each key must be 32
// bytes and each name unique (letters, digits, _ and -).
func New(keys []Key) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("idseal: no key")
	}
	k := &Keyring{current: keys[0].Name, aeads: map[string]cipher.AEAD{}}
	for _, key := range keys {
		if !keyName.MatchString(key.Name) {
			return nil, fmt.Errorf("idseal: key name %q: 1 to 32 letters, digits, _ or -", key.Name)
		}
		if _, dup := k.aeads[key.Name]; dup {
			return nil, fmt.Errorf("idseal: key %q listed twice", key.Name)
		}
		if len(key.Key) != 32 {
			return nil, fmt.Errorf("idseal: key %q has %d bytes, needs 32", key.Name, len(key.Key))
		}
		block, err := aes.NewCipher(key.Key)
		if err != nil {
			return nil, fmt.Errorf("idseal: key %q: %w", key.Name, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("idseal: key %q: %w", key.Name, err)
		}
		k.aeads[key.Name] = aead
	}
	return k, nil
}

// Current names the sealing key.
func (k *Keyring) Current() string { return k.current }

// Seal encrypts plain under the current key with a random nonce.
func (k *Keyring) Seal(plain, context string) (string, error) {
	aead := k.aeads[k.current]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("idseal: nonce: %w", err)
	}
	out := aead.Seal(nonce, nonce, []byte(plain), []byte(context))
	return "v1:" + k.current + ":" + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open decrypts sealed text with the key it names. The errors never hold
// the text.
func (k *Keyring) Open(sealed, context string) (string, error) {
	parts := strings.SplitN(sealed, ":", 3)
	if len(parts) != 3 || parts[0] != "v1" {
		return "", errors.New("idseal: not sealed text")
	}
	aead, ok := k.aeads[parts[1]]
	if !ok {
		return "", fmt.Errorf("idseal: sealed with key %q, which is not configured", parts[1])
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return "", errors.New("idseal: sealed text damaged")
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(context))
	if err != nil {
		return "", errors.New("idseal: sealed text does not open (wrong key, context or damaged)")
	}
	return string(plain), nil
}

// KeyOf names the key sealed text was sealed with ("" when it is none).
func KeyOf(sealed string) string {
	parts := strings.SplitN(sealed, ":", 3)
	if len(parts) != 3 || parts[0] != "v1" {
		return ""
	}
	return parts[1]
}

// Reseal opens sealed and seals it again with the current key; text
// already under the current key is returned as it is.
func (k *Keyring) Reseal(sealed, context string) (string, error) {
	if KeyOf(sealed) == k.current {
		return sealed, nil
	}
	plain, err := k.Open(sealed, context)
	if err != nil {
		return "", err
	}
	return k.Seal(plain, context)
}
