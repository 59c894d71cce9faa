// Package osenv holds the operating-system implementations of the node's
// environment (node.Env): the real clock and a randomness source seeded
// from the OS. The simulator has its own, deterministic ones.
//
// Neither type is safe for concurrent use on its own; the server only calls
// them from inside the node, which runs under one lock.
package osenv

import (
	crand "crypto/rand"
	"encoding/binary"
	"math/rand/v2"
	"time"

	"opdis/node"
)

// Clock is the real clock: wall time from time.Now, monotonic time measured
// from when the clock was made (Go's monotonic reading, so it never goes
// back when the wall clock is stepped).
type Clock struct{ start time.Time }

// NewClock returns a clock whose monotonic time starts at zero now.
func NewClock() *Clock { return &Clock{start: time.Now()} }

// UnixNano returns wall-clock time in nanoseconds since the Unix epoch.
func (c *Clock) UnixNano() int64 { return time.Now().UnixNano() }

// Monotonic returns the time elapsed since NewClock.
func (c *Clock) Monotonic() time.Duration { return time.Since(c.start) }

// Rand is a PCG generator seeded from crypto/rand.
type Rand struct{ pcg *rand.PCG }

// NewRand returns a generator with a fresh random seed.
func NewRand() *Rand {
	var seed [16]byte
	if _, err := crand.Read(seed[:]); err != nil {
		// crypto/rand does not fail on supported platforms; fall back to
		// the clock rather than refuse to start.
		binary.LittleEndian.PutUint64(seed[:], uint64(time.Now().UnixNano()))
	}
	return &Rand{pcg: rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:]))}
}

// Uint64 returns a uniformly random 64-bit value.
func (r *Rand) Uint64() uint64 { return r.pcg.Uint64() }

// Env returns a node environment backed by the OS, with dir as the data
// directory (no FS when dir is "").
func Env(dir string) (node.Env, error) {
	env := node.Env{Clock: NewClock(), Rand: NewRand()}
	if dir != "" {
		fs, err := NewFS(dir)
		if err != nil {
			return node.Env{}, err
		}
		env.FS = fs
	}
	return env, nil
}
