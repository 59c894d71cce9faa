package node

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"opdis/wire"
)

// Redis's number parsing and formatting, one implementation of each, as
// Redis 7.0.15 on x86-64 glibc behaves:
//
//   - string2ll (getLongLongFromObject): parseInt, and with the range
//     checks of getRangeLongFromObjectOrReply: parseRangeLong, parsePositiveLong;
//     the long long overflow check of INCRBY/HINCRBY: addOverflows
//   - strtoul (parseScanCursorOrReply): parseScanCursor
//   - strtod (zslParseRange) and string2d (getDoubleFromObject): strtod, parseFloat
//   - %.17g (addReplyDouble) and d2string: FormatFloat, d2string
//   - string2ld / strtold into an x87 80-bit long double, long double
//     addition and ld2string(LD_STR_HUMAN) "%.17Lf": parseLongDouble,
//     longDouble.add, longDouble.human
//   - getTimeoutFromObjectOrReply (UNIT_SECONDS): parseTimeout

// ---------------------------------------------------------------------------
// Integers

// parseInt parses an integer argument as Redis's string2ll
// (getLongLongFromObject): the whole string, no spaces, no leading zeros.
func parseInt(b []byte) (int64, bool) { return wire.ParseInt(b) }

// addOverflows reports whether value+incr overflows a long long, the check
// of INCRBY and HINCRBY before they add.
func addOverflows(value, incr int64) bool {
	return (incr < 0 && value < 0 && incr < math.MinInt64-value) ||
		(incr > 0 && value > 0 && incr > math.MaxInt64-value)
}

// parseRangeLong is getRangeLongFromObjectOrReply: a long (string2ll)
// within [min, max]. msg, when not empty, is the error for both a
// non-integer and a value out of range; otherwise they are Redis's
// "value is not an integer or out of range" and "value is out of range,
// value must between min and max". It replies the error itself.
func parseRangeLong(c *Client, arg []byte, min, max int64, msg string) (int64, bool) {
	v, ok := parseInt(arg)
	switch {
	case !ok && msg == "":
		c.addError(errNotInt)
	case ok && (v < min || v > max) && msg == "":
		c.addError("ERR value is out of range, value must between " +
			strconv.FormatInt(min, 10) + " and " + strconv.FormatInt(max, 10))
	case !ok || v < min || v > max:
		c.addError(msg)
	default:
		return v, true
	}
	return 0, false
}

// parsePositiveLong is getPositiveLongFromObjectOrReply with Redis's
// default message: a long in [0, LONG_MAX].
func parsePositiveLong(c *Client, arg []byte) (int64, bool) {
	return parseRangeLong(c, arg, 0, math.MaxInt64, "ERR value is out of range, must be positive")
}

// parseScanCursor is parseScanCursorOrReply: strtoul base 10 on the
// argument up to a NUL, no leading space, nothing left over, no overflow.
// A sign is allowed and a negative value wraps; the empty string is 0.
func parseScanCursor(b []byte) (uint64, bool) {
	b = cString(b)
	if len(b) == 0 {
		return 0, true // nothing converted, end pointer at the NUL
	}
	if isSpaceByte(b[0]) {
		return 0, false
	}
	neg := false
	if b[0] == '+' || b[0] == '-' {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	for _, ch := range b {
		if !isDigit(ch) {
			return 0, false
		}
		d := uint64(ch - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false // ERANGE
		}
		v = v*10 + d
	}
	if neg {
		v = -v
	}
	return v, true
}

// ---------------------------------------------------------------------------
// Doubles

// cFloat is what glibc's strtod and strtold read at the start of a
// string: optional white space and sign, then "inf", "infinity", "nan",
// "nan(chars)" (any case), or a decimal or "0x" hexadecimal mantissa with
// an optional point and an optional exponent (e or p, a decimal power of
// 10 or of 2).
type cFloat struct {
	n      int    // bytes consumed; 0 when nothing could be converted
	neg    bool   // a '-' sign
	kind   byte   // 'f' finite, 'i' infinite, 'n' NaN
	hex    bool   // a "0x" mantissa: the value is digits * 2^exp
	digits string // the mantissa digits without the point: value digits * 10^exp
	exp    int64  // the exponent, the digits after the point taken off
}

// scanCFloat scans b as strtod/strtold do (callers cut b at a NUL first
// when C would).
func scanCFloat(b []byte) cFloat {
	f := cFloat{kind: 'f'}
	i := 0
	for i < len(b) && isSpaceByte(b[i]) {
		i++
	}
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		f.neg = b[i] == '-'
		i++
	}
	rest := b[i:]
	switch {
	case hasPrefixFold(rest, "infinity"):
		f.kind, f.n = 'i', i+8
		return f
	case hasPrefixFold(rest, "inf"):
		f.kind, f.n = 'i', i+3
		return f
	case hasPrefixFold(rest, "nan"):
		m := 3
		if m < len(rest) && rest[m] == '(' {
			k := m + 1
			for k < len(rest) && (isAlnum(rest[k]) || rest[k] == '_') {
				k++
			}
			if k < len(rest) && rest[k] == ')' {
				m = k + 1
			}
		}
		f.kind, f.n = 'n', i+m
		return f
	}
	isDig, expLetter, j := isDigit, byte('e'), 0
	if len(rest) >= 2 && rest[0] == '0' && rest[1]|0x20 == 'x' {
		f.hex, isDig, expLetter, j = true, isHexDigit, 'p', 2
	}
	start := j
	for j < len(rest) && isDig(rest[j]) {
		j++
	}
	intEnd, point := j, 0
	if j < len(rest) && rest[j] == '.' {
		k := j + 1
		for k < len(rest) && isDig(rest[k]) {
			k++
		}
		if intEnd > start || k > j+1 { // "5." and ".5", not "."
			j, point = k, k-(j+1)
		}
	}
	if j == start {
		if f.hex { // "0x" without digits: just the "0"
			f.hex, f.digits, f.n = false, "0", i+1
		}
		return f
	}
	f.digits = string(rest[start:intEnd])
	if point > 0 {
		f.digits += string(rest[intEnd+1 : j])
	}
	if j < len(rest) && rest[j]|0x20 == expLetter {
		k := j + 1
		eneg := k < len(rest) && rest[k] == '-'
		if k < len(rest) && (rest[k] == '+' || rest[k] == '-') {
			k++
		}
		if k < len(rest) && isDigit(rest[k]) { // else the letter is not part of the number
			for ; k < len(rest) && isDigit(rest[k]); k++ {
				if f.exp < 1e12 {
					f.exp = f.exp*10 + int64(rest[k]-'0')
				}
			}
			if eneg {
				f.exp = -f.exp
			}
			j = k
		}
	}
	if f.hex {
		f.exp -= 4 * int64(point)
	} else {
		f.exp -= int64(point)
	}
	f.n = i + j
	return f
}

// strtod emulates glibc strtod on b (callers cut b at a NUL first when C
// would). It returns the value, how many bytes were consumed (0 when no
// conversion could be done) and whether the result overflowed to ±Inf or
// underflowed to zero (ERANGE).
func strtod(b []byte) (v float64, n int, erange bool) {
	f := scanCFloat(b)
	switch {
	case f.kind == 'n':
		return math.NaN(), f.n, false
	case f.kind == 'i':
		v = math.Inf(1)
	case f.n > 0:
		s := f.digits + "e" + strconv.FormatInt(f.exp, 10)
		if f.hex {
			s = "0x" + f.digits + "p" + strconv.FormatInt(f.exp, 10)
		}
		var err error
		v, err = strconv.ParseFloat(s, 64)
		erange = err != nil || (v == 0 && strings.Trim(f.digits, "0") != "")
	}
	if f.neg && f.n > 0 {
		v = -v
	}
	return v, f.n, erange
}

// parseFloat parses a double argument as Redis's string2d
// (getDoubleFromObject): strtod must consume the whole argument (a NUL
// stops it, so fails), with no leading space, no NaN, and no overflow or
// underflow to zero. "inf", "-infinity", hex floats ("0x10", "0x1p-3") and
// subnormals are accepted.
func parseFloat(b []byte) (float64, bool) {
	if len(b) == 0 || isSpaceByte(b[0]) {
		return 0, false
	}
	v, n, erange := strtod(b)
	if n != len(b) || erange || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// FormatFloat formats a double as Redis 7.0's addReplyDouble: %.17g, and
// "inf"/"-inf".
func FormatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', 17, 64)
}

// d2string is Redis 7.0's d2string, the form a listpack stores a zset
// score in (ZSCAN of a listpack replies it): integers print as integers.
func d2string(f float64) string {
	if f == 0 {
		if math.Signbit(f) {
			return "-0"
		}
		return "0"
	}
	const lim = float64(math.MaxInt64 / 2)
	if !math.IsInf(f, 0) && f >= -lim && f <= lim && f == math.Trunc(f) {
		return strconv.FormatInt(int64(f), 10)
	}
	return FormatFloat(f)
}

// ---------------------------------------------------------------------------
// Long doubles

// longDouble is a C long double as Redis computes INCRBYFLOAT,
// HINCRBYFLOAT and blocking timeouts in it: on x86-64 the x87 80-bit
// extended format, a 64-bit mantissa and a 15-bit exponent, emulated
// exactly with math/big (round to nearest even, subnormals below 2^-16382).
// f may be ±Inf.
type longDouble struct{ f *big.Float }

const (
	ldPrec = 64
	// A finite long double has |x| < 2^16384: big.Float exponent ≤ 16384.
	ldMaxExp = 16384
	// The smallest subnormal is 2^-16445 (big.Float exponent -16444).
	ldMinSubExp = -16444
	// string2ld refuses strings this long (MAX_LONG_DOUBLE_CHARS).
	ldMaxChars = 5 * 1024
)

func ldNew() *big.Float {
	return new(big.Float).SetPrec(ldPrec).SetMode(big.ToNearestEven)
}

// ldZero is the long double 0.
func ldZero() longDouble { return longDouble{ldNew()} }

// isInf reports whether x is ±inf.
func (x longDouble) isInf() bool { return x.f.IsInf() }

// parseLongDouble is Redis's string2ld: glibc strtold over the whole
// string (no leading space, nothing left over: a NUL fails), refusing NaN
// and out-of-range results (overflow, underflow to zero; a subnormal is
// fine). ±inf and hex floats are accepted.
func parseLongDouble(b []byte) (longDouble, bool) {
	if len(b) == 0 || len(b) >= ldMaxChars || isSpaceByte(b[0]) {
		return longDouble{}, false
	}
	sc := scanCFloat(b)
	if sc.n != len(b) || sc.kind == 'n' {
		return longDouble{}, false
	}
	f := ldNew()
	if sc.kind == 'i' {
		f.SetInf(sc.neg)
		return longDouble{f}, true
	}
	// The value is mant * 10^exp, or mant * 2^exp for a hex float.
	ds := strings.TrimLeft(sc.digits, "0")
	if ds == "" {
		if sc.neg {
			f.Neg(f)
		}
		return longDouble{f}, true
	}
	hex, exp, digits := sc.hex, sc.exp, len(ds) // significant digits, for range screening
	base := 10
	if hex {
		base = 16
	}
	mant, _ := new(big.Int).SetString(ds, base)
	// Cheap range screening before exact arithmetic, so "1e999999999"
	// costs nothing (overflow gives HUGE_VAL and underflow zero, both with
	// ERANGE, which string2ld refuses); ldRound does the exact check.
	if hex {
		mag := int64(4*digits) + exp // value < 2^mag, ≥ 2^(mag-4)
		if mag > ldMaxExp+8 || mag < ldMinSubExp-8 {
			return longDouble{}, false
		}
	} else {
		mag := int64(digits) + exp // value < 10^mag, ≥ 10^(mag-1)
		if mag > 4934 || mag < -4953 {
			return longDouble{}, false
		}
	}
	// The exact value as a fraction num/den, then rounded once.
	num := mant
	den := big.NewInt(1)
	switch {
	case hex && exp > 0:
		num.Lsh(num, uint(exp))
	case hex && exp < 0:
		den.Lsh(den, uint(-exp))
	case exp > 0:
		num.Mul(num, new(big.Int).Exp(big.NewInt(10), big.NewInt(exp), nil))
	case exp < 0:
		den.Exp(big.NewInt(10), big.NewInt(-exp), nil)
	}
	if !ldRound(f, num, den) {
		return longDouble{}, false
	}
	if sc.neg {
		f.Neg(f)
	}
	return longDouble{f}, true
}

// ldRound sets f to num/den (both positive) rounded to a long double, as
// strtold: it reports false on overflow and on underflow to zero (ERANGE).
// Below 2^-16382 the value is rounded to a multiple of the smallest
// subnormal, 2^-16445.
func ldRound(f *big.Float, num, den *big.Int) bool {
	// num/den ≥ 2^(bitlen(num)-bitlen(den)-1): only tiny values need the
	// exact comparison with 2^-16382.
	if num.BitLen()-den.BitLen() < -16380 && new(big.Int).Lsh(num, 16382).Cmp(den) < 0 {
		// Subnormal: k = round-half-even(num * 2^16445 / den).
		q, r := new(big.Int).QuoRem(new(big.Int).Lsh(num, 16445), den, new(big.Int))
		switch r.Lsh(r, 1).Cmp(den) {
		case 1:
			q.Add(q, big.NewInt(1))
		case 0:
			if q.Bit(0) == 1 {
				q.Add(q, big.NewInt(1))
			}
		}
		if q.Sign() == 0 {
			return false
		}
		f.SetInt(q)
		f.SetMantExp(f, -16445)
		return true
	}
	f.SetRat(new(big.Rat).SetFrac(num, den))
	return f.MantExp(nil) <= ldMaxExp
}

// add returns x+y rounded to a long double; ok is false when the result
// is NaN or ±inf (an infinite operand included), which INCRBYFLOAT and
// HINCRBYFLOAT refuse.
func (x longDouble) add(y longDouble) (longDouble, bool) {
	if x.f.IsInf() || y.f.IsInf() {
		return longDouble{}, false
	}
	sum := ldNew().Add(x.f, y.f)
	if sum.Sign() != 0 && sum.MantExp(nil) > ldMaxExp {
		return longDouble{}, false
	}
	return longDouble{sum}, true
}

// human is ld2string(LD_STR_HUMAN): "%.17Lf" with trailing zeros (and a
// trailing '.') removed, "-0" written "0", and "inf"/"-inf".
func (x longDouble) human() string {
	if x.f.IsInf() {
		if x.f.Sign() > 0 {
			return "inf"
		}
		return "-inf"
	}
	s := x.f.Text('f', 17)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// ---------------------------------------------------------------------------
// Timeouts

// timeoutMillis is the UNIT_SECONDS conversion of Redis 7.0.15's
// getTimeoutFromObjectOrReply: (long long)ceill(string2ld(arg) * 1000.0),
// the product rounded to a long double. A value out of the long long
// range, ±inf included, becomes LLONG_MIN (the x87 "integer indefinite"),
// which the caller reports as negative. Like Redis, -0.0001 gives 0 (wait
// forever) and 0.0001 gives 1 ms. ok is false when string2ld refuses arg.
func timeoutMillis(arg []byte) (int64, bool) {
	x, ok := parseLongDouble(arg)
	if !ok {
		return 0, false
	}
	if x.isInf() {
		return math.MinInt64, true
	}
	p := ldNew().Mul(x.f, ldNew().SetInt64(1000))
	i, acc := p.Int(nil) // truncates toward zero
	if acc == big.Below {
		i.Add(i, big.NewInt(1)) // ceil of a positive fraction
	}
	if !i.IsInt64() {
		return math.MinInt64, true
	}
	return i.Int64(), true
}

// parseTimeout is getTimeoutFromObjectOrReply with UNIT_SECONDS (the
// timeout of BLPOP, BZPOPMIN...): it replies the error itself and returns
// the wait, 0 meaning forever.
func parseTimeout(c *Client, arg []byte) (time.Duration, bool) {
	ms, ok := timeoutMillis(arg)
	if !ok {
		c.addError(errTimeout)
		return 0, false
	}
	if ms < 0 {
		c.addError(errNegTimeout)
		return 0, false
	}
	// A timeout beyond a century is forever in practice (and would
	// overflow a Duration or a deadline).
	if ms > int64(100*365*24*time.Hour/time.Millisecond) {
		return 0, true
	}
	return time.Duration(ms) * time.Millisecond, true
}

// ---------------------------------------------------------------------------
// C character classes (the C locale)

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isHexDigit(c byte) bool { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }
func isAlnum(c byte) bool    { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z') }

// hasPrefixFold reports whether b starts with the lower-case word,
// ignoring case.
func hasPrefixFold(b []byte, word string) bool {
	return len(b) >= len(word) && eq(b[:len(word)], word)
}
