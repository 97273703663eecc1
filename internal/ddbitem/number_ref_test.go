package ddbitem

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The original number parser, CanonicalNumber and NumberSize, kept verbatim (renamed) as the
// reference the optimised ones must match on every input, errors and messages included.

type refNumber struct {
	negative bool
	digits   string // significant digits, no leading or trailing zeros; "" for zero
	exp      int    // value = digits × 10^exp
}

func refParseNumber(s string) (refNumber, error) {
	var p refNumber
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		p.negative = s[i] == '-'
		i++
	}
	var digits strings.Builder
	intStart := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		digits.WriteByte(s[i])
		i++
	}
	intDigits := i - intStart
	fracDigits := 0
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			digits.WriteByte(s[i])
			i++
			fracDigits++
		}
	}
	if intDigits+fracDigits == 0 {
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
		e, err := strconv.Atoi(s[start:])
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return p, errSyntax
		}
		exp = max(-1_000_000, min(e, 1_000_000))
		i = len(s)
	}
	if i != len(s) {
		return p, errSyntax
	}
	d := strings.TrimLeft(digits.String(), "0")
	exp -= fracDigits
	trimmed := strings.TrimRight(d, "0")
	exp += len(d) - len(trimmed)
	p.digits = trimmed
	p.exp = exp
	if p.digits == "" {
		p.negative = false
		p.exp = 0
	}
	return p, nil
}

func refCanonicalNumber(s string) (string, error) {
	if s == "" {
		return "", &NumberError{Text: s, Reason: "empty"}
	}
	switch strings.ToLower(strings.TrimLeft(s, "+-")) {
	case "nan", "inf", "infinity":
		return "", &NumberError{Text: s, Reason: "NaN and Infinity are not numbers in DynamoDB"}
	}
	p, err := refParseNumber(s)
	if err != nil {
		return "", &NumberError{Text: s, Reason: "expected decimal digits with an optional sign, fraction and exponent"}
	}
	if len(p.digits) > MaxNumberDigits {
		return "", &NumberError{Text: s, Reason: fmt.Sprintf("it has %d significant digits; DynamoDB allows at most %d", len(p.digits), MaxNumberDigits)}
	}
	if p.digits == "" {
		return "0", nil
	}
	if top := p.exp + len(p.digits) - 1; top > maxExponent {
		return "", &NumberError{Text: s, Reason: "its magnitude exceeds DynamoDB's maximum of 9.9999999999999999999999999999999999999E+125"}
	}
	if p.exp < minExponent {
		return "", &NumberError{Text: s, Reason: "its magnitude is below DynamoDB's minimum of 1E-130"}
	}
	var b strings.Builder
	if p.negative {
		b.WriteByte('-')
	}
	switch {
	case p.exp >= 0:
		b.WriteString(p.digits)
		b.WriteString(strings.Repeat("0", p.exp))
	case -p.exp < len(p.digits):
		cut := len(p.digits) + p.exp
		b.WriteString(p.digits[:cut])
		b.WriteByte('.')
		b.WriteString(p.digits[cut:])
	default:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -p.exp-len(p.digits)))
		b.WriteString(p.digits)
	}
	return b.String(), nil
}

func refNumberSize(s string) int {
	p, err := refParseNumber(s)
	if err != nil {
		return len(s)
	}
	if p.digits == "" {
		return 2 // zero
	}
	top := p.exp + len(p.digits) - 1
	n := floorDiv2(top) - floorDiv2(p.exp) + 1 + 1
	if p.negative {
		n++
	}
	return n
}
