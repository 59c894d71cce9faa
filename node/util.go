package node

import (
	"unsafe"
)

// str views b as a string without copying. Command arguments are copied
// out of the input buffer once when parsed and never mutated afterwards, so
// keys and members may keep these strings. Never call str on a buffer that
// will be modified.
func str(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// cString returns b up to its first NUL: the argument as C code that
// treats an sds as a C string (strcasecmp, strtoul, strtod, %s) sees it.
func cString(b []byte) []byte {
	for i, ch := range b {
		if ch == 0 {
			return b[:i]
		}
	}
	return b
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

// optEqC matches an option the way Redis's strcasecmp does: the argument
// is compared up to its first NUL byte.
func optEqC(arg []byte, word string) bool { return eq(cString(arg), word) }
