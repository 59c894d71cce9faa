package rdb

import (
	"bytes"
	"errors"
	"io"
	"math"
	"reflect"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

// genBytes draws binary-safe strings that exercise every string encoding:
// canonical and non-canonical integers at the 8/16/32/64-bit edges, text
// that LZF compresses, random bytes.
func genBytes() *rapid.Generator[[]byte] {
	return rapid.OneOf(
		rapid.SliceOfN(rapid.Byte(), 0, 40),
		rapid.Custom(func(t *rapid.T) []byte {
			return strconv.AppendInt(nil, rapid.Int64().Draw(t, "int"), 10)
		}),
		rapid.Custom(func(t *rapid.T) []byte {
			edges := []int64{0, -1, 127, 128, -128, -129, 32767, 32768, -32768, -32769,
				math.MaxInt32, math.MaxInt32 + 1, math.MinInt32, math.MinInt32 - 1, math.MaxInt64, math.MinInt64}
			return strconv.AppendInt(nil, rapid.SampledFrom(edges).Draw(t, "edge"), 10)
		}),
		rapid.SampledFrom([][]byte{[]byte("-0"), []byte("007"), []byte("+1"), []byte(" 1"), []byte("1 "), []byte("")}),
		rapid.Custom(func(t *rapid.T) []byte {
			unit := rapid.SliceOfN(rapid.Byte(), 1, 5).Draw(t, "unit")
			return bytes.Repeat(unit, rapid.IntRange(5, 300).Draw(t, "reps"))
		}),
	)
}

// genDistinct draws n ≥ 1 distinct strings.
func genDistinct(t *rapid.T, label string, maxN int) [][]byte {
	return rapid.SliceOfNDistinct(genBytes(), 1, maxN, func(b []byte) string { return string(b) }).Draw(t, label)
}

func genScore() *rapid.Generator[float64] {
	return rapid.OneOf(
		rapid.Float64().Filter(func(f float64) bool { return !math.IsNaN(f) }),
		rapid.SampledFrom([]float64{math.Inf(1), math.Inf(-1), 0, math.SmallestNonzeroFloat64, math.MaxFloat64, -1.5}),
		rapid.Custom(func(t *rapid.T) float64 { return float64(rapid.IntRange(-1000, 1000).Draw(t, "i")) }),
	)
}

func genValue() *rapid.Generator[Value] {
	return rapid.Custom(func(t *rapid.T) Value {
		switch typ := Type(rapid.IntRange(0, 4).Draw(t, "type")); typ {
		case TypeString:
			return Value{Type: typ, Str: genBytes().Draw(t, "str")}
		case TypeList:
			return Value{Type: typ, Elems: rapid.SliceOfN(genBytes(), 1, 30).Draw(t, "list")}
		case TypeSet:
			return Value{Type: typ, Elems: genDistinct(t, "set", 30)}
		case TypeZSet:
			m := genDistinct(t, "zset", 30)
			return Value{Type: typ, Elems: m, Scores: rapid.SliceOfN(genScore(), len(m), len(m)).Draw(t, "scores")}
		default:
			f := genDistinct(t, "fields", 20)
			var e [][]byte
			for _, k := range f {
				e = append(e, k, genBytes().Draw(t, "hval"))
			}
			return Value{Type: typ, Elems: e}
		}
	})
}

type testKey struct {
	DB       int
	Key      []byte
	Value    Value
	ExpireMs int64
}

type testFile struct {
	Aux  [][2]string
	Keys []testKey // grouped by DB, DBs ascending
}

func genFile() *rapid.Generator[testFile] {
	return rapid.Custom(func(t *rapid.T) testFile {
		var f testFile
		for range rapid.IntRange(0, 3).Draw(t, "naux") {
			f.Aux = append(f.Aux, [2]string{rapid.String().Draw(t, "auxk"), rapid.String().Draw(t, "auxv")})
		}
		dbs := rapid.SliceOfNDistinct(rapid.IntRange(0, 20), 0, 3, func(i int) int { return i }).Draw(t, "dbs")
		sortInts(dbs)
		for _, db := range dbs {
			keys := rapid.SliceOfNDistinct(genBytes(), 1, 8, func(b []byte) string { return string(b) }).Draw(t, "keys")
			for _, k := range keys {
				exp := int64(-1)
				if rapid.Bool().Draw(t, "hasexp") {
					exp = rapid.Int64Range(0, 1<<50).Draw(t, "exp")
				}
				f.Keys = append(f.Keys, testKey{db, k, genValue().Draw(t, "value"), exp})
			}
		}
		return f
	})
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// encodeFile writes f and returns the bytes and, per record written, the
// offset Written() reported before it.
func encodeFile(t testing.TB, f testFile, compress bool) ([]byte, []int64) {
	var buf bytes.Buffer
	e := NewEncoder(&buf)
	e.SetCompression(compress)
	var offs []int64
	// The header is written with the first record, so that record starts at 9.
	at := func() int64 { return max(e.Written(), 9) }
	check := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Written() != int64(buf.Len()) {
			t.Fatalf("Written() = %d, writer has %d", e.Written(), buf.Len())
		}
	}
	for _, a := range f.Aux {
		offs = append(offs, at())
		check(e.Aux(a[0], a[1]))
	}
	for i, k := range f.Keys {
		if i == 0 || f.Keys[i-1].DB != k.DB {
			var n, nexp uint64
			for _, k2 := range f.Keys {
				if k2.DB == k.DB {
					n++
					if k2.ExpireMs >= 0 {
						nexp++
					}
				}
			}
			offs = append(offs, at(), at()+1+int64(len(appendLen(nil, uint64(k.DB)))))
			check(e.SelectDB(k.DB, n, nexp))
		}
		offs = append(offs, at())
		check(e.Key(k.Key, k.Value, k.ExpireMs))
	}
	check(e.Finish())
	return buf.Bytes(), offs
}

// decodeAll decodes every record of b.
func decodeAll(t testing.TB, b []byte) []Record {
	t.Helper()
	r := bytes.NewReader(b)
	d := NewDecoder(r)
	var recs []Record
	for {
		rec, err := d.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		recs = append(recs, rec)
	}
	if r.Len() != 0 {
		t.Fatalf("decoder stopped with %d bytes unread", r.Len())
	}
	if _, err := d.Next(); err != io.EOF {
		t.Fatalf("Next after EOF: %v", err)
	}
	return recs
}

// cmpValues compares byte strings with bytes.Equal (nil equals empty; much
// faster than element by element) and treats nil and empty slices alike.
var cmpValues = cmp.Options{
	cmp.FilterPath(func(p cmp.Path) bool { return p.Last().Type() != reflect.TypeFor[[]byte]() }, cmpopts.EquateEmpty()),
	cmp.Comparer(bytes.Equal),
}

func TestRoundTrip(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		f := genFile().Draw(rt, "file")
		compress := rapid.Bool().Draw(rt, "compress")
		b, offs := encodeFile(t, f, compress)
		recs := decodeAll(t, b)

		var want []Record
		for _, a := range f.Aux {
			want = append(want, Record{Kind: KindAux, AuxKey: a[0], AuxVal: a[1]})
		}
		for i, k := range f.Keys {
			if i == 0 || f.Keys[i-1].DB != k.DB {
				var n, nexp uint64
				for _, k2 := range f.Keys {
					if k2.DB == k.DB {
						n++
						if k2.ExpireMs >= 0 {
							nexp++
						}
					}
				}
				want = append(want, Record{Kind: KindSelectDB, DB: k.DB},
					Record{Kind: KindResizeDB, DB: k.DB, DBSize: n, ExpiresSize: nexp})
			}
			want = append(want, Record{Kind: KindKey, DB: k.DB, Key: k.Key, Value: k.Value, ExpireMs: k.ExpireMs})
		}
		if len(offs) != len(want) {
			t.Fatalf("test bug: %d offsets for %d records", len(offs), len(want))
		}
		for i := range want {
			want[i].Offset = offs[i]
		}
		if diff := cmp.Diff(want, recs, cmpValues); diff != "" {
			t.Fatalf("decode(encode(f)) differs (-want +got):\n%s", diff)
		}
	})
}

// The encoder refuses values Redis would drop or reject, without writing.
func TestEncoderRejects(t *testing.T) {
	for _, c := range []struct {
		name string
		v    Value
		want string
	}{
		{"empty list", Value{Type: TypeList}, "empty list"},
		{"empty set", Value{Type: TypeSet, Elems: [][]byte{}}, "empty set"},
		{"empty hash", Value{Type: TypeHash}, "empty hash"},
		{"odd hash", Value{Type: TypeHash, Elems: [][]byte{[]byte("f")}}, "odd number"},
		{"zset scores", Value{Type: TypeZSet, Elems: [][]byte{[]byte("m")}}, "1 members but 0 scores"},
		{"zset nan", Value{Type: TypeZSet, Elems: [][]byte{[]byte("m")}, Scores: []float64{math.NaN()}}, "NaN"},
		{"bad type", Value{Type: 9}, "unknown value type 9"},
	} {
		var buf bytes.Buffer
		e := NewEncoder(&buf)
		err := e.Key([]byte("k"), c.v, -1)
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(c.want)) || !bytes.Contains([]byte(err.Error()), []byte(`key "k"`)) {
			t.Errorf("%s: error %v, want one naming key \"k\" and %q", c.name, err, c.want)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: wrote %d bytes", c.name, buf.Len())
		}
		// The encoder is still usable.
		if err := e.Key([]byte("k"), Value{Type: TypeString, Str: []byte("v")}, -1); err != nil {
			t.Errorf("%s: encoder unusable after a rejected value: %v", c.name, err)
		}
	}
}

type failWriter struct{ after int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.after <= 0 {
		return 0, errors.New("disk full")
	}
	n := min(len(p), w.after)
	w.after -= n
	if n < len(p) {
		return n, errors.New("disk full")
	}
	return n, nil
}

// A write error is reported, sticky, and Written counts what was accepted.
func TestEncoderWriteError(t *testing.T) {
	w := &failWriter{after: 12}
	e := NewEncoder(w)
	if err := e.Aux("redis-ver", "7.0.15"); err == nil || !bytes.Contains([]byte(err.Error()), []byte("disk full")) {
		t.Fatalf("Aux: %v", err)
	}
	if e.Written() != 12 {
		t.Fatalf("Written = %d, want 12", e.Written())
	}
	if err := e.Finish(); err == nil {
		t.Fatal("Finish after a write error succeeded")
	}
	var buf bytes.Buffer
	e = NewEncoder(&buf)
	if err := e.Finish(); err != nil {
		t.Fatal(err)
	}
	if err := e.Aux("a", "b"); err == nil {
		t.Fatal("Aux after Finish succeeded")
	}
}

// Large values are flushed in pieces and still round trip.
func TestRoundTripLarge(t *testing.T) {
	big := make([]byte, 3<<20)
	for i := range big {
		big[i] = byte(i * 7 / 3)
	}
	var elems [][]byte
	for i := range 100000 {
		elems = append(elems, strconv.AppendInt(nil, int64(i)*7919, 10))
	}
	f := testFile{Keys: []testKey{
		{0, []byte("big"), Value{Type: TypeString, Str: big}, -1},
		{0, []byte("list"), Value{Type: TypeList, Elems: elems}, 1},
		{0, []byte("set"), Value{Type: TypeSet, Elems: elems}, -1},
	}}
	for _, compress := range []bool{false, true} {
		b, _ := encodeFile(t, f, compress)
		recs := decodeAll(t, b)
		var got []testKey
		for _, r := range recs {
			if r.Kind == KindKey {
				got = append(got, testKey{r.DB, r.Key, r.Value, r.ExpireMs})
			}
		}
		if diff := cmp.Diff(f.Keys, got, cmpValues); diff != "" {
			t.Fatalf("compress=%v: differs:\n%.2000s", compress, diff)
		}
	}
}
