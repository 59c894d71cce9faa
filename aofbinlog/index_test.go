package aofbinlog_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"opdis/aofbinlog"
)

func TestParseIndex(t *testing.T) {
	type L = aofbinlog.IndexLine
	good := []struct {
		name, in string
		want     []L
	}{
		{"empty", "", nil},
		{"bare (ApsaraCache)", "appendonly-inc-1.aof\nappendonly-inc-2.aof\n",
			[]L{{Name: "appendonly-inc-1.aof", LastOpID: -1}, {Name: "appendonly-inc-2.aof", LastOpID: -1}}},
		{"no final newline", "appendonly-inc-1.aof", []L{{Name: "appendonly-inc-1.aof", LastOpID: -1}}},
		{"full", "a.aof 1 1000 10\nb.aof 11 2000 11\nc.aof\n", []L{
			{Name: "a.aof", Known: true, FirstOpID: 1, FirstTsMs: 1000, LastOpID: 10},
			{Name: "b.aof", Known: true, FirstOpID: 11, FirstTsMs: 2000, LastOpID: 11},
			{Name: "c.aof", LastOpID: -1}}},
		{"three fields", "a.aof 5 7\n", []L{{Name: "a.aof", Known: true, FirstOpID: 5, FirstTsMs: 7, LastOpID: -1}}},
		{"empty file", "a.aof 0 0 0\nb.aof 1 0 1\n", []L{
			{Name: "a.aof", Known: true, LastOpID: 0}, {Name: "b.aof", Known: true, FirstOpID: 1, LastOpID: 1}}},
		{"shared op id (lone header at a file end)", "a.aof 1 0 5\nb.aof 5 0 9\n", []L{
			{Name: "a.aof", Known: true, FirstOpID: 1, LastOpID: 5}, {Name: "b.aof", Known: true, FirstOpID: 5, LastOpID: 9}}},
		{"suffixed name", "appendonly-inc-7-1.aof 3 3000 4\n", []L{{Name: "appendonly-inc-7-1.aof", Known: true, FirstOpID: 3, FirstTsMs: 3000, LastOpID: 4}}},
	}
	for _, tc := range good {
		got, err := aofbinlog.ParseIndex([]byte(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s: (-want +got)\n%s", tc.name, d)
		}
	}
	bad := []struct{ name, in, want string }{
		{"blank line", "a.aof\n\nb.aof\n", "line 2: empty line"},
		{"two fields", "a.aof 1\n", "line 1: 2 fields"},
		{"five fields", "a.aof 1 2 3 4\n", "line 1: 5 fields"},
		{"not an aof name", "dump.rdb\n", "line 1: \"dump.rdb\" is not an AOF file name"},
		{"path", "../x.aof\n", "line 1: invalid file name"},
		{"garbage", "a.aof 1 2 3\n\x00\x01garbage\n", "line 2:"},
		{"negative", "a.aof -1 0 0\n", "line 1: first_opid \"-1\""},
		{"plus sign", "a.aof +1 0 1\n", "first_opid \"+1\""},
		{"not a number", "a.aof 1 x 1\n", "first_ts_ms \"x\""},
		{"crlf", "a.aof\r\n", "control or space"},
		{"double space", "a.aof  1 2\n", "first_opid \"\""},
		{"duplicate", "a.aof\nb.aof\na.aof\n", "line 3: a.aof is already listed on line 1"},
		{"going back", "a.aof 5 0 9\nb.aof 3 0 4\n", "line 2: first op id 3 is below op id 9"},
		{"last below first", "a.aof 5 0 4\n", "last_opid 4 below first_opid 5"},
		{"empty with ts", "a.aof 0 5 0\n", "first_opid 0"},
		{"long line", strings.Repeat("a", 1030) + ".aof\n", "line 1: 1034 bytes, longer than the 1024-byte limit"},
		{"too big", strings.Repeat("appendonly-inc-1.aof\n", 60000), "larger than the 1048576-byte limit"},
	}
	for _, tc := range bad {
		_, err := aofbinlog.ParseIndex([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tc.name, err, tc.want)
		} else if !strings.Contains(err.Error(), "aof-inc.index") {
			t.Errorf("%s: error %q does not name the file", tc.name, err)
		}
	}
}

func FuzzParseIndex(f *testing.F) {
	f.Add([]byte("appendonly-inc-1.aof\n"))
	f.Add([]byte("a.aof 1 1000 10\nb.aof 11 2000 11\nc.aof\n"))
	f.Add([]byte("a.aof 0 0 0\nb.aof 5 7\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, err := aofbinlog.ParseIndex(data)
		if err != nil {
			return
		}
		// What parses formats back to something that parses the same.
		out := aofbinlog.FormatIndex(lines)
		again, err := aofbinlog.ParseIndex(out)
		if err != nil {
			t.Fatalf("re-parse of %q: %v", out, err)
		}
		if d := cmp.Diff(lines, again); d != "" {
			t.Fatalf("round trip (-first +second):\n%s", d)
		}
		if !bytes.Equal(out, aofbinlog.FormatIndex(again)) {
			t.Fatalf("format not stable")
		}
	})
}

func TestParseRDBIndex(t *testing.T) {
	type R = aofbinlog.RDBIndex
	type A = aofbinlog.Applied
	good := []struct {
		name, in string
		want     R
		same     bool // FormatRDBIndex gives back the input
	}{
		{"ApsaraCache measured", "my.rdb appendonly-inc-1795343552.aof 0 4\n1001 6 \n",
			R{RDB: "my.rdb", AOF: "appendonly-inc-1795343552.aof", NextOpID: 4, Applied: []A{{1001, 6}}}, true},
		{"wiki example (no line 2)", "dump111.rdb appendonly-inc-1513772519.aof 0 160509",
			R{RDB: "dump111.rdb", AOF: "appendonly-inc-1513772519.aof", NextOpID: 160509}, false},
		{"AOF off", "dump.rdb\n", R{RDB: "dump.rdb"}, true},
		{"empty applied", "d.rdb a.aof 12 0\n\n", R{RDB: "d.rdb", AOF: "a.aof", Offset: 12}, true},
		{"epoch and pairs", "d.rdb a.aof 0 9 epoch=-77\n2 5 1 3 \n",
			R{RDB: "d.rdb", AOF: "a.aof", NextOpID: 9, LastEpoch: -77, Applied: []A{{1, 3}, {2, 5}}}, false},
		{"pairs without trailing space", "d.rdb a.aof 0 9\n1 3\n", R{RDB: "d.rdb", AOF: "a.aof", NextOpID: 9, Applied: []A{{1, 3}}}, false},
	}
	for _, tc := range good {
		got, err := aofbinlog.ParseRDBIndex([]byte(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s: (-want +got)\n%s", tc.name, d)
		}
		if out := string(aofbinlog.FormatRDBIndex(got)); tc.same && out != tc.in {
			t.Errorf("%s: formats as %q", tc.name, out)
		}
	}
	bad := []struct{ name, in, want string }{
		{"empty", "", "line 1: empty"},
		{"two fields", "d.rdb a.aof\n", "line 1: 2 fields"},
		{"three fields", "d.rdb a.aof 0\n\n", "line 1: 3 fields"},
		{"bad offset", "d.rdb a.aof -1 5\n\n", "aof_offset \"-1\""},
		{"bad next", "d.rdb a.aof 0 x\n\n", "next_opid \"x\""},
		{"bad aof name", "d.rdb d.rdb 0 1\n\n", "not an AOF file name"},
		{"path", "../d.rdb a.aof 0 1\n\n", "invalid file name"},
		{"unknown field", "d.rdb a.aof 0 1 foo=1\n\n", "unknown field \"foo\""},
		{"bare extra", "d.rdb a.aof 0 1 7\n\n", "unexpected field \"7\""},
		{"epoch twice", "d.rdb a.aof 0 1 epoch=1 epoch=2\n\n", "epoch given twice"},
		{"epoch zero", "d.rdb a.aof 0 1 epoch=0\n\n", "not a non-zero integer"},
		{"odd pairs", "d.rdb a.aof 0 1\n1 2 3 \n", "line 2: 3 fields"},
		{"bad pair", "d.rdb a.aof 0 1\n1 x \n", "line 2: pair"},
		{"dup sid", "d.rdb a.aof 0 1\n1 2 1 3 \n", "server_id 1 listed twice"},
		{"third line", "d.rdb a.aof 0 1\n\nmore\n", "line 3"},
		{"line after AOF-off form", "d.rdb\n1 2 \n", "line 2"},
		{"too big", "d.rdb a.aof 0 1\n" + strings.Repeat("1 1 ", 300000) + "\n", "larger than"},
	}
	for _, tc := range bad {
		_, err := aofbinlog.ParseRDBIndex([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

func FuzzParseRDBIndex(f *testing.F) {
	f.Add([]byte("my.rdb appendonly-inc-1795343552.aof 0 4\n1001 6 \n"))
	f.Add([]byte("dump.rdb\n"))
	f.Add([]byte("d.rdb a.aof 0 9 epoch=-77\n2 5 1 3 \n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		idx, err := aofbinlog.ParseRDBIndex(data)
		if err != nil {
			return
		}
		out := aofbinlog.FormatRDBIndex(idx)
		again, err := aofbinlog.ParseRDBIndex(out)
		if err != nil {
			t.Fatalf("re-parse of %q: %v", out, err)
		}
		if d := cmp.Diff(idx, again); d != "" {
			t.Fatalf("round trip (-first +second):\n%s", d)
		}
	})
}
