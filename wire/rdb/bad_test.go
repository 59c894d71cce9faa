package rdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// rawFile builds an RDB file by hand: header, body, EOF and a correct
// checksum (version 5 and later).
func rawFile(version string, body ...[]byte) []byte {
	b := []byte("REDIS" + version)
	for _, p := range body {
		b = append(b, p...)
	}
	b = append(b, opEOF)
	if version >= "0005" {
		b = binary.LittleEndian.AppendUint64(b, crcUpdate(0, b))
	}
	return b
}

func rawString(s string) []byte { return append(appendLen(nil, uint64(len(s))), s...) }

func rawKey(typ byte, key string, value ...[]byte) []byte {
	b := append([]byte{typ}, rawString(key)...)
	for _, v := range value {
		b = append(b, v...)
	}
	return b
}

// decodeErr decodes b to the end and returns the first error other than io.EOF.
func decodeErr(b []byte) ([]Record, error) {
	d := NewDecoder(bytes.NewReader(b))
	var recs []Record
	for {
		r, err := d.Next()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, r)
	}
}

func wantErr(t *testing.T, name string, b []byte, parts ...string) *Error {
	t.Helper()
	_, err := decodeErr(b)
	if err == nil {
		t.Errorf("%s: no error", name)
		return nil
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %q lacks %q", name, err, p)
		}
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("%s: %T is not *Error", name, err)
	}
	return e
}

func TestBadHeader(t *testing.T) {
	wantErr(t, "empty", nil, "offset 0", "unexpected EOF")
	wantErr(t, "magic", rawFile("0010")[1:], "offset 0", "not an RDB file")
	wantErr(t, "magic", []byte("RDBIS0010\xff"), "not an RDB file")
	wantErr(t, "version 0", rawFile("0000"), "offset 5", "unsupported RDB version 0")
	wantErr(t, "version 12", rawFile("0012"), "unsupported RDB version 12")
	wantErr(t, "version text", rawFile("00a1"), "bad version")
	wantErr(t, "version sign", rawFile("-001"), "bad version")
	for _, v := range []string{"0001", "0004", "0005", "0009", "0010", "0011"} {
		if _, err := decodeErr(rawFile(v, rawKey(rdbString, "k", rawString("v")))); err != nil {
			t.Errorf("version %s: %v", v, err)
		}
	}
}

func TestBadChecksum(t *testing.T) {
	good := rawFile("0010", rawKey(rdbString, "key", rawString("value")))
	bad := bytes.Clone(good)
	bad[len(bad)-1] ^= 1
	e := wantErr(t, "trailer", bad, "bad checksum (file 0x", "computed 0x")
	if e != nil && e.Offset != int64(len(good)-8) {
		t.Errorf("checksum error at offset %d, want %d", e.Offset, len(good)-8)
	}
	body := bytes.Clone(good)
	body[bytes.Index(body, []byte("value"))] = 'V' // still well formed, checksum wrong
	wantErr(t, "body", body, "bad checksum")
	// A zero checksum means "not computed" (rdbchecksum no): accepted.
	zero := bytes.Clone(good)
	copy(zero[len(zero)-8:], make([]byte, 8))
	if _, err := decodeErr(zero); err != nil {
		t.Errorf("zero checksum: %v", err)
	}
	// A sticky error: Next keeps returning it.
	d := NewDecoder(bytes.NewReader(bad))
	var err error
	for err == nil {
		_, err = d.Next()
	}
	if _, err2 := d.Next(); err2 != err {
		t.Errorf("second Next: %v, want the same %v", err2, err)
	}
}

// richFile has every record kind and every encoding the Encoder writes.
func richFile(t testing.TB) []byte {
	var buf bytes.Buffer
	e := NewEncoder(&buf)
	e.Aux("redis-ver", "7.0.15")
	e.SelectDB(0, 6, 1)
	e.Key([]byte("s"), str("hello"), -1)
	e.Key([]byte("i"), str("-70000"), 1700000000000)
	e.Key([]byte("lzf"), str(strings.Repeat("abcabcabd", 30)), -1)
	e.Key([]byte("l"), Value{Type: TypeList, Elems: strs("a", "1", "")}, -1)
	e.SelectDB(7, 3, 0)
	e.Key([]byte("set"), Value{Type: TypeSet, Elems: strs("x", "300")}, -1)
	e.Key([]byte("z"), Value{Type: TypeZSet, Elems: strs("m", "n"), Scores: []float64{math.Inf(-1), 2.5}}, -1)
	e.Key([]byte("h"), Value{Type: TypeHash, Elems: strs("f", "v", "g", strings.Repeat("w", 70))}, -1)
	if err := e.Finish(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Every strict prefix of a valid file is an error, never a panic, a hang or
// a silent success; so is every prefix of every fixture.
func TestTruncated(t *testing.T) {
	files := map[string][]byte{"encoder": richFile(t)}
	paths, _ := filepath.Glob("testdata/*.rdb")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(p)] = b
	}
	for name, b := range files { //det:ok each file checked on its own
		step := 1
		if len(b) > 4000 {
			step = 97 // large fixtures: a sample of cut points
		}
		for n := 0; n < len(b); n += step {
			recs, err := decodeErr(b[:n])
			if err == nil {
				t.Errorf("%s cut at %d of %d: no error after %d records", name, n, len(b), len(recs))
				continue
			}
			var e *Error
			if !errors.As(err, &e) || e.Offset > int64(n) || e.Offset < 0 {
				t.Errorf("%s cut at %d: error %v has no offset within the input", name, n, err)
			}
		}
	}
}

// Lengths far beyond the input fail at the end of the input; they never
// allocate what they claim.
func TestAbsurdLengths(t *testing.T) {
	huge := []byte{len64, 0x10, 0, 0, 0, 0, 0, 0, 0} // 2^60
	cases := map[string][]byte{
		"string":        rawFile("0010", rawKey(rdbString, "k"), huge),
		"key":           rawFile("0010", []byte{rdbString}, huge),
		"aux":           rawFile("0010", []byte{opAux}, huge),
		"32-bit string": rawFile("0010", rawKey(rdbString, "k"), []byte{len32, 0xff, 0xff, 0xff, 0xff}, []byte("abc")),
		"list count":    rawFile("0010", rawKey(rdbList, "k"), huge, rawString("one")),
		"hash count":    rawFile("0010", rawKey(rdbHash, "k"), huge, rawString("f"), rawString("v")),
		"zset count":    rawFile("0010", rawKey(rdbZSet2, "k"), huge, rawString("m"), make([]byte, 8)),
		"quicklist":     rawFile("0010", rawKey(rdbListQuicklist2, "k"), huge),
		"lzf ulen":      rawFile("0010", rawKey(rdbString, "k"), []byte{0xc3, 3}, huge, []byte{2, 'a', 'b', 'c'}),
		"lzf clen":      rawFile("0010", rawKey(rdbString, "k"), []byte{0xc3}, huge, []byte{5, 2, 'a', 'b', 'c'}),
		"module aux":    rawFile("0010", []byte{opModuleAux, 1, moduleOpUInt, 2, moduleOpString}, huge),
	}
	for name, b := range cases { //det:ok each case on its own
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := decodeErr(b)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Errorf("%s: no error", name)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
			t.Errorf("%s: allocated %d bytes for a %d-byte file", name, alloc, len(b))
		}
	}
}

func TestBadRecords(t *testing.T) {
	nan := binary.LittleEndian.AppendUint64(nil, math.Float64bits(math.NaN()))
	one := binary.LittleEndian.AppendUint64(nil, math.Float64bits(1))
	cases := []struct {
		name  string
		file  []byte
		parts []string
	}{
		{"unknown opcode", rawFile("0010", []byte{200}), []string{"offset 9", "unknown value type or opcode 200"}},
		{"type 8", rawFile("0010", rawKey(8, "k")), []string{"unknown value type or opcode 8"}},
		{"type 22", rawFile("0011", rawKey(22, "k")), []string{"unknown value type or opcode 22"}},
		{"string encoding", rawFile("0010", rawKey(rdbString, "k"), []byte{0xc4}), []string{`key "k"`, "unknown string encoding 4"}},
		{"length encoding", rawFile("0010", rawKey(rdbList, "k"), []byte{0x82}), []string{"offset 12", "bad length encoding 0x82"}},
		{"encoded length", rawFile("0010", rawKey(rdbList, "k"), []byte{0xc0, 1}), []string{"string encoding 0 where a length was expected"}},
		{"stream", rawFile("0010", rawKey(rdbStreamListpack2, "x")), []string{`key "x": stream values are not supported`}},
		{"stream v1", rawFile("0010", rawKey(rdbStreamListpacks, "x")), []string{`key "x": stream values are not supported`}},
		{"module", rawFile("0010", rawKey(rdbModule, "m")), []string{`key "m": module values are not supported`}},
		{"module2", rawFile("0010", rawKey(rdbModule2, "m"), appendLen(nil, moduleID("ReJSON-RL", 3))),
			[]string{`key "m": module values (module "ReJSON-RL") are not supported`}},
		{"function 246", rawFile("0010", []byte{opFunction}, rawString("x")), []string{"pre-release function format"}},
		{"dup set", rawFile("0010", rawKey(rdbSet, "k", []byte{2}, rawString("a"), rawString("a"))), []string{`key "k": duplicate set member "a"`}},
		{"dup hash", rawFile("0010", rawKey(rdbHash, "k", []byte{2}, rawString("f"), rawString("1"), rawString("f"), rawString("2"))), []string{`duplicate hash field "f"`}},
		{"dup zset", rawFile("0010", rawKey(rdbZSet2, "k", []byte{2}, rawString("m"), one, rawString("m"), one)), []string{`duplicate zset member "m"`}},
		{"nan zset", rawFile("0010", rawKey(rdbZSet2, "k", []byte{1}, rawString("m"), nan)), []string{`member "m" has a NaN score`}},
		{"nan zset text", rawFile("0010", rawKey(rdbZSet, "k", []byte{1}, rawString("m"), []byte{253})), []string{"NaN score"}},
		{"bad text score", rawFile("0010", rawKey(rdbZSet, "k", []byte{1}, rawString("m"), []byte{3}, []byte("1x2"))), []string{`bad zset score "1x2"`}},
		{"quicklist container", rawFile("0010", rawKey(rdbListQuicklist2, "k", []byte{1, 3}, rawString("x"))), []string{"quicklist node 0: unknown container 3"}},
		{"expiry then select", rawFile("0010", []byte{opExpireMs}, make([]byte, 8), []byte{opSelectDB, 0}), []string{"follows a key prefix"}},
		{"selectdb range", rawFile("0010", []byte{opSelectDB, len64, 1, 0, 0, 0, 0, 0, 0, 0}), []string{"SELECTDB 72057594037927936 out of range"}},
		{"module aux op", rawFile("0010", []byte{opModuleAux, 1, moduleOpUInt, 2, 9}), []string{"module value: unknown opcode 9"}},
		{"module aux when", rawFile("0010", []byte{opModuleAux, 1, moduleOpSInt, 2, 0}), []string{"module aux: bad when opcode 1"}},
		{"lzf data", rawFile("0010", rawKey(rdbString, "k"), []byte{0xc3, 2, 5, 0x20, 0}), []string{`key "k": LZF string: lzf:`}},
		{"ziplist in list", rawFile("0010", rawKey(rdbListZiplist, "zl", rawString("garbage-bytes"))), []string{`offset 13: key "zl": ziplist: header says`}},
		{"odd listpack hash", rawFile("0010", rawKey(rdbHashListpack, "h", rawString(string(testListpack("a", "b", "c"))))), []string{"odd number of entries"}},
		{"listpack zset score", rawFile("0010", rawKey(rdbZSetListpack, "z", rawString(string(testListpack("m", "x"))))), []string{`bad score "x"`}},
	}
	for _, c := range cases {
		wantErr(t, c.name, c.file, c.parts...)
	}
}

// moduleID builds a module type id as Redis does: nine 6-bit characters
// and a 10-bit encoding version.
func moduleID(name string, ver uint64) uint64 {
	const charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	var id uint64
	for i := range 9 {
		id = id<<6 | uint64(strings.IndexByte(charset, name[i]))
	}
	return id<<10 | ver
}

// Records the Decoder skips by design: MODULE_AUX (parsed by its generic
// format), FUNCTION2, IDLE and FREQ, and empty aggregates.
func TestSkippedRecords(t *testing.T) {
	moduleAux := []byte{opModuleAux}
	moduleAux = append(moduleAux, appendLen(nil, moduleID("scripting", 1))...)
	moduleAux = append(moduleAux, moduleOpUInt, 2, moduleOpSInt, 7, moduleOpString)
	moduleAux = append(moduleAux, rawString("module state")...)
	moduleAux = append(moduleAux, moduleOpFloat, 0, 0, 0x80, 0x3f, moduleOpDouble, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, moduleOpEOF)
	b := rawFile("0010",
		moduleAux,
		[]byte{opFunction2}, rawString("#!lua name=x\n"),
		[]byte{opExpireMs}, binary.LittleEndian.AppendUint64(nil, 5000), []byte{opIdle, 0x3f, opFreq, 9},
		rawKey(rdbString, "k", rawString("v")),
		rawKey(rdbList, "empty", []byte{0}),
		[]byte{opExpireSec}, binary.LittleEndian.AppendUint32(nil, 7), rawKey(rdbSet, "empty2", []byte{0}),
		rawKey(rdbListQuicklist2, "emptyql", []byte{1, quicklistPacked}, rawString(string(testListpack()))),
		[]byte{opExpireSec}, binary.LittleEndian.AppendUint32(nil, 7), rawKey(rdbString, "k2", rawString("v2")),
	)
	recs, err := decodeErr(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || string(recs[0].Key) != "k" || recs[0].ExpireMs != 5000 || string(recs[1].Key) != "k2" || recs[1].ExpireMs != 7000 {
		t.Fatalf("records %+v", recs)
	}
	if want := int64(bytes.Index(b, []byte{opExpireMs})); recs[0].Offset != want {
		t.Errorf("key record at offset %d, want %d (its expiry opcode)", recs[0].Offset, want)
	}
}

// With an io.ByteReader the Decoder stops right after the checksum, so data
// that follows the RDB in a stream is left for the caller.
func TestStopsAtChecksum(t *testing.T) {
	tail := "+CONTINUE\r\n"
	r := bytes.NewReader(append(richFile(t), tail...))
	d := NewDecoder(r)
	for {
		if _, err := d.Next(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	rest, _ := io.ReadAll(r)
	if string(rest) != tail {
		t.Fatalf("left %q, want %q", rest, tail)
	}
}

// Readers without ReadByte work, and reader errors surface with an offset.
func TestReaders(t *testing.T) {
	want, err := decodeErr(richFile(t))
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]io.Reader{ //det:ok each reader on its own
		"one byte": iotest.OneByteReader(bytes.NewReader(richFile(t))),
		"half":     iotest.HalfReader(bytes.NewReader(richFile(t))),
		"data+err": iotest.DataErrReader(bytes.NewReader(richFile(t))),
	} {
		d := NewDecoder(r)
		var got []Record
		for {
			rec, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got = append(got, rec)
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d records, want %d", name, len(got), len(want))
		}
	}
	b := richFile(t)
	d := NewDecoder(io.MultiReader(bytes.NewReader(b[:40]), iotest.ErrReader(iotest.ErrTimeout)))
	for {
		_, err := d.Next()
		if err == nil {
			continue
		}
		var e *Error
		if !errors.Is(err, iotest.ErrTimeout) || !errors.As(err, &e) || e.Offset != 40 {
			t.Fatalf("reader error surfaced as %v", err)
		}
		break
	}
}
