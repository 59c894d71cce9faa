package wire

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestParseCommand(t *testing.T) {
	cases := []struct {
		in   string
		args []string // nil: no command
		n    int      // bytes consumed; -1 means all
		err  string
	}{
		{in: "*1\r\n$4\r\nPING\r\n", args: []string{"PING"}, n: -1},
		{in: "*2\r\n$3\r\nGET\r\n$0\r\n\r\n", args: []string{"GET", ""}, n: -1},
		{in: "*2\r\n$3\r\nGET\r\n$1\r\n", n: 0},
		{in: "*2\r\n$3\r\nGET", n: 0},
		{in: "*2\r", n: 0},
		{in: "*x\r\n", err: "Protocol error: invalid multibulk length"},
		{in: "*3000000000\r\n", err: "Protocol error: invalid multibulk length"},
		{in: "*1\r\n+PING\r\n", err: "Protocol error: expected '$', got '+'"},
		{in: "*1\r\n$-1\r\n", err: "Protocol error: invalid bulk length"},
		{in: "*1\r\n$+4\r\nPING\r\n", err: "Protocol error: invalid bulk length"},
		{in: "*1\r\n$600000000\r\n", err: "Protocol error: invalid bulk length"},
		{in: "*0\r\nPING\r\n", n: 4},
		{in: "*-5\r\nPING\r\n", n: 5},
		{in: "\r\n", n: 2},
		{in: "PING\r\n", args: []string{"PING"}, n: -1},
		{in: "PING\n", args: []string{"PING"}, n: -1},
		{in: "set a \"b c\"\r\n", args: []string{"set", "a", "b c"}, n: -1},
		{in: "set a 'b\\'c'\r\n", args: []string{"set", "a", "b'c"}, n: -1},
		{in: "set a \"\\x41\\n\"\r\n", args: []string{"set", "a", "A\n"}, n: -1},
		{in: "SET a \"b\r\n", err: "Protocol error: unbalanced quotes in request"},
		{in: "set a \"b\"c\r\n", err: "Protocol error: unbalanced quotes in request"},
		{in: "PING", n: 0},
		{in: strings.Repeat("a", MaxInlineSize+1), err: "Protocol error: too big inline request"},
		{in: "*1\r\n$" + strings.Repeat("1", MaxInlineSize+1), err: "Protocol error: too big bulk count string"},
		{in: "*" + strings.Repeat("1", MaxInlineSize+1), err: "Protocol error: too big mbulk count string"},
	}
	for _, tc := range cases {
		args, n, err := ParseCommand([]byte(tc.in), Limits{})
		if tc.err != "" {
			if err == nil || err.Error() != tc.err || !IsProtocolError(err) {
				t.Errorf("%q: err %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.in, err)
			continue
		}
		want := tc.n
		if want == -1 {
			want = len(tc.in)
		}
		if n != want {
			t.Errorf("%q: consumed %d, want %d", tc.in, n, want)
		}
		if got := toStrings(args); strings.Join(got, "|") != strings.Join(tc.args, "|") || (args == nil) != (tc.args == nil) {
			t.Errorf("%q: args %q, want %q", tc.in, got, tc.args)
		}
	}
}

func TestParseCommandMaxBulkLen(t *testing.T) {
	in := []byte("*2\r\n$3\r\nGET\r\n$11\r\nhello world\r\n")
	if _, _, err := ParseCommand(in, Limits{MaxBulkLen: 10}); err == nil || err.Error() != "Protocol error: invalid bulk length" {
		t.Fatalf("err = %v", err)
	}
	if args, _, err := ParseCommand(in, Limits{MaxBulkLen: 11}); err != nil || string(args[1]) != "hello world" {
		t.Fatalf("args %q err %v", args, err)
	}
}

// TestParseCommandCopies checks that arguments survive reuse of the input buffer.
func TestParseCommandCopies(t *testing.T) {
	buf := []byte("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
	args, _, _ := ParseCommand(buf, Limits{})
	for i := range buf {
		buf[i] = 'x'
	}
	if string(args[0]) != "GET" || string(args[1]) != "k" {
		t.Fatalf("args changed with the buffer: %q", args)
	}
}

func toStrings(args [][]byte) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = string(a)
	}
	return out
}

// parseAll parses a stream fed in the given chunks, as a connection sees it.
func parseAll(chunks [][]byte) (cmds []string, err error) {
	var buf []byte
	for _, ch := range chunks {
		buf = append(buf, ch...)
		for {
			args, n, err := ParseCommand(buf, Limits{})
			if err != nil {
				return cmds, err
			}
			if n == 0 {
				break
			}
			buf = buf[n:]
			if args != nil {
				cmds = append(cmds, strings.Join(toStrings(args), "\x00"))
			}
		}
	}
	return cmds, nil
}

// FuzzParseCommand checks that parsing never panics, never consumes more
// than it was given, and gives the same commands however the stream is split.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"*1\r\n$4\r\nPING\r\n", "SET a \"b c\"\r\n", "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "*x\r\n", "'a\\'b'\n"} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, split uint8) {
		args, n, err := ParseCommand(data, Limits{})
		if n < 0 || n > len(data) || (err != nil && n != 0) || (args != nil && n == 0) {
			t.Fatalf("n=%d len=%d args=%q err=%v", n, len(data), args, err)
		}
		whole, werr := parseAll([][]byte{data})
		k := int(split) % (len(data) + 1)
		parts, perr := parseAll([][]byte{data[:k], data[k:]})
		if (werr == nil) != (perr == nil) || strings.Join(whole, "\n") != strings.Join(parts, "\n") {
			t.Fatalf("split at %d changes the result: %q/%v vs %q/%v", k, whole, werr, parts, perr)
		}
		// A command re-encoded as multibulk parses back to itself.
		if err == nil && args != nil {
			again, m, err := ParseCommand(AppendCommand(nil, args...), Limits{})
			if err != nil || m == 0 || !equalArgs(args, again) {
				t.Fatalf("round trip of %q gave %q (%v)", args, again, err)
			}
		}
	})
}

func equalArgs(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// parseMultibulkSimple is the straightforward parser parseMultibulk
// replaced (readLine and ParseInt for every header); it stays as the
// reference the fast paths must agree with.
func parseMultibulkSimple(buf []byte, lim Limits) ([][]byte, int, error) {
	maxMulti := lim.MaxMultibulkLen
	if maxMulti == 0 {
		maxMulti = 1<<31 - 1
	}
	maxBulk := lim.MaxBulkLen
	if maxBulk == 0 {
		maxBulk = 512 << 20
	}
	line, pos, ok := readLine(buf, 0)
	if !ok {
		if len(buf) > MaxInlineSize {
			return nil, 0, protoErr("too big mbulk count string")
		}
		return nil, 0, nil
	}
	count, ok := ParseInt(line[1:])
	if !ok || count > maxMulti {
		return nil, 0, protoErr("invalid multibulk length")
	}
	if count <= 0 {
		return nil, pos, nil
	}
	// First pass: find the argument boundaries without copying.
	type span struct{ start, end int }
	var small [8]span
	spans := small[:0]
	total := 0
	for i := int64(0); i < count; i++ {
		if pos >= len(buf) {
			return nil, 0, nil
		}
		hdr, next, ok := readLine(buf, pos)
		if !ok {
			if len(buf)-pos > MaxInlineSize {
				return nil, 0, protoErr("too big bulk count string")
			}
			return nil, 0, nil
		}
		if len(hdr) == 0 || hdr[0] != '$' {
			return nil, 0, protoErr("expected '$', got '" + string(buf[pos]) + "'")
		}
		size, ok := ParseInt(hdr[1:])
		if !ok || size < 0 || size > maxBulk {
			return nil, 0, protoErr("invalid bulk length")
		}
		end := next + int(size)
		if end+2 > len(buf) {
			return nil, 0, nil
		}
		// Redis does not check the CRLF after a bulk; it skips two bytes.
		spans = append(spans, span{next, end})
		total += int(size)
		pos = end + 2
	}
	store := make([]byte, 0, total)
	args := make([][]byte, len(spans))
	for i, s := range spans {
		start := len(store)
		store = append(store, buf[s.start:s.end]...)
		args[i] = store[start:len(store):len(store)]
	}
	return args, pos, nil
}

// FuzzParseMultibulkFast checks parseMultibulk against
// parseMultibulkSimple: same arguments, bytes consumed and error.
func FuzzParseMultibulkFast(f *testing.F) {
	for _, s := range []string{"*1\r\n$4\r\nPING\r\n", "*2\r\n$3\r\nGET\r\n$0\r\n\r\n", "*2\r\n$3\r\nGET\r\n$1\r\n",
		"*0\r\n", "*-1\r\n", "*01\r\n$1\r\na\r\n", "*1\r\n$01\r\na\r\n", "*1\r\n$0\r", "*1\r\n$1\r", "*1\r\n$1\rxa\r\n",
		"*1\r\n+PING\r\n", "*1\r\n$-1\r\n", "*1\r\n$999999999999999999\r\n", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"} {
		f.Add([]byte(s), int64(0))
	}
	f.Add([]byte("*2\r\n$3\r\nGET\r\n$11\r\nhello world\r\n"), int64(10))
	f.Fuzz(func(t *testing.T, data []byte, maxBulk int64) {
		if len(data) == 0 || data[0] != '*' {
			data = append([]byte{'*'}, data...)
		}
		lim := Limits{MaxBulkLen: maxBulk % 100, MaxMultibulkLen: maxBulk % 7}
		if maxBulk < 0 {
			lim = Limits{}
		}
		args, n, err := parseMultibulk(data, lim, make([][]byte, 0, 3), len(data)%2 == 0) // a reused array, as the node passes; half uncopied, as ParseEntry's header
		wargs, wn, werr := parseMultibulkSimple(data, lim)
		if n != wn || fmt.Sprint(err) != fmt.Sprint(werr) || !equalArgs(args, wargs) || (args == nil) != (wargs == nil) {
			t.Fatalf("%q: got %q %d %v, want %q %d %v", data, args, n, err, wargs, wn, werr)
		}
	})
}

// BenchmarkParseCommand parses the commands of redis-benchmark's GET, SET
// and ZADD tests.
func BenchmarkParseCommand(b *testing.B) {
	var buf []byte
	buf = AppendCommand(buf, []byte("GET"), []byte("key:000000012345"))
	buf = AppendCommand(buf, []byte("SET"), []byte("key:000000012345"), []byte("xxx"))
	buf = AppendCommand(buf, []byte("ZADD"), []byte("myzset"), []byte("12345"), []byte("element:000000012345"))
	b.ReportAllocs()
	for i := 0; i < b.N; i += 3 {
		for p := buf; len(p) > 0; {
			_, n, err := ParseCommand(p, Limits{})
			if err != nil || n == 0 {
				b.Fatal(err)
			}
			p = p[n:]
		}
	}
}

// FuzzPeekArgs checks PeekArgs against ParseCommand: whatever PeekArgs
// accepts parses to a command with the leading arguments, count and length
// it gave.
func FuzzPeekArgs(f *testing.F) {
	for _, s := range []string{"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*1\r\n",
		"*2\r\n$3\r\nGET\r\n$0\r\n\r\n", "*1\r\n$4\r\nPING\r\n", "*2\r\n$3\r\nGET\r\n$1\r\n", "*2\r\n$01\r\na\r\n$1\r\nb\r\n", "GET k\r\n"} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, room uint8) {
		got, count, n, ok := PeekArgs(data, make([][]byte, 0, room%6))
		if !ok {
			if got != nil || count != 0 || n != 0 {
				t.Fatalf("%q: not ok but %q %d %d", data, got, count, n)
			}
			return
		}
		args, m, err := ParseCommand(data, Limits{})
		if err != nil || m != n || len(args) != count || len(got) != min(count, int(room%6)) || !equalArgs(got, args[:len(got)]) {
			t.Fatalf("%q: PeekArgs gave %q %d %d; ParseCommand %q %d %v", data, got, count, n, args, m, err)
		}
	})
}

func TestPeekArgs(t *testing.T) {
	pipeline := string(AppendCommand(AppendCommand(nil, []byte("GET"), []byte("k1")), []byte("SET"), []byte("k2"), []byte("v")))
	var room [2][]byte
	args, count, n, ok := PeekArgs([]byte(pipeline), room[:0])
	if !ok || count != 2 || len(args) != 2 || string(args[1]) != "k1" || n != len("*2\r\n$3\r\nGET\r\n$2\r\nk1\r\n") {
		t.Fatalf("first: %q %d %d %v", args, count, n, ok)
	}
	args, count, m, ok := PeekArgs([]byte(pipeline[n:]), room[:0])
	if !ok || count != 3 || len(args) != 2 || string(args[1]) != "k2" || n+m != len(pipeline) {
		t.Fatalf("second: %q %d %d %v", args, count, m, ok)
	}
	for _, s := range []string{"", pipeline[:n-1], "PING\r\n", "*2\r\n+GET\r\n$1\r\nk\r\n"} {
		if _, _, _, ok := PeekArgs([]byte(s), room[:0]); ok {
			t.Errorf("%q: ok", s)
		}
	}
}
