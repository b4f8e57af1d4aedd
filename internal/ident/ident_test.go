package ident

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Synthetic data only. NHS numbers we invent are in the 999 range, which is
// used for test data and not issued to patients. UPNs we invent use LA number
// 000, which is not an allocated LA code, so they cannot belong to a pupil.
// The few other numbers are published examples, with their source cited.

type tcase struct {
	in      string
	want    string // normalised value when valid
	wantErr string // substring of FieldError.Message when invalid
}

func run(t *testing.T, field string, fn func(string) (string, error), cases []tcase) {
	t.Helper()
	for _, c := range cases {
		got, err := fn(c.in)
		if c.wantErr == "" {
			if err != nil || got != c.want {
				t.Errorf("%s(%q) = %q, %v; want %q, nil", field, c.in, got, err, c.want)
			}
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%s(%q) = %q, %v; want FieldError containing %q", field, c.in, got, err, c.wantErr)
			continue
		}
		if fe.Field != field || !strings.Contains(fe.Message, c.wantErr) || got != "" {
			t.Errorf("%s(%q) = %q, %v; want %s error containing %q", field, c.in, got, err, field, c.wantErr)
		}
		if fe.Error() != fe.Field+": "+fe.Message {
			t.Errorf("Error() = %q", fe.Error())
		}
	}
}

func TestNHSNumber(t *testing.T) {
	run(t, "NHS number", NHSNumber, []tcase{
		// NHS England PDS FHIR API sandbox test patient. 9×10 = 90;
		// 90 mod 11 = 2; 11 − 2 = 9.
		{in: "9000000009", want: "9000000009"},
		// Worked example in Wikipedia "NHS number" (check-digit section):
		// 90+36+24+28+42+30+20+27+2 = 299; 299 mod 11 = 2; 11 − 2 = 9.
		{in: "943 476 5919", want: "9434765919"},
		{in: "9434765919", want: "9434765919"},
		// Computed: 90+81+72+0+0+0+0+0+1×2 = 245; 245 mod 11 = 3; 11 − 3 = 8.
		{in: "9990000018", want: "9990000018"},
		{in: "  999 000 0018\t", want: "9990000018"}, // surrounding space trimmed
		{in: "999  0000018", want: "9990000018"},     // spaces anywhere are dropped
		// "If the result is 11 then a check digit of 0 is used": 243 + 5×2 = 253
		// = 11×23, remainder 0, 11 − 0 = 11 → 0.
		{in: "9990020000", want: "9990020000"},
		// Wrong check digit: 9990000018 is valid, so …17 is not.
		{in: "9990000017", wantErr: "the check digit is wrong (expected 8)"},
		// 987 654 4321 is the NHS's *format* example, not a valid number:
		// 339 mod 11 = 9; 11 − 9 = 2.
		{in: "987 654 4321", wantErr: "the check digit is wrong (expected 2)"},
		// "If the result is 10 then the NHS NUMBER is invalid": 90+81+72 = 243;
		// 243 mod 11 = 1; 11 − 1 = 10, so no last digit works.
		{in: "9990000000", wantErr: "no NHS number starts with these 9 digits"},
		{in: "9990000009", wantErr: "no NHS number starts with these 9 digits"},
		// All zeros passes the arithmetic (0 → 11 → 0) but is never issued.
		{in: "0000000000", wantErr: "cannot be all zeros"},
		{in: "000 000 0000", wantErr: "cannot be all zeros"},
		// Length: "The NHS NUMBER is 10 numeric digits in length."
		{in: "999000001", wantErr: "must be 10 digits, got 9"},
		{in: "99900000188", wantErr: "must be 10 digits, got 11"},
		{in: "", wantErr: "is empty"},
		{in: " \t ", wantErr: "is empty"},
		// Digits and spaces only: no hyphens, letters or non-ASCII digits.
		{in: "999-000-0018", wantErr: `must contain only digits and spaces, found '-'`},
		{in: "99900000I8", wantErr: `found 'I'`},
		{in: "９９９０００００１８", wantErr: `found '９'`}, // full-width digits
		{in: "999\u00a0000\u00a00018", wantErr: `found '\u00a0'`},
	})
}

func TestULN(t *testing.T) {
	run(t, "ULN", ULN, []tcase{
		// Worked example in the HESA Student record, field ULN: digits 1–9
		// give 290; 290 mod 11 = 4; 10 − 4 = 6. (HESA: all ten weighted
		// 10…1 give 296, and 296 mod 11 = 10.)
		{in: "9276308686", want: "9276308686"},
		// Computed, check digit 0: 1×10 = 10; 10 mod 11 = 10; 10 − 10 = 0.
		{in: "1000000000", want: "1000000000"},
		{in: " 1000000000 ", want: "1000000000"},
		{in: "9276308687", wantErr: "the check digit is wrong (expected 6)"},
		// ILR DD01: "If the remainder = 0 … set DD01 to 'N'": 1×10 + 6×2 = 22;
		// 22 mod 11 = 0, so no last digit works.
		{in: "1000000060", wantErr: "no ULN starts with these 9 digits"},
		{in: "1000000069", wantErr: "no ULN starts with these 9 digits"},
		// HESA: "Check that the first digit is nonzero".
		{in: "0276308686", wantErr: "must not begin with 0"},
		// ILR's "ULN not known" placeholder is not a ULN: 486 mod 11 = 2.
		{in: "9999999999", wantErr: "the check digit is wrong (expected 8)"},
		{in: "927630868", wantErr: "must be 10 digits, got 9"},
		{in: "92763086861", wantErr: "must be 10 digits, got 11"},
		{in: "927 630 8686", wantErr: "must contain only digits, found ' '"},
		{in: "92763O8686", wantErr: "found 'O'"},
		{in: "", wantErr: "is empty"},
	})
}

func TestUPN(t *testing.T) {
	run(t, "UPN", UPN, []tcase{
		// Example in python-stdnum's stdnum.gb.upn: 8×2+1×4+2×5+5×10+1×13 = 93;
		// 93 mod 23 = 1 → B.
		{in: "B801200005001", want: "B801200005001"},
		// Temporary UPN example in Arbor's help article "Change a temporary UPN
		// to a permanent UPN": 1×4+8×5+1×9+7×10+1×12+A(0)×13 = 135;
		// 135 mod 23 = 20 → X.
		{in: "X00180001701A", want: "X00180001701A"},
		// Computed, remainder 0: 1×5+2×6+3×7+4×8+2×9+6×10+1×13 = 161 = 23×7 → A.
		{in: "A000123426001", want: "A000123426001"},
		// Computed, remainder 22 (last letter of the table): 148 + 8×13 = 252;
		// 252 mod 23 = 22 → Z.
		{in: "Z000123426008", want: "Z000123426008"},
		// Lower case is accepted and returned upper-cased.
		{in: " a000123426001 ", want: "A000123426001"},
		// Temporary UPN, final letter counted as A=0: 161 − 13 = 148;
		// 148 mod 23 = 10 → L.
		{in: "L00012342600A", want: "L00012342600A"},
		{in: "l00012342600a", want: "L00012342600A"},
		// Temporary UPN, final Z = 22: 148 + 22×13 = 434; 434 mod 23 = 20 → X.
		{in: "X00012342600Z", want: "X00012342600Z"},
		// Temporary UPN with the wrong check letter.
		{in: "A00012342600A", wantErr: "the check letter is wrong (expected L)"},
		// Published error example (Arbor/Juniper census help, error 1510)
		// says B207000016049 should be Q…; its own products sum to 266, not
		// 267, and 266 mod 23 = 13 → P. Q is wrong.
		{in: "B207000016049", wantErr: "the check letter is wrong (expected P)"},
		{in: "Q207000016049", wantErr: "the check letter is wrong (expected P)"},
		{in: "P207000016049", want: "P207000016049"},
		// Wrong check letter (stdnum's invalid example).
		{in: "A801200005001", wantErr: "the check letter is wrong (expected B)"},
		// "I, O, and S are not used as a check letter or the final character
		// of a temporary UPN."
		{in: "I000123426001", wantErr: `cannot use the letters I, O or S (found 'I' at character 1)`},
		{in: "o000123426001", wantErr: `found 'o' at character 1`},
		{in: "L00012342600S", wantErr: `cannot use the letters I, O or S (found 'S' at character 13)`},
		{in: "L00012342600i", wantErr: `found 'i' at character 13`},
		// Characters 2–12 are always digits (letter O typed for zero).
		{in: "A0O0123426001", wantErr: `characters 2 to 12 must be digits (found 'O' at character 3)`},
		{in: "X80120000A001", wantErr: `(found 'A' at character 10)`}, // stdnum's format example
		{in: "100012342600A", wantErr: "must start with a letter, found '1'"},
		{in: "L00012342600-", wantErr: "must end with a digit or a letter, found '-'"},
		{in: "L00012342600é", wantErr: "must end with a digit or a letter, found 'é'"},
		// Dotless ı must not be upper-cased into the letter I.
		{in: "ı000123426001", wantErr: "must start with a letter, found 'ı'"},
		{in: "A00012342600", wantErr: "must be 13 characters, got 12"},
		{in: "A0001234260011", wantErr: "must be 13 characters, got 14"},
		{in: "A000 123426001", wantErr: "must be 13 characters, got 14"},
		{in: "", wantErr: "is empty"},
	})
}

func TestURN(t *testing.T) {
	run(t, "URN", URN, []tcase{
		{in: "100000", want: "100000"},
		{in: " 123456 ", want: "123456"},
		{in: "12345", wantErr: "must be 6 digits, got 5"},
		{in: "1234567", wantErr: "must be 6 digits, got 7"},
		{in: "12345A", wantErr: "must contain only digits, found 'A'"},
		{in: "EY1234", wantErr: "found 'E'"}, // Ofsted early-years references are not URNs here
		{in: "", wantErr: "is empty"},
	})
}

func TestUKPRN(t *testing.T) {
	run(t, "UKPRN", UKPRN, []tcase{
		{in: "10000001", want: "10000001"},
		{in: " 12345678 ", want: "12345678"},
		{in: "22345678", wantErr: "must begin with 1"},
		{in: "02345678", wantErr: "must begin with 1"},
		{in: "1234567", wantErr: "must be 8 digits, got 7"},
		{in: "123456789", wantErr: "must be 8 digits, got 9"},
		{in: "1234567X", wantErr: "must contain only digits, found 'X'"},
		{in: "", wantErr: "is empty"},
	})
}

// nhsOracle is the rule restated independently: the NHS Data Dictionary's
// steps amount to "digits 1–10 weighted 10, 9, …, 1 sum to a multiple of 11"
// (a check of 10 can never be written as one digit, so it never matches).
func nhsOracle(n string) bool {
	sum := 0
	for i := range 10 {
		sum += int(n[i]-'0') * (10 - i)
	}
	return sum%11 == 0 && n != "0000000000"
}

// ulnOracle is HESA's statement of the ULN rule: first digit non-zero and
// digits 1–10 weighted 10, 9, …, 1 leave remainder 10 mod 11.
func ulnOracle(n string) bool {
	sum := 0
	for i := range 10 {
		sum += int(n[i]-'0') * (10 - i)
	}
	return n[0] != '0' && sum%11 == 10
}

// prefixes returns 200 deterministic 9-digit prefixes beginning with lead.
func prefixes(lead string) []string {
	var ps []string
	for i := range 200 {
		ps = append(ps, fmt.Sprintf("%s%0*d", lead, 9-len(lead), i*7919%1000000))
	}
	return ps
}

func TestNHSCheckDigit(t *testing.T) {
	invalid := 0
	for _, p := range prefixes("999") {
		d, ok := NHSCheckDigit(p)
		if !ok {
			invalid++
			if _, err := NHSNumber(p + "0"); err == nil || !strings.Contains(err.Error(), "no NHS number starts with") {
				t.Errorf("NHSCheckDigit(%q) not ok, but NHSNumber(%q) = %v", p, p+"0", err)
			}
		} else if got, err := NHSNumber(p + string(d)); err != nil || got != p+string(d) {
			t.Errorf("NHSCheckDigit(%q) = %c, but NHSNumber rejects it: %v", p, d, err)
		}
		// Every possible last digit agrees with the independent oracle.
		for last := '0'; last <= '9'; last++ {
			n := p + string(last)
			_, err := NHSNumber(n)
			if (err == nil) != nhsOracle(n) {
				t.Errorf("NHSNumber(%q) err = %v, oracle says valid = %v", n, err, nhsOracle(n))
			}
			if err == nil && ulnOracle(n) {
				t.Errorf("%q is both a valid NHS number and a valid ULN", n)
			}
		}
	}
	if invalid == 0 {
		t.Error("no prefix hit the check-digit-10 case; the test is not exercising it")
	}
	for _, bad := range []string{"", "99900000", "9990000001", "99900000a", "000000000", "９９９０００００１"} {
		if d, ok := NHSCheckDigit(bad); ok {
			t.Errorf("NHSCheckDigit(%q) = %c, true; want not ok", bad, d)
		}
	}
}

func TestULNCheckDigit(t *testing.T) {
	invalid := 0
	for lead := '1'; lead <= '9'; lead++ {
		for _, p := range prefixes(string(lead))[:25] {
			d, ok := ULNCheckDigit(p)
			if !ok {
				invalid++
			} else if got, err := ULN(p + string(d)); err != nil || got != p+string(d) {
				t.Errorf("ULNCheckDigit(%q) = %c, but ULN rejects it: %v", p, d, err)
			}
			for last := '0'; last <= '9'; last++ {
				n := p + string(last)
				if _, err := ULN(n); (err == nil) != ulnOracle(n) {
					t.Errorf("ULN(%q) err = %v, oracle says valid = %v", n, err, ulnOracle(n))
				}
			}
		}
	}
	if invalid == 0 {
		t.Error("no prefix hit the remainder-0 case; the test is not exercising it")
	}
	for _, bad := range []string{"", "027630868", "92763086", "9276308681", "92763086x", "100000006"} {
		if d, ok := ULNCheckDigit(bad); ok {
			t.Errorf("ULNCheckDigit(%q) = %c, true; want not ok", bad, d)
		}
	}
}

func TestUPNCheckLetter(t *testing.T) {
	for _, c := range []struct {
		last12 string
		want   byte
	}{
		{"801200005001", 'B'}, // stdnum example, worked above
		{"000123426001", 'A'},
		{"00012342600A", 'L'},
		{"00012342600a", 'L'},
		{"00012342600Z", 'X'},
		{"000123426008", 'Z'},
	} {
		got, err := UPNCheckLetter(c.last12)
		if err != nil || got != c.want {
			t.Errorf("UPNCheckLetter(%q) = %q, %v; want %q", c.last12, got, err, c.want)
		}
		if _, err := UPN(string(got) + c.last12); err != nil {
			t.Errorf("UPN rejects generated %c%s: %v", got, c.last12, err)
		}
	}
	for _, c := range []struct{ in, wantErr string }{
		{"00012342600", "must have 12 characters after the check letter, got 11"},
		{"0001234260011", "got 13"},
		{"00012342600O", "cannot use the letters I, O or S"},
		{"0001234260A1", "characters 2 to 12 must be digits (found 'A' at character 12)"},
		{"00012342600!", "must end with a digit or a letter"},
	} {
		_, err := UPNCheckLetter(c.in)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "UPN" || !strings.Contains(fe.Message, c.wantErr) {
			t.Errorf("UPNCheckLetter(%q) err = %v; want UPN error containing %q", c.in, err, c.wantErr)
		}
	}
}

func FuzzNHSNumber(f *testing.F) {
	for _, s := range []string{"9434765919", "943 476 5919", "9990000000", "0000000000", "", "９", "\xff", " 9 9 9 0 0 0 0 0 1 8 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NHSNumber(s)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != "NHS number" || fe.Message == "" {
				t.Fatalf("NHSNumber(%q) error %v is not a proper FieldError", s, err)
			}
			return
		}
		if again, err := NHSNumber(got); err != nil || again != got {
			t.Fatalf("NHSNumber(%q) = %q, which re-validates to %q, %v", s, got, again, err)
		}
		if d, ok := NHSCheckDigit(got[:9]); !ok || d != got[9] || !nhsOracle(got) {
			t.Fatalf("NHSNumber accepted %q but the generator or oracle disagrees", got)
		}
	})
}

func FuzzUPN(f *testing.F) {
	for _, s := range []string{"B801200005001", "x00180001701a", "I000123426001", "", "ı000123426001", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := UPN(s)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != "UPN" || fe.Message == "" {
				t.Fatalf("UPN(%q) error %v is not a proper FieldError", s, err)
			}
			return
		}
		if again, err := UPN(got); err != nil || again != got {
			t.Fatalf("UPN(%q) = %q, which re-validates to %q, %v", s, got, again, err)
		}
		if len(got) != 13 || strings.ContainsAny(got, "IOSabcdefghijklmnopqrstuvwxyz") {
			t.Fatalf("UPN(%q) = %q is not 13 upper-case characters without I, O, S", s, got)
		}
		if l, err := UPNCheckLetter(got[1:]); err != nil || l != got[0] {
			t.Fatalf("UPN accepted %q but UPNCheckLetter gives %q, %v", got, l, err)
		}
	})
}
