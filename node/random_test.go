package node

import "testing"

// TestRandCountArgs checks the count parsing SRANDMEMBER, HRANDFIELD and
// ZRANDMEMBER share (replies taken from redis-server 7.0.15).
func TestRandCountArgs(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.do(id, "zadd", "z", "1", "a")
	tn.do(id, "hset", "h", "f", "v")
	const errRange = "(error) ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
	for _, tc := range []struct{ cmd, key, with string }{{"zrandmember", "z", "withscores"}, {"hrandfield", "h", "withvalues"}} {
		for _, key := range []string{tc.key, "nokey"} {
			tn.want(id, "(error) ERR value is out of range", tc.cmd, key, "5000000000000000000", tc.with)
			tn.want(id, "(error) ERR value is out of range", tc.cmd, key, "-5000000000000000000", tc.with)
			tn.want(id, errRange, tc.cmd, key, "-9223372036854775808")
			tn.want(id, "(error) ERR value is not an integer or out of range", tc.cmd, key, "x", "foo")
			tn.want(id, "(error) ERR syntax error", tc.cmd, key, "1", "foo")
			tn.want(id, "(error) ERR syntax error", tc.cmd, key, "1", tc.with, "x")
		}
		tn.want(id, "[]", tc.cmd, "nokey", "1", tc.with+"\x00x") // strcasecmp
	}
	tn.want(id, errRange, "srandmember", "nokey", "-9223372036854775808")
	tn.want(id, "(error) ERR value is not an integer or out of range", "srandmember", "nokey", "x")
}

// TestRangeLongArgs checks getRangeLongFromObjectOrReply's messages where
// the families use it (replies taken from redis-server 7.0.15).
func TestRangeLongArgs(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	for _, args := range [][]string{{"lpop", "nolist"}, {"rpop", "nolist"}, {"spop", "noset"}, {"zpopmin", "noz"}, {"zpopmax", "noz"}} {
		for _, bad := range []string{"-1", "x", "1.5", ""} {
			tn.want(id, "(error) ERR value is out of range, must be positive", append(args, bad)...)
		}
	}
	for _, cmd := range []string{"sintercard", "zintercard"} {
		tn.want(id, "(error) ERR LIMIT can't be negative", cmd, "1", "k", "limit", "-1")
		tn.want(id, "(error) ERR LIMIT can't be negative", cmd, "1", "k", "limit", "x")
	}
	tn.want(id, "(error) ERR numkeys should be greater than 0", "sintercard", "0", "k")
	tn.want(id, "(error) ERR numkeys should be greater than 0", "sintercard", "x", "k")
}

// TestMpopArgs checks the argument parsing LMPOP, BLMPOP, ZMPOP and BZMPOP
// share (replies taken from redis-server 7.0.15).
func TestMpopArgs(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	for _, tc := range []struct{ cmd, where string }{{"lmpop", "left"}, {"zmpop", "min"}} {
		tn.want(id, "(nil)", tc.cmd, "1", "nokey", tc.where+"\x00x") // strcasecmp
		tn.want(id, "(nil)", tc.cmd, "1", "nokey", tc.where, "count\x00", "2")
		tn.want(id, "(error) ERR syntax error", tc.cmd, "9223372036854775807", "nokey", tc.where)
		tn.want(id, "(error) ERR syntax error", tc.cmd, "9223372036854775806", "nokey", tc.where)
		tn.want(id, "(error) ERR syntax error", tc.cmd, "1", "nokey", "middle")
		tn.want(id, "(error) ERR syntax error", tc.cmd, "1", "nokey", tc.where, "count", "1", "count", "1")
		tn.want(id, "(error) ERR syntax error", tc.cmd, "1", "nokey", tc.where, "count")
		tn.want(id, "(error) ERR numkeys should be greater than 0", tc.cmd, "0", "nokey", tc.where)
		tn.want(id, "(error) ERR numkeys should be greater than 0", tc.cmd, "x", "nokey", tc.where)
		tn.want(id, "(error) ERR count should be greater than 0", tc.cmd, "1", "nokey", tc.where, "count", "0")
		tn.want(id, "(error) ERR count should be greater than 0", tc.cmd, "1", "nokey", tc.where, "count", "x")
		tn.want(id, "(error) ERR count should be greater than 0", "b"+tc.cmd, "x", "1", "nokey", tc.where, "count", "0")
		tn.want(id, "(error) ERR timeout is not a float or out of range", "b"+tc.cmd, "x", "1", "nokey", tc.where)
	}
}
