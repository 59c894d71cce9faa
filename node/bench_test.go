package node

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"opdis/wire"
)

// benchPipeline feeds one connection 16 pipelined commands per call, as
// redis-benchmark -P 16 does, and drains the replies. prefill, when not
// nil, runs first for keyspace commands, so that the benchmark sees the
// keyspace redis-benchmark -r 100000 builds (bench.sh runs SET before GET).
func benchPipeline(b *testing.B, prefill, cmd func(i int) [][]byte) {
	tn := newTestNode(&testing.T{})
	id := tn.connect()
	batch := func(cmd func(i int) [][]byte, j int) []byte {
		var buf []byte
		for k := 0; k < 16; k++ {
			buf = wire.AppendCommand(buf, cmd(j*16+k)...)
		}
		return buf
	}
	out := make([]byte, 0, 4096)
	if prefill != nil {
		for j := 0; j < 2*benchKeyspace/16; j++ {
			tn.Feed(id, batch(prefill, j))
			out, _ = tn.TakeOutput(id, out[:0])
		}
	}
	var batches [][]byte
	for j := 0; j < 4096; j++ {
		batches = append(batches, batch(cmd, j))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += 16 {
		tn.Feed(id, batches[(i/16)%len(batches)])
		out, _ = tn.TakeOutput(id, out[:0])
	}
}

// benchKeyspace is redis-benchmark's -r in scripts/bench.sh.
const benchKeyspace = 100000

// randKey is redis-benchmark's __rand_int__ substitution: 12 digits.
func randKey(r *testRand, prefix string) string {
	return fmt.Sprintf("%s%012d", prefix, r.Uint64()%benchKeyspace)
}

func args(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

// benchCmd returns a command generator for redis-benchmark's -t test
// (and ZADD with random scores, as bench.sh runs it).
func benchCmd(test string, seed uint64) func(i int) [][]byte {
	r := &testRand{s: seed}
	switch test {
	case "SET":
		return func(int) [][]byte { return args("SET", randKey(r, "key:"), "xxx") }
	case "GET":
		return func(int) [][]byte { return args("GET", randKey(r, "key:")) }
	case "INCR":
		return func(int) [][]byte { return args("INCR", randKey(r, "counter:")) }
	case "LPUSH":
		return func(int) [][]byte { return args("LPUSH", "mylist", "xxx") }
	case "LPOP":
		return func(int) [][]byte { return args("LPOP", "mylist") }
	case "SADD":
		return func(int) [][]byte { return args("SADD", "myset", randKey(r, "element:")) }
	case "HSET":
		return func(int) [][]byte { return args("HSET", "myhash", randKey(r, "element:"), "xxx") }
	case "ZADD":
		return func(int) [][]byte {
			return args("ZADD", "myzset", fmt.Sprint(r.Uint64()%benchKeyspace), randKey(r, "element:"))
		}
	}
	panic(test)
}

// The Pipeline benchmarks start from an empty keyspace; the Full ones
// from the keyspace the same test (SET for GET, LPUSH for LPOP) built
// with -r 100000, as in scripts/bench.sh.
func BenchmarkPipelineSET(b *testing.B)  { benchPipeline(b, nil, benchCmd("SET", 1)) }
func BenchmarkPipelineGET(b *testing.B)  { benchPipeline(b, nil, benchCmd("GET", 1)) }
func BenchmarkPipelineHSET(b *testing.B) { benchPipeline(b, nil, benchCmd("HSET", 1)) }
func BenchmarkPipelineZADD(b *testing.B) { benchPipeline(b, nil, benchCmd("ZADD", 1)) }

func BenchmarkFullSET(b *testing.B)  { benchPipeline(b, benchCmd("SET", 1), benchCmd("SET", 2)) }
func BenchmarkFullGET(b *testing.B)  { benchPipeline(b, benchCmd("SET", 1), benchCmd("GET", 2)) }
func BenchmarkFullINCR(b *testing.B) { benchPipeline(b, benchCmd("INCR", 1), benchCmd("INCR", 2)) }
func BenchmarkFullLPUSH(b *testing.B) {
	benchPipeline(b, benchCmd("LPUSH", 1), benchCmd("LPUSH", 2))
}
func BenchmarkFullLPOP(b *testing.B) {
	// Enough elements that b.N pops never empty the list.
	benchPipeline(b, benchCmd("LPUSH", 1), benchCmd("LPOP", 2))
}
func BenchmarkFullSADD(b *testing.B) { benchPipeline(b, benchCmd("SADD", 1), benchCmd("SADD", 2)) }
func BenchmarkFullHSET(b *testing.B) { benchPipeline(b, benchCmd("HSET", 1), benchCmd("HSET", 2)) }
func BenchmarkFullZADD(b *testing.B) { benchPipeline(b, benchCmd("ZADD", 1), benchCmd("ZADD", 2)) }

// BenchmarkFeedLargeValue feeds a 16 MiB SET in 16 KiB reads, as a socket
// delivers it; each read must cost O(read), not O(bytes so far).
func BenchmarkFeedLargeValue(b *testing.B) {
	req := wire.AppendCommand(nil, []byte("SET"), []byte("k"), make([]byte, 16<<20))
	for i := 0; i < b.N; i++ {
		tn := newTestNode(&testing.T{})
		id := tn.connect()
		for off := 0; off < len(req); off += 16 << 10 {
			tn.Feed(id, req[off:min(off+16<<10, len(req))])
		}
		if out, _ := tn.TakeOutput(id, nil); string(out) != "+OK\r\n" {
			b.Fatalf("reply %q", out)
		}
	}
}

// TestCacheZADD runs OPDIS_CACHE_OPS ZADDs (as bench.sh's, pipelined 16
// at a time, from batches built beforehand) after filling the set, for
// running under valgrind --tool=cachegrind: its simulated cache misses do
// not depend on the machine's load, unlike timings. Subtract a run with 0
// ops.
func TestCacheZADD(t *testing.T) {
	ops, err := strconv.Atoi(os.Getenv("OPDIS_CACHE_OPS"))
	if err != nil {
		t.Skip("OPDIS_CACHE_OPS is not set")
	}
	tn := newTestNode(t)
	id := tn.connect()
	batches := func(cmd func(int) [][]byte, n int) (bs [][]byte) {
		for j := 0; j < n; j += 16 {
			var buf []byte
			for k := 0; k < 16; k++ {
				buf = wire.AppendCommand(buf, cmd(j+k)...)
			}
			bs = append(bs, buf)
		}
		return bs
	}
	out := make([]byte, 0, 4096)
	for _, b := range batches(benchCmd("ZADD", 1), 2*benchKeyspace) {
		tn.Feed(id, b)
		out, _ = tn.TakeOutput(id, out[:0])
	}
	bs := batches(benchCmd("ZADD", 2), 4096*16)
	for j := 0; j < ops/16; j++ {
		tn.Feed(id, bs[j%len(bs)])
		out, _ = tn.TakeOutput(id, out[:0])
	}
}
