package node

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// TestStoredDataDoesNotPinRequests checks that what the keyspace keeps
// does not keep a request's other bytes: a command's arguments share one
// allocation, so a key, field or value kept as a view of it would hold a
// large argument of the same command after that argument was replaced or
// removed. Each case leaves 64 keys whose requests carried 1 MiB that is
// gone from the data; the heap must not hold those 64 MiB.
func TestStoredDataDoesNotPinRequests(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	cases := []struct {
		name string
		make func(k string) [][]string // commands; the 1 MiB ends up replaced or removed
	}{
		{"SET key: the first value", func(k string) [][]string { return [][]string{{"SET", k, big}, {"SET", k, "v"}} }},
		{"the key of a TTL", func(k string) [][]string {
			return [][]string{{"SET", k, big, "EX", "1000"}, {"SET", k, "v", "KEEPTTL"}}
		}},
		{"MSET values", func(k string) [][]string { return [][]string{{"MSET", k + "a", big, k + "b", "v"}, {"DEL", k + "a"}} }},
		{"HSET fields and values", func(k string) [][]string {
			return [][]string{{"HSET", k, "f1", big, "f2", "v"}, {"HSET", k, "f1", "v"}, {"HSET", k, "f3", "v", big, "v"}, {"HDEL", k, big}}
		}},
		{"RPUSH elements", func(k string) [][]string { return [][]string{{"RPUSH", k, big, "v"}, {"LPOP", k}} }},
		{"SADD members", func(k string) [][]string { return [][]string{{"SADD", k, big, "m"}, {"SREM", k, big}} }},
		{"ZADD members", func(k string) [][]string { return [][]string{{"ZADD", k, "1", big, "2", "m"}, {"ZREM", k, big}} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tn := newTestNode(t)
			id := tn.connect()
			before := liveHeap()
			for i := 0; i < 64; i++ {
				for _, cmd := range tc.make(fmt.Sprintf("key:%d", i)) {
					if v := tn.do(id, cmd...); v.Kind == '-' {
						t.Fatalf("%.40q: %s", cmd, v)
					}
				}
			}
			if grown := liveHeap() - before; grown > 16<<20 {
				t.Errorf("the heap grew by %d MiB for 64 small keys", grown>>20)
			}
			if got := tn.do(id, "DBSIZE").String(); got == "(integer) 0" {
				t.Fatal("no keys left")
			}
		})
	}
}

func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
