package node

import (
	"sort"
	"strconv"
	"strings"
	"testing"

	"opdis/wire"
)

// Expected replies below were taken from a real redis-server 7.0.15.

// hsStringKey stores a string value directly (the string family is not
// needed to test WRONGTYPE).
func hsStringKey(tn *tnode, key, val string) {
	tn.addKey(tn.dbs[0], []byte(key), newStringObject([]byte(val)))
}

// hsObj returns the object under key in db 0, or nil.
func hsObj(tn *tnode, key string) *Object {
	o, _ := tn.dbs[0].keys.Get(key)
	return o
}

// hsSorted renders an array reply with its elements sorted.
func hsSorted(v wire.Value) string {
	if v.Kind != wire.Array || v.Null {
		return v.String()
	}
	var ss []string
	for _, e := range v.Elems {
		ss = append(ss, e.String())
	}
	sort.Strings(ss)
	return "[" + strings.Join(ss, ", ") + "]"
}

// wantSorted runs a command whose array reply is unordered.
func (tn *tnode) wantSorted(id int64, want string, args ...string) {
	tn.t.Helper()
	if got := hsSorted(tn.do(id, args...)); got != want {
		tn.t.Errorf("%q = %s, want (sorted) %s", args, got, want)
	}
}

// hsPairs renders an HGETALL-like reply as sorted "field=value" pairs.
func hsPairs(t *testing.T, v wire.Value) string {
	t.Helper()
	if v.Kind != wire.Array || len(v.Elems)%2 != 0 {
		t.Fatalf("not a pair array: %s", v)
	}
	var ss []string
	for i := 0; i < len(v.Elems); i += 2 {
		ss = append(ss, v.Elems[i].Str+"="+v.Elems[i+1].Str)
	}
	sort.Strings(ss)
	return strings.Join(ss, " ")
}

func TestHashBasic(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.want(id, "(error) ERR wrong number of arguments for 'hset' command", "hset", "h")
	tn.want(id, "(error) ERR wrong number of arguments for 'hset' command", "hset", "h", "a")
	tn.want(id, "(error) ERR wrong number of arguments for 'hset' command", "hset", "h", "a", "1", "b")
	tn.want(id, "(error) ERR wrong number of arguments for 'hmset' command", "HMSET", "h", "a", "1", "b")
	if hsObj(tn, "h") != nil {
		t.Fatal("a failed HSET created the key")
	}
	tn.want(id, "(integer) 2", "hset", "h", "a", "1", "b", "2")
	tn.want(id, "(integer) 1", "HSET", "h", "a", "1", "c", "3")
	tn.want(id, "(integer) 1", "hset", "h", "d", "x", "d", "y")
	tn.want(id, "\"y\"", "hget", "h", "d")
	tn.want(id, `"OK"`, "hmset", "h", "x", "1")
	tn.want(id, "(integer) 0", "hsetnx", "h", "a", "5")
	tn.want(id, "(integer) 1", "hsetnx", "h", "z", "5")
	tn.want(id, "\"1\"", "hget", "h", "a")
	tn.want(id, "(nil)", "hget", "h", "nofield")
	tn.want(id, "(nil)", "hget", "nokey", "a")
	tn.want(id, "[\"1\", (nil), \"5\"]", "hmget", "h", "a", "nofield", "z")
	tn.want(id, "[(nil), (nil)]", "hmget", "nokey", "a", "b")
	tn.want(id, "(integer) 6", "hlen", "h")
	tn.want(id, "(integer) 0", "hlen", "nokey")
	tn.want(id, "(integer) 1", "hstrlen", "h", "z")
	tn.want(id, "(integer) 0", "hstrlen", "h", "nofield")
	tn.want(id, "(integer) 0", "hstrlen", "nokey", "a")
	tn.want(id, "(integer) 1", "hexists", "h", "z")
	tn.want(id, "(integer) 0", "hexists", "h", "q")
	tn.want(id, "(integer) 0", "hexists", "nokey", "q")
	tn.wantSorted(id, `["a", "b", "c", "d", "x", "z"]`, "hkeys", "h")
	tn.wantSorted(id, `["1", "1", "2", "3", "5", "y"]`, "hvals", "h")
	if got := hsPairs(t, tn.do(id, "hgetall", "h")); got != "a=1 b=2 c=3 d=y x=1 z=5" {
		t.Errorf("hgetall = %s", got)
	}
	tn.want(id, "[]", "hkeys", "nokey")
	tn.want(id, "[]", "hvals", "nokey")
	tn.want(id, "[]", "hgetall", "nokey")
	tn.want(id, "(integer) 2", "hdel", "h", "a", "b", "nonexist", "a")
	tn.want(id, "(integer) 0", "hdel", "nokey", "a")
	tn.want(id, "(integer) 0", "hdel", "h", "nonexist")
	tn.want(id, "(integer) 4", "hdel", "h", "c", "d", "x", "z", "more")
	if hsObj(tn, "h") != nil {
		t.Fatal("HDEL of every field left the key")
	}
	tn.want(id, "(integer) 0", "hlen", "h")
}

func TestHashWrongType(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	hsStringKey(tn, "s", "v")
	const wt = "(error) WRONGTYPE Operation against a key holding the wrong kind of value"
	for _, cmd := range [][]string{
		{"hset", "s", "a", "1"}, {"hmset", "s", "a", "1"}, {"hsetnx", "s", "a", "1"},
		{"hget", "s", "a"}, {"hmget", "s", "a"}, {"hdel", "s", "a"}, {"hlen", "s"},
		{"hstrlen", "s", "a"}, {"hexists", "s", "a"}, {"hkeys", "s"}, {"hvals", "s"},
		{"hgetall", "s"}, {"hincrby", "s", "a", "1"}, {"hincrbyfloat", "s", "a", "1"},
		{"hrandfield", "s"}, {"hrandfield", "s", "0"}, {"hrandfield", "s", "1", "withvalues"},
		{"hscan", "s", "0"},
	} {
		tn.want(id, wt, cmd...)
	}
	// Argument errors come before the type check where Redis parses first.
	tn.want(id, "(error) ERR value is not an integer or out of range", "hincrby", "s", "a", "x")
	tn.want(id, "(error) ERR value is not a valid float", "hincrbyfloat", "s", "a", "x")
	tn.want(id, "(error) ERR value is not an integer or out of range", "hrandfield", "s", "abc")
	tn.want(id, "(error) ERR invalid cursor", "hscan", "s", "abc")
}

func TestHashIncrBy(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.want(id, "(integer) 10", "hincrby", "h", "new", "10")
	tn.want(id, "(integer) 5", "hincrby", "h", "new", "-5")
	tn.want(id, "(error) ERR value is not an integer or out of range", "hincrby", "h", "new", "abc")
	tn.want(id, "(error) ERR value is not an integer or out of range", "hincrby", "h", "new", " 1")
	tn.want(id, "(error) ERR value is not an integer or out of range", "hincrby", "h", "new", "+1")
	tn.want(id, "(error) ERR value is not an integer or out of range", "hincrby", "h", "new", "01")
	tn.want(id, "(error) ERR value is not an integer or out of range", "hincrby", "h", "new", "9223372036854775808")
	tn.want(id, "(error) ERR increment or decrement would overflow", "hincrby", "h", "new", "9223372036854775807")
	tn.want(id, "(integer) 7", "hset", "h", "str", "abc", "sp", " 1", "lz", "01", "pl", "+1", "mz", "-0",
		"big", "9223372036854775807", "neg", "-9223372036854775808")
	for _, f := range []string{"str", "sp", "lz", "pl", "mz"} {
		tn.want(id, "(error) ERR hash value is not an integer", "hincrby", "h", f, "1")
	}
	tn.want(id, "(error) ERR increment or decrement would overflow", "hincrby", "h", "big", "1")
	tn.want(id, "(integer) 9223372036854775806", "hincrby", "h", "big", "-1")
	tn.want(id, "(error) ERR increment or decrement would overflow", "hincrby", "h", "neg", "-1")
	tn.want(id, "(integer) -9223372036854775807", "hincrby", "h", "neg", "1")
	tn.want(id, "(integer) -9223372036854775808", "hincrby", "h2", "x", "-9223372036854775808")
	tn.want(id, "\"-9223372036854775808\"", "hget", "h2", "x")
	tn.want(id, "(integer) -1", "HINCRBY", "h2", "x", "9223372036854775807")
	tn.want(id, "(integer) 0", "hincrby", "h3", "x", "0")
	tn.want(id, "(integer) 1", "hlen", "h3")
}

func TestHashIncrByFloat(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	for _, tc := range []struct{ field, incr, want string }{
		{"f", "1.5", `"1.5"`},
		{"f", "1.1", `"2.6"`},
		{"f", "abc", "(error) ERR value is not a valid float"},
		{"f", "inf", "(error) ERR value is NaN or Infinity"},
		{"f", "-inf", "(error) ERR value is NaN or Infinity"},
		{"f", "infinity", "(error) ERR value is NaN or Infinity"},
		{"f", "nan", "(error) ERR value is not a valid float"},
		{"f", "1 ", "(error) ERR value is not a valid float"},
		{"f", " 1", "(error) ERR value is not a valid float"},
		{"f", "", "(error) ERR value is not a valid float"},
		{"f", "1e", "(error) ERR value is not a valid float"},
		{"f", "1e5000", "(error) ERR value is not a valid float"},
		{"f", "1e-5000", "(error) ERR value is not a valid float"},
		{"g", "3.0e3", `"3000"`},
		{"g", "0.1", `"3000.10000000000000009"`},
		{"i", "10", `"10"`},
		{"i", "-10", `"0"`},
		{"e", "1e20", `"100000000000000000000"`},
		{"e2", "1.23456789012345678", `"1.23456789012345678"`},
		{"e3", "5e-20", `"0"`},
		{"m", "-1e-30", `"0"`},
		{"t", "0.000003814697265625", `"0.00000381469726562"`}, // exact tie: half to even
		{"t2", "0.000003814697265635", `"0.00000381469726563"`},
		{"t3", "-0.000003814697265625", `"-0.00000381469726562"`},
		{"y", "1e-4940", `"0"`},
		{"y", "0x10", `"16"`},
		{"y", "1.", `"17"`},
		{"y", ".5", `"17.5"`},
		{"y", "+.5e1", `"22.5"`},
		{"y", "0x1p3", `"30.5"`},
		{"big", "9223372036854775807", `"9223372036854775807"`},
		{"big", "1", `"9223372036854775808"`},
		{"big2", "12345678901234567890123", `"12345678901234567889920"`},
		{"h", "1e308", `"99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048"`},
		{"h", "1e308", `"199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096"`},
	} {
		tn.want(id, tc.want, "hincrbyfloat", "h", tc.field, tc.incr)
	}
	// 1e4932 fits a long double; doubling it overflows.
	v := tn.do(id, "hincrbyfloat", "hx", "x", "1e4932")
	if !strings.HasPrefix(v.Str, "10000000000000000000060189493879638913238377742545331147737850413525") || len(v.Str) != 4933 {
		t.Errorf("1e4932 = %.80s… (len %d)", v.Str, len(v.Str))
	}
	tn.want(id, "(error) ERR increment would produce NaN or Infinity", "hincrbyfloat", "hx", "x", "1e4932")

	tn.want(id, "(integer) 6", "hset", "v", "sp", " 1", "inf", "inf", "neg0", "-0.0", "hex", "0x1p1", "e", "1e3", "str", "abc")
	tn.want(id, "(error) ERR hash value is not a float", "hincrbyfloat", "v", "sp", "1")
	tn.want(id, "(error) ERR hash value is not a float", "hincrbyfloat", "v", "str", "1")
	tn.want(id, "(error) ERR increment would produce NaN or Infinity", "hincrbyfloat", "v", "inf", "1")
	tn.want(id, `"0"`, "hincrbyfloat", "v", "neg0", "-0")
	tn.want(id, `"3"`, "hincrbyfloat", "v", "hex", "1")
	tn.want(id, `"1001"`, "hincrbyfloat", "v", "e", "1")
	tn.want(id, "(integer) 1002", "hincrby", "v", "e", "1")
	if hsObj(tn, "nokey") != nil {
		t.Fatal("unexpected key")
	}
	tn.want(id, "(error) ERR value is NaN or Infinity", "hincrbyfloat", "nokey", "f", "inf")
	if hsObj(tn, "nokey") != nil {
		t.Fatal("a failed HINCRBYFLOAT created the key")
	}
}

func TestHashRandField(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.want(id, "(nil)", "hrandfield", "nokey")
	tn.want(id, "[]", "hrandfield", "nokey", "3")
	tn.want(id, "[]", "hrandfield", "nokey", "-3", "withvalues")
	tn.want(id, "(error) ERR value is not an integer or out of range", "hrandfield", "nokey", "abc")
	tn.want(id, "(error) ERR syntax error", "hrandfield", "nokey", "3", "foo")
	tn.want(id, "(integer) 1", "hset", "h", "a", "1")
	tn.want(id, "(error) ERR syntax error", "hrandfield", "h", "1", "withvalue")
	tn.want(id, "(error) ERR syntax error", "hrandfield", "h", "1", "withvalues", "x")
	tn.want(id, "(error) ERR syntax error", "hrandfield", "h", "0", "foo")
	tn.want(id, "(error) ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
		"hrandfield", "h", "-9223372036854775808")
	tn.want(id, "(error) ERR value is out of range", "hrandfield", "h", "-4611686018427387904", "withvalues")
	tn.want(id, "(error) ERR value is out of range", "hrandfield", "h", "4611686018427387904", "WITHVALUES")
	tn.want(id, "(error) ERR value is out of range", "hrandfield", "nokey", "-4611686018427387904", "withvalues")
	tn.want(id, "[]", "hrandfield", "h", "0")
	tn.want(id, "[]", "hrandfield", "h", "0", "withvalues")
	tn.want(id, `"a"`, "hrandfield", "h")
	tn.want(id, `["a", "1"]`, "hrandfield", "h", "5", "withvalues")
	tn.want(id, `["a", "1", "a", "1", "a", "1"]`, "hrandfield", "h", "-3", "withvalues")
	tn.want(id, `["a", "a", "a"]`, "hrandfield", "h", "-3")
	tn.want(id, `["a"]`, "hrandfield", "h", "9223372036854775807")

	// Distinct fields for a positive count, in both sampling strategies.
	for i := 0; i < 30; i++ {
		tn.do(id, "hset", "big", "f"+strconv.Itoa(i), "v"+strconv.Itoa(i))
	}
	for _, count := range []int{1, 5, 9, 10, 11, 20, 29, 30, 40} {
		v := tn.do(id, "hrandfield", "big", strconv.Itoa(count), "withvalues")
		want := min(count, 30)
		if len(v.Elems) != 2*want {
			t.Fatalf("count %d: %d elements", count, len(v.Elems))
		}
		seen := map[string]bool{}
		for i := 0; i < len(v.Elems); i += 2 {
			f, val := v.Elems[i].Str, v.Elems[i+1].Str
			if seen[f] || "v"+f[1:] != val {
				t.Fatalf("count %d: bad or repeated pair %s=%s", count, f, val)
			}
			seen[f] = true
		}
	}
	v := tn.do(id, "hrandfield", "big", "-100")
	if len(v.Elems) != 100 {
		t.Fatalf("negative count: %d elements", len(v.Elems))
	}
	seen := map[string]bool{}
	for _, e := range v.Elems {
		seen[e.Str] = true
	}
	if len(seen) < 2 {
		t.Error("negative count never varies")
	}
}

func TestHashScan(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.want(id, `["0", []]`, "hscan", "nokey", "0")
	tn.want(id, `["0", []]`, "hscan", "nokey", "0", "foo") // options are parsed only for an existing key
	tn.want(id, "(error) ERR invalid cursor", "hscan", "nokey", "abc")
	tn.want(id, "(integer) 3", "hset", "h", "a", "1", "b", "2", "c", "3")
	v := tn.do(id, "hscan", "h", "0")
	if v.Elems[0].Str != "0" || hsPairs(t, v.Elems[1]) != "a=1 b=2 c=3" {
		t.Errorf("hscan = %s", v)
	}
	// A listpack hash comes back whole whatever the cursor and count.
	for _, cur := range []string{"5", "-1", "+0", "", "18446744073709551615", "-18446744073709551615"} {
		v := tn.do(id, "hscan", "h", cur, "count", "1")
		if v.Elems[0].Str != "0" || len(v.Elems[1].Elems) != 6 {
			t.Errorf("hscan cursor %q = %s", cur, v)
		}
	}
	for _, cur := range []string{"abc", " 0", "0x10", "18446744073709551616", "-18446744073709551616", "+", "-", "1 "} {
		tn.want(id, "(error) ERR invalid cursor", "hscan", "h", cur)
	}
	tn.want(id, `["0", ["a", "1"]]`, "hscan", "h", "0", "match", "a")
	tn.want(id, `["0", ["a", "1"]]`, "hscan", "h", "0", "MATCH", "*", "COUNT", "1", "match", "[a]")
	tn.want(id, "(error) ERR syntax error", "hscan", "h", "0", "count", "0")
	tn.want(id, "(error) ERR syntax error", "hscan", "h", "0", "count", "-1")
	tn.want(id, "(error) ERR value is not an integer or out of range", "hscan", "h", "0", "count", "abc")
	tn.want(id, "(error) ERR value is not an integer or out of range", "hscan", "h", "0", "count", "9223372036854775808")
	tn.want(id, "(error) ERR syntax error", "hscan", "h", "0", "count")
	tn.want(id, "(error) ERR syntax error", "hscan", "h", "0", "match")
	tn.want(id, "(error) ERR syntax error", "hscan", "h", "0", "novalues")
	tn.want(id, "(error) ERR syntax error", "hscan", "h", "0", "type", "hash")

	// A hashtable is walked with a cursor; every field is seen.
	for i := 0; i < 600; i++ {
		tn.do(id, "hset", "big", "f"+strconv.Itoa(i), strconv.Itoa(i))
	}
	if !hsObj(tn, "big").big {
		t.Fatal("600 fields should be a hashtable")
	}
	seen := map[string]int{}
	cursor, calls := "0", 0
	for {
		v := tn.do(id, "hscan", "big", cursor, "count", "20")
		calls++
		for i := 0; i < len(v.Elems[1].Elems); i += 2 {
			f, val := v.Elems[1].Elems[i].Str, v.Elems[1].Elems[i+1].Str
			if "f"+val != f {
				t.Fatalf("pair %s=%s", f, val)
			}
			seen[f]++
		}
		cursor = v.Elems[0].Str
		if cursor == "0" {
			break
		}
	}
	if len(seen) != 600 || calls < 5 {
		t.Errorf("scan saw %d fields in %d calls", len(seen), calls)
	}
	v = tn.do(id, "hscan", "big", "0", "match", "f1?", "count", "1000")
	if v.Elems[0].Str != "0" || len(v.Elems[1].Elems) != 20 {
		t.Errorf("hscan match f1? = %s", v)
	}
}

func TestHashEncoding(t *testing.T) {
	cfg := DefaultConfig()
	cfg.HashMaxLPEntries = 3
	cfg.HashMaxLPValue = 4
	tn := newTestNodeConfig(t, cfg)
	id := tn.connect()
	big := func(key string) bool { return hsObj(tn, key).big }

	tn.do(id, "hset", "h", "a", "1", "b", "2", "c", "3")
	if big("h") {
		t.Fatal("3 entries is still a listpack")
	}
	tn.do(id, "hset", "h", "d", "4")
	if !big("h") {
		t.Fatal("4 entries > 3 should convert")
	}
	tn.do(id, "hdel", "h", "a", "b", "c")
	if !big("h") {
		t.Fatal("a hashtable never converts back")
	}
	// A long value converts, even when it overwrites (HSET checks all args).
	tn.do(id, "hset", "h2", "a", "1")
	tn.do(id, "hset", "h2", "a", "12345", "a", "1")
	if !big("h2") {
		t.Fatal("long value in HSET args should convert")
	}
	// HSETNX on an existing field does not look at the value.
	tn.do(id, "hset", "h3", "a", "1")
	tn.want(id, "(integer) 0", "hsetnx", "h3", "a", "12345")
	if big("h3") {
		t.Fatal("HSETNX of an existing field converted")
	}
	tn.want(id, "(integer) 1", "hsetnx", "h3", "b", "12345")
	if !big("h3") {
		t.Fatal("HSETNX of a long value should convert")
	}
	// HINCRBY with a long field, HINCRBYFLOAT with a long result.
	tn.do(id, "hset", "h4", "a", "1")
	tn.do(id, "hincrby", "h4", "12345", "1")
	if !big("h4") {
		t.Fatal("HINCRBY with a long field should convert")
	}
	tn.do(id, "hset", "h5", "a", "1")
	tn.do(id, "hincrby", "h5", "a", "99")
	if big("h5") {
		t.Fatal("100 is 3 chars: still listpack")
	}
	tn.do(id, "hincrbyfloat", "h5", "a", "0.5")
	if !big("h5") {
		t.Fatal("100.5 is 5 chars: should convert")
	}
	// Long fields in HGET do not convert.
	tn.do(id, "hset", "h6", "a", "1")
	tn.do(id, "hget", "h6", "123456789")
	tn.do(id, "hexists", "h6", "123456789")
	if big("h6") {
		t.Fatal("reads converted")
	}
	// New hash with too many fields at once.
	tn.do(id, "hset", "h7", "a", "1", "b", "2", "c", "3", "d", "4")
	if !big("h7") {
		t.Fatal("h7 should be a hashtable")
	}

	// entries 0: every hash is a hashtable.
	tn.Config().HashMaxLPEntries = 0
	tn.do(id, "hset", "h8", "a", "1")
	if !big("h8") {
		t.Fatal("entries 0: hashtable")
	}
}

// TestHashDefaultThresholds checks the 128/64 defaults at their edges.
func TestHashDefaultThresholds(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	args := []string{"hset", "h"}
	for i := 0; i < 512; i++ {
		args = append(args, "f"+strconv.Itoa(i), "v")
	}
	tn.want(id, "(integer) 512", args...)
	if hsObj(tn, "h").big {
		t.Fatal("512 entries (Redis 7.0's default limit): listpack")
	}
	tn.do(id, "hset", "h", "one-more", "v")
	if !hsObj(tn, "h").big {
		t.Fatal("513 entries: hashtable")
	}
	tn.do(id, "hset", "v", "f", strings.Repeat("x", 64))
	if hsObj(tn, "v").big {
		t.Fatal("64-byte value: listpack")
	}
	tn.do(id, "hset", "v", "f", strings.Repeat("x", 65))
	if !hsObj(tn, "v").big {
		t.Fatal("65-byte value: hashtable")
	}
}

func TestHashTouchesWatch(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.do(id, "hset", "h", "a", "1")
	for _, cmd := range [][]string{
		{"hset", "h", "a", "2"}, {"hsetnx", "h", "b", "1"}, {"hdel", "h", "b"},
		{"hincrby", "h", "a", "1"}, {"hincrbyfloat", "h", "a", "1"},
	} {
		before := tn.dirty
		tn.do(id, cmd...)
		if tn.dirty == before {
			t.Errorf("%q did not touch the key", cmd)
		}
	}
	before := tn.dirty
	tn.do(id, "hsetnx", "h", "a", "9")
	tn.do(id, "hdel", "h", "zz")
	tn.do(id, "hget", "h", "a")
	if tn.dirty != before {
		t.Error("no-op commands touched the key")
	}
}
