package wire

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestHeaderV1Bytes checks the layout against the bytes measured from a
// real ApsaraCache AOF (reference/apsaracache.md §1.2): opid 1, db 0,
// cmd_num 2, server-id 1001, a local write.
func TestHeaderV1Bytes(t *testing.T) {
	h := Header{Version: 1, CmdNum: 2, Timestamp: 0x6b02c3e5, ServerID: 1001, OpID: 1, SrcOpID: -1}
	got := hex.EncodeToString(AppendHeader(nil, h))
	want := "01020000" + "e5c3026b" + "e903000000000000" + "0100000000000000" + "ffffffffffffffff"
	if got != want {
		t.Fatalf("header\n got %s\nwant %s", got, want)
	}
	entry := AppendEntry(nil, h, [][]byte{[]byte("set"), []byte("k1"), []byte("v1")})
	if len(entry) != 84 {
		t.Fatalf("entry for set k1 v1 is %d bytes, want 84", len(entry))
	}
	// An expiry DEL: byte 1 is 0x42 (cmd_num 2, flag 4).
	h.CmdFlag = FlagDelByExpire
	if b := AppendHeader(nil, h); b[1] != 0x42 {
		t.Fatalf("byte1 = %#x, want 0x42", b[1])
	}
}

func TestEntryRoundTrip(t *testing.T) {
	v2 := Header{Version: 2, CmdNum: CmdNumOne, DB: 3, Timestamp: 1700000000, ServerID: 7, OpID: 42, SrcOpID: -1, Epoch: 99, TimestampMs: 1700000000123}
	tx := v2
	tx.CmdNum, tx.OpID = CmdNumTransaction, 43
	two := v2
	two.CmdNum, two.OpID, two.Version, two.Epoch, two.TimestampMs = CmdNumTwo, 44, 1, 0, 0
	lone := v2
	lone.OpID = 45
	var log []byte
	log = AppendEntry(log, v2, cmd("set", "k", "v"))
	log = AppendEntry(log, tx, cmd("multi"), cmd("incr", "a"), cmd("select", "1"), cmd("del", "b"), cmd("exec"))
	log = AppendEntry(log, two, cmd("set", "k", "v"), cmd("pexpireat", "k", "1700000001000"))
	log = AppendEntry(log, lone) // lone header followed by another entry
	log = AppendEntry(log, v2, cmd("del", "k"))
	log = AppendEntry(log, lone) // lone header at the end
	want := []Entry{
		{Header: v2, Commands: [][][]byte{cmd("set", "k", "v")}},
		{Header: tx, Commands: [][][]byte{cmd("multi"), cmd("incr", "a"), cmd("select", "1"), cmd("del", "b"), cmd("exec")}},
		{Header: two, Commands: [][][]byte{cmd("set", "k", "v"), cmd("pexpireat", "k", "1700000001000")}},
		{Header: lone},
		{Header: v2, Commands: [][][]byte{cmd("del", "k")}},
		{Header: lone},
	}
	var got []Entry
	for pos := 0; pos < len(log); {
		e, n, err := ParseEntry(log[pos:], true)
		if err != nil || n == 0 {
			t.Fatalf("at %d: n=%d err=%v", pos, n, err)
		}
		e.Size = 0
		got = append(got, e)
		pos += n
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("entries differ (-want +got):\n%s", d)
	}
	// Without atEOF a trailing lone header is incomplete, and so is every
	// proper prefix of an entry.
	first, n, _ := ParseEntry(log, false)
	for cut := 1; cut < n; cut++ {
		if _, m, err := ParseEntry(log[:cut], false); m != 0 || err != nil {
			t.Fatalf("prefix %d of %d: n=%d err=%v", cut, n, m, err)
		}
	}
	_ = first
}

func TestParseEntryErrors(t *testing.T) {
	h := Header{Version: 1, CmdNum: 2, OpID: 1, SrcOpID: -1}
	for name, in := range map[string][]byte{
		"not opinfo":  AppendCommand(nil, []byte("set"), []byte("k"), []byte("v")),
		"short hdr":   AppendCommand(nil, []byte("opinfo"), []byte("abc")),
		"bad version": AppendCommand(nil, []byte("opinfo"), append([]byte{9}, make([]byte, 31)...)),
		"v1 too long": AppendCommand(nil, []byte("opinfo"), append(AppendHeader(nil, h), 0)),
		"garbage cmd": append(AppendEntry(nil, h), "*1\r\n+x\r\n"...),
	} {
		if _, _, err := ParseEntry(in, true); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestPartialEntries(t *testing.T) {
	two := Header{Version: 1, CmdNum: CmdNumTwo, OpID: 1}
	tx := Header{Version: 1, CmdNum: CmdNumTransaction, OpID: 1}
	next := AppendEntry(nil, Header{Version: 1, CmdNum: CmdNumOne, OpID: 2}, cmd("del", "k"))
	for name, tc := range map[string]struct {
		in      []byte
		partial bool
	}{
		"torn pair":    {AppendEntry(nil, two, cmd("set", "k", "v")), true},
		"whole pair":   {AppendEntry(nil, two, cmd("set", "k", "v"), cmd("pexpireat", "k", "1")), false},
		"torn multi":   {AppendEntry(nil, tx, cmd("multi"), cmd("set", "k", "v")), true},
		"cut by next":  {append(AppendEntry(nil, two, cmd("set", "k", "v")), next...), true},
		"lone at end":  {AppendEntry(nil, two), false},
		"lone by next": {append(AppendEntry(nil, two), next...), false},
	} {
		e, n, err := ParseEntry(tc.in, true)
		if err != nil || n == 0 || e.Partial() != tc.partial {
			t.Errorf("%s: n=%d err=%v partial=%v, want %v", name, n, err, e.Partial(), tc.partial)
		}
	}
}

func FuzzParseEntry(f *testing.F) {
	h := Header{Version: 2, CmdNum: 2, OpID: 5, SrcOpID: -1, Epoch: 1}
	f.Add(AppendEntry(nil, h, cmd("set", "a", "b")), true)
	h.CmdNum = 0
	f.Add(AppendEntry(nil, h, cmd("multi"), cmd("exec")), false)
	f.Fuzz(func(t *testing.T, data []byte, atEOF bool) {
		e, n, err := ParseEntry(data, atEOF)
		if n < 0 || n > len(data) || (err != nil && n != 0) {
			t.Fatalf("n=%d err=%v", n, err)
		}
		if err == nil && n > 0 {
			// Re-encoding a decoded entry decodes to the same entry.
			again := AppendEntry(nil, e.Header, e.Commands...)
			e2, m, err := ParseEntry(again, true)
			if err != nil || m != len(again) || !bytes.Equal(AppendHeader(nil, e2.Header), AppendHeader(nil, e.Header)) || len(e2.Commands) != len(e.Commands) {
				t.Fatalf("re-encode: %v m=%d", err, m)
			}
		}
	})
}

func cmd(args ...string) [][]byte {
	out := make([][]byte, len(args))
	for i, a := range args {
		out[i] = []byte(a)
	}
	return out
}

func TestStartsWithOpinfo(t *testing.T) {
	entry := AppendEntry(nil, Header{Version: 2, CmdNum: 2, OpID: 7}, [][]byte{[]byte("set"), []byte("k"), []byte("v")})
	for _, c := range []struct {
		buf  string
		want bool
	}{
		{string(entry), true},
		{"*2\r\n$6\r\nOPINFO\r\n", true},
		{"*2\r\n$6\r\nopinfo\r", false}, // too short to tell
		{"*2\r\n$6\r\nopinfx\r\n", false},
		{"*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n", false},
		{"*2\r\n$06\r\nopinfo\r\n", false}, // "maybe not": the caller parses
	} {
		if got := StartsWithOpinfo([]byte(c.buf)); got != c.want {
			t.Errorf("StartsWithOpinfo(%q) = %v, want %v", c.buf, got, c.want)
		}
	}
}
