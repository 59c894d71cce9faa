package model

import (
	"strings"
	"testing"

	"opdis/wire"
)

// FuzzParseInt checks the model's INCR parsing against wire.ParseInt,
// which the node uses (both claim to be Redis's string2ll).
func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"0", "-0", "01", "+1", "-9223372036854775808", "9223372036854775808", " 1", "", "-", "12a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, okA := parseInt(s)
		b, okB := wire.ParseInt([]byte(s))
		if okA != okB || a != b {
			t.Fatalf("%q: model (%d, %v), wire (%d, %v)", s, a, okA, b, okB)
		}
	})
}

// FuzzGroup checks Group against the hash-tag rule restated: the group
// is the whole key, or the non-empty text between the first '{' and the
// first '}' after it.
func FuzzGroup(f *testing.F) {
	for _, s := range []string{"{a}b", "a{b}c", "{}x", "x{", "}{a}", "{{a}}", "a{b{c}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		g := Group(key)
		open := strings.Index(key, "{")
		if g == key && (open < 0 || !strings.Contains(key[open:], "}") || strings.HasPrefix(key[open:], "{}")) {
			return // no usable tag
		}
		if open < 0 || !strings.HasPrefix(key[open+1:], g+"}") || g == "" || strings.Contains(g, "}") {
			t.Fatalf("Group(%q) = %q", key, g)
		}
	})
}
