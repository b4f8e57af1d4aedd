package account

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"

	"joinedup/internal/apperr"
)

// Params are argon2id's costs. Every hash carries the ones it was made with
// (PHC string form), so they can be raised here later: NeedsRehash reports a
// hash made with others, and the next successful sign-in replaces it.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// Current are the costs new hashes are made with: OWASP's Password Storage
// Cheat Sheet recommends argon2id with m=47104 (46 MiB), t=1, p=1; issue 3
// requires at least 46 MiB.
var Current = Params{Memory: 47104, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// Password length, in characters (Unicode code points after normalisation).
const (
	MinPasswordLen = 12
	MaxPasswordLen = 128
	// maxPasswordBytes bounds the work done on input before it is counted:
	// 128 characters of 4 bytes each, with room for decomposed forms.
	maxPasswordBytes = 1024
)

// Limits a stored hash must respect to be believed. They keep a damaged or
// tampered row from making a sign-in allocate gigabytes or spin for minutes.
const (
	maxMemory  = 1 << 20 // 1 GiB
	maxTime    = 16
	maxThreads = 16
)

// ErrMalformedHash means a stored hash is not an argon2id PHC string this package accepts.
var ErrMalformedHash = errors.New("account: the password hash is not a valid argon2id PHC string")

var b64 = base64.RawStdEncoding.Strict()

// hashing bounds how many argon2 computations run at once in this process.
// Each takes Current.Memory (46 MiB): without a bound, a burst of sign-ins
// could take gigabytes, and more at once than there are CPUs is no faster.
// It guards this process's memory only; nothing shared is kept here.
var hashing = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

func idKey(password string, salt []byte, p Params) []byte {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	return argon2.IDKey([]byte(normalise(password)), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
}

// normalise is the form a password is checked and hashed in: NFKC, as NIST
// SP 800-63B asks, so the same password typed on two keyboards that compose
// accents differently is the same password.
func normalise(password string) string { return norm.NFKC.String(password) }

// Hash returns the argon2id hash of password with the Current costs and a
// fresh 16-byte random salt, as a PHC string:
// $argon2id$v=19$m=47104,t=1,p=1$<salt>$<key> (base64 without padding).
func Hash(password string) string { return hashWith(Current, password) }

func hashWith(p Params, password string) string {
	salt := make([]byte, p.SaltLen)
	rand.Read(salt) // never fails (crypto/rand, Go 1.24+)
	return format(p, salt, idKey(password, salt, p))
}

func format(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

type parsedHash struct {
	p         Params
	salt, key []byte
}

// parseHash reads a PHC string strictly: exactly the canonical form Hash writes.
func parseHash(encoded string) (parsedHash, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return parsedHash{}, ErrMalformedHash
	}
	var m, t, p uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil ||
		parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", m, t, p) {
		return parsedHash{}, ErrMalformedHash
	}
	if t < 1 || t > maxTime || p < 1 || p > maxThreads || m < 8*p || m > maxMemory {
		return parsedHash{}, ErrMalformedHash
	}
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(salt) > 64 || len(key) < 16 || len(key) > 64 {
		return parsedHash{}, ErrMalformedHash
	}
	return parsedHash{p: Params{Memory: m, Time: t, Threads: uint8(p), SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))},
		salt: salt, key: key}, nil
}

// ParseParams returns the costs a hash was made with, or ErrMalformedHash.
func ParseParams(encoded string) (Params, error) {
	h, err := parseHash(encoded)
	return h.p, err
}

// Verify reports whether password matches encoded, comparing in constant
// time. A hash that is not a well-formed argon2id PHC string is ErrMalformedHash.
func Verify(encoded, password string) (bool, error) {
	h, err := parseHash(encoded)
	if err != nil {
		return false, err
	}
	got := idKey(password, h.salt, h.p)
	return subtle.ConstantTimeCompare(got, h.key) == 1, nil
}

// NeedsRehash reports whether encoded was made with costs other than Current
// (or cannot be read), so that it should be replaced at the next sign-in.
func NeedsRehash(encoded string) bool {
	p, err := ParseParams(encoded)
	return err != nil || p != Current
}

// dummyHash is verified against when no account matches an email address,
// so that an unknown address costs the same argon2 work as a wrong password.
var dummyHash = sync.OnceValue(func() string {
	b := make([]byte, 16)
	rand.Read(b)
	return Hash(base64.RawStdEncoding.EncodeToString(b))
})

// commonPasswords is a short list of the passwords most often found in
// breaches and guessed first (see the file's header), lower-cased.
//
//go:embed common_passwords.txt
var commonPasswordsFile string

var commonPasswords = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsFile))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[strings.ToLower(normalise(line))] = true
	}
	return set
})

// IsCommonPassword reports whether password, ignoring case and surrounding
// spaces, is on the embedded list of common passwords.
func IsCommonPassword(password string) bool {
	return commonPasswords()[strings.ToLower(strings.TrimSpace(normalise(password)))]
}

// CheckPassword applies the password rules (NCSC guidance, OWASP ASVS 5.0
// level 2): 12 to 128 characters, any characters at all (letters of any
// script, spaces, symbols, emoji), not one of the most common passwords and
// not containing the local part of the person's email address. No rules about
// mixing upper case, digits and symbols. It returns an apperr Invalid error
// naming the field "password", or nil.
func CheckPassword(password, email string) error {
	var fs apperr.Fields
	if msg := passwordProblem(password, email); msg != "" {
		fs.Add("password", msg)
	}
	return fs.Err("password")
}

func passwordProblem(password, email string) string {
	if password == "" {
		return "is required"
	}
	if len(password) > maxPasswordBytes {
		return fmt.Sprintf("must be %d characters or fewer", MaxPasswordLen)
	}
	if !utf8.ValidString(password) {
		return "contains something that is not text: type it again"
	}
	n := normalise(password)
	switch count := utf8.RuneCountInString(n); {
	case count < MinPasswordLen:
		return fmt.Sprintf("must be %d characters or more", MinPasswordLen)
	case count > MaxPasswordLen:
		return fmt.Sprintf("must be %d characters or fewer", MaxPasswordLen)
	}
	if IsCommonPassword(n) {
		return "is one of the most commonly used passwords, so it is easy to guess: choose another"
	}
	lower := strings.ToLower(n)
	for _, part := range localParts(email) {
		if strings.Contains(lower, part) {
			return "must not contain your email address"
		}
	}
	return ""
}

// localParts returns the local part of email, lower-cased, as it is and
// without its separators ("amira.hussain" and "amirahussain"), leaving out
// anything shorter than 3 characters, which would forbid too much.
func localParts(email string) []string {
	at := strings.LastIndexByte(email, '@')
	if at <= 0 {
		return nil
	}
	local := strings.ToLower(normalise(strings.TrimSpace(email[:at])))
	joined := strings.Map(func(r rune) rune {
		if strings.ContainsRune(".-_+", r) {
			return -1
		}
		return r
	}, local)
	var out []string
	for _, s := range []string{local, joined} {
		if utf8.RuneCountInString(s) >= 3 {
			out = append(out, s)
		}
	}
	return out
}
