package node

import (
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"opdis/wire"
)

// splitArgs splits on spaces; "" is an empty argument and "x y" one argument.
func splitArgs(s string) []string {
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

// replyCase is one command and its reply as redis-server 7.0.15 gave it
// (rendered like redis-cli); "?" means the reply depends on the clock.
type replyCase struct{ cmd, want string }

// runCases runs cases in order on a fresh client of tn. LPUSH/RPUSH only
// create an (empty) list key: the list family lives elsewhere.
func runCases(t *testing.T, tn *tnode, cases []replyCase) {
	t.Helper()
	id := tn.connect()
	for _, tc := range cases {
		args := splitArgs(tc.cmd)
		if c := strings.ToLower(args[0]); c == "lpush" || c == "rpush" {
			if tn.lookupWrite(tn.dbs[0], []byte(args[1])) == nil {
				tn.addKey(tn.dbs[0], []byte(args[1]), &Object{Type: TypeList, List: &List{}})
			}
			continue
		}
		got := render(strings.ToLower(args[0]), tn.do(id, args...))
		if tc.want != "?" && got != tc.want {
			t.Errorf("%s = %s, want %s", tc.cmd, got, tc.want)
		}
	}
}

// render is wire.Value.String with unordered replies sorted.
func render(cmd string, v wire.Value) string {
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
	runCases(t, tn, stringCases)
	runCases(t, tn, keyCases)
}

var keyCases = []replyCase{
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
		testPropagation(t, seed)
	}
}

func testPropagation(t *testing.T, seed uint64) {
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
			compareKeyspaces(t, seed, step, a, b, dbs)
		}
	}
	compareKeyspaces(t, seed, -1, a, b, dbs)
	if entries < 1000 {
		t.Errorf("seed %d: only %d propagated entries", seed, entries)
	}
}

// liveKeyspace renders the live keys of db: key, type, value, expiry.
func liveKeyspace(n *Node, db int) []string {
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

func compareKeyspaces(t *testing.T, seed uint64, step int, a, b *tnode, dbs int) {
	t.Helper()
	for db := 0; db < dbs; db++ {
		ka, kb := liveKeyspace(a.Node, db), liveKeyspace(b.Node, db)
		if strings.Join(ka, "\n") != strings.Join(kb, "\n") {
			t.Fatalf("seed %d step %d db %d differ:\nA %q\nB %q", seed, step, db, ka, kb)
		}
	}
}
