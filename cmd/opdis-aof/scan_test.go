package main

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"opdis/wire"
)

func validEntries() []byte {
	var b []byte
	for op := int64(1); op <= 3; op++ {
		h := wire.Header{Version: 2, CmdNum: wire.CmdNumOne, OpID: op, SrcOpID: -1, TimestampMs: 1000 * op}
		b = wire.AppendEntry(b, h, args("set", "k", "v"))
	}
	h := wire.Header{Version: 1, CmdNum: wire.CmdNumTransaction, OpID: 4, SrcOpID: -1}
	b = wire.AppendEntry(b, h, args("MULTI"), args("SELECT", "2"), args("incr", "x"), args("EXEC"))
	return b
}

// scanAll runs the scanner over data as verify does and checks that the
// entries and skipped ranges tile the file: each entry starts where the
// last one (or skipped range) ended, and a torn tail runs to the end.
func scanAll(t *testing.T, data []byte) (entries, corrupt int, torn bool) {
	sc := newFileScanner(bytes.NewReader(data), int64(len(data)))
	var pos int64
	for {
		e, raw, off, err := sc.next()
		var se *scanError
		switch {
		case errors.Is(err, io.EOF):
			if pos != int64(len(data)) {
				t.Fatalf("EOF at %d of %d bytes", pos, len(data))
			}
			return entries, corrupt, false
		case errors.As(err, &se) && se.torn:
			if off != pos || se.off != pos {
				t.Fatalf("torn entry reported at %d, expected at %d", off, pos)
			}
			return entries, corrupt, true
		case se != nil:
			if off != pos {
				t.Fatalf("corrupt entry reported at %d, expected at %d", off, pos)
			}
			next, err := sc.skip()
			if err != nil {
				t.Fatal(err)
			}
			if next <= off || next > int64(len(data)) {
				t.Fatalf("skip from %d went to %d (size %d)", off, next, len(data))
			}
			if next < int64(len(data)) && !bytes.HasPrefix(data[next:], opinfoPrefix) {
				t.Fatalf("skip stopped at %d, not at an opinfo", next)
			}
			pos = next
			corrupt++
		case err != nil:
			t.Fatal(err)
		default:
			if off != pos || !bytes.Equal(raw, data[off:off+int64(len(raw))]) {
				t.Fatalf("entry at %d, expected at %d", off, pos)
			}
			again, n, perr := wire.ParseEntry(raw, true)
			if perr != nil || n != len(raw) || again.Header != e.Header {
				t.Fatalf("entry at %d does not parse back: %v", off, perr)
			}
			pos += int64(len(raw))
			entries++
		}
	}
}

func TestFileScanner(t *testing.T) {
	good := validEntries()
	if n, c, torn := scanAll(t, good); n != 4 || c != 0 || torn {
		t.Errorf("valid entries: %d entries, %d corrupt, torn %v", n, c, torn)
	}
	if n, _, torn := scanAll(t, good[:len(good)-3]); n != 3 || !torn {
		t.Errorf("cut entry: %d entries, torn %v", n, torn)
	}
	bad := bytes.Clone(good)
	bad[1] = 'x' // the first entry's array length
	if n, c, torn := scanAll(t, bad); n != 3 || c != 1 || torn {
		t.Errorf("corrupt first entry: %d entries, %d corrupt, torn %v", n, c, torn)
	}
	// A big entry that needs the buffer to grow past one read.
	big := wire.AppendEntry(nil, wire.Header{Version: 2, CmdNum: wire.CmdNumOne, OpID: 9}, args("set", "k", string(bytes.Repeat([]byte("v"), 200<<10))))
	if n, c, torn := scanAll(t, append(big, good...)); n != 5 || c != 0 || torn {
		t.Errorf("big entry: %d entries, %d corrupt, torn %v", n, c, torn)
	}
}

func FuzzFileScanner(f *testing.F) {
	good := validEntries()
	f.Add(good)
	f.Add(good[:len(good)-5])
	f.Add(append([]byte("garbage*2\r\n$6\r\nopinfo\r\n$"), good...))
	f.Add([]byte("*2\r\n$6\r\nopinfo\r\n$32\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		scanAll(t, data)
	})
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"opid:0", "opid:17", "opid:-1", "opid:", "2024-05-01T10:00:00Z", "2024-05-01T10:00:00.123456789+02:00", "1969-12-31T23:59:59Z", "yesterday"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := parseTarget(s)
		if err != nil {
			return
		}
		again, err := parseTarget(tg.String())
		if err != nil || again != tg {
			t.Fatalf("%q parses to %+v, whose String %q parses to %+v (%v)", s, tg, tg.String(), again, err)
		}
	})
}
