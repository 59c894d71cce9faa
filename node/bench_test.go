package node

import (
	"fmt"
	"testing"

	"opdis/wire"
)

// benchPipeline feeds one connection 16 pipelined commands per call, as
// redis-benchmark -P 16 does, and drains the replies.
func benchPipeline(b *testing.B, cmd func(i int) [][]byte) {
	tn := newTestNode(&testing.T{})
	id := tn.connect()
	var batches [][]byte
	for j := 0; j < 4096; j++ {
		var buf []byte
		for k := 0; k < 16; k++ {
			buf = wire.AppendCommand(buf, cmd(j*16+k)...)
		}
		batches = append(batches, buf)
	}
	out := make([]byte, 0, 4096)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += 16 {
		tn.Feed(id, batches[(i/16)%len(batches)])
		out, _ = tn.TakeOutput(id, out[:0])
	}
}

func args(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

func BenchmarkPipelineSET(b *testing.B) {
	benchPipeline(b, func(i int) [][]byte { return args("SET", fmt.Sprintf("key:%06d", i%100000), "xxx") })
}
func BenchmarkPipelineGET(b *testing.B) {
	benchPipeline(b, func(i int) [][]byte { return args("GET", fmt.Sprintf("key:%06d", i%100000)) })
}
func BenchmarkPipelineHSET(b *testing.B) {
	benchPipeline(b, func(i int) [][]byte { return args("HSET", "myhash", fmt.Sprintf("element:%06d", i%100000), "xxx") })
}
func BenchmarkPipelineZADD(b *testing.B) {
	// As redis-benchmark -r 100000: random scores and members, so most
	// ZADDs move an existing member.
	r := &testRand{s: 9}
	benchPipeline(b, func(i int) [][]byte {
		return args("ZADD", "myzset", fmt.Sprint(r.Uint64()%100000), fmt.Sprintf("element:%06d", r.Uint64()%100000))
	})
}

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
