package node

import (
	"unsafe"
)

// str views b as a string without copying. Command arguments are copied
// out of the input buffer once when parsed and never mutated afterwards, so
// lookups may use these strings; the tables copy a key they store
// (dict.Set). Never call str on a buffer that will be modified.
func str(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// A command's arguments share one allocation, and a value stored as is
// keeps all of it alive. For a command that stores one value that is only
// its own few other bytes (SET key value); a command that stores several
// (MSET, HSET with several fields, RPUSH a b c) copies each, or every
// value left would keep all the others' bytes for as long as it lives.

// ownIf returns v, or a copy of it when copying is true.
func ownIf(copying bool, v []byte) []byte {
	if !copying {
		return v
	}
	c := make([]byte, len(v))
	copy(c, v)
	return c
}

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
