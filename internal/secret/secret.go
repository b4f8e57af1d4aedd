// Package secret makes the random secrets joinedup hands to browsers and
// email links (session cookies, confirmation and reset links), and the
// hashes it stores instead of them: a copy of the database holds no secret.
package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// Len is the length of a secret: 32 random bytes, base64url without padding.
const Len = 43

// New returns a fresh secret.
func New() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// WellFormed reports whether s could be a secret New made: anything else is
// refused before it reaches the database.
func WellFormed(s string) bool {
	if len(s) != Len {
		return false
	}
	_, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil
}

// Hash is what the database keeps of a secret: its SHA-256, in hex.
func Hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
