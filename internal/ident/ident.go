// Package ident validates and generates the UK identifiers that children,
// young people and organisations carry in the SEND system: NHS number, UPN,
// ULN, URN and UKPRN.
//
// Validators trim surrounding white space and return the normalised value or
// a *FieldError whose text is safe to show to staff on a web form. They never
// panic, whatever the input.
package ident

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// FieldError says which identifier is wrong and why, in words safe to show a person.
type FieldError struct {
	Field   string // "NHS number", "UPN", "ULN", "URN" or "UKPRN"
	Message string // e.g. "the check digit is wrong (expected 3)"
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func fail(field, format string, args ...any) error {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

const (
	fieldNHS   = "NHS number"
	fieldUPN   = "UPN"
	fieldULN   = "ULN"
	fieldURN   = "URN"
	fieldUKPRN = "UKPRN"
)

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

// allDigits reports whether s is non-empty ASCII digits only. Unicode digits
// such as "٣" or full-width "３" are deliberately not digits here.
func allDigits(s string) bool {
	for _, r := range s {
		if !isDigit(r) {
			return false
		}
	}
	return s != ""
}

// digitsOnly checks that the trimmed s is non-empty and made of ASCII digits,
// naming the first offending character so staff can see what to fix.
func digitsOnly(field, s string) error {
	if s == "" {
		return fail(field, "is empty")
	}
	for _, r := range s {
		if !isDigit(r) {
			return fail(field, "must contain only digits, found %q", r)
		}
	}
	return nil
}

// mod11Sum multiplies the 9 digits of first9 by the weights 10, 9, …, 2 and
// returns the sum mod 11. The NHS number and the ULN share this weighting and
// differ only in how the remainder becomes a check digit. first9 must be 9
// ASCII digits.
func mod11Sum(first9 string) int {
	sum := 0
	for i := range 9 {
		sum += int(first9[i]-'0') * (10 - i)
	}
	return sum % 11
}

// NHSNumber validates an NHS number and returns its 10 digits without spaces.
// Spaces between digits are allowed ("943 476 5919"); no other separator is.
//
// Rule (NHS Data Dictionary, attribute NHS NUMBER): 10 digits; multiply
// digits 1–9 by 10, 9, …, 2, add, take the remainder mod 11 and subtract it
// from 11. A result of 11 means check digit 0; a result of 10 means "the NHS
// NUMBER is invalid and not used". The 10th digit must equal the check digit.
//
// 0000000000 passes that arithmetic but is a placeholder, never a number, so
// it is rejected. Other repeated-digit numbers (1111111111 … 9999999999) also
// pass the arithmetic; no NHS guidance found rules them out, so they are accepted.
func NHSNumber(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fail(fieldNHS, "is empty")
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ':
		case isDigit(r):
			b.WriteRune(r)
		default:
			return "", fail(fieldNHS, "must contain only digits and spaces, found %q", r)
		}
	}
	n := b.String()
	if len(n) != 10 {
		return "", fail(fieldNHS, "must be 10 digits, got %d", len(n))
	}
	if n == "0000000000" {
		return "", fail(fieldNHS, "cannot be all zeros")
	}
	want, ok := nhsCheck(n[:9])
	if !ok {
		return "", fail(fieldNHS, "is not valid: no NHS number starts with these 9 digits")
	}
	if n[9] != want {
		return "", fail(fieldNHS, "the check digit is wrong (expected %c)", want)
	}
	return n, nil
}

func nhsCheck(first9 string) (byte, bool) {
	c := 11 - mod11Sum(first9)
	switch c {
	case 11:
		return '0', true
	case 10:
		return 0, false
	}
	return byte('0' + c), true
}

// NHSCheckDigit returns the check digit (an ASCII character '0'–'9') that
// completes first9 into a valid NHS number, for generating synthetic data.
// ok is false when the remainder gives 10 (no NHS number begins with these
// digits), when first9 is not exactly 9 ASCII digits, and for 000000000,
// whose completion 0000000000 NHSNumber rejects.
func NHSCheckDigit(first9 string) (digit byte, ok bool) {
	if len(first9) != 9 || !allDigits(first9) || first9 == "000000000" {
		return 0, false
	}
	return nhsCheck(first9)
}

// ULN validates a Unique Learner Number and returns its 10 digits.
//
// Rule (ILR specification, derived data DD01 used by rule ULN_04; HESA
// field ULN): 10 digits, the first non-zero; multiply digits 1–9 by 10, 9,
// …, 2, add and take the remainder mod 11. A remainder of 0 is invalid;
// otherwise the 10th digit must be 10 minus the remainder. Equivalently
// (HESA), digits 1–10 weighted 10, 9, …, 1 leave remainder 10 mod 11 — which
// is why no valid ULN is also a valid NHS number.
//
// The ILR also accepts 9999999999 as "ULN not known"; that is a placeholder,
// not a ULN, and fails the check digit here.
func ULN(s string) (string, error) {
	s = strings.TrimSpace(s)
	if err := digitsOnly(fieldULN, s); err != nil {
		return "", err
	}
	if len(s) != 10 {
		return "", fail(fieldULN, "must be 10 digits, got %d", len(s))
	}
	if s[0] == '0' {
		return "", fail(fieldULN, "must not begin with 0")
	}
	want, ok := ulnCheck(s[:9])
	if !ok {
		return "", fail(fieldULN, "is not valid: no ULN starts with these 9 digits")
	}
	if s[9] != want {
		return "", fail(fieldULN, "the check digit is wrong (expected %c)", want)
	}
	return s, nil
}

func ulnCheck(first9 string) (byte, bool) {
	r := mod11Sum(first9)
	if r == 0 {
		return 0, false
	}
	return byte('0' + 10 - r), true
}

// ULNCheckDigit returns the check digit (an ASCII character '0'–'9') that
// completes first9 into a valid ULN, for generating synthetic data. ok is
// false when the remainder is 0 (no ULN begins with these digits), when first9
// is not exactly 9 ASCII digits, or when it begins with 0.
func ULNCheckDigit(first9 string) (digit byte, ok bool) {
	if len(first9) != 9 || !allDigits(first9) || first9[0] == '0' {
		return 0, false
	}
	return ulnCheck(first9)
}

// upnLetters maps 0–22 to check letters: the alphabet without I, O and S
// (UK Government Data Standards Catalogue, Unique Pupil Number v2.0).
const upnLetters = "ABCDEFGHJKLMNPQRTUVWXYZ"

// UPN validates a Unique Pupil Number and returns it in upper case.
//
// Rule (UK Government Data Standards Catalogue, "Unique Pupil Number" v2.0,
// owner DfE; DfE "Unique pupil numbers (UPNs): a guide for schools and local
// authorities"): 13 characters — a check letter, 3-digit LA number, 4-digit
// establishment number, 2-digit year and 3-digit serial. A temporary UPN has
// a letter instead of the last serial digit. The check letter is the sum of
// characters 2–13 multiplied by their positions 2–13, mod 23, mapped
// 0→A … 22→Z skipping I, O and S; a temporary UPN's final letter counts as
// its value in that same mapping (A=0, B=1, …). I, O and S are never used as
// the check letter or the final letter.
//
// The LA number is not checked against the list of LA codes, which changes
// when local government is reorganised.
func UPN(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fail(fieldUPN, "is empty")
	}
	if n := utf8.RuneCountInString(s); n != 13 {
		return "", fail(fieldUPN, "must be 13 characters, got %d", n)
	}
	first, size := utf8.DecodeRuneInString(s)
	c := toUpperASCII(first)
	switch {
	case c == 'I' || c == 'O' || c == 'S':
		return "", fail(fieldUPN, "cannot use the letters I, O or S (found %q at character 1)", first)
	case c < 'A' || c > 'Z':
		return "", fail(fieldUPN, "must start with a letter, found %q", first)
	}
	tail, want, err := upnTail(s[size:])
	if err != nil {
		return "", err
	}
	if byte(c) != want {
		return "", fail(fieldUPN, "the check letter is wrong (expected %c)", want)
	}
	return string(byte(c)) + tail, nil
}

// UPNCheckLetter returns the check letter for characters 2–13 of a UPN
// (last12), for generating synthetic data: 11 digits then a digit or, for a
// temporary UPN, a letter other than I, O or S. Lower case is accepted.
func UPNCheckLetter(last12 string) (byte, error) {
	if n := utf8.RuneCountInString(last12); n != 12 {
		return 0, fail(fieldUPN, "must have 12 characters after the check letter, got %d", n)
	}
	_, letter, err := upnTail(last12)
	return letter, err
}

// upnTail validates characters 2–13 (12 runes, already counted), returning
// them upper-cased with the check letter they require. Error messages number
// characters as in the full UPN.
func upnTail(t string) (string, byte, error) {
	var b [12]byte
	sum, i := 0, 0
	for _, r := range t {
		pos := i + 2
		c := toUpperASCII(r)
		switch {
		case isDigit(c):
			sum += int(c-'0') * pos
		case pos < 13:
			return "", 0, fail(fieldUPN, "characters 2 to 12 must be digits (found %q at character %d)", r, pos)
		case c == 'I' || c == 'O' || c == 'S':
			return "", 0, fail(fieldUPN, "cannot use the letters I, O or S (found %q at character 13)", r)
		case 'A' <= c && c <= 'Z':
			sum += strings.IndexRune(upnLetters, c) * pos
		default:
			return "", 0, fail(fieldUPN, "must end with a digit or a letter, found %q", r)
		}
		b[i] = byte(c)
		i++
	}
	return string(b[:]), upnLetters[sum%23], nil
}

// toUpperASCII upper-cases a–z only: strings.ToUpper would turn non-ASCII
// look-alikes such as "ı" (dotless i) or "ſ" (long s) into I and S.
func toUpperASCII(r rune) rune {
	if 'a' <= r && r <= 'z' {
		return r - ('a' - 'A')
	}
	return r
}

// URN validates a school Unique Reference Number: exactly 6 digits.
// Source: DfE Get Information About Schools; DfE's "Complete conversions,
// transfers and changes" service validates URNs as ^[0-9]{6}$.
func URN(s string) (string, error) {
	s = strings.TrimSpace(s)
	if err := digitsOnly(fieldURN, s); err != nil {
		return "", err
	}
	if len(s) != 6 {
		return "", fail(fieldURN, "must be 6 digits, got %d", len(s))
	}
	return s, nil
}

// UKPRN validates a UK Provider Reference Number: 8 digits beginning with 1.
// Source: UK Register of Learning Providers (UKPRN field length 8 in the HESA
// specifications); DfE's "Complete conversions, transfers and changes"
// service validates UKPRNs as ^1[0-9]{7}$ ("must be 8 digits long and start
// with a 1").
func UKPRN(s string) (string, error) {
	s = strings.TrimSpace(s)
	if err := digitsOnly(fieldUKPRN, s); err != nil {
		return "", err
	}
	if len(s) != 8 {
		return "", fail(fieldUKPRN, "must be 8 digits, got %d", len(s))
	}
	if s[0] != '1' {
		return "", fail(fieldUKPRN, "must begin with 1")
	}
	return s, nil
}
