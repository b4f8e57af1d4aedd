package oidc

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
)

// newSecret returns 256 random bits, base64url without padding.
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Each derivation has its own label, so the stored cookie hash says nothing
// about the key that seals the row.
const (
	labelState  = "joinedup oidc state v1\x00"
	labelCookie = "joinedup oidc cookie v1\x00"
	labelSeal   = "joinedup oidc seal v1\x00"
)

func derive(label, secret string) []byte {
	h := sha256.Sum256([]byte(label + secret))
	return h[:]
}

func stateHash(state string) string   { return hex.EncodeToString(derive(labelState, state)) }
func cookieHash(cookie string) string { return hex.EncodeToString(derive(labelCookie, cookie)) }

// pending is what a begun sign-in needs at its callback and must not be readable without the cookie.
type pending struct {
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	ReturnTo string `json:"r"`
}

// seal encrypts p under a key derived from the cookie value, bound to the row it belongs in.
func seal(cookie, rowKey string, p pending) (string, error) {
	aead, err := newAEAD(cookie)
	if err != nil {
		return "", err
	}
	plain, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	out := aead.Seal(nonce, nonce, plain, []byte(rowKey))
	return base64.RawStdEncoding.EncodeToString(out), nil
}

func unseal(cookie, rowKey, sealed string) (pending, error) {
	var p pending
	aead, err := newAEAD(cookie)
	if err != nil {
		return p, err
	}
	raw, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil {
		return p, err
	}
	if len(raw) < aead.NonceSize() {
		return p, errors.New("sealed value too short")
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(rowKey))
	if err != nil {
		return p, err
	}
	err = json.Unmarshal(plain, &p)
	return p, err
}

func newAEAD(cookie string) (cipher.AEAD, error) {
	block, err := aes.NewCipher(derive(labelSeal, cookie))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
