package rdb

import (
	"encoding/binary"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testListpack builds a listpack by the format (listpack.c): each entry
// is an integer in the smallest encoding if it is canonical, else a string,
// followed by its backlen.
func testListpack(entries ...string) []byte {
	b := make([]byte, 6)
	for _, e := range entries {
		var enc []byte
		if v, err := strconv.ParseInt(e, 10, 64); err == nil && strconv.FormatInt(v, 10) == e {
			switch {
			case v >= 0 && v <= 127:
				enc = []byte{byte(v)}
			case v >= -4096 && v <= 4095:
				u := uint16(v) & 0x1fff
				enc = []byte{0xc0 | byte(u>>8), byte(u)}
			case v >= -32768 && v <= 32767:
				enc = binary.LittleEndian.AppendUint16([]byte{0xf1}, uint16(v))
			case v >= -1<<23 && v < 1<<23:
				u := uint32(v)
				enc = []byte{0xf2, byte(u), byte(u >> 8), byte(u >> 16)}
			case v >= -1<<31 && v < 1<<31:
				enc = binary.LittleEndian.AppendUint32([]byte{0xf3}, uint32(v))
			default:
				enc = binary.LittleEndian.AppendUint64([]byte{0xf4}, uint64(v))
			}
		} else {
			switch n := len(e); {
			case n < 64:
				enc = append([]byte{0x80 | byte(n)}, e...)
			case n < 4096:
				enc = append([]byte{0xe0 | byte(n>>8), byte(n)}, e...)
			default:
				enc = append(binary.LittleEndian.AppendUint32([]byte{0xf0}, uint32(n)), e...)
			}
		}
		b = append(b, enc...)
		b = appendBacklen(b, len(enc))
	}
	b = append(b, 0xff)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	binary.LittleEndian.PutUint16(b[4:], uint16(min(len(entries), 0xffff)))
	return b
}

// testZiplist builds a ziplist (ziplist.c) of strings and the integer
// encodings named by a prefix: "i8:", "i16:", "i24:", "i32:", "i64:", "imm:".
func testZiplist(entries ...string) []byte {
	b := make([]byte, 10)
	prev, tail := 0, 10
	for _, e := range entries {
		at := len(b)
		if prev < 254 {
			b = append(b, byte(prev))
		} else {
			b = binary.LittleEndian.AppendUint32(append(b, 0xfe), uint32(prev))
		}
		kind, num, isInt := strings.Cut(e, ":")
		v, _ := strconv.ParseInt(num, 10, 64)
		switch {
		case isInt && kind == "imm":
			b = append(b, 0xf1+byte(v))
		case isInt && kind == "i8":
			b = append(b, 0xfe, byte(v))
		case isInt && kind == "i16":
			b = binary.LittleEndian.AppendUint16(append(b, 0xc0), uint16(v))
		case isInt && kind == "i24":
			u := uint32(v)
			b = append(b, 0xf0, byte(u), byte(u>>8), byte(u>>16))
		case isInt && kind == "i32":
			b = binary.LittleEndian.AppendUint32(append(b, 0xd0), uint32(v))
		case isInt && kind == "i64":
			b = binary.LittleEndian.AppendUint64(append(b, 0xe0), uint64(v))
		case len(e) < 64:
			b = append(append(b, byte(len(e))), e...)
		case len(e) < 16384:
			b = append(append(b, 0x40|byte(len(e)>>8), byte(len(e))), e...)
		default:
			b = append(binary.BigEndian.AppendUint32(append(b, 0x80), uint32(len(e))), e...)
		}
		prev, tail = len(b)-at, at
	}
	b = append(b, 0xff)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	binary.LittleEndian.PutUint32(b[4:], uint32(tail))
	binary.LittleEndian.PutUint16(b[8:], uint16(len(entries)))
	return b
}

func TestListpack(t *testing.T) {
	in := []string{"", "a", strings.Repeat("x", 63), strings.Repeat("y", 64), strings.Repeat("z", 4095), strings.Repeat("w", 4096),
		"0", "127", "128", "-1", "-4096", "4095", "4096", "-32768", "32767", "-8388608", "8388607", "-2147483648", "2147483647",
		"9223372036854775807", "-9223372036854775808", "007", "-0", strings.Repeat("v", 20000)}
	got, err := parseListpack(testListpack(in...), nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(strs(in...), got, cmpValues); diff != "" {
		t.Fatal(diff)
	}
}

// The ziplist test covers what no Redis fixture here has: 5-byte prevlens,
// 14-bit and 32-bit string lengths next to every integer width.
func TestZiplist(t *testing.T) {
	in := []string{"a", strings.Repeat("b", 300), "imm:0", "imm:12", "i8:-128", "i16:-32768", "i24:-8388608", "i24:8388607",
		"i32:2147483647", "i64:-9223372036854775808", strings.Repeat("c", 17000), "end"}
	want := []string{"a", strings.Repeat("b", 300), "0", "12", "-128", "-32768", "-8388608", "8388607",
		"2147483647", "-9223372036854775808", strings.Repeat("c", 17000), "end"}
	got, err := parseZiplist(testZiplist(in...), nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(strs(want...), got, cmpValues); diff != "" {
		t.Fatal(diff)
	}
	// Also through the decoder, as a list ziplist (type 10) compressed or not.
	for _, c := range []bool{false, true} {
		var e Encoder
		e.compress = c
		e.putString(testZiplist(in...))
		recs, err := decodeErr(rawFile("0006", rawKey(rdbListZiplist, "zl", e.buf)))
		if err != nil || len(recs) != 1 {
			t.Fatalf("compressed=%v: %v", c, err)
		}
		if diff := cmp.Diff(strs(want...), recs[0].Value.Elems, cmpValues); diff != "" {
			t.Fatal(diff)
		}
	}
}

func TestCompactCorrupt(t *testing.T) {
	zl := testZiplist("ab", "imm:5")
	lp := testListpack("ab", "5", "-1")
	edit := func(b []byte, f func([]byte)) []byte {
		c := append([]byte(nil), b...)
		f(c)
		return c
	}
	for _, c := range []struct {
		name  string
		parse func([]byte) ([][]byte, error)
		in    []byte
		want  string
	}{
		{"zl size", zlParse, edit(zl, func(b []byte) { b[0]++ }), "header says 18 bytes"},
		{"zl end", zlParse, edit(zl, func(b []byte) { b[len(b)-1] = 0 }), "no end marker"},
		{"zl short", zlParse, zl[:5], "shorter than an empty ziplist"},
		{"zl prevlen", zlParse, edit(zl, func(b []byte) { b[14] = 3 }), "entry 1 at byte 14: prevlen 3, previous entry has 4 bytes"},
		{"zl tail", zlParse, edit(zl, func(b []byte) { b[4] = 10 }), "tail offset 10, last entry is at 14"},
		{"zl count", zlParse, edit(zl, func(b []byte) { b[8] = 3 }), "header says 3 entries, found 2"},
		{"zl encoding", zlParse, edit(zl, func(b []byte) { b[15] = 0xc1 }), "bad encoding 0xc1"},
		{"zl overrun", zlParse, edit(zl, func(b []byte) { b[11] = 0x3f }), "data overruns"},
		{"zl 32-bit overrun", zlParse, edit(zl, func(b []byte) { b[11] = 0x80 }), "overruns the ziplist"},
		{"lp size", parseListpackOnly, edit(lp, func(b []byte) { b[0]-- }), "header says 15 bytes"},
		{"lp end", parseListpackOnly, edit(lp, func(b []byte) { b[len(b)-1] = 1 }), "no end marker"},
		{"lp backlen", parseListpackOnly, edit(lp, func(b []byte) { b[9] = 2 }), "entry 0 at byte 6: backlen 02 does not encode its size 3"},
		{"lp encoding", parseListpackOnly, edit(lp, func(b []byte) { b[10] = 0xf5 }), "entry 1 at byte 10: bad encoding 0xf5"},
		{"lp count", parseListpackOnly, edit(lp, func(b []byte) { b[4] = 9 }), "header says 9 entries, found 3"},
		{"lp overrun", parseListpackOnly, edit(lp, func(b []byte) { b[6] = 0xbf }), "truncated"},
		{"intset order", parseIntset, []byte{2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 5, 0}, "member 1 (5) not above the previous (5)"},
		{"intset size", parseIntset, []byte{4, 0, 0, 0, 2, 0, 0, 0, 5, 0, 5, 0}, "need 16 bytes"},
		{"intset enc", parseIntset, []byte{3, 0, 0, 0, 0, 0, 0, 0}, "bad encoding 3"},
		{"zipmap end", parseZipmap, []byte{1, 1, 'a', 1, 0, 'b'}, "no end marker"},
		{"zipmap count", parseZipmap, []byte{2, 1, 'a', 1, 0, 'b', 0xff}, "header says 2 pairs, found 1"},
		{"zipmap overrun", parseZipmap, []byte{1, 9, 'a', 0xff}, "overrun"},
		{"zipmap trailing", parseZipmap, []byte{1, 1, 'a', 1, 0, 'b', 0xff, 0}, "1 bytes after the end marker"},
	} {
		_, err := c.parse(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	if got, err := parseZipmap([]byte{1, 1, 'a', 1, 2, 'b', 0, 0, 0xff}); err != nil || len(got) != 2 || string(got[1]) != "b" {
		t.Errorf("zipmap with free bytes: %q, %v", got, err)
	}
}

func zlParse(b []byte) ([][]byte, error)           { return parseZiplist(b, nil) }
func parseListpackOnly(b []byte) ([][]byte, error) { return parseListpack(b, nil) }
