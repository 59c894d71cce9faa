package node

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"opdis/wire"
)

// Expected replies below were taken from a real redis-server 7.0.15.

func TestSetBasic(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.want(id, "(integer) 4", "sadd", "s", "3", "1", "2", "a")
	tn.want(id, "(integer) 1", "SADD", "s", "a", "b", "b")
	tn.want(id, "(integer) 0", "sadd", "s", "a")
	tn.want(id, "(integer) 5", "scard", "s")
	tn.want(id, "(integer) 0", "scard", "nokey")
	tn.want(id, "(integer) 1", "sismember", "s", "a")
	tn.want(id, "(integer) 0", "sismember", "s", "zz")
	tn.want(id, "(integer) 0", "sismember", "nokey", "a")
	tn.want(id, "[(integer) 1, (integer) 0, (integer) 1]", "smismember", "s", "1", "x", "a")
	tn.want(id, "[(integer) 0, (integer) 0]", "smismember", "nokey", "1", "x")
	tn.wantSorted(id, `["1", "2", "3", "a", "b"]`, "smembers", "s")
	tn.want(id, "[]", "smembers", "nokey")
	tn.want(id, "(integer) 2", "srem", "s", "a", "zz", "a", "1")
	tn.want(id, "(integer) 0", "srem", "nokey", "a")
	tn.want(id, "(integer) 0", "srem", "s", "zz")
	tn.want(id, "(integer) 3", "srem", "s", "2", "3", "b", "more")
	if hsObj(tn, "s") != nil {
		t.Fatal("SREM of every member left the key")
	}
	// Intsets reply in numeric order, as Redis.
	tn.want(id, "(integer) 5", "sadd", "i", "10", "-2", "3", "1", "2")
	tn.want(id, `["-2", "1", "2", "3", "10"]`, "smembers", "i")
	tn.want(id, "(integer) 0", "sismember", "i", "01")
}

func TestSetWrongType(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	hsStringKey(tn, "str", "v")
	tn.do(id, "sadd", "s", "1")
	const wt = "(error) WRONGTYPE Operation against a key holding the wrong kind of value"
	for _, cmd := range [][]string{
		{"sadd", "str", "a"}, {"srem", "str", "a"}, {"scard", "str"}, {"sismember", "str", "a"},
		{"smismember", "str", "a"}, {"smembers", "str"}, {"srandmember", "str"},
		{"srandmember", "str", "0"}, {"srandmember", "str", "-1"}, {"spop", "str"}, {"spop", "str", "0"},
		{"spop", "str", "1"}, {"smove", "s", "str", "1"}, {"smove", "str", "s", "1"},
		{"smove", "s", "str", "zz"}, {"sinter", "s", "nokey", "str"}, {"sinter", "nokey", "str"},
		{"sintercard", "2", "nokey", "str"}, {"sintercard", "2", "str", "nokey"},
		{"sinterstore", "d", "s", "str"}, {"sinterstore", "d", "nokey", "str"},
		{"sunion", "s", "str"}, {"sunion", "nokey", "str"}, {"sunionstore", "d", "str"},
		{"sdiff", "nokey", "str"}, {"sdiff", "s", "str"}, {"sdiffstore", "d", "s", "str"},
		{"sscan", "str", "0"},
	} {
		tn.want(id, wt, cmd...)
	}
	tn.want(id, "(integer) 0", "smove", "nokey", "str", "1") // source checked first
	tn.want(id, "(error) ERR value is not an integer or out of range", "srandmember", "str", "abc")
	tn.want(id, "(error) ERR value is out of range, must be positive", "spop", "str", "abc")
	tn.want(id, "(error) ERR invalid cursor", "sscan", "str", "abc")
	if hsObj(tn, "d") != nil {
		t.Fatal("a failed STORE created the destination")
	}
}

func TestSetRandMember(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.want(id, "(nil)", "srandmember", "nokey")
	tn.want(id, "[]", "srandmember", "nokey", "5")
	tn.want(id, "[]", "srandmember", "nokey", "-5")
	tn.want(id, "(error) ERR value is not an integer or out of range", "srandmember", "nokey", "abc")
	tn.do(id, "sadd", "s", "1", "2", "3")
	tn.want(id, "(error) ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
		"srandmember", "s", "-9223372036854775808")
	tn.want(id, "(error) ERR value is not an integer or out of range", "srandmember", "s", "-0")
	tn.want(id, "(error) ERR value is not an integer or out of range", "srandmember", "s", "-9223372036854775807x")
	tn.want(id, "(error) ERR syntax error", "srandmember", "s", "1", "2")
	tn.want(id, "[]", "srandmember", "s", "0")
	tn.want(id, `["1", "2", "3"]`, "srandmember", "s", "3")
	tn.want(id, `["1", "2", "3"]`, "srandmember", "s", "9223372036854775807")
	if v := tn.do(id, "srandmember", "s", "-7"); len(v.Elems) != 7 {
		t.Errorf("srandmember -7 = %s", v)
	}
	if v := tn.do(id, "srandmember", "s"); v.Str < "1" || v.Str > "3" {
		t.Errorf("srandmember = %s", v)
	}
	for i := 0; i < 40; i++ {
		tn.do(id, "sadd", "big", "m"+strconv.Itoa(i))
	}
	for _, count := range []int{1, 5, 13, 14, 20, 39, 40, 41} {
		v := tn.do(id, "srandmember", "big", strconv.Itoa(count))
		seen := map[string]bool{}
		for _, e := range v.Elems {
			if seen[e.Str] || !strings.HasPrefix(e.Str, "m") {
				t.Fatalf("count %d: bad or repeated %s", count, e.Str)
			}
			seen[e.Str] = true
		}
		if len(seen) != min(count, 40) {
			t.Fatalf("count %d: %d members", count, len(seen))
		}
	}
	tn.want(id, "(integer) 40", "scard", "big")
}

func TestSetPop(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	var props []string
	tn.OnPropagate = func(db int, args [][]byte) {
		var ss []string
		for _, a := range args {
			ss = append(ss, string(a))
		}
		props = append(props, strings.Join(ss, " "))
	}
	tn.want(id, "(nil)", "spop", "nokey")
	tn.want(id, "[]", "spop", "nokey", "0")
	tn.want(id, "[]", "spop", "nokey", "3")
	tn.want(id, "(error) ERR value is out of range, must be positive", "spop", "nokey", "abc")
	tn.want(id, "(error) ERR value is out of range, must be positive", "spop", "nokey", "-1")
	tn.do(id, "sadd", "s", "1", "2", "3")
	props = nil
	tn.want(id, "(error) ERR syntax error", "spop", "s", "1", "2")
	tn.want(id, "[]", "spop", "s", "0")
	if len(props) != 0 {
		t.Fatalf("no-op SPOPs propagated %q", props)
	}
	v := tn.do(id, "spop", "s")
	if len(props) != 1 || props[0] != "srem s "+v.Str {
		t.Fatalf("spop propagated %q for %s", props, v)
	}
	tn.want(id, "(integer) 2", "scard", "s")
	// Popping everything replies the set and propagates DEL.
	props = nil
	tn.wantSorted(id, hsSorted(tn.do(id, "smembers", "s")), "spop", "s", "5")
	if hsObj(tn, "s") != nil || len(props) != 1 || props[0] != "del s" {
		t.Fatalf("spop all: key left or propagated %q", props)
	}
	// The last member via plain SPOP deletes the key.
	tn.do(id, "sadd", "one", "x")
	tn.want(id, `"x"`, "spop", "one")
	if hsObj(tn, "one") != nil {
		t.Fatal("empty set left behind")
	}

	// Case 2 (few popped) and case 3 (few left) both pop distinct members
	// and propagate exactly those as SREM.
	for _, tc := range []struct{ size, count int }{{100, 10}, {100, 83}, {100, 99}, {3000, 2500}} {
		args := []string{"sadd", "p"}
		for i := 0; i < tc.size; i++ {
			args = append(args, "m"+strconv.Itoa(i))
		}
		tn.do(id, args...)
		props = nil
		v := tn.do(id, "spop", "p", strconv.Itoa(tc.count))
		popped := map[string]bool{}
		for _, e := range v.Elems {
			popped[e.Str] = true
		}
		if len(popped) != tc.count {
			t.Fatalf("%+v: popped %d distinct", tc, len(popped))
		}
		var srem []string
		for _, p := range props {
			f := strings.Fields(p)
			if f[0] != "srem" || f[1] != "p" || len(f) > 2+1024 {
				t.Fatalf("%+v: propagated %.60q", tc, p)
			}
			srem = append(srem, f[2:]...)
		}
		if len(srem) != tc.count {
			t.Fatalf("%+v: propagated %d members", tc, len(srem))
		}
		for _, m := range srem {
			if !popped[m] {
				t.Fatalf("%+v: propagated unpopped %s", tc, m)
			}
		}
		o := hsObj(tn, "p")
		if o.Set.Len() != tc.size-tc.count {
			t.Fatalf("%+v: %d left", tc, o.Set.Len())
		}
		o.Set.Range(func(m string, _ struct{}) bool {
			if popped[m] {
				t.Fatalf("%+v: %s both popped and kept", tc, m)
			}
			return true
		})
		tn.do(id, "spop", "p", "100000")
	}
}

// TestSetPopEncoding: when SPOP keeps few members it rebuilds the set, and
// a hashtable of integers becomes an intset again (Redis 7.0 case 3).
func TestSetPopEncoding(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	fill := func(key string, n int, extra ...string) {
		args := []string{"sadd", key}
		for i := 1; i <= n; i++ {
			args = append(args, strconv.Itoa(i))
		}
		tn.do(id, append(args, extra...)...)
	}
	fill("a", 600)
	if !hsObj(tn, "a").big {
		t.Fatal("600 ints: hashtable")
	}
	tn.do(id, "spop", "a", "500") // 100 left, 100*5 <= 500: rebuilt
	if hsObj(tn, "a").big || hsObj(tn, "a").Set.Len() != 100 {
		t.Fatal("SPOP 500 of 600 ints should leave an intset of 100")
	}
	fill("b", 600)
	tn.do(id, "spop", "b", "400") // 200 left, 200*5 > 400: popped one by one
	if !hsObj(tn, "b").big {
		t.Fatal("SPOP 400 of 600 keeps the hashtable")
	}
	fill("c", 10, "x")
	tn.do(id, "spop", "c", "10") // 1 left
	if o := hsObj(tn, "c"); o.big != (o.Set.Keys()[0] == "x") {
		t.Fatalf("c: big=%v with %v", o.big, o.Set.Keys())
	}
	fill("d", 10, "x")
	tn.do(id, "spop", "d", "9") // 2 left, 2*5 > 9
	if !hsObj(tn, "d").big {
		t.Fatal("d keeps its hashtable")
	}
}

func TestSetMove(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.do(id, "sadd", "s1", "1", "2", "3", "a")
	tn.do(id, "sadd", "s2", "2", "3", "4", "a")
	tn.want(id, "(integer) 1", "smove", "s1", "s2", "1")
	tn.want(id, "(integer) 0", "smove", "s1", "s2", "zz")
	tn.want(id, "(integer) 0", "smove", "nokey", "s2", "1")
	tn.want(id, "(integer) 1", "smove", "s1", "s1", "2")
	tn.want(id, "(integer) 0", "smove", "s1", "s1", "zz")
	tn.want(id, "(integer) 1", "smove", "s1", "s2", "a") // already in s2
	tn.wantSorted(id, `["2", "3"]`, "smembers", "s1")
	tn.wantSorted(id, `["1", "2", "3", "4", "a"]`, "smembers", "s2")
	tn.want(id, "(integer) 1", "smove", "s1", "new", "2")
	if hsObj(tn, "new").big {
		t.Fatal("new destination from an integer is an intset")
	}
	tn.want(id, "(integer) 1", "smove", "s1", "new", "3")
	if hsObj(tn, "s1") != nil {
		t.Fatal("emptied source left behind")
	}
	tn.want(id, "(integer) 1", "smove", "s2", "new2", "a")
	if !hsObj(tn, "new2").big {
		t.Fatal("new destination from a string is a hashtable")
	}
	tn.want(id, `["2", "3"]`, "smembers", "new")
}

func TestSetAlgebra(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.do(id, "sadd", "s1", "3", "1", "2", "a")
	tn.do(id, "sadd", "s2", "2", "3", "4", "a")
	tn.do(id, "sadd", "i1", "5", "3", "1", "-2")
	tn.do(id, "sadd", "i2", "1", "3", "5", "7")
	tn.wantSorted(id, `["2", "3", "a"]`, "sinter", "s1", "s2")
	tn.want(id, `["1", "3", "5"]`, "sinter", "i1", "i2")
	tn.want(id, `["-2", "1", "3", "5", "7"]`, "sunion", "i1", "i2")
	tn.want(id, `["-2"]`, "sdiff", "i1", "i2")
	tn.want(id, `["-2", "1", "3", "5"]`, "sdiff", "i1", "nokey")
	tn.want(id, "[]", "sdiff", "nokey", "i1")
	tn.want(id, "[]", "sdiff", "i1", "i1")
	tn.want(id, "[]", "sdiff", "i1", "i2", "i1")
	tn.want(id, `["-2", "1", "3", "5"]`, "sinter", "i1")
	tn.want(id, "[]", "sinter", "nokey")
	tn.want(id, "[]", "sinter", "i1", "nokey")
	tn.want(id, "[]", "sunion", "nokey")
	tn.wantSorted(id, `["1", "2", "3", "4", "a"]`, "sunion", "s1", "s2", "nokey")
	tn.wantSorted(id, `["1"]`, "sdiff", "s1", "s2")

	tn.want(id, "(integer) 0", "sunionstore", "d", "nokey")
	tn.want(id, "(integer) 3", "sinterstore", "d", "i1", "i2")
	if hsObj(tn, "d").big {
		t.Fatal("d is an intset")
	}
	hsStringKey(tn, "str", "x")
	tn.setExpire(tn.dbs[0], []byte("str"), tn.nowMs()+100000)
	tn.want(id, "(integer) 4", "sunionstore", "str", "i1")
	if o := hsObj(tn, "str"); o.Type != TypeSet || tn.dbs[0].expireAt("str") != -1 {
		t.Fatal("SUNIONSTORE must replace the value and its TTL")
	}
	tn.want(id, "(integer) 0", "sdiffstore", "str", "i1", "i1")
	if hsObj(tn, "str") != nil {
		t.Fatal("empty STORE result must delete the destination")
	}
	tn.want(id, "(integer) 5", "sunionstore", "u", "s1", "s2")
	if !hsObj(tn, "u").big {
		t.Fatal("u is a hashtable")
	}
	tn.want(id, "(integer) 0", "sinterstore", "u", "s1", "nokey")
	if hsObj(tn, "u") != nil {
		t.Fatal("SINTERSTORE with a missing key must delete the destination")
	}
	tn.want(id, "(integer) 3", "sinterstore", "i1", "i1", "i2") // destination is a source
	tn.want(id, `["1", "3", "5"]`, "smembers", "i1")
	tn.want(id, "(integer) 1", "sdiffstore", "x", "s1", "s2")
	tn.want(id, `["1"]`, "smembers", "x")
	// A STORE into a set bigger than set-max-intset-entries is a hashtable.
	args := []string{"sadd", "many"}
	for i := 0; i < 600; i++ {
		args = append(args, strconv.Itoa(i))
	}
	tn.do(id, args...)
	tn.do(id, "srem", "many", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9")
	tn.want(id, "(integer) 590", "sinterstore", "m2", "many", "many")
	if !hsObj(tn, "m2").big {
		t.Fatal("590 members: hashtable")
	}
	tn.want(id, "(integer) 590", "sdiffstore", "m3", "many", "x", "nokey")
	tn.want(id, "(integer) 0", "sdiffstore", "m3", "many", "m2")
	tn.do(id, "srem", "many", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19",
		"20", "21", "22", "23", "24", "25", "26", "27", "28", "29")
	tn.want(id, "(integer) 570", "sunionstore", "m4", "many")
}

func TestSetInterCard(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.do(id, "sadd", "s1", "1", "2", "3", "a")
	tn.do(id, "sadd", "s2", "2", "3", "4", "a")
	for _, tc := range []struct {
		want string
		args []string
	}{
		{"(error) ERR numkeys should be greater than 0", []string{"0", "s1"}},
		{"(error) ERR numkeys should be greater than 0", []string{"-1", "s1"}},
		{"(error) ERR numkeys should be greater than 0", []string{"abc", "s1"}},
		{"(error) ERR numkeys should be greater than 0", []string{"9999999999999999999", "s1"}},
		{"(error) ERR Number of keys can't be greater than number of args", []string{"3", "s1", "s2"}},
		{"(error) ERR Number of keys can't be greater than number of args", []string{"2147483648", "s1"}},
		{"(integer) 3", []string{"2", "s1", "s2"}},
		{"(integer) 1", []string{"2", "s1", "s2", "limit", "1"}},
		{"(integer) 3", []string{"2", "s1", "s2", "LIMIT", "0"}},
		{"(integer) 3", []string{"2", "s1", "s2", "limit", "10"}},
		{"(integer) 2", []string{"2", "s1", "s2", "limit", "1", "limit", "2"}},
		{"(error) ERR LIMIT can't be negative", []string{"2", "s1", "s2", "limit", "-1"}},
		{"(error) ERR LIMIT can't be negative", []string{"2", "s1", "s2", "limit", "abc"}},
		{"(error) ERR LIMIT can't be negative", []string{"2", "s1", "s2", "limit", "9999999999999999999"}},
		{"(error) ERR syntax error", []string{"2", "s1", "s2", "foo", "1"}},
		{"(error) ERR syntax error", []string{"2", "s1", "s2", "limit"}},
		{"(error) ERR syntax error", []string{"1", "s1", "s2"}},
		{"(integer) 0", []string{"2", "s1", "nokey"}},
		{"(integer) 4", []string{"1", "s1"}},
		{"(integer) 0", []string{"1", "nokey", "limit", "1"}},
	} {
		tn.want(id, tc.want, append([]string{"sintercard"}, tc.args...)...)
	}
}

func TestSetScan(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.want(id, `["0", []]`, "sscan", "nokey", "0", "count", "0")
	tn.want(id, `["0", []]`, "sscan", "nokey", "")
	tn.do(id, "sadd", "s", "3", "1", "2", "10")
	for _, cur := range []string{"0", "-1", "+0", "5", "", "18446744073709551615", "0\x00x"} {
		tn.want(id, `["0", ["1", "2", "3", "10"]]`, "sscan", "s", cur)
	}
	for _, cur := range []string{"abc", " 0", "0x10", "18446744073709551616", "-18446744073709551616"} {
		tn.want(id, "(error) ERR invalid cursor", "sscan", "s", cur)
	}
	tn.want(id, `["0", ["1", "10"]]`, "sscan", "s", "0", "match", "1*")
	tn.want(id, `["0", ["3"]]`, "sscan", "s", "0", "MATCH", "1*", "COUNT", "1", "MATCH", "3")
	tn.want(id, "(error) ERR syntax error", "sscan", "s", "0", "count", "0")
	tn.want(id, "(error) ERR syntax error", "sscan", "s", "0", "type", "string")
	tn.want(id, "(error) ERR syntax error", "sscan", "s", "0", "match")
	tn.want(id, "(error) ERR value is not an integer or out of range", "sscan", "s", "0", "count", "abc")
	tn.want(id, `["0", ["1", "2", "3", "10"]]`, "sscan", "s", "0", "count", "9223372036854775807")

	for i := 0; i < 1000; i++ {
		tn.do(id, "sadd", "big", "m"+strconv.Itoa(i))
	}
	seen := map[string]bool{}
	cursor, calls := "0", 0
	for {
		v := tn.do(id, "sscan", "big", cursor)
		calls++
		for _, e := range v.Elems[1].Elems {
			seen[e.Str] = true
		}
		cursor = v.Elems[0].Str
		if cursor == "0" {
			break
		}
	}
	if len(seen) != 1000 || calls < 50 {
		t.Errorf("sscan saw %d members in %d calls", len(seen), calls)
	}
}

func TestSetEncoding(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SetMaxIntset = 3
	tn := newTestNodeConfig(t, cfg)
	id := tn.connect()
	big := func(key string) bool { return hsObj(tn, key).big }
	for _, tc := range []struct {
		members []string
		big     bool
	}{
		{[]string{"1", "2", "-0"}, true},
		{[]string{"1", "2", "+3"}, true},
		{[]string{"x", "1"}, true},
		{[]string{"1", "x"}, true},
		{[]string{"9223372036854775807", "-9223372036854775808"}, false},
		{[]string{"9223372036854775808"}, true},
		{[]string{"01"}, true},
		{[]string{" 1"}, true},
		{[]string{"1", "2", "3"}, false},
		{[]string{"1", "2", "3", "4"}, true},
		{[]string{"1", "1", "1", "1"}, false},
	} {
		key := fmt.Sprint(tc.members)
		tn.do(id, append([]string{"sadd", key}, tc.members...)...)
		if big(key) != tc.big {
			t.Errorf("SADD %v: big=%v", tc.members, big(key))
		}
	}
	tn.do(id, "sadd", "g", "1", "2", "3")
	tn.do(id, "sadd", "g", "4")
	tn.do(id, "srem", "g", "4", "3")
	if !big("g") {
		t.Fatal("never back to intset after SREM")
	}
	tn.Config().SetMaxIntset = 0
	tn.do(id, "sadd", "z", "1")
	if !big("z") {
		t.Fatal("set-max-intset-entries 0: hashtable")
	}
}

// hsReplay returns an OnPropagate hook that applies every propagated
// command to b on client id, in the propagated database. Commands another
// family owns (DEL) are applied directly when b does not know them yet.
func hsReplay(t *testing.T, b *tnode, id int64) func(db int, args [][]byte) {
	return func(db int, args [][]byte) {
		t.Helper()
		c := b.clients[id]
		c.db = b.dbs[db]
		if b.lookupCommand(args[0]) == nil && eq(args[0], "del") {
			for _, k := range args[1:] {
				b.deleteKey(c.db, k)
			}
			return
		}
		b.Feed(id, wire.AppendCommand(nil, args...))
		for _, v := range b.replies(id) {
			if v.Kind == wire.Error {
				t.Fatalf("replaying %q: %s", args, v.Str)
			}
		}
	}
}

// hsDump renders a database's keys, values, TTLs and (for hashes)
// encodings canonically.
func hsDump(db *DB, withSetEncoding bool) []string {
	var out []string
	db.Range(func(k string, o *Object, at int64) bool {
		var items []string
		switch o.Type {
		case TypeHash:
			o.Hash.Range(func(f string, v []byte) bool { items = append(items, f+"="+string(v)); return true })
		case TypeSet:
			o.Set.Range(func(m string, _ struct{}) bool { items = append(items, m); return true })
		case TypeString:
			items = append(items, string(o.Str))
		}
		sort.Strings(items)
		enc := ""
		if o.Type == TypeHash || (o.Type == TypeSet && withSetEncoding) {
			enc = fmt.Sprint(o.big)
		}
		out = append(out, fmt.Sprintf("%d %q %s %s ttl=%d %q", db.id, k, o.Type, enc, at, items))
		return true
	})
	sort.Strings(out)
	return out
}

// TestHashSetPropagation runs random hash and set commands on node A and
// replays what A propagates on node B: both keyspaces must end equal.
func TestHashSetPropagation(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { hsPropagationRun(t, seed) })
	}
}

func hsPropagationRun(t *testing.T, seed uint64) {
	cfg := DefaultConfig()
	cfg.HashMaxLPEntries = 5
	cfg.HashMaxLPValue = 6
	cfg.SetMaxIntset = 6
	cfg.ActiveExpire = false
	a := newTestNodeConfig(t, cfg)
	b := newTestNodeConfig(t, cfg)
	a.env.Rand = &testRand{s: seed * 7919}
	ida, idb := a.connect(), b.connect()
	a.OnPropagate = hsReplay(t, b, idb)
	r := &testRand{s: seed}
	pick := func(xs ...string) string { return xs[r.Uint64()%uint64(len(xs))] }
	key := func() string { return pick("h1", "h2", "s1", "s2", "s3", "str") }
	field := func() string {
		return pick("a", "b", "c", "d", "e", "f", "g", "1", "2", "3", "-4", "10", "99", "longfield", "0")
	}
	value := func() string { return pick("1", "2", "x", "-3", "1.5", "long-value", "9223372036854775807", "0") }
	members := func() []string {
		var ms []string
		for i := uint64(0); i <= r.Uint64()%5; i++ {
			ms = append(ms, field())
		}
		return ms
	}
	for i := 0; i < 2; i++ {
		a.addKey(a.dbs[i], []byte("str"), newStringObject([]byte("v")))
		b.addKey(b.dbs[i], []byte("str"), newStringObject([]byte("v")))
	}
	for step := 0; step < 3000; step++ {
		ca := a.clients[ida]
		ca.db = a.dbs[r.Uint64()%2]
		var cmd []string
		switch r.Uint64() % 24 {
		case 0, 1:
			cmd = []string{"hset", key(), field(), value()}
			if r.Uint64()%2 == 0 {
				cmd = append(cmd, field(), value())
			}
		case 2:
			cmd = []string{"hmset", key(), field(), value()}
		case 3:
			cmd = []string{"hsetnx", key(), field(), value()}
		case 4:
			cmd = append([]string{"hdel", key()}, members()...)
		case 5:
			cmd = []string{"hincrby", key(), field(), pick("1", "-5", "100", "9223372036854775807")}
		case 6:
			cmd = []string{"hincrbyfloat", key(), field(), pick("1.5", "0.1", "-3", "1e3", "1e-20")}
		case 7, 8, 9:
			cmd = append([]string{"sadd", key()}, members()...)
		case 10:
			cmd = append([]string{"srem", key()}, members()...)
		case 11:
			cmd = []string{"spop", key()}
		case 12:
			cmd = []string{"spop", key(), pick("0", "1", "2", "5", "20")}
		case 13:
			cmd = []string{"smove", key(), key(), field()}
		case 14:
			cmd = []string{"sinterstore", key(), key(), key()}
		case 15:
			cmd = []string{"sunionstore", key(), key(), key()}
		case 16:
			cmd = []string{"sdiffstore", key(), key(), key()}
		case 17:
			cmd = []string{"srandmember", key(), pick("-3", "2", "10")}
		case 18:
			cmd = []string{"hrandfield", key(), pick("-3", "2", "10"), "withvalues"}
		case 19:
			cmd = []string{"sintercard", "2", key(), key()}
		case 20:
			// Give a key a TTL on both nodes (as PEXPIREAT would), then let
			// A's clock pass it: A's lazy expiry propagates DEL.
			k := key()
			at := a.nowMs() + int64(r.Uint64()%3000)
			if o, _ := ca.db.keys.Get(k); o != nil {
				a.setExpire(ca.db, []byte(k), at)
				b.setExpire(b.dbs[ca.db.id], []byte(k), at)
			}
		case 21:
			a.clock.ns += int64(r.Uint64() % 1e9)
		case 22:
			cmd = []string{"hgetall", key()}
		default:
			cmd = []string{"smembers", key()}
		}
		if cmd != nil {
			a.do(ida, cmd...)
		}
	}
	for i := 0; i < 2; i++ {
		da, db := hsDump(a.dbs[i], false), hsDump(b.dbs[i], false)
		if strings.Join(da, "\n") != strings.Join(db, "\n") {
			t.Fatalf("db %d differs:\nA:\n%s\nB:\n%s", i, strings.Join(da, "\n"), strings.Join(db, "\n"))
		}
		if len(da) == 0 {
			t.Errorf("db %d empty: the run tested nothing", i)
		}
	}
}
