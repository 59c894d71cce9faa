// Package rng turns one simulation seed into independent, named random
// streams. Each concern (network latencies, the workload, disk faults, one
// node's own randomness) draws from its own stream, so adding a draw in one
// place does not reshuffle every other decision of the run: a seed keeps
// meaning roughly the same scenario as the simulator grows.
//
// A stream is a math/rand/v2 PCG generator seeded from the seed and a
// stable hash (FNV-1a) of its name; the same (seed, name) always gives the
// same sequence, on every platform and Go version that keeps PCG's output.
package rng

import (
	"math/rand/v2"
)

// Source is a seed from which streams are derived. It is a plain value:
// copying it is free and deriving a stream does not change it.
type Source struct{ seed uint64 }

// New returns the source for seed.
func New(seed uint64) Source { return Source{seed: seed} }

// Seed is the seed the source was made from (for Sub sources, the derived
// one).
func (s Source) Seed() uint64 { return s.seed }

// Stream returns a new generator for name. Every call with the same name
// returns a generator at the start of the same sequence; keep the one you
// got rather than asking again.
func (s Source) Stream(name string) *rand.Rand {
	return rand.New(s.PCG(name))
}

// PCG is Stream's underlying generator, for callers that want only
// Uint64 (node.Rand, simfs.Rand) without the rand.Rand wrapper.
func (s Source) PCG(name string) *rand.PCG {
	h := fnv64(name)
	return rand.NewPCG(splitmix(s.seed^h), splitmix(h+s.seed*0x9e3779b97f4a7c15+1))
}

// Sub returns a source for a part of the simulation (e.g. "node/2"),
// whose streams are independent of the parent's and of other parts'.
func (s Source) Sub(name string) Source {
	return Source{seed: splitmix(s.seed ^ fnv64("sub:"+name))}
}

func fnv64(s string) uint64 {
	h := uint64(0xcbf29ce484222325)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 0x100000001b3
	}
	return h
}

// splitmix is SplitMix64's finalizer: it spreads nearby inputs (seeds 1,
// 2, 3...) over the whole 64-bit range.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
