package rdb

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzDecode feeds arbitrary bytes to the Decoder. It must never panic or
// hang; every error must be an *Error with an offset inside the input; and
// whatever decodes completely must survive a re-encode: decode(encode(x))
// gives the same keys.
//
// Every seed is also added with its checksum zeroed ("not computed"), so
// mutations of it still decode completely and reach the re-encode check.
func FuzzDecode(f *testing.F) {
	var seeds [][]byte
	add := func(b []byte) { seeds = append(seeds, b) }
	paths, _ := filepath.Glob("testdata/*.rdb")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && len(b) < 4096 {
			add(b)
		}
	}
	add(richFile(f))
	add(rawFile("0010", rawKey(rdbListQuicklist2, "q", []byte{2, quicklistPacked}, rawString(string(testListpack("a", "-7", "300"))),
		[]byte{quicklistPlain}, rawString("plain"))))
	add(rawFile("0006", rawKey(rdbZSetZiplist, "z", rawString(string(testZiplist("m", "i16:300", "n", "1.5"))))))
	add(rawFile("0010", rawKey(rdbHashListpack, "h", rawString(string(testListpack("f", "v", "g", "12"))))))
	add(rawFile("0003", rawKey(rdbSetIntset, "s", rawString("\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00\x02\x00"))))
	for _, b := range seeds {
		f.Add(b)
		if len(b) > 17 && string(b[5:9]) >= "0005" {
			z := bytes.Clone(b)
			clear(z[len(z)-8:])
			f.Add(z)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(bytes.NewReader(data))
		var keys []Record
		var aux []Record
		for range 100000 {
			r, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var e *Error
				if !errors.As(err, &e) || e.Offset < 0 || e.Offset > int64(len(data)) {
					t.Fatalf("error without a sane offset: %v", err)
				}
				return
			}
			if r.Offset < 0 || r.Offset >= int64(len(data)) {
				t.Fatalf("record offset %d outside %d bytes", r.Offset, len(data))
			}
			switch r.Kind {
			case KindKey:
				keys = append(keys, r)
			case KindAux:
				aux = append(aux, r)
			}
		}
		// The file decoded: re-encode what it held and compare.
		var buf bytes.Buffer
		e := NewEncoder(&buf)
		db := -1
		for _, a := range aux {
			if err := e.Aux(a.AuxKey, a.AuxVal); err != nil {
				t.Fatal(err)
			}
		}
		for _, k := range keys {
			if k.DB != db {
				db = k.DB
				if err := e.SelectDB(db, 0, 0); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.Key(k.Key, k.Value, k.ExpireMs); err != nil {
				t.Fatalf("re-encoding a decoded key: %v", err)
			}
		}
		if err := e.Finish(); err != nil {
			t.Fatal(err)
		}
		var again []Record
		d2 := NewDecoder(bytes.NewReader(buf.Bytes()))
		for {
			r, err := d2.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("decoding the re-encoded file: %v", err)
			}
			if r.Kind == KindKey {
				again = append(again, r)
			}
		}
		strip := func(rs []Record) []Record {
			out := make([]Record, len(rs))
			for i, r := range rs {
				r.Offset = 0
				out[i] = r
			}
			return out
		}
		// cmp.Diff is slow on the huge lists a small LZF blob can expand to:
		// compare cheaply first, diff only to explain a mismatch.
		if a, b := strip(keys), strip(again); !sameRecords(a, b) {
			t.Fatalf("re-encode changed the keys:\n%.4000s", cmp.Diff(a, b, cmpValues))
		}
	})
}

func sameRecords(a, b []Record) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Kind != y.Kind || x.DB != y.DB || !bytes.Equal(x.Key, y.Key) || x.ExpireMs != y.ExpireMs ||
			x.Value.Type != y.Value.Type || !bytes.Equal(x.Value.Str, y.Value.Str) ||
			len(x.Value.Elems) != len(y.Value.Elems) || len(x.Value.Scores) != len(y.Value.Scores) {
			return false
		}
		for j := range x.Value.Elems {
			if !bytes.Equal(x.Value.Elems[j], y.Value.Elems[j]) {
				return false
			}
		}
		for j := range x.Value.Scores {
			if x.Value.Scores[j] != y.Value.Scores[j] {
				return false
			}
		}
	}
	return true
}
