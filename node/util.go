package node

import (
	"math"
	"strconv"
	"strings"
	"unsafe"

	"opdis/wire"
)

// str views b as a string without copying. Command arguments are copied
// out of the input buffer once when parsed and never mutated afterwards, so
// keys and members may keep these strings. Never call str on a buffer that
// will be modified.
func str(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// parseInt parses an integer argument as Redis's getLongLongFromObject.
func parseInt(b []byte) (int64, bool) { return wire.ParseInt(b) }

// parseFloat parses a float argument as Redis's string2ld/strtod checks:
// no leading space, the whole string consumed, not NaN. "inf", "+inf" and
// "-inf" are accepted (case-insensitive).
func parseFloat(b []byte) (float64, bool) {
	if len(b) == 0 || isSpaceByte(b[0]) || isSpaceByte(b[len(b)-1]) {
		return 0, false
	}
	s := str(b)
	switch strings.ToLower(s) {
	case "inf", "+inf", "infinity", "+infinity":
		return math.Inf(1), true
	case "-inf", "-infinity":
		return math.Inf(-1), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		// strtod accepts overflow as ±HUGE_VAL with ERANGE, which Redis rejects.
		return 0, false
	}
	if math.IsNaN(f) {
		return 0, false
	}
	// strconv accepts forms strtod does not, and vice versa; reject the
	// Go-only ones (underscores, hex floats with p exponent are fine in C).
	if strings.ContainsRune(s, '_') {
		return 0, false
	}
	return f, true
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
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

// eq reports whether arg equals the lower-case word, ignoring case.
func eq(arg []byte, word string) bool {
	if len(arg) != len(word) {
		return false
	}
	for i := 0; i < len(arg); i++ {
		if lower(arg[i]) != word[i] {
			return false
		}
	}
	return true
}
