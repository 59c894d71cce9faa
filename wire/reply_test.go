package wire

import (
	"testing"
)

func TestParseReply(t *testing.T) {
	var b []byte
	b = AppendOK(b)
	b = AppendError(b, "ERR x\ny")
	b = AppendInt(b, -42)
	b = AppendBulkString(b, "hello")
	b = AppendNull(b)
	b = AppendNullArray(b)
	b = AppendArray(b, 2)
	b = AppendBulk(b, []byte{})
	b = AppendSimple(b, "QUEUED")
	want := []string{`"OK"`, "(error) ERR x y", "(integer) -42", `"hello"`, "(nil)", "(nil)", `["", "QUEUED"]`}
	for i, w := range want {
		v, n, err := ParseReply(b)
		if err != nil || n == 0 {
			t.Fatalf("reply %d: n=%d err=%v", i, n, err)
		}
		if v.String() != w {
			t.Errorf("reply %d = %s, want %s", i, v, w)
		}
		b = b[n:]
	}
	if len(b) != 0 {
		t.Fatalf("left over %q", b)
	}
	for _, partial := range []string{"$5\r\nhel", "*2\r\n:1\r\n", "+OK"} {
		if _, n, err := ParseReply([]byte(partial)); n != 0 || err != nil {
			t.Errorf("%q: n=%d err=%v, want incomplete", partial, n, err)
		}
	}
	for _, bad := range []string{"!x\r\n", ":abc\r\n", "$-2\r\n", "*x\r\n"} {
		if _, _, err := ParseReply([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func FuzzParseReply(f *testing.F) {
	f.Add([]byte("*2\r\n$1\r\na\r\n:5\r\n"))
	f.Add([]byte("-ERR x\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, n, err := ParseReply(data)
		if n < 0 || n > len(data) || (err != nil && n != 0) {
			t.Fatalf("n=%d err=%v", n, err)
		}
		_ = v.String()
	})
}

func TestParseInt(t *testing.T) {
	good := map[string]int64{"0": 0, "-1": -1, "9223372036854775807": 1<<63 - 1, "-9223372036854775808": -1 << 63, "12": 12}
	for s, w := range good {
		if v, ok := ParseInt([]byte(s)); !ok || v != w {
			t.Errorf("ParseInt(%q) = %d,%v", s, v, ok)
		}
	}
	for _, s := range []string{"", "-", "+1", "01", "-0", " 1", "1 ", "9223372036854775808", "-9223372036854775809", "1a", "99999999999999999999"} {
		if _, ok := ParseInt([]byte(s)); ok {
			t.Errorf("ParseInt(%q) accepted", s)
		}
	}
}
