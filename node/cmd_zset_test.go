package node

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"opdis/node/dict"
	"opdis/wire"
)

// zstep is one command of a script and its expected reply as rendered by
// wire.Value.String. The expectations were taken from redis-server 7.0.15.
// Commands starting with "!" are set-up done directly on the keyspace
// (other families' commands are not this file's business): "!sadd key m…"
// makes a set, "!set key v" a string.
type zstep struct {
	cmd  string
	want string
}

// zrunHook, when set, sees every step of zrun first (args nil: a new
// script starts on tn): a developer hook to check the expectations against
// a real redis-server.
var zrunHook func(t *testing.T, tn *tnode, args []string, want string)

// zsplit splits a command line on spaces; "”" is an empty argument.
func zsplit(line string) []string {
	f := strings.Fields(line)
	for i, a := range f {
		if a == "''" {
			f[i] = ""
		}
	}
	return f
}

// zrun runs a script on a fresh client of tn.
func zrun(t *testing.T, tn *tnode, id int64, script []zstep) {
	t.Helper()
	if zrunHook != nil {
		zrunHook(t, tn, nil, "")
	}
	for _, s := range script {
		if zrunHook != nil {
			zrunHook(t, tn, zsplit(s.cmd), s.want)
		}
		args := zsplit(s.cmd)
		if strings.HasPrefix(args[0], "!") {
			zsetup(tn, tn.clients[id].db, args)
			continue
		}
		tn.want(id, s.want, args...)
	}
}

// zsetup performs a "!sadd"/"!set" step on db.
func zsetup(tn *tnode, db *DB, args []string) {
	key := args[1]
	switch args[0] {
	case "!sadd":
		o := tn.lookupWrite(db, []byte(key))
		if o == nil {
			o = &Object{Type: TypeSet, Set: dict.New[struct{}](1)}
			tn.addKey(db, []byte(key), o)
		}
		for _, m := range args[2:] {
			o.Set.Set(m, struct{}{})
		}
	case "!set":
		tn.setKey(db, []byte(key), newStringObject([]byte(args[2])), false)
	}
}

func TestZAdd(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	zrun(t, tn, id, []zstep{
		{"zadd z 1 a 2 b 3 c", "(integer) 3"},
		{"zadd z 1 a", "(integer) 0"},
		{"zadd z ch 5 a 2 b 4 d", "(integer) 2"},
		{"zadd z nx 10 a 11 e", "(integer) 1"},
		{"zadd z xx 10 a 11 f", "(integer) 0"},
		{"zadd z XX CH 12 a 11 f", "(integer) 1"},
		{"zadd z gt ch 1 a 20 b", "(integer) 1"},
		{"zadd z lt ch 1 a 30 b", "(integer) 1"},
		{"zadd z xx gt ch 3 a", "(integer) 1"},
		{"zrange z 0 -1 withscores", `["a", "3", "c", "3", "d", "4", "e", "11", "b", "20"]`},
		{"zadd z nx xx 1 a", "(error) ERR XX and NX options at the same time are not compatible"},
		{"zadd z nx gt 1 a", "(error) ERR GT, LT, and/or NX options at the same time are not compatible"},
		{"zadd z lt gt 1 a", "(error) ERR GT, LT, and/or NX options at the same time are not compatible"},
		{"zadd z incr 1 a 2 b", "(error) ERR INCR option supports a single increment-element pair"},
		{"zadd z 1 a 2", "(error) ERR syntax error"},
		{"zadd z nx 1", "(error) ERR syntax error"},
		{"zadd z nx", "(error) ERR wrong number of arguments for 'zadd' command"},
		{"zadd z abc a", "(error) ERR value is not a valid float"},
		{"zadd z nan a", "(error) ERR value is not a valid float"},
		{"zadd z 1e-400 a", "(error) ERR value is not a valid float"},
		{"zadd z 1e400 a", "(error) ERR value is not a valid float"},
		{"zadd z '' a", "(error) ERR value is not a valid float"},
		{"zadd z 0x10 h 0x1p3 i .5 j 5. k +.5e+3 l -INF m infinity n", "(integer) 7"},
		{"zadd z 1e-310 o", "(integer) 1"},
		{"zscore z h", `"16"`},
		{"zscore z i", `"8"`},
		{"zscore z l", `"500"`},
		{"zscore z o", `"9.9999999999999694e-311"`},
		{"zscore z m", `"-inf"`},
		{"zadd z incr 2 a", `"5"`},
		{"zadd z incr nx 2 a", "(nil)"},
		{"zadd z incr gt -1 a", "(nil)"},
		{"zadd z incr xx 1 nosuch", "(nil)"},
		{"zadd nokey xx 1 a", "(integer) 0"},
		{"zadd nokey xx incr 1 a", "(nil)"},
		{"zadd z inf n", "(integer) 0"},
		{"zadd z incr -inf n", "(error) ERR resulting score is not a number (NaN)"},
		{"zscore z n", `"inf"`},
		{"!set str x", ""},
		{"zadd str 1 a", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"zadd str abc a", "(error) ERR value is not a valid float"},
		{"zincrby z 1.5 a", `"6.5"`},
		{"zincrby z 1 new", `"1"`},
		{"zincrby z abc a", "(error) ERR value is not a valid float"},
		{"zincrby z nx a", "(error) ERR syntax error"},
		{"zincrby str 1 a", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"zadd f 0.1 a", "(integer) 1"},
		{"zincrby f 0.2 a", `"0.30000000000000004"`},
	})
	if tn.lookupWrite(tn.DB(0), []byte("nokey")) != nil {
		t.Fatal("ZADD XX created a key")
	}
}

func TestZAddNegativeZero(t *testing.T) {
	// A listpack stores scores as text: -0 becomes 0. A skiplist keeps -0.
	tn := newTestNode(t)
	id := tn.connect()
	zrun(t, tn, id, []zstep{
		{"zadd lp -0 a", "(integer) 1"},
		{"zscore lp a", `"0"`},
		{"zincrby lp -0 b", `"-0"`},
		{"zscore lp b", `"0"`},
	})
	cfg := DefaultConfig()
	cfg.ZSetMaxLPEntries = 0
	tn = newTestNodeConfig(t, cfg)
	id = tn.connect()
	zrun(t, tn, id, []zstep{
		{"zadd sl -0 a", "(integer) 1"},
		{"zscore sl a", `"-0"`},
		{"zadd sl 0 a", "(integer) 0"},
		{"zscore sl a", `"-0"`},
		{"zrange sl 0 -1 withscores", `["a", "-0"]`},
		{"zscan sl 0", `["0", ["a", "-0"]]`},
	})
}

func TestZRemAndReads(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	zrun(t, tn, id, []zstep{
		{"zadd z 1 a 2 b 3 c", "(integer) 3"},
		{"zrem z a x", "(integer) 1"},
		{"zrem nokey a", "(integer) 0"},
		{"zcard z", "(integer) 2"},
		{"zcard nokey", "(integer) 0"},
		{"zrem z b c d", "(integer) 2"},
		{"zcard z", "(integer) 0"},
		{"!set str x", ""},
		{"zrem str a", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"zcard str", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"zadd z 1 a 2 b 3 c 3 d", "(integer) 4"},
		{"zscore z b", `"2"`},
		{"zscore z x", "(nil)"},
		{"zscore nokey x", "(nil)"},
		{"zmscore z a x c", `["1", (nil), "3"]`},
		{"zmscore nokey a", `[(nil)]`},
		{"zmscore str a", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"zrank z c", "(integer) 2"},
		{"zrevrank z c", "(integer) 1"},
		{"zrank z x", "(nil)"},
		{"zrevrank nokey x", "(nil)"},
		{"zrank str a", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"zcount z -inf +inf", "(integer) 4"},
		{"zcount z (1 3", "(integer) 3"},
		{"zcount z (1 (3", "(integer) 1"},
		{"zcount z 3 1", "(integer) 0"},
		{"zcount z '' ''", "(integer) 0"},
		{"zcount z ( +inf", "(integer) 4"},
		{"zcount z 0x1 2", "(integer) 2"},
		{"zcount z 1e400 inf", "(integer) 0"},
		{"zcount z nan 1", "(error) ERR min or max is not a float"},
		{"zcount z (nan 1", "(error) ERR min or max is not a float"},
		{"zcount z - +", "(error) ERR min or max is not a float"},
		{"zcount nokey abc 1", "(error) ERR min or max is not a float"},
		{"zcount nokey 1 2", "(integer) 0"},
		{"zcount str 1 2", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"zadd l 0 a 0 b 0 c 0 d 0 e", "(integer) 5"},
		{"zlexcount l - +", "(integer) 5"},
		{"zlexcount l [b (d", "(integer) 2"},
		{"zlexcount l (b [d", "(integer) 2"},
		{"zlexcount l + -", "(integer) 0"},
		{"zlexcount l [c [c", "(integer) 1"},
		{"zlexcount l (c [c", "(integer) 0"},
		{"zlexcount l '' +", "(error) ERR min or max not valid string range item"},
		{"zlexcount l +a +", "(error) ERR min or max not valid string range item"},
		{"zlexcount l a z", "(error) ERR min or max not valid string range item"},
		{"zlexcount nokey - +", "(integer) 0"},
	})
}

func TestZRange(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	zrun(t, tn, id, []zstep{
		{"zadd z 1 a 2 b 3 c 4 d 5 e", "(integer) 5"},
		{"zrange z 0 -1", `["a", "b", "c", "d", "e"]`},
		{"zrange z -2 -1 withscores", `["d", "4", "e", "5"]`},
		{"zrange z -100 1", `["a", "b"]`},
		{"zrange z 3 100", `["d", "e"]`},
		{"zrange z 3 1", `[]`},
		{"zrange z 5 10", `[]`},
		{"zrange z 0 1 rev", `["e", "d"]`},
		{"zrevrange z 0 1 withscores", `["e", "5", "d", "4"]`},
		{"zrange z (1 3 byscore", `["b", "c"]`},
		{"zrange z 3 (1 byscore rev", `["c", "b"]`},
		{"zrange z -inf +inf byscore limit 1 2 withscores", `["b", "2", "c", "3"]`},
		{"zrange z -inf +inf byscore limit -1 2", `[]`},
		{"zrange z -inf +inf byscore limit 1 -1", `["b", "c", "d", "e"]`},
		{"zrange z -inf +inf byscore limit 5 1", `[]`},
		{"zrange z +inf -inf byscore rev limit 0 2", `["e", "d"]`},
		{"zrange z 0 -1 limit 0 1", "(error) ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"},
		{"zrange z 0 -1 limit 0 -1", `["a", "b", "c", "d", "e"]`},
		{"zrange z - + bylex withscores", "(error) ERR syntax error, WITHSCORES not supported in combination with BYLEX"},
		{"zrange z 0 -1 limit 1", "(error) ERR syntax error"},
		{"zrange z 0 -1 rev rev", "(error) ERR syntax error"},
		{"zrange z 0 -1 byscore bylex", "(error) ERR syntax error"},
		{"zrange z a 1", "(error) ERR value is not an integer or out of range"},
		{"zrange z a 1 byscore", "(error) ERR min or max is not a float"},
		{"zrange z a b bylex", "(error) ERR min or max not valid string range item"},
		{"zrange z 0 1 limit x 1 byscore", "(error) ERR value is not an integer or out of range"},
		{"zrange nokey 0 -1", `[]`},
		{"zrevrange z 0 1 rev", "(error) ERR syntax error"},
		{"zrevrange z 0 1 byscore", "(error) ERR syntax error"},
		{"zrangebyscore z 1 2 byscore", "(error) ERR syntax error"},
		{"zrangebyscore z (1 +inf withscores limit 0 2", `["b", "2", "c", "3"]`},
		{"zrevrangebyscore z +inf (4", `["e"]`},
		{"zrevrangebyscore z 4 2 limit 1 5", `["c", "b"]`},
		{"zrangebyscore z 1 2 limit 0", "(error) ERR syntax error"},
		{"!set str x", ""},
		{"zrange str 0 -1", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"zrange str a b", "(error) ERR value is not an integer or out of range"},
		{"zadd l 0 a 0 b 0 c 0 d", "(integer) 4"},
		{"zrangebylex l - +", `["a", "b", "c", "d"]`},
		{"zrangebylex l [b (d", `["b", "c"]`},
		{"zrangebylex l - + limit 1 2", `["b", "c"]`},
		{"zrevrangebylex l + - limit 0 3", `["d", "c", "b"]`},
		{"zrevrangebylex l (c -", `["b", "a"]`},
		{"zrangebylex l - + withscores", "(error) ERR syntax error, WITHSCORES not supported in combination with BYLEX"},
		{"zrange l - + bylex rev limit 0 2", `[]`},
		{"zrange l + - bylex rev limit 0 2", `["d", "c"]`},
	})
}

func TestZRangeStore(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	zrun(t, tn, id, []zstep{
		{"zadd z 1 a 2 b 3 c 4 d 5 e", "(integer) 5"},
		{"zrangestore d z 0 1", "(integer) 2"},
		{"zrange d 0 -1 withscores", `["a", "1", "b", "2"]`},
		{"zrangestore d z 0 -1 withscores", "(error) ERR syntax error"},
		{"zrangestore d z (1 4 byscore rev limit 0 2", "(integer) 0"},
		{"zrange d 0 -1", `[]`},
		{"zrangestore d z 4 (1 byscore rev limit 0 2", "(integer) 2"},
		{"zrange d 0 -1", `["c", "d"]`},
		{"zrangestore d nokey 0 -1", "(integer) 0"},
		{"zcard d", "(integer) 0"},
		{"!set str x", ""},
		{"zrangestore d str 0 -1", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"zrangestore str z 0 0", "(integer) 1"},
		{"zrange str 0 -1", `["a"]`},
	})
}

func TestZRemRange(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	zrun(t, tn, id, []zstep{
		{"zadd z 1 a 2 b 3 c 4 d 5 e", "(integer) 5"},
		{"zremrangebyrank z 1 -3", "(integer) 2"},
		{"zrange z 0 -1", `["a", "d", "e"]`},
		{"zremrangebyrank z 5 10", "(integer) 0"},
		{"zremrangebyrank z x 1", "(error) ERR value is not an integer or out of range"},
		{"zremrangebyrank nokey x 1", "(error) ERR value is not an integer or out of range"},
		{"zremrangebyrank nokey 0 1", "(integer) 0"},
		{"zremrangebyscore z (1 4", "(integer) 1"},
		{"zremrangebyscore z a 4", "(error) ERR min or max is not a float"},
		{"zremrangebyscore z -inf +inf", "(integer) 2"},
		{"zcard z", "(integer) 0"},
		{"zadd l 0 a 0 b 0 c 0 d", "(integer) 4"},
		{"zremrangebylex l (a [c", "(integer) 2"},
		{"zremrangebylex l a c", "(error) ERR min or max not valid string range item"},
		{"zrange l 0 -1", `["a", "d"]`},
		{"zremrangebylex l - +", "(integer) 2"},
		{"zcard l", "(integer) 0"},
		{"!set str x", ""},
		{"zremrangebyscore str 1 2", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
		// Members out of lex order across scores: the listpack walks the list.
		{"zadd q -inf a 1.5 01 2 10", "(integer) 3"},
		{"zlexcount q [10 [c", "(integer) 3"},
		{"zrangebylex q [10 [c", `["a", "01", "10"]`},
		{"zremrangebylex q [10 [c", "(integer) 3"},
	})
}

func TestZSetOps(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	zrun(t, tn, id, []zstep{
		{"zadd z 1 a 2 b 3 c", "(integer) 3"},
		{"!sadd s a b", ""},
		{"!set str x", ""},
		{"zunion 2 z s weights 2 3 withscores aggregate max", `["a", "3", "b", "4", "c", "6"]`},
		{"zunion 2 z s weights 2 3 withscores aggregate sum", `["a", "5", "c", "6", "b", "7"]`},
		{"zunion 2 z s weights 2 3 aggregate min withscores", `["a", "2", "b", "3", "c", "6"]`},
		{"zinter 2 z s withscores", `["a", "2", "b", "3"]`},
		{"zinter 2 z s", `["a", "b"]`},
		{"zdiff 2 z s withscores", `["c", "3"]`},
		{"zdiff 2 z z", `[]`},
		{"zdiff 1 s withscores", `["a", "1", "b", "1"]`},
		{"zunion 3 z s nokey withscores", `["a", "2", "b", "3", "c", "3"]`},
		{"zinter 2 z nokey", `[]`},
		{"zunion 1 z weights 1 weights 2 withscores withscores aggregate min aggregate sum", `["a", "2", "b", "4", "c", "6"]`},
		{"zunion 0 z", "(error) ERR at least 1 input key is needed for 'zunion' command"},
		{"zunion -1 z", "(error) ERR at least 1 input key is needed for 'zunion' command"},
		{"zunion x z", "(error) ERR value is not an integer or out of range"},
		{"zunion 2 z", "(error) ERR syntax error"},
		{"zunion 1 z weights", "(error) ERR syntax error"},
		{"zunion 1 z weights abc", "(error) ERR weight value is not a float"},
		{"zunion 1 z aggregate foo", "(error) ERR syntax error"},
		{"zunion 2 z str", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"zunion 2 str z weights x", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"zdiff 1 z weights 1", "(error) ERR syntax error"},
		{"zunionstore d 1 z withscores", "(error) ERR syntax error"},
		{"zunionstore d 0 z", "(error) ERR at least 1 input key is needed for 'zunionstore' command"},
		{"zinterstore d 2 z s", "(integer) 2"},
		{"zrange d 0 -1 withscores", `["a", "2", "b", "3"]`},
		{"zunionstore d 1 nokey", "(integer) 0"},
		{"zcard d", "(integer) 0"},
		{"zdiffstore str 2 z s", "(integer) 1"},
		{"zrange str 0 -1 withscores", `["c", "3"]`},
		{"zintercard 2 z s", "(integer) 2"},
		{"zintercard 2 z s limit 1", "(integer) 1"},
		{"zintercard 2 z s limit 0", "(integer) 2"},
		{"zintercard 0 z", "(error) ERR at least 1 input key is needed for 'zintercard' command"},
		{"zintercard x z", "(error) ERR value is not an integer or out of range"},
		{"zintercard 2 z", "(error) ERR syntax error"},
		{"zintercard 1 z limit -1", "(error) ERR LIMIT can't be negative"},
		{"zintercard 1 z limit x", "(error) ERR LIMIT can't be negative"},
		{"zintercard 1 z withscores", "(error) ERR syntax error"},
		{"zintercard 1 z weights 1", "(error) ERR syntax error"},
		// inf + -inf is 0 under SUM; inf * 0 is 0.
		{"zadd i1 inf x", "(integer) 1"},
		{"zadd i2 -inf x", "(integer) 1"},
		{"zunion 2 i1 i2 withscores", `["x", "0"]`},
		{"zinter 2 i1 i2 withscores", `["x", "0"]`},
		{"zunion 1 i1 weights 0 withscores", `["x", "0"]`},
		{"zinter 2 i1 i2 weights 1 0 withscores", `["x", "0"]`},
		// SUM adds in order of cardinality (stable): (0.1+0.2)+0.3.
		{"zadd f1 0.1 x", "(integer) 1"},
		{"zadd f2 0.2 x", "(integer) 1"},
		{"zadd f3 0.3 x 1 y", "(integer) 2"},
		{"zunion 3 f3 f2 f1 withscores", `["x", "0.60000000000000009", "y", "1"]`},
		{"zunion 3 f2 f1 f3 withscores", `["x", "0.60000000000000009", "y", "1"]`},
		{"zadd f4 0.3 x", "(integer) 1"},
		{"zunion 3 f4 f2 f1 withscores", `["x", "0.59999999999999998"]`},
	})
}

func TestZPop(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	zrun(t, tn, id, []zstep{
		{"zadd z 1 a 2 b 3 c 4 d", "(integer) 4"},
		{"zpopmin z", `["a", "1"]`},
		{"zpopmax z 2", `["d", "4", "c", "3"]`},
		{"zpopmin z 0", `[]`},
		{"zpopmin z abc", "(error) ERR value is out of range, must be positive"},
		{"zpopmin z -1", "(error) ERR value is out of range, must be positive"},
		{"zpopmin z 1 2", "(error) ERR syntax error"},
		{"zpopmin nokey", `[]`},
		{"zpopmin nokey 5", `[]`},
		{"zpopmax z 10", `["b", "2"]`},
		{"zcard z", "(integer) 0"},
		{"!set str x", ""},
		{"zpopmin str", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"zadd z 1 a 2 b 3 c", "(integer) 3"},
		{"zmpop 2 nokey z max count 2", `["z", [["c", "3"], ["b", "2"]]]`},
		{"zmpop 1 z min count 10", `["z", [["a", "1"]]]`},
		{"zmpop 1 nokey min", "(nil)"},
		{"zmpop 1 str min", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"zmpop 0 z min", "(error) ERR numkeys should be greater than 0"},
		{"zmpop abc z min", "(error) ERR numkeys should be greater than 0"},
		{"zmpop 2 z min", "(error) ERR syntax error"},
		{"zmpop 1 z foo", "(error) ERR syntax error"},
		{"zmpop 1 z min count 0", "(error) ERR count should be greater than 0"},
		{"zmpop 1 z min count abc", "(error) ERR count should be greater than 0"},
		{"zmpop 1 z min count 1 count 1", "(error) ERR syntax error"},
		{"zmpop 1 z min count", "(error) ERR syntax error"},
		{"zmpop 9223372036854775807 z min", "(error) ERR syntax error"},
		{"bzmpop abc 0 z min", "(error) ERR numkeys should be greater than 0"},
		{"bzmpop abc 1 z foo", "(error) ERR syntax error"},
		{"bzmpop abc 1 z min", "(error) ERR timeout is not a float or out of range"},
		{"bzmpop -1 1 z min", "(error) ERR timeout is negative"},
		{"bzpopmin z abc", "(error) ERR timeout is not a float or out of range"},
		{"bzpopmin z -1", "(error) ERR timeout is negative"},
		{"bzpopmin z inf", "(error) ERR timeout is negative"},
		{"bzpopmin z 1e400", "(error) ERR timeout is negative"},
		{"bzpopmin z 1e5000", "(error) ERR timeout is not a float or out of range"},
		{"bzpopmin z nan", "(error) ERR timeout is not a float or out of range"},
		{"bzpopmin z ''", "(error) ERR timeout is not a float or out of range"},
		{"bzpopmin str 0", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"zadd z 1 a 2 b", "(integer) 2"},
		{"bzpopmax nokey z 0", `["z", "b", "2"]`},
		{"bzmpop 0 2 nokey z min count 5", `["z", [["a", "1"]]]`},
	})
}

func TestZRandMemberAndScan(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	zrun(t, tn, id, []zstep{
		{"zadd z 1 a 2 b 3 c 1.1 d", "(integer) 4"},
		{"zrandmember z 10 withscores", `["c", "3", "b", "2", "d", "1.1000000000000001", "a", "1"]`},
		{"zrandmember z 4", `["c", "b", "d", "a"]`},
		{"zrandmember z 0", `[]`},
		{"zrandmember nokey 5", `[]`},
		{"zrandmember nokey", "(nil)"},
		{"zrandmember nokey abc", "(error) ERR value is not an integer or out of range"},
		{"zrandmember z -9223372036854775808", "(error) ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"},
		{"zrandmember nokey -4611686018427387904 withscores", "(error) ERR value is out of range"},
		{"zrandmember nokey -4611686018427387903 withscores", `[]`},
		{"zrandmember z 1 withscores extra", "(error) ERR syntax error"},
		{"zrandmember z 1 foo", "(error) ERR syntax error"},
		{"!set str x", ""},
		{"zrandmember str 1", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"zrandmember str", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"zscan z 0", `["0", ["a", "1", "d", "1.1000000000000001", "b", "2", "c", "3"]]`},
		{"zscan z 0 match [ab] count 1", `["0", ["a", "1", "b", "2"]]`},
		{"zscan z ''", `["0", ["a", "1", "d", "1.1000000000000001", "b", "2", "c", "3"]]`},
		{"zscan z -1 match a", `["0", ["a", "1"]]`},
		{"zscan z abc", "(error) ERR invalid cursor"},
		{"zscan z 18446744073709551616", "(error) ERR invalid cursor"},
		{"zscan z 0 count abc", "(error) ERR value is not an integer or out of range"},
		{"zscan z 0 count 0", "(error) ERR syntax error"},
		{"zscan z 0 type string", "(error) ERR syntax error"},
		{"zscan z 0 match", "(error) ERR syntax error"},
		{"zscan nokey 0 count abc", `["0", []]`},
		{"zscan str 0", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
		// A listpack holds integral scores as integers.
		{"zadd big 123456789012345678 a 4e18 b 5e18 c -4.7e18 d", "(integer) 4"},
		{"zscan big 0", `["0", ["d", "-4.7e+18", "a", "123456789012345680", "b", "4000000000000000000", "c", "5e+18"]]`},
		{"zscore big a", `"1.2345678901234568e+17"`},
	})
	// Random picks: right sizes, distinct when count > 0, members of z.
	members := map[string]bool{"a": true, "b": true, "c": true, "d": true}
	for i := 0; i < 50; i++ {
		v := tn.do(id, "zrandmember", "z", "2")
		if len(v.Elems) != 2 || v.Elems[0].Str == v.Elems[1].Str || !members[v.Elems[0].Str] || !members[v.Elems[1].Str] {
			t.Fatalf("zrandmember z 2 = %s", v)
		}
		v = tn.do(id, "zrandmember", "z", "-7", "withscores")
		if len(v.Elems) != 14 {
			t.Fatalf("zrandmember z -7 withscores = %s", v)
		}
		if v := tn.do(id, "zrandmember", "z"); !members[v.Str] {
			t.Fatalf("zrandmember z = %s", v)
		}
	}
}

func TestZScanSkiplist(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	want := map[string]string{}
	for i := 0; i < 300; i++ {
		m, s := fmt.Sprintf("m%d", i), fmt.Sprint(i)
		tn.do(id, "zadd", "z", s, m)
		want[m] = s
	}
	v := tn.do(id, "zscan", "z", "0", "count", "9223372036854775807")
	if v.Elems[0].Str != "0" || len(v.Elems[1].Elems) != 600 {
		t.Fatalf("zscan with a huge COUNT returned cursor %s and %d items", v.Elems[0].Str, len(v.Elems[1].Elems))
	}
	got := map[string]string{}
	cursor := "0"
	for calls := 0; ; calls++ {
		v := tn.do(id, "zscan", "z", cursor, "count", "20")
		for i := 0; i < len(v.Elems[1].Elems); i += 2 {
			got[v.Elems[1].Elems[i].Str] = v.Elems[1].Elems[i+1].Str
		}
		cursor = v.Elems[0].Str
		if cursor == "0" {
			break
		}
		if calls > 1000 {
			t.Fatal("zscan does not terminate")
		}
	}
	if len(got) != len(want) {
		t.Fatalf("zscan saw %d members, want %d", len(got), len(want))
	}
	for m, s := range want { //det:ok test
		if got[m] != s {
			t.Fatalf("zscan %s = %q, want %q", m, got[m], s)
		}
	}
}

// zencoding reports what OBJECT ENCODING would say.
func zencoding(tn *tnode, key string) string {
	o := tn.lookupWrite(tn.DB(0), []byte(key))
	switch {
	case o == nil:
		return "none"
	case o.big:
		return "skiplist"
	}
	return "listpack"
}

func TestZSetEncoding(t *testing.T) {
	cfg := DefaultConfig()
	cfg.ZSetMaxLPEntries = 3
	cfg.ZSetMaxLPValue = 5
	tn := newTestNodeConfig(t, cfg)
	id := tn.connect()
	check := func(key, want string) {
		t.Helper()
		if got := zencoding(tn, key); got != want {
			t.Fatalf("%s encoding %s, want %s", key, got, want)
		}
	}
	tn.do(id, "zadd", "a", "1", "x", "2", "x", "3", "x", "4", "x") // one member: stays small
	check("a", "listpack")
	tn.do(id, "zadd", "b", "1", "w", "2", "x", "3", "y", "4", "z")
	check("b", "skiplist")
	tn.do(id, "zrem", "b", "w", "x")
	check("b", "skiplist") // never back
	tn.do(id, "zadd", "c", "1", "toolongmember")
	check("c", "skiplist")
	tn.do(id, "zadd", "d", "1", "x")
	tn.do(id, "zadd", "d", "1", "longer")
	check("d", "skiplist")
	// *STORE: skiplist built, converted when small enough.
	tn.do(id, "zunionstore", "u", "1", "b")
	check("u", "listpack")
	tn.do(id, "zunionstore", "u", "2", "b", "c")
	check("u", "skiplist")
	tn.do(id, "zadd", "e", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e")
	tn.do(id, "zrangestore", "r", "e", "0", "2")
	check("r", "listpack")
	tn.do(id, "zrangestore", "r", "e", "0", "3")
	check("r", "skiplist")
	tn.do(id, "zrangestore", "r", "e", "0", "0")
	check("r", "listpack")

	cfg.ZSetMaxLPEntries = 0
	tn = newTestNodeConfig(t, cfg)
	id = tn.connect()
	tn.do(id, "zadd", "a", "1", "x")
	check("a", "skiplist")
	tn.do(id, "zrangestore", "r", "a", "0", "-1")
	check("r", "skiplist")
}

func TestZSetInMulti(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.want(id, `"OK"`, "multi")
	tn.want(id, `"QUEUED"`, "bzpopmin", "nokey", "0")
	tn.want(id, `"QUEUED"`, "bzmpop", "0", "1", "nokey", "min")
	tn.want(id, `"QUEUED"`, "zadd", "k", "1", "a")
	tn.want(id, `"QUEUED"`, "bzpopmin", "k", "0")
	tn.want(id, `[(nil), (nil), (integer) 1, ["k", "a", "1"]]`, "exec")
}

// zcmd encodes a command for tn.send.
func zcmd(args ...string) string {
	bs := make([][]byte, len(args))
	for i, a := range args {
		bs[i] = []byte(a)
	}
	return string(wire.AppendCommand(nil, bs...))
}

// zexpect checks the replies queued for id.
func zexpect(t *testing.T, tn *tnode, id int64, want ...string) {
	t.Helper()
	got := tn.replies(id)
	var gs []string
	for _, v := range got {
		gs = append(gs, v.String())
	}
	if !slices.Equal(gs, want) {
		t.Fatalf("client %d got %q, want %q", id, gs, want)
	}
}

func TestZBlocking(t *testing.T) {
	tn := newTestNode(t)
	c1, c2, c3 := tn.connect(), tn.connect(), tn.connect()

	// Park, then an add wakes the first in line.
	tn.park(c1, "bzpopmin", "k1", "k2", "0")
	tn.park(c2, "bzmpop", "0", "1", "k2", "max", "count", "5")
	if tn.BlockedClients() != 2 {
		t.Fatalf("blocked = %d", tn.BlockedClients())
	}
	tn.want(c3, "(integer) 3", "zadd", "k2", "1", "a", "2", "b", "3", "c")
	zexpect(t, tn, c1, `["k2", "a", "1"]`)
	zexpect(t, tn, c2, `["k2", [["c", "3"], ["b", "2"]]]`)
	if tn.BlockedClients() != 0 || tn.lookupWrite(tn.DB(0), []byte("k2")) != nil {
		t.Fatal("clients still blocked or key left behind")
	}

	// FIFO: two clients on one key, one element: the first is served,
	// the second stays parked, then times out.
	tn.park(c1, "bzpopmax", "k", "1.5")
	tn.park(c2, "bzpopmax", "k", "0.5")
	tn.want(c3, "(integer) 1", "zadd", "k", "7", "x")
	zexpect(t, tn, c1, `["k", "x", "7"]`)
	zexpect(t, tn, c2)
	tn.advance(400 * time.Millisecond)
	zexpect(t, tn, c2)
	tn.advance(100 * time.Millisecond)
	zexpect(t, tn, c2, "(nil)")

	// Timeout of a blocked BZMPOP, and pipelined commands after it.
	if r := tn.sendNone(c1, zcmd("bzmpop", "2", "1", "k", "min")+zcmd("zcard", "k")); len(r) != 0 {
		t.Fatalf("bzmpop replied %q", r)
	}
	tn.advance(1999 * time.Millisecond)
	zexpect(t, tn, c1)
	tn.advance(time.Millisecond)
	zexpect(t, tn, c1, "(nil)", "(integer) 0")

	// A timeout under a millisecond is rounded up to 1 ms: Redis 7.0.15
	// computes ceill(timeout*1000) (BZPOPMIN k 0.0001 on a real server
	// replies *-1 at once; only a negative fraction such as -0.0001 waits
	// forever).
	tn.park(c1, "bzpopmin", "k", "0.0001")
	tn.advance(time.Millisecond)
	zexpect(t, tn, c1, "(nil)")
	tn.park(c1, "bzpopmin", "k", "-0.0001")
	tn.advance(time.Hour)
	zexpect(t, tn, c1)
	tn.want(c3, "(integer) 1", "zadd", "k", "1", "y")
	zexpect(t, tn, c1, `["k", "y", "1"]`)

	// A key of another type showing up does not serve the client (Redis
	// only serves blocked zset pops from sorted sets).
	tn.park(c1, "bzpopmin", "s", "k", "0")
	db := tn.DB(0)
	zsetup(tn, db, []string{"!set", "s", "v"})
	tn.signalReady(db, []byte("s"))
	tn.handleReadyKeys()
	zexpect(t, tn, c1)
	tn.want(c3, "(integer) 1", "zadd", "k", "1", "z")
	zexpect(t, tn, c1, `["k", "z", "1"]`)

	// A disconnected client leaves the queue.
	tn.park(c2, "bzpopmin", "q", "0")
	tn.Disconnect(c2)
	if tn.BlockedClients() != 0 {
		t.Fatal("disconnected client still blocked")
	}
	tn.want(c3, "(integer) 1", "zadd", "q", "1", "a")
	tn.want(c3, "(integer) 1", "zcard", "q")
}

// sendNone feeds raw bytes for a command expected to park: it returns the
// (normally empty) replies.
func (tn *tnode) sendNone(id int64, raw string) []string {
	tn.t.Helper()
	var out []string
	for _, v := range tn.send(id, raw) {
		out = append(out, v.String())
	}
	return out
}

// park runs a command that must block: it fails on any reply.
func (tn *tnode) park(id int64, args ...string) {
	tn.t.Helper()
	if r := tn.sendNone(id, zcmd(args...)); len(r) != 0 {
		tn.t.Fatalf("%q replied %q, want it to block", args, r)
	}
}

// TestZSetPropagation runs random sorted set commands on node A, replays
// every propagated command on node B, and checks both keyspaces agree
// after each step, including the encodings.
func TestZSetPropagation(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		cfg := DefaultConfig()
		cfg.ZSetMaxLPEntries = 4
		cfg.ZSetMaxLPValue = 6
		a := newTestNodeConfig(t, cfg)
		b := newTestNodeConfig(t, cfg)
		b.env.Rand = &testRand{s: 12345} // B does not share A's randomness
		ida, ida2, idb := a.connect(), a.connect(), b.connect()
		var log [][]string
		a.OnPropagate = func(db int, args [][]byte) {
			entry := []string{fmt.Sprint(db)}
			for _, x := range args {
				entry = append(entry, string(x))
			}
			log = append(log, entry)
		}
		replay := func() {
			for _, e := range log {
				var db int
				fmt.Sscan(e[0], &db)
				b.clients[idb].db = b.dbs[db]
				v := b.do(idb, e[1:]...)
				if v.Kind == wire.Error {
					t.Fatalf("seed %d: replaying %q on B: %s", seed, e[1:], v)
				}
			}
			log = nil
		}
		rng := rand.New(rand.NewPCG(seed, 99))
		for _, n := range []*tnode{a, b} {
			zsetup(n, n.DB(0), []string{"!sadd", "s", "a", "b", "x"})
		}
		for step := 0; step < 500; step++ {
			cmd := zRandomWrite(rng)
			if strings.HasPrefix(cmd[0], "b") {
				// Park on A; a later add (this step) wakes it.
				a.sendNone(ida2, zcmd(cmd...))
				a.do(ida, "zadd", "k1", "3", "m")
			} else {
				a.do(ida, cmd...)
			}
			a.replies(ida2)
			replay()
			zcompareKeyspaces(t, a, b, fmt.Sprintf("seed %d step %d %q", seed, step, cmd))
		}
	}
}

func zRandomWrite(rng *rand.Rand) []string {
	keys := []string{"k1", "k2", "k3", "s"}
	members := []string{"a", "b", "c", "d", "e", "x", "long-member", "-0", ""}
	scores := []string{"0", "-0", "1", "2", "2.5", "-3", "inf", "-inf", "0.1"}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	key := func() string { return pick(keys[:3]) }
	switch rng.IntN(16) {
	case 0, 1, 2, 3:
		cmd := []string{"zadd", key()}
		for _, o := range []string{"nx", "xx", "gt", "lt", "ch"} {
			if rng.IntN(8) == 0 {
				cmd = append(cmd, o)
			}
		}
		for k := rng.IntN(4) + 1; k > 0; k-- {
			cmd = append(cmd, pick(scores), pick(members))
		}
		return cmd
	case 4:
		return []string{"zincrby", key(), pick(scores), pick(members)}
	case 5:
		return []string{"zrem", key(), pick(members), pick(members)}
	case 6:
		return []string{"zremrangebyrank", key(), fmt.Sprint(rng.IntN(5) - 2), fmt.Sprint(rng.IntN(5) - 2)}
	case 7:
		return []string{"zremrangebyscore", key(), pick([]string{"-inf", "(0", "1"}), pick([]string{"+inf", "2", "(2.5"})}
	case 8:
		return []string{"zremrangebylex", key(), pick([]string{"-", "[b", "(a"}), pick([]string{"+", "[d", "(x"})}
	case 9:
		cmd := []string{pick([]string{"zpopmin", "zpopmax"}), key()}
		if rng.IntN(2) == 0 {
			cmd = append(cmd, fmt.Sprint(rng.IntN(4)))
		}
		return cmd
	case 10:
		return []string{"zmpop", "2", key(), key(), pick([]string{"min", "max"}), "count", fmt.Sprint(rng.IntN(3) + 1)}
	case 11:
		op := pick([]string{"zunionstore", "zinterstore", "zdiffstore"})
		cmd := []string{op, key(), "2", pick(keys), pick(keys)}
		if op != "zdiffstore" && rng.IntN(2) == 0 {
			cmd = append(cmd, "weights", pick(scores[:6]), pick(scores[:6]), "aggregate", pick([]string{"sum", "min", "max"}))
		}
		return cmd
	case 12:
		return []string{"zrangestore", key(), key(), "0", fmt.Sprint(rng.IntN(6) - 1)}
	case 13:
		return []string{pick([]string{"bzpopmin", "bzpopmax"}), key(), "k1", "0"}
	case 14:
		return []string{"bzmpop", "0", "2", key(), "k1", pick([]string{"min", "max"}), "count", "2"}
	}
	return []string{"zadd", key(), "incr", pick(scores), pick(members)}
}

// zcompareKeyspaces checks that A's and B's database 0 hold the same
// sorted sets (members, exact scores, encodings) and the same other keys.
func zcompareKeyspaces(t *testing.T, a, b *tnode, where string) {
	t.Helper()
	dump := func(n *tnode) []string {
		var out []string
		n.DB(0).Range(func(key string, o *Object, _ int64) bool {
			s := key + ":" + o.Type.String()
			if o.Type == TypeZSet {
				s += fmt.Sprint(":big=", o.big)
				o.ZSet.Range(func(m string, sc float64) bool {
					s += fmt.Sprintf(" %q=%s", m, FormatFloat(sc))
					return true
				})
			}
			out = append(out, s)
			return true
		})
		slices.Sort(out)
		return out
	}
	da, db := dump(a), dump(b)
	if !slices.Equal(da, db) {
		t.Fatalf("%s: keyspaces differ\nA: %q\nB: %q", where, da, db)
	}
}

// parseScore's integer fast path must agree with parseFloat bit for bit
// (the sign of zero included) and leave everything else to it.
func TestParseScore(t *testing.T) {
	for _, s := range []string{"0", "-0", "7", "-7", "007", "-007", "123456789012345", "-12345678901234",
		"1234567890123456", "-", "", "+5", " 5", "5 ", "1e3", "1.5", "inf", "-inf", "nan", "0x10", "12a", "9-"} {
		checkParseScore(t, []byte(s))
	}
}

func FuzzParseScore(f *testing.F) {
	for _, s := range []string{"0", "-0", "42", "-99999", "1.5", "1e308", "-", "0x1p3", "999999999999999"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkParseScore(t, b) })
}

func checkParseScore(t *testing.T, b []byte) {
	t.Helper()
	got, gotOK := parseScore(b)
	want, wantOK := parseFloat(b)
	if gotOK != wantOK || math.Float64bits(got) != math.Float64bits(want) {
		t.Fatalf("parseScore(%q) = %v, %v; parseFloat gives %v, %v", b, got, gotOK, want, wantOK)
	}
}
