package ddbitem

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// NumberError says why a text is not a valid DynamoDB number.
type NumberError struct {
	Text   string
	Reason string
}

func (e *NumberError) Error() string {
	return fmt.Sprintf("%q is not a valid DynamoDB number: %s", truncate(e.Text, 60), e.Reason)
}

// DynamoDB's number range: magnitudes from 1E-130 to 9.99...E+125.
const (
	minExponent = -130 // smallest power of ten of the last significant digit
	maxExponent = 125  // largest power of ten of the first significant digit
)

type number struct {
	negative bool
	// The significant digits are hi+lo, with no leading or trailing zeros ("" "" for zero):
	// hi from the integer part, lo from the fraction, both substrings of the text, so parsing
	// copies nothing.
	hi, lo string
	exp    int // value = digits × 10^exp
}

func (p *number) len() int { return len(p.hi) + len(p.lo) }

// appendDigits appends digits[i:j] of hi+lo.
func (p *number) appendDigits(dst []byte, i, j int) []byte {
	h := len(p.hi)
	if i < h {
		dst = append(dst, p.hi[i:min(j, h)]...)
	}
	if j > h {
		dst = append(dst, p.lo[max(i, h)-h:j-h]...)
	}
	return dst
}

var errSyntax = errors.New("syntax")

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseNumber reads decimal text: an optional sign, digits with an optional fraction, and an
// optional exponent. No NaN, no Infinity, no hex, no underscores, no surrounding spaces.
func parseNumber(s string) (number, error) {
	var p number
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		p.negative = s[i] == '-'
		i++
	}
	intStart := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intPart := s[intStart:i]
	frac := ""
	if i < len(s) && s[i] == '.' {
		i++
		start := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		frac = s[start:i]
	}
	if len(intPart)+len(frac) == 0 {
		return p, errSyntax
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		start := i
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		if i == len(s) {
			return p, errSyntax
		}
		// Atoi, not a digit loop: it stops at an overflow, so "1e99999999999999999999x" is out of
		// range rather than a syntax error, and the error messages stay as they were.
		e, err := strconv.Atoi(s[start:])
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return p, errSyntax
		}
		// Far outside DynamoDB's range either way; clamping keeps the arithmetic safe.
		exp = max(-1_000_000, min(e, 1_000_000))
		i = len(s)
	}
	if i != len(s) {
		return p, errSyntax
	}
	// Leading zeros of intPart+frac, then trailing ones; each may run into the other part.
	p.hi, p.lo = strings.TrimLeft(intPart, "0"), frac
	if p.hi == "" {
		p.lo = strings.TrimLeft(frac, "0")
	}
	n := p.len()
	if p.lo = strings.TrimRight(p.lo, "0"); p.lo == "" {
		p.hi = strings.TrimRight(p.hi, "0")
	}
	p.exp = exp - len(frac) + n - p.len()
	if p.len() == 0 {
		p.negative = false
		p.exp = 0
	}
	return p, nil
}

// maxCanonicalLen bounds CanonicalNumber's output: "-0." and 130 fraction digits.
const maxCanonicalLen = 3 - minExponent

// CanonicalNumber validates a DynamoDB number and returns its canonical decimal text: no
// exponent, no leading or trailing zeros, no "+", "-0" as "0". Two texts DynamoDB stores as the
// same number ("1.50", "15E-1") have the same canonical text, which makes it usable for key
// comparison and content digests. The value is never converted to a float. Text that is
// already canonical is returned as it is, without allocating.
func CanonicalNumber(s string) (string, error) {
	if isCanonical(s) {
		return s, nil
	}
	if s == "" {
		return "", &NumberError{Text: s, Reason: "empty"}
	}
	// Only text not starting with a digit or '.' can spell NaN or Infinity: numbers skip the
	// (allocating) ToLower.
	if t := strings.TrimLeft(s, "+-"); t != "" && !isDigit(t[0]) && t[0] != '.' {
		switch strings.ToLower(t) {
		case "nan", "inf", "infinity":
			return "", &NumberError{Text: s, Reason: "NaN and Infinity are not numbers in DynamoDB"}
		}
	}
	p, err := parseNumber(s)
	if err != nil {
		return "", &NumberError{Text: s, Reason: "expected decimal digits with an optional sign, fraction and exponent"}
	}
	n := p.len()
	if n > MaxNumberDigits {
		return "", &NumberError{Text: s, Reason: fmt.Sprintf("it has %d significant digits; DynamoDB allows at most %d", n, MaxNumberDigits)}
	}
	if n == 0 {
		return "0", nil
	}
	// digits × 10^exp: the first digit's power is exp+len-1, the last digit's is exp.
	if top := p.exp + n - 1; top > maxExponent {
		return "", &NumberError{Text: s, Reason: "its magnitude exceeds DynamoDB's maximum of 9.9999999999999999999999999999999999999E+125"}
	}
	if p.exp < minExponent {
		return "", &NumberError{Text: s, Reason: "its magnitude is below DynamoDB's minimum of 1E-130"}
	}
	b := make([]byte, 0, maxCanonicalLen)
	if p.negative {
		b = append(b, '-')
	}
	switch {
	case p.exp >= 0:
		b = p.appendDigits(b, 0, n)
		b = appendZeros(b, p.exp)
	case -p.exp < n:
		cut := n + p.exp
		b = p.appendDigits(b, 0, cut)
		b = append(b, '.')
		b = p.appendDigits(b, cut, n)
	default:
		b = append(b, "0."...)
		b = appendZeros(b, -p.exp-n)
		b = p.appendDigits(b, 0, n)
	}
	return string(b), nil
}

// isCanonical reports whether s is a valid number in canonical text already: an optional '-',
// "0" or digits not starting with '0', and optionally '.' and digits not ending with '0';
// not "-0"; at most 38 significant digits; in DynamoDB's range.
func isCanonical(s string) bool {
	i := 0
	if s != "" && s[0] == '-' {
		i = 1
	}
	intStart := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intLen := i - intStart
	if intLen == 0 || intLen > 1 && s[intStart] == '0' || intLen > maxExponent+1 {
		return false
	}
	zeroInt := s[intStart] == '0'
	if i == len(s) { // an integer: its trailing zeros are not significant
		if zeroInt {
			return intStart == 0 // "0", not "-0"
		}
		return len(strings.TrimRight(s[intStart:], "0")) <= MaxNumberDigits
	}
	if s[i] != '.' {
		return false
	}
	fracStart := i + 1
	for i = fracStart; i < len(s) && isDigit(s[i]); i++ {
	}
	fracLen := i - fracStart
	if i != len(s) || fracLen == 0 || s[i-1] == '0' || fracLen > -minExponent {
		return false
	}
	if zeroInt { // "0.00ddd": the zeros after the point are not significant
		return len(strings.TrimLeft(s[fracStart:], "0")) <= MaxNumberDigits
	}
	return intLen+fracLen <= MaxNumberDigits
}

func appendZeros(b []byte, n int) []byte {
	for range n {
		b = append(b, '0')
	}
	return b
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
