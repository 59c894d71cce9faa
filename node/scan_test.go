package node

import (
	"strconv"
	"testing"
)

// TestScanOptionsShared checks the option handling SCAN, HSCAN, SSCAN and
// ZSCAN share (replies taken from redis-server 7.0.15).
func TestScanOptionsShared(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.do(id, "hset", "h", "f1", "v1", "f2", "v2")
	tn.do(id, "sadd", "s", "a")
	tn.do(id, "zadd", "z", "1", "a")
	for _, cmd := range []string{"hscan h", "sscan s", "zscan z"} {
		k := skSplitArgs(cmd)
		// Option names are compared as C strings (strcasecmp).
		if v := tn.do(id, k[0], k[1], "0", "count\x00x", "4"); v.Elems == nil {
			t.Errorf("%s COUNT\\0x: %s", cmd, v)
		}
		tn.want(id, "(error) ERR syntax error", k[0], k[1], "0", "type", "string")
		tn.want(id, "(error) ERR syntax error", k[0], k[1], "0", "count", "0")
		tn.want(id, "(error) ERR value is not an integer or out of range", k[0], k[1], "0", "count", "4\x00")
		tn.want(id, "(error) ERR invalid cursor", k[0], k[1], "x", "count", "x")
		tn.want(id, "(error) ERR invalid cursor", k[0], "nokey", "x")
		tn.want(id, `["0", []]`, k[0], "nokey", "0", "count", "x")
	}
	tn.want(id, `["0", ["f1", "v1"]]`, "hscan", "h", "0", "match\x00", "f1")
	tn.want(id, "(error) ERR syntax error", "scan", "0", "type", "string", "count", "0")
	tn.want(id, `["0", []]`, "scan", "0", "type\x00", "list")
}

// TestScanCountCountsEntries: COUNT is a number of keys, fields or
// members, not of reply items: on a real 7.0.15 server HSCAN and ZSCAN of
// 300 entries with COUNT 20 reply about 20 pairs a call.
func TestScanCountCountsEntries(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	for i := 0; i < 300; i++ {
		m := "m" + strconv.Itoa(i)
		tn.do(id, "hset", "h", m, "1")
		tn.do(id, "sadd", "s", m)
		tn.do(id, "zadd", "z", strconv.Itoa(i), m)
		tn.do(id, "set", m, "1")
	}
	for _, tc := range []struct {
		args []string
		per  int
	}{
		{[]string{"hscan", "h"}, 2}, {[]string{"sscan", "s"}, 1}, {[]string{"zscan", "z"}, 2}, {[]string{"scan"}, 1},
	} {
		cursor, calls, seen := "0", 0, 0
		for {
			v := tn.do(id, append(tc.args, cursor, "count", "20")...)
			n := len(v.Elems[1].Elems) / tc.per
			seen += n
			cursor = v.Elems[0].Str
			if cursor == "0" {
				break
			}
			if n < 20 {
				t.Errorf("%v: a call returned %d entries, want at least 20", tc.args, n)
			}
			calls++
		}
		if seen < 300 || calls > 16 {
			t.Errorf("%v: %d entries in %d calls", tc.args, seen, calls)
		}
	}
}
