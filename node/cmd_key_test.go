package node

import (
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"opdis/node/dict"
	"opdis/wire"
)

// skSplitArgs splits on spaces; "" is an empty argument and "x y" one argument.
func skSplitArgs(s string) []string {
	var out []string
	for len(s) > 0 {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			break
		}
		if s[0] == '"' {
			end := strings.IndexByte(s[1:], '"') + 1
			out = append(out, s[1:end])
			s = s[end+1:]
			continue
		}
		end := strings.IndexByte(s, ' ')
		if end < 0 {
			end = len(s)
		}
		out = append(out, s[:end])
		s = s[end:]
	}
	return out
}

// skReplyCase is one command and its reply as redis-server 7.0.15 gave it
// (rendered like redis-cli); "?" means the reply depends on the clock.
type skReplyCase struct{ cmd, want string }

// skRunCases runs cases in order on a fresh client of tn. LPUSH/RPUSH only
// create an (empty) list key: the list family lives elsewhere.
func skRunCases(t *testing.T, tn *tnode, cases []skReplyCase) {
	t.Helper()
	id := tn.connect()
	for _, tc := range cases {
		args := skSplitArgs(tc.cmd)
		if c := strings.ToLower(args[0]); c == "lpush" || c == "rpush" {
			if tn.lookupWrite(tn.dbs[0], []byte(args[1])) == nil {
				tn.addKey(tn.dbs[0], []byte(args[1]), &Object{Type: TypeList, List: &List{}})
			}
			continue
		}
		got := skRender(strings.ToLower(args[0]), tn.do(id, args...))
		if tc.want != "?" && got != tc.want {
			t.Errorf("%s = %s, want %s", tc.cmd, got, tc.want)
		}
	}
}

// skRender is wire.Value.String with unordered replies sorted.
func skRender(cmd string, v wire.Value) string {
	switch cmd {
	case "keys", "smembers", "hgetall":
		sort.Slice(v.Elems, func(i, j int) bool { return v.Elems[i].Str < v.Elems[j].Str })
	}
	return v.String()
}

// TestKeyRepliesFromRedis replays commands whose replies were recorded
// from redis-server 7.0.15 (see TestGenTables in cmd_key_redisdiff_test.go).
func TestKeyRepliesFromRedis(t *testing.T) {
	tn := newTestNode(t)
	// The string cases leave the keys the key cases start from.
	skRunCases(t, tn, stringCases)
	skRunCases(t, tn, keyCases)
}

var keyCases = []skReplyCase{
	{"set b 1", "\"OK\""},
	{"expire b 10 nx xx", "(error) ERR NX and XX, GT or LT options at the same time are not compatible"},
	{"expire b 10 gt lt", "(error) ERR GT and LT options at the same time are not compatible"},
	{"expire b 10 nx gt", "(error) ERR NX and XX, GT or LT options at the same time are not compatible"},
	{"expire b 10 foo", "(error) ERR Unsupported option foo"},
	{"expire b abc foo", "(error) ERR Unsupported option foo"},
	{"expire b 10 xx", "(integer) 0"},
	{"expire b abc", "(error) ERR value is not an integer or out of range"},
	{"expire b 9223372036854776", "(error) ERR invalid expire time in 'expire' command"},
	{"expire b 9223372036854775", "(error) ERR invalid expire time in 'expire' command"},
	{"expire b -9223372036854775", "(integer) 1"},
	{"expire b -9223372036854776", "(error) ERR invalid expire time in 'expire' command"},
	{"exists b", "(integer) 0"},
	{"set b 1", "\"OK\""},
	{"pexpire b 9223372036854775807", "(error) ERR invalid expire time in 'pexpire' command"},
	{"pexpireat b 9223372036854775807", "(integer) 1"},
	{"expiretime b", "(integer) 9223372036854776"},
	{"pexpiretime b", "(integer) 9223372036854775807"},
	{"expire b 10 gt", "(integer) 0"},
	{"expire b 10 lt", "(integer) 1"},
	{"ttl b", "(integer) 10"},
	{"expire b 100 lt", "(integer) 0"},
	{"expire b 5 lt", "(integer) 1"},
	{"expire b 100 gt", "(integer) 1"},
	{"expire b 100 nx", "(integer) 0"},
	{"persist b", "(integer) 1"},
	{"persist b", "(integer) 0"},
	{"expire b 10 xx", "(integer) 0"},
	{"expire b 10 lt", "(integer) 1"},
	{"ttl b", "(integer) 10"},
	{"expire b -1 lt", "(integer) 1"},
	{"exists b", "(integer) 0"},
	{"ttl nokey", "(integer) -2"},
	{"expiretime nokey", "(integer) -2"},
	{"pttl nokey", "(integer) -2"},
	{"set c 1", "\"OK\""},
	{"ttl c", "(integer) -1"},
	{"expiretime c", "(integer) -1"},
	{"pexpiretime c", "(integer) -1"},
	{"expire c 0", "(integer) 1"},
	{"exists c", "(integer) 0"},
	{"set c 1", "\"OK\""},
	{"pexpireat c 1 gt", "(integer) 0"},
	{"pexpireat c 1 lt", "(integer) 1"},
	{"exists c", "(integer) 0"},
	{"set c 1", "\"OK\""},
	{"expireat c 1", "(integer) 1"},
	{"exists c", "(integer) 0"},
	{"expire nokey 10", "(integer) 0"},
	{"persist nokey", "(integer) 0"},
	{"set r 1", "\"OK\""},
	{"rename nokey x", "(error) ERR no such key"},
	{"rename r r", "\"OK\""},
	{"renamenx r r", "(integer) 0"},
	{"renamenx nokey r", "(error) ERR no such key"},
	{"move r 0", "(error) ERR source and destination objects are the same"},
	{"move r 16", "(error) ERR DB index is out of range"},
	{"move r abc", "(error) ERR value is not an integer or out of range"},
	{"move r -1", "(error) ERR DB index is out of range"},
	{"move nokey 1", "(integer) 0"},
	{"move r 1", "(integer) 1"},
	{"exists r", "(integer) 0"},
	{"move r 1", "(integer) 0"},
	{"copy r r", "(error) ERR source and destination objects are the same"},
	{"set r 1", "\"OK\""},
	{"copy r r", "(error) ERR source and destination objects are the same"},
	{"copy r r db 0", "(error) ERR source and destination objects are the same"},
	{"copy r c2 db 16", "(error) ERR DB index is out of range"},
	{"copy r c2 db abc", "(error) ERR value is not an integer or out of range"},
	{"copy r c2 foo", "(error) ERR syntax error"},
	{"copy r c2 db", "(error) ERR syntax error"},
	{"copy nokey c2", "(integer) 0"},
	{"copy r c2", "(integer) 1"},
	{"copy r c2", "(integer) 0"},
	{"copy r c2 replace", "(integer) 1"},
	{"object refcount c2", "(integer) 1"},
	{"swapdb 0 abc", "(error) ERR invalid second DB index"},
	{"swapdb abc 0", "(error) ERR invalid first DB index"},
	{"swapdb 0 16", "(error) ERR DB index is out of range"},
	{"swapdb 0 -1", "(error) ERR DB index is out of range"},
	{"swapdb 0 0", "\"OK\""},
	{"swapdb 0 1", "\"OK\""},
	{"exists r", "(integer) 1"},
	{"swapdb 1 0", "\"OK\""},
	{"exists r", "(integer) 1"},
	{"flushdb foo", "(error) ERR syntax error"},
	{"flushdb async x", "(error) ERR syntax error"},
	{"flushall async x", "(error) ERR syntax error"},
	{"scan 0 count 0", "(error) ERR syntax error"},
	{"scan 0 count abc", "(error) ERR value is not an integer or out of range"},
	{"scan abc", "(error) ERR invalid cursor"},
	{"scan \" 1\"", "(error) ERR invalid cursor"},
	{"scan 18446744073709551616", "(error) ERR invalid cursor"},
	{"scan 0 match", "(error) ERR syntax error"},
	{"scan 0 foo bar", "(error) ERR syntax error"},
	{"type nokey", "\"none\""},
	{"type r", "\"string\""},
	{"type l", "\"list\""},
	{"exists r r nokey", "(integer) 2"},
	{"touch r r nokey", "(integer) 2"},
	{"del r r", "(integer) 1"},
	{"unlink r", "(integer) 0"},
	{"object help", "[\"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\", \"ENCODING <key>\", \"    Return the kind of internal representation used in order to store the value\", \"    associated with a <key>.\", \"FREQ <key>\", \"    Return the access frequency index of the <key>. The returned integer is\", \"    proportional to the logarithm of the recent access frequency of the key.\", \"IDLETIME <key>\", \"    Return the idle time of the <key>, that is the approximated number of\", \"    seconds elapsed since the last access to the key.\", \"REFCOUNT <key>\", \"    Return the number of references of the value associated with the specified\", \"    <key>.\", \"HELP\", \"    Prints this help.\"]"},
	{"object help x", "(error) ERR wrong number of arguments for 'object|help' command"},
	{"object encoding", "(error) ERR wrong number of arguments for 'object|encoding' command"},
	{"object encoding a b", "(error) ERR wrong number of arguments for 'object|encoding' command"},
	{"object foo", "(error) ERR unknown subcommand 'foo'. Try OBJECT HELP."},
	{"object foo bar", "(error) ERR unknown subcommand 'foo'. Try OBJECT HELP."},
	{"object encoding nokey", "(nil)"},
	{"object freq nokey", "(nil)"},
	{"object freq a", "(error) ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."},
	{"object idletime a", "(integer) 0"},
	{"OBJECT ENCODING l", "\"quicklist\""},
	{"Object Help", "[\"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\", \"ENCODING <key>\", \"    Return the kind of internal representation used in order to store the value\", \"    associated with a <key>.\", \"FREQ <key>\", \"    Return the access frequency index of the <key>. The returned integer is\", \"    proportional to the logarithm of the recent access frequency of the key.\", \"IDLETIME <key>\", \"    Return the idle time of the <key>, that is the approximated number of\", \"    seconds elapsed since the last access to the key.\", \"REFCOUNT <key>\", \"    Return the number of references of the value associated with the specified\", \"    <key>.\", \"HELP\", \"    Prints this help.\"]"},
	{"set r1 1", "\"OK\""},
	{"set r2 2", "\"OK\""},
	{"expire r1 100", "(integer) 1"},
	{"rename r1 r2", "\"OK\""},
	{"ttl r2", "(integer) 100"},
	{"exists r1", "(integer) 0"},
	{"set r3 3", "\"OK\""},
	{"renamenx r2 r3", "(integer) 0"},
	{"renamenx r2 r4", "(integer) 1"},
	{"ttl r4", "(integer) 100"},
	{"rename r4 l", "\"OK\""},
	{"type l", "\"string\""},
	{"ttl l", "(integer) 100"},
	{"flushall", "\"OK\""},
	{"dbsize", "(integer) 0"},
	{"set a 1", "\"OK\""},
	{"keys *", "[\"a\"]"},
	{"keys a", "[\"a\"]"},
	{"keys \"\"", "[]"},
	{"dbsize", "(integer) 1"},
	{"flushdb sync", "\"OK\""},
	{"dbsize", "(integer) 0"},
	{"randomkey", "(nil)"},
	{"scan 0", "[\"0\", []]"},
	{"set \"\" x", "\"OK\""},
	{"set a x", "\"OK\""},
	{"set ab] x", "\"OK\""},
	{"keys *", "[\"\", \"a\", \"ab]\"]"},
	{"keys **", "[\"a\", \"ab]\"]"},
	{"keys ?*", "[\"a\", \"ab]\"]"},
	{"keys [a", "[\"a\"]"},
	{"keys [a-]", "[\"a\"]"},
	{"keys a[b", "[]"},
	{"keys [^", "[\"a\"]"},
	{"keys []", "[]"},
	{"keys \\", "[]"},
	{"keys ab\\]", "[\"ab]\"]"},
	{"keys [a-]]", "[\"a\"]"},
	{"keys A", "[]"},
	{"scan 0 match ** count 100", "[\"0\", [\"ab]\", \"a\"]]"},
	{"scan 0 match * count 100", "[\"0\", [\"ab]\", \"a\", \"\"]]"},
}

// TestPropagationReplaysToEqualKeyspace runs random string and key commands
// on node A, replays every propagated command on node B (same clock, the
// client's db set to the entry's db), and checks both keyspaces stay equal.
func TestPropagationReplaysToEqualKeyspace(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		skTestPropagation(t, seed)
	}
}

func skTestPropagation(t *testing.T, seed uint64) {
	a, b := newTestNode(t), newTestNode(t)
	b.Config().ActiveExpire = false // B only follows A's log
	dbs := 3
	bIDs := make([]int64, dbs)
	for i := range bIDs {
		bIDs[i] = b.connect()
		b.clients[bIDs[i]].db = b.dbs[i]
	}
	var entries int
	a.OnPropagate = func(db int, args [][]byte) {
		entries++
		if db >= dbs {
			t.Fatalf("propagated to db %d", db)
		}
		b.clock.ns = a.clock.ns
		for _, v := range b.send(bIDs[db], string(wire.AppendCommand(nil, args...))) {
			if v.Kind == wire.Error {
				t.Fatalf("seed %d: replaying %q on B: %s", seed, args, v.Str)
			}
		}
	}
	aIDs := make([]int64, dbs)
	for i := range aIDs {
		aIDs[i] = a.connect()
		a.clients[aIDs[i]].db = a.dbs[i]
	}
	r := &testRand{s: seed * 7919}
	pick := func(xs ...string) string { return xs[r.Uint64()%uint64(len(xs))] }
	key := func() string { return pick("a", "b", "c", "d", "e", "n") }
	val := func() string { return pick("", "0", "1", "-3", "9999", "10.5", "abc", "x y z", "3.0e3") }
	ttl := func() string { return pick("1", "2", "5", "100", "-1", "0") }
	absMs := func() string {
		return strconv.FormatInt(a.nowMs()+int64(r.Uint64()%6000)-1000, 10)
	}
	gens := []func() []string{
		func() []string {
			args := []string{"set", key(), val()}
			switch r.Uint64() % 6 {
			case 0:
				args = append(args, "ex", ttl())
			case 1:
				args = append(args, "px", ttl()+"000")
			case 2:
				args = append(args, "pxat", absMs())
			case 3:
				args = append(args, "keepttl")
			}
			if r.Uint64()%3 == 0 {
				args = append(args, pick("nx", "xx", "get"))
			}
			return args
		},
		func() []string { return []string{"setnx", key(), val()} },
		func() []string { return []string{"setex", key(), ttl(), val()} },
		func() []string { return []string{"psetex", key(), ttl() + "500", val()} },
		func() []string { return []string{"mset", key(), val(), key(), val()} },
		func() []string { return []string{"msetnx", key(), val(), key(), val()} },
		func() []string { return []string{"getset", key(), val()} },
		func() []string { return []string{"getdel", key()} },
		func() []string {
			switch r.Uint64() % 4 {
			case 0:
				return []string{"getex", key(), "ex", ttl()}
			case 1:
				return []string{"getex", key(), "pxat", absMs()}
			case 2:
				return []string{"getex", key(), "persist"}
			}
			return []string{"getex", key()}
		},
		func() []string { return []string{"append", key(), val()} },
		func() []string { return []string{pick("incr", "decr"), key()} },
		func() []string { return []string{pick("incrby", "decrby"), key(), pick("1", "-7", "100")} },
		func() []string { return []string{"incrbyfloat", key(), pick("0.1", "-2.5", "1e3", "3")} },
		func() []string { return []string{"setrange", key(), pick("0", "2", "7"), val()} },
		func() []string { return []string{pick("del", "unlink"), key(), key()} },
		func() []string { return []string{pick("rename", "renamenx"), key(), key()} },
		func() []string {
			args := []string{"copy", key(), key()}
			if r.Uint64()%2 == 0 {
				args = append(args, "db", pick("0", "1", "2"))
			}
			if r.Uint64()%2 == 0 {
				args = append(args, "replace")
			}
			return args
		},
		func() []string { return []string{"move", key(), pick("0", "1", "2")} },
		func() []string { return []string{"swapdb", pick("0", "1", "2"), pick("0", "1", "2")} },
		func() []string {
			args := []string{pick("expire", "pexpire"), key(), ttl()}
			if args[0] == "pexpire" {
				args[2] += "000"
			}
			if r.Uint64()%2 == 0 {
				args = append(args, pick("nx", "xx", "gt", "lt"))
			}
			return args
		},
		func() []string { return []string{pick("expireat", "pexpireat"), key(), absMs()} },
		func() []string { return []string{"persist", key()} },
		func() []string { return []string{pick("get", "ttl", "exists", "type", "strlen"), key()} },
		func() []string { return []string{"mget", key(), key()} },
		func() []string { return []string{"scan", "0", "count", "100"} },
		func() []string { return []string{"randomkey"} },
		func() []string { return []string{"keys", "*"} },
		func() []string {
			if r.Uint64()%10 == 0 {
				return []string{pick("flushdb", "flushall")}
			}
			return []string{"dbsize"}
		},
	}
	for step := 0; step < 3000; step++ {
		if r.Uint64()%5 == 0 {
			a.advance(time.Duration(r.Uint64()%700) * time.Millisecond)
		}
		args := gens[r.Uint64()%uint64(len(gens))]()
		a.do(aIDs[r.Uint64()%uint64(dbs)], args...)
		if step%50 == 0 {
			skCompareKeyspaces(t, seed, step, a, b, dbs)
		}
	}
	skCompareKeyspaces(t, seed, -1, a, b, dbs)
	if entries < 1000 {
		t.Errorf("seed %d: only %d propagated entries", seed, entries)
	}
}

// skLiveKeyspace renders the live keys of db: key, type, value, expiry.
func skLiveKeyspace(n *Node, db int) []string {
	now := n.nowMs()
	var out []string
	n.DB(db).Range(func(k string, o *Object, at int64) bool {
		if at != -1 && at <= now {
			return true
		}
		out = append(out, k+"|"+o.Type.String()+"|"+string(o.Str)+"|"+strconv.FormatInt(at, 10))
		return true
	})
	sort.Strings(out)
	return out
}

func skCompareKeyspaces(t *testing.T, seed uint64, step int, a, b *tnode, dbs int) {
	t.Helper()
	for db := 0; db < dbs; db++ {
		ka, kb := skLiveKeyspace(a.Node, db), skLiveKeyspace(b.Node, db)
		if strings.Join(ka, "\n") != strings.Join(kb, "\n") {
			t.Fatalf("seed %d step %d db %d differ:\nA %q\nB %q", seed, step, db, ka, kb)
		}
	}
}

func TestKeyPropagationForms(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	log := skPropLog(tn)
	now := tn.nowMs()
	at := func(d int64) string { return strconv.FormatInt(now+d, 10) }
	tn.do(id, "set", "k", "v")
	*log = nil
	tn.do(id, "expire", "k", "10")
	skWantLog(t, log, "0 pexpireat k "+at(10000))
	tn.do(id, "pexpire", "k", "10", "gt") // not greater: nothing
	skWantLog(t, log)
	tn.do(id, "expireat", "k", "1800000000", "gt")
	skWantLog(t, log, "0 pexpireat k 1800000000000")
	tn.do(id, "pexpireat", "k", "1800000000001")
	skWantLog(t, log, "0 pexpireat k 1800000000001")
	tn.do(id, "persist", "k")
	tn.do(id, "persist", "k")
	skWantLog(t, log, "0 persist k")
	tn.do(id, "expire", "nokey", "10")
	tn.do(id, "del", "nokey")
	tn.do(id, "rename", "k", "k")
	tn.do(id, "renamenx", "k", "k")
	tn.do(id, "move", "nokey", "1")
	tn.do(id, "copy", "nokey", "x")
	skWantLog(t, log)
	tn.do(id, "set", "k2", "v")
	tn.do(id, "del", "k2", "nokey", "k2")
	skWantLog(t, log, "0 set k2 v", "0 del k2")
	tn.do(id, "unlink", "k")
	skWantLog(t, log, "0 unlink k")
	tn.do(id, "set", "k", "v")
	tn.do(id, "expire", "k", "-1")
	skWantLog(t, log, "0 set k v", "0 del k")
	tn.do(id, "set", "k", "v")
	tn.do(id, "rename", "k", "j")
	tn.do(id, "copy", "j", "i", "db", "3")
	tn.do(id, "move", "j", "2")
	tn.do(id, "swapdb", "2", "3")
	tn.do(id, "flushdb", "async")
	tn.do(id, "flushall")
	skWantLog(t, log, "0 set k v", "0 rename k j", "0 copy j i db 3", "0 move j 2", "0 swapdb 2 3",
		"0 flushdb async", "0 flushall")
	// Reads that find an expired key log its deletion.
	tn.do(id, "set", "e", "1", "px", "10")
	tn.do(id, "set", "f", "1", "px", "10")
	*log = nil
	tn.clock.ns += int64(20 * time.Millisecond)
	tn.want(id, "(integer) 0", "exists", "e")
	tn.want(id, "(integer) 1", "dbsize") // f is expired but still stored
	tn.want(id, "[]", "keys", "*")       // KEYS skips it without deleting
	tn.want(id, "(integer) 1", "dbsize")
	tn.want(id, `["0", []]`, "scan", "0") // SCAN deletes it
	skWantLog(t, log, "0 del e", "0 del f")
	tn.want(id, "(integer) 0", "dbsize")
}

func TestExpiryAndTTL(t *testing.T) {
	tn := newTestNode(t)
	tn.Config().ActiveExpire = false
	id := tn.connect()
	tn.do(id, "set", "k", "v", "px", "1500")
	tn.want(id, "(integer) 2", "ttl", "k") // rounds to nearest second
	tn.want(id, "(integer) 1500", "pttl", "k")
	tn.advance(1000 * time.Millisecond)
	tn.want(id, "(integer) 1", "ttl", "k")
	tn.want(id, "(integer) 500", "pttl", "k")
	tn.want(id, "(integer) "+strconv.FormatInt(tn.nowMs()+500, 10), "pexpiretime", "k")
	tn.advance(500 * time.Millisecond)
	tn.want(id, "(integer) -2", "ttl", "k")
	tn.want(id, "(nil)", "get", "k")

	tn.do(id, "set", "k", "v", "ex", "100")
	tn.do(id, "rename", "k", "j")
	tn.want(id, "(integer) 100", "ttl", "j")
	tn.do(id, "move", "j", "1")
	tn.do(id, "set", "j", "v")
	tn.want(id, "(integer) -1", "ttl", "j")
	tn.clients[id].db = tn.dbs[1]
	tn.want(id, "(integer) 100", "ttl", "j")
	tn.do(id, "copy", "j", "c", "db", "0")
	tn.clients[id].db = tn.dbs[0]
	tn.want(id, "(integer) 100", "ttl", "c")
	tn.do(id, "incr", "c2")
	tn.do(id, "expire", "c2", "50")
	tn.do(id, "incr", "c2")
	tn.do(id, "incrbyfloat", "c2", "1")
	tn.do(id, "append", "c2", "0")
	tn.do(id, "setrange", "c2", "0", "4")
	tn.want(id, "(integer) 50", "ttl", "c2") // in-place changes keep the TTL
	tn.do(id, "set", "c2", "x")
	tn.want(id, "(integer) -1", "ttl", "c2")

	// RANDOMKEY never returns an expired key.
	tn.do(id, "flushall")
	for i := 0; i < 20; i++ {
		tn.do(id, "set", "e"+strconv.Itoa(i), "v", "px", "10")
	}
	tn.do(id, "set", "live", "v")
	tn.clock.ns += int64(20 * time.Millisecond)
	for i := 0; i < 5; i++ {
		tn.want(id, `"live"`, "randomkey")
	}
	tn.do(id, "set", "gone", "v", "px", "10")
	tn.do(id, "del", "live")
	tn.clock.ns += int64(20 * time.Millisecond)
	tn.want(id, "(nil)", "randomkey")
}

func TestScanVisitsEveryLiveKeyOnce(t *testing.T) {
	tn := newTestNode(t)
	tn.Config().ActiveExpire = false
	id := tn.connect()
	want := map[string]bool{}
	for i := 0; i < 500; i++ {
		k := "key:" + strconv.Itoa(i)
		if i%7 == 0 {
			tn.do(id, "set", k, "v", "px", "5")
			continue
		}
		if i%11 == 0 {
			tn.do(id, "rpush", k, "x") // unknown here: stays absent
		}
		tn.do(id, "set", k, "v")
		want[k] = true
	}
	tn.clock.ns += int64(10 * time.Millisecond)
	for _, count := range []string{"1", "10", "1000"} {
		seen := map[string]bool{}
		cursor := "0"
		for {
			v := tn.do(id, "scan", cursor, "count", count, "match", "key:*", "type", "string")
			for _, e := range v.Elems[1].Elems {
				if seen[e.Str] {
					t.Fatalf("count %s: %s twice", count, e.Str)
				}
				seen[e.Str] = true
			}
			if cursor = v.Elems[0].Str; cursor == "0" {
				break
			}
		}
		if len(seen) != len(want) {
			t.Fatalf("count %s: saw %d keys, want %d", count, len(seen), len(want))
		}
		for k := range seen {
			if !want[k] {
				t.Fatalf("count %s: unexpected %s", count, k)
			}
		}
	}
	tn.want(id, "(integer) "+strconv.Itoa(len(want)), "dbsize")
	v := tn.do(id, "scan", "0", "match", "key:1?", "count", "1000")
	if len(v.Elems[1].Elems) != 9 { // key:10..key:19 less key:14 (expired)
		t.Errorf("match key:1? gave %v", v)
	}
}

func TestWatchAndFlushSwap(t *testing.T) {
	tn := newTestNode(t)
	w := tn.connect()
	o := tn.connect()
	exec := func(want string) {
		t.Helper()
		tn.want(w, `"OK"`, "multi")
		tn.want(w, `"QUEUED"`, "strlen", "nokey")
		tn.want(w, want, "exec")
	}
	// Flushing a database where the watched key does not exist changes nothing.
	tn.want(w, `"OK"`, "watch", "x")
	tn.do(o, "set", "y", "1")
	tn.do(o, "flushall")
	exec(`[(integer) 0]`)
	// ... but it fails EXEC if the key existed.
	tn.do(o, "set", "x", "1")
	tn.want(w, `"OK"`, "watch", "x")
	tn.do(o, "flushdb")
	exec("(nil)")
	// SWAPDB fails EXEC when the key exists on either side.
	tn.clients[o].db = tn.dbs[1]
	tn.do(o, "set", "x", "1")
	tn.clients[o].db = tn.dbs[0]
	tn.want(w, `"OK"`, "watch", "x")
	tn.do(o, "swapdb", "0", "1")
	exec("(nil)")
	tn.want(w, `"1"`, "get", "x")
	tn.want(w, `"OK"`, "watch", "x")
	tn.do(o, "swapdb", "2", "3")
	tn.do(o, "swapdb", "0", "0")
	exec(`[(integer) 0]`)
	// A client stays in its database number; the data moves.
	tn.do(o, "swapdb", "0", "5")
	tn.want(w, "(nil)", "get", "x")
	tn.clients[w].db = tn.dbs[5]
	tn.want(w, `"1"`, "get", "x")
}

func TestObjectCommand(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	db := tn.dbs[0]
	set := dict.New[struct{}](1)
	set.Set("1", struct{}{})
	hash := dict.New[[]byte](2)
	hash.Set("f", []byte("v"))
	tn.addKey(db, []byte("s"), &Object{Type: TypeSet, Set: set})
	tn.addKey(db, []byte("h"), &Object{Type: TypeHash, Hash: hash})
	tn.addKey(db, []byte("z"), &Object{Type: TypeZSet, ZSet: &ZSet{}})
	tn.addKey(db, []byte("l"), &Object{Type: TypeList, List: &List{}})
	for _, c := range []struct{ key, enc string }{{"s", "intset"}, {"h", "listpack"}, {"z", "listpack"}, {"l", "quicklist"}} {
		tn.want(id, strconv.Quote(c.enc), "object", "encoding", c.key)
		tn.want(id, "(integer) 1", "object", "refcount", c.key)
	}
	for _, k := range []string{"s", "h", "z"} {
		o, _ := db.keys.Get(k)
		o.big = true
	}
	tn.want(id, `"hashtable"`, "object", "encoding", "s")
	tn.want(id, `"hashtable"`, "object", "encoding", "h")
	tn.want(id, `"skiplist"`, "object", "encoding", "z")
	tn.want(id, `"set"`, "type", "s")
	tn.want(id, `"zset"`, "type", "z")

	// COPY keeps the encoding and copies deeply.
	tn.do(id, "copy", "s", "s2")
	tn.do(id, "copy", "h", "h2")
	tn.want(id, `"hashtable"`, "object", "encoding", "s2")
	s2, _ := db.keys.Get("s2")
	h2, _ := db.keys.Get("h2")
	s2.Set.Set("2", struct{}{})
	*h2.Hash.Ptr("f") = []byte("changed")
	if set.Len() != 1 {
		t.Errorf("COPY shares the set")
	}
	if v, _ := hash.Get("f"); string(v) != "v" {
		t.Errorf("COPY shares the hash: %q", v)
	}

	tn.do(id, "set", "k", "v")
	tn.want(id, "(integer) 0", "object", "idletime", "k")
	tn.advance(5500 * time.Millisecond)
	tn.want(id, "(integer) 5", "object", "idletime", "k")
	tn.want(id, "(integer) 5", "object", "idletime", "k") // OBJECT doesn't touch
	tn.do(id, "exists", "k")
	tn.do(id, "ttl", "k")
	tn.do(id, "type", "k")
	tn.want(id, "(integer) 5", "object", "idletime", "k") // nor do these
	tn.do(id, "get", "k")
	tn.want(id, "(integer) 0", "object", "idletime", "k")
	tn.advance(3 * time.Second)
	tn.do(id, "expire", "k", "100")
	tn.want(id, "(integer) 0", "object", "idletime", "k")

	tn.Config().MaxMemoryPolicy = "allkeys-lfu"
	tn.want(id, "(integer) 5", "object", "freq", "k")
	tn.want(id, "(error) ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.", "object", "idletime", "k")
	tn.want(id, "(nil)", "object", "idletime", "nokey")
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		nocase     bool
		want       bool
	}{
		{"*", "", false, false}, // Redis: the empty string matches nothing
		{"**", "", false, false},
		{"*", "abc", false, true},
		{"a*", "a", false, true},
		{"a*b", "a", false, false},
		{"*a", "ba", false, true},
		{"h?llo", "hello", false, true},
		{"h?llo", "hllo", false, false},
		{"h[ae]llo", "hallo", false, true},
		{"h[^e]llo", "hello", false, false},
		{"h[^e]llo", "hallo", false, true},
		{"h[a-b]llo", "hbllo", false, true},
		{"h[b-a]llo", "hbllo", false, true}, // reversed range
		{"[a", "a", false, true},            // unterminated class
		{"[a", "ab", false, false},
		{"[^", "a", false, true},
		{"[", "a", false, false},
		{"[a-]", "a", false, true}, // the range eats the ']'
		{"[a-]]", "a", false, true},
		{"[]", "]", false, false},
		{`\*`, "*", false, true},
		{`\*`, "a", false, false},
		{`\`, `\`, false, true},
		{`[\]]`, "]", false, true},
		{`[\`, `\`, false, true},
		{"HELLO", "hello", true, true},
		{"h[A-Z]llo", "hello", true, true},
		{"h[A-Z]llo", "hello", false, false},
		{"a*b*c*d*e*f*g", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false, false},
		{"*?*?*", "ab", false, true},
		{"*?*?*", "a", false, false},
	} {
		if got := GlobMatch([]byte(tc.pattern), []byte(tc.s), tc.nocase); got != tc.want {
			t.Errorf("GlobMatch(%q, %q, %v) = %v, want %v", tc.pattern, tc.s, tc.nocase, got, tc.want)
		}
	}
}

// SWAPDB, RENAME, MOVE and COPY wake clients blocked on a key that now
// holds a list (or sorted set).
func TestKeyMovesWakeBlockedClients(t *testing.T) {
	tn := newTestNode(t)
	// A stand-in blocking command: reply the key's type once it holds a
	// list, or park.
	tn.commands["bwait"] = &Command{Name: "bwait", Arity: 2, Flags: FlagReadonly | FlagBlocking, FirstKey: 1, LastKey: 1, Step: 1,
		Fn: func(n *Node, c *Client, args [][]byte) {
			if o := n.lookupRead(c.db, args[1]); o != nil && o.Type == TypeList {
				c.addBulkStr("list")
				return
			}
			n.block(c, args[1:2], 0)
		}}
	blocked, other := tn.connect(), tn.connect()
	woken := func(step string, want bool) {
		t.Helper()
		vals := tn.replies(blocked)
		if want && (len(vals) != 1 || vals[0].Str != "list") || !want && len(vals) != 0 {
			t.Fatalf("%s: blocked client got %v", step, vals)
		}
	}
	block := func() {
		t.Helper()
		if vals := tn.send(blocked, "bwait k\r\n"); len(vals) != 0 {
			t.Fatalf("bwait replied %v", vals)
		}
	}
	block()
	list := func(db int, key string) {
		tn.addKey(tn.dbs[db], []byte(key), &Object{Type: TypeList, List: &List{}})
	}
	list(1, "k")
	woken("list in another db", false)
	tn.do(other, "set", "s", "v")
	tn.do(other, "rename", "s", "k")
	woken("string renamed in", false)
	tn.do(other, "del", "k")
	tn.want(other, `"OK"`, "swapdb", "1", "0")
	woken("SWAPDB", true)
	tn.do(other, "rename", "k", "k2")
	woken("RENAME away", false)
	block()
	tn.do(other, "rename", "k2", "k")
	woken("RENAME", true)
	tn.do(other, "move", "k", "3")
	block()
	tn.clients[other].db = tn.dbs[3]
	tn.do(other, "move", "k", "0")
	woken("MOVE", true)
	tn.clients[other].db = tn.dbs[0]
	tn.do(other, "rename", "k", "k3")
	block()
	tn.do(other, "copy", "k3", "k")
	woken("COPY", true)
	if tn.BlockedClients() != 0 {
		t.Fatalf("%d blocked clients", tn.BlockedClients())
	}
}
