package rdb

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Fixtures made by real Redis servers of many versions (see
// testdata/README.md). The expected contents come from the JSON dumps that
// another decoder (hdt3213/rdb, from redis-rdb-tools' test suite) published
// next to them, not from this package.

func strs(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

func str(s string) Value { return Value{Type: TypeString, Str: []byte(s)} }

type fixtureKey struct {
	DB       int
	Key      string
	Value    Value
	ExpireMs int64
}

func readFixture(t *testing.T, name string) (int, []Record) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	recs := decodeAll(t, b)
	d := NewDecoder(bytes.NewReader(b))
	d.Next()
	return d.Version(), recs
}

func fixtureKeys(recs []Record) []fixtureKey {
	var out []fixtureKey
	for _, r := range recs {
		if r.Kind == KindKey {
			out = append(out, fixtureKey{r.DB, string(r.Key), r.Value, r.ExpireMs})
		}
	}
	return out
}

func TestFixtures(t *testing.T) {
	aRuns := func() [][]byte { // "aaaaaa", "aaaaaaaaaaaa", … six of them
		var out [][]byte
		for i := 1; i <= 6; i++ {
			out = append(out, bytes.Repeat([]byte("a"), 6*i))
		}
		return out
	}
	cases := []struct {
		file    string
		version int
		keys    []fixtureKey
	}{
		{"ziplist_with_integers.rdb", 6, []fixtureKey{{0, "ziplist_with_integers", Value{Type: TypeList, Elems: strs(
			"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "-2", "13", "25", "-61", "63", "16380",
			"-16000", "65535", "-65523", "4194304", "9223372036854775807")}, -1}}},
		{"ziplist_that_compresses_easily.rdb", 3, []fixtureKey{{0, "ziplist_compresses_easily", Value{Type: TypeList, Elems: aRuns()}, -1}}},
		{"ziplist_that_doesnt_compress.rdb", 3, []fixtureKey{{0, "ziplist_doesnt_compress", Value{Type: TypeList, Elems: strs(
			"aj2410", "cc953a17a8e096e76a44169ad3f9ac87c5f8248a403274416179aa9fbd852344")}, -1}}},
		{"hash_as_ziplist.rdb", 4, []fixtureKey{{0, "zipmap_compresses_easily", Value{Type: TypeHash, Elems: strs(
			"a", "aa", "aa", "aaaa", "aaaaa", "aaaaaaaaaaaaaa")}, -1}}},
		{"zipmap_that_compresses_easily.rdb", 3, []fixtureKey{{0, "zipmap_compresses_easily", Value{Type: TypeHash, Elems: strs(
			"a", "aa", "aa", "aaaa", "aaaaa", "aaaaaaaaaaaaaa")}, -1}}},
		{"zipmap_that_doesnt_compress.rdb", 3, []fixtureKey{{0, "zimap_doesnt_compress", Value{Type: TypeHash, Elems: strs(
			"MKD1G6", "2", "YNNXK", "F7TI")}, -1}}},
		{"zipmap_big_len.rdb", 3, []fixtureKey{{0, "zimap_doesnt_compress", Value{Type: TypeHash, Elems: strs(
			"MKD1G6", "2", "YNNXK", "F7TI")}, -1}}},
		{"sorted_set_as_ziplist.rdb", 3, []fixtureKey{{0, "sorted_set_as_ziplist", Value{Type: TypeZSet, Elems: strs(
			"8b6ba6718a786daefa69438148361901", "cb7a24bb7528f934b841b34c3a73e0c7", "523af537946b79c4f8369ed39ba78605"),
			Scores: []float64{1, 2.37, 3.423}}, -1}}},
		{"quicklist.rdb", 9, []fixtureKey{{0, "list", Value{Type: TypeList, Elems: strs(
			"eb5foapxep8846is", "ns8ra7iy34tpvt", "2dmoobfe4vlmok1f", "bmnctno6rrxjs5yl", "sq1c36x0ixv50jqm", "jfds2extynrj6l")}, -1}}},
		{"intset_16.rdb", 3, []fixtureKey{{0, "intset_16", Value{Type: TypeSet, Elems: strs("32764", "32765", "32766")}, -1}}},
		{"intset_32.rdb", 3, []fixtureKey{{0, "intset_32", Value{Type: TypeSet, Elems: strs("2147418108", "2147418109", "2147418110")}, -1}}},
		{"intset_64.rdb", 3, []fixtureKey{{0, "intset_64", Value{Type: TypeSet, Elems: strs(
			"9223090557583032316", "9223090557583032317", "9223090557583032318")}, -1}}},
		{"regular_set.rdb", 3, []fixtureKey{{0, "regular_set", Value{Type: TypeSet, Elems: strs("beta", "delta", "alpha", "phi", "gamma", "kappa")}, -1}}},
		{"keys_with_expiry.rdb", 4, []fixtureKey{{0, "expires_ms_precision", str("2022-12-25 10:11:12.573 UTC"), 1671963072573}}},
		{"easily_compressible_string_key.rdb", 3, []fixtureKey{{0, strings.Repeat("a", 200), str("Key that redis should compress easily"), -1}}},
		{"multiple_databases.rdb", 3, []fixtureKey{{0, "key_in_zeroth_database", str("zero"), -1}, {2, "key_in_second_database", str("second"), -1}}},
		{"integer_keys.rdb", 3, []fixtureKey{
			{0, "183358245", str("Positive 32 bit integer"), -1}, {0, "125", str("Positive 8 bit integer"), -1},
			{0, "-29477", str("Negative 16 bit integer"), -1}, {0, "-123", str("Negative 8 bit integer"), -1},
			{0, "43947", str("Positive 16 bit integer"), -1}, {0, "-183358245", str("Negative 32 bit integer"), -1}}},
		{"non_ascii_values.rdb", 7, []fixtureKey{
			{0, "int_value", str("123"), -1}, {0, "ascii", str("\x00! ~0\n\t\rAb"), -1},
			{0, "bin", str("\x00$ ~0\x7f\xff\n\xaa\t\x80\rAb"), -1}, {0, "printable", str("!+ Ab^~"), -1},
			{0, "378", str("int_key_name"), -1}, {0, "utf8", str("בדיקה𐀏123עברית"), -1}}},
		{"rdb_version_5_with_checksum.rdb", 5, []fixtureKey{
			{0, "abcd", str("efgh"), -1}, {0, "foo", str("bar"), -1}, {0, "bar", str("baz"), -1}, {0, "abcdef", str("abcdef"), -1},
			{0, "longerstring", str("thisisalongerstring.idontknowwhatitmeans"), -1}, {0, "abc", str("def"), -1}}},
		{"listpack.rdb", 10, []fixtureKey{
			{0, "l", Value{Type: TypeList, Elems: strs("1", "20000", "aaaa", "4", "16380", "-16380", "1048576", "268435456", "8589934592")}, -1},
			{0, "z", Value{Type: TypeZSet, Elems: strs("11", "9", "7", "5", "12", "3", "1", "2", "4", "6", "8", "10"),
				Scores: []float64{-8589934592, -268435456, -1048576, -16380, -2000, 0, 1, 2000, 16380, 1048576, 268435456, 8589934592}}, -1},
			{0, "h", Value{Type: TypeHash, Elems: strs("1", "1", "2", "2000", "3", "aaaaaaaaaaaaaaaa", "4", "16380", "5", "-16380",
				"6", "1048576", "7", "-1048576", "8", "268435456", "9", "-268435456", "10", "8589934592", "11", "8589934592")}, -1}}},
		{"set_listpack.rdb", 11, []fixtureKey{{0, "s", Value{Type: TypeSet, Elems: strs("a", "b", "c", "d")}, -1}}},
		{"expiration.rdb", 11, []fixtureKey{{0, "noexpire", str("1"), -1}, {0, "expired", str("1"), 1751792339236}}},
		{"function.rdb", 11, nil}, // one FUNCTION2 record, dropped
		{"empty_database.rdb", 3, nil},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			v, recs := readFixture(t, c.file)
			if v != c.version {
				t.Errorf("version %d, want %d", v, c.version)
			}
			got := fixtureKeys(recs)
			if diff := cmp.Diff(c.keys, got, cmpValues); diff != "" {
				t.Errorf("keys differ (-want +got):\n%s", diff)
			}
		})
	}
}

// Larger fixtures: check sizes and the first and last elements.
func TestFixturesLarge(t *testing.T) {
	for _, c := range []struct {
		file, key   string
		typ         Type
		n           int
		first, last string
		firstScore  float64
	}{
		{"linkedlist.rdb", "force_linkedlist", TypeList, 1000, "41PJSO2KRV6SK1WJ6936L06YQDPV68R5J2TAZO3YAR5IL5GUI8", "2C5URE2L24D9GJUZJ59IWCAH8SGYF5T7QZ0EXQ0IE4I2JSB1QD", 0},
		{"regular_sorted_set.rdb", "force_sorted_set", TypeZSet, 500, "G72TWVWH0DY782VG0H8VVAR8RNO7BS9QGOHTZFJU67X7L0Z3PR", "MBNE4KFV66LQQUZNFC7Z5KS1Y5I1IIIOT37OBUSGNDQQ2ITGZ8", 3.19},
		{"rdb_version_8_with_64b_length_and_scores.rdb", "bigset", TypeZSet, 1000, "key000000499693", "key000000978882", 1.618},
	} {
		_, recs := readFixture(t, c.file)
		var found bool
		for _, k := range fixtureKeys(recs) {
			if k.Key != c.key {
				continue
			}
			found = true
			e := k.Value.Elems
			if k.Value.Type != c.typ || len(e) != c.n || string(e[0]) != c.first || string(e[len(e)-1]) != c.last {
				t.Errorf("%s: %v with %d elements, want %v with %d from %q to %q", c.file, k.Value.Type, len(e), c.typ, c.n, c.first, c.last)
			}
			if c.typ == TypeZSet && k.Value.Scores[0] != c.firstScore {
				t.Errorf("%s: first score %v, want %v", c.file, k.Value.Scores[0], c.firstScore)
			}
		}
		if !found {
			t.Errorf("%s: key %q missing", c.file, c.key)
		}
	}
}

// parser_filters.rdb (version 2) mixes every encoding of its day.
func TestFixtureParserFilters(t *testing.T) {
	_, recs := readFixture(t, "parser_filters.rdb")
	got := map[string]Value{}
	for _, k := range fixtureKeys(recs) {
		got[k.Key] = k.Value
	}
	want := map[string]Value{
		"l11":  {Type: TypeList, Elems: strs("9999999999", "9999999998", "9999999997")},
		"set6": {Type: TypeSet, Elems: strs("9999999997", "9999999998", "9999999999")},
		"z4":   {Type: TypeZSet, Elems: strs("10000000001", "10000000002", "10000000003"), Scores: []float64{10000000001, 10000000002, 10000000003}},
		"b5":   str("\x00\x00\x00\x00\xff"),
		"n6b":  str("1000000"),
	}
	for k, w := range want { //det:ok test lookup, order irrelevant
		if diff := cmp.Diff(w, got[k], cmpValues); diff != "" {
			t.Errorf("%s (-want +got):\n%s", k, diff)
		}
	}
	if len(got) != 43 {
		t.Errorf("%d keys, want 43", len(got))
	}
}

// A stream fixture is refused with an error naming the key and the type.
func TestFixtureStream(t *testing.T) {
	b, _ := os.ReadFile("testdata/stream_listpacks_2.rdb")
	d := NewDecoder(bytes.NewReader(b))
	var err error
	for err == nil {
		_, err = d.Next()
	}
	if !strings.Contains(err.Error(), `key "astream": stream values are not supported`) {
		t.Fatalf("error %q", err)
	}
}
