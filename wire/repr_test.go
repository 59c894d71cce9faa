package wire

import "testing"

func TestRepr(t *testing.T) {
	for in, want := range map[string]string{
		"abc": `"abc"`, "": `""`, "a b": `"a b"`, "q\"\\": `"q\"\\"`, "\n\r\t\a\b": `"\n\r\t\a\b"`, "\x00\xff": `"\x00\xff"`,
	} {
		if got := Repr(in); got != want {
			t.Errorf("Repr(%q) = %s, want %s", in, got, want)
		}
	}
}
