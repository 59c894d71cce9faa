package rng

import (
	"testing"

	"opdis/node"
	"opdis/sim/simfs"
)

var (
	_ node.Rand  = New(1).Stream("x")
	_ node.Rand  = New(1).PCG("x")
	_ simfs.Rand = New(1).Stream("x")
)

func draws(s Source, name string, n int) []uint64 {
	r := s.Stream(name)
	out := make([]uint64, n)
	for i := range out {
		out[i] = r.Uint64()
	}
	return out
}

func equal(a, b []uint64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

func TestStreamsRepeat(t *testing.T) {
	if !equal(draws(New(42), "net", 100), draws(New(42), "net", 100)) {
		t.Fatal("same seed and name gave different sequences")
	}
	if !equal(draws(New(42).Sub("node/1"), "rand", 10), draws(New(42).Sub("node/1"), "rand", 10)) {
		t.Fatal("same sub-source gave different sequences")
	}
}

func TestStreamsAreIndependent(t *testing.T) {
	s := New(42)
	seen := map[uint64]string{}
	for _, c := range []struct {
		src  Source
		name string
	}{
		{s, "net"}, {s, "disk"}, {s, "nett"}, {New(43), "net"}, {New(0), "net"}, {New(1), "net"},
		{s.Sub("node/1"), "net"}, {s.Sub("node/2"), "net"}, {s.Sub("net"), ""}, {s, ""},
	} {
		for _, v := range draws(c.src, c.name, 50) {
			if prev, dup := seen[v]; dup {
				t.Fatalf("stream %d/%q repeats a value of %s", c.src.Seed(), c.name, prev)
			}
			seen[v] = c.name
		}
	}
}

// Drawing from one stream must not move another: that is the point of
// naming them.
func TestDrawsDoNotPerturbOtherStreams(t *testing.T) {
	s := New(7)
	net, disk := s.Stream("net"), s.Stream("disk")
	for i := 0; i < 1000; i++ {
		net.Uint64()
	}
	if !equal([]uint64{disk.Uint64(), disk.Uint64()}, draws(s, "disk", 2)) {
		t.Fatal("draws on net changed disk's sequence")
	}
}

func TestStreamLooksUniform(t *testing.T) {
	r := New(1).Stream("uniform")
	var buckets [16]int
	const n = 160000
	for i := 0; i < n; i++ {
		buckets[r.Uint64()>>60]++
	}
	for i, c := range buckets {
		if c < n/16*9/10 || c > n/16*11/10 {
			t.Fatalf("bucket %d has %d of %d", i, c, n)
		}
	}
}
