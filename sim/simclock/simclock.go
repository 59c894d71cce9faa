// Package simclock gives each simulated node its own view of simulated
// time, implementing node.Clock: a hardware clock that may run fast or
// slow (drift, in parts per million), a wall clock that may be off by a
// constant (skew) and may be stepped forward or back (Jump), as NTP or an
// operator would. Monotonic time never goes back; only wall time jumps
// (TigerBeetle's testing/time.zig makes the same split).
package simclock

import (
	"math/bits"
	"time"
)

// Source is the simulated time the clock follows; *loop.Loop is one.
type Source interface{ Now() time.Duration }

// DefaultEpoch is the wall time at simulated time zero unless New is told
// otherwise: 2026-01-01T00:00:00Z. A fixed epoch keeps runs reproducible.
const DefaultEpoch int64 = 1767225600 * int64(time.Second)

// Clock is one node's clock. It is not safe for concurrent use (nothing in
// the simulator is).
type Clock struct {
	src   Source
	epoch int64 // wall ns at local time zero
	skew  time.Duration

	// Local time is anchorLocal + (now - anchorSim) * (1 + ppm/1e6); the
	// anchor moves whenever the drift changes, so changing it never makes
	// local time jump.
	anchorSim, anchorLocal time.Duration
	ppm                    int64
}

// New returns a clock with no skew or drift whose wall time at simulated
// time zero is epoch (Unix ns; DefaultEpoch if 0).
func New(src Source, epoch int64) *Clock {
	if epoch == 0 {
		epoch = DefaultEpoch
	}
	return &Clock{src: src, epoch: epoch}
}

// local is the drifted time since simulated zero.
func (c *Clock) local() time.Duration {
	d := c.src.Now() - c.anchorSim
	return c.anchorLocal + d + scalePPM(d, c.ppm)
}

// scalePPM is d*ppm/1e6 without overflow for any realistic d and ppm.
func scalePPM(d time.Duration, ppm int64) time.Duration {
	if ppm == 0 || d <= 0 {
		return 0
	}
	neg := ppm < 0
	if neg {
		ppm = -ppm
	}
	hi, lo := bits.Mul64(uint64(d), uint64(ppm))
	q, _ := bits.Div64(hi%1e6, lo, 1e6) // hi%1e6: saturate rather than panic on absurd inputs
	if neg {
		return -time.Duration(q)
	}
	return time.Duration(q)
}

// Monotonic implements node.Clock: the local time since simulated zero.
// Drift changes its rate but it never goes back.
func (c *Clock) Monotonic() time.Duration { return c.local() }

// UnixNano implements node.Clock: epoch + local time + skew.
func (c *Clock) UnixNano() int64 { return c.epoch + int64(c.local()) + int64(c.skew) }

// SetDrift makes the clock run ppm parts per million fast (negative:
// slow) from now on. Values must be above -1e6.
func (c *Clock) SetDrift(ppm int64) {
	if ppm <= -1e6 {
		panic("simclock: drift must be above -1e6 ppm")
	}
	c.anchorLocal = c.local()
	c.anchorSim = c.src.Now()
	c.ppm = ppm
}

// Drift is the current drift in ppm.
func (c *Clock) Drift() int64 { return c.ppm }

// SetSkew sets the wall clock's offset from the true simulated wall time.
func (c *Clock) SetSkew(d time.Duration) { c.skew = d }

// Jump steps the wall clock by d (negative: back). Monotonic time is not
// affected.
func (c *Clock) Jump(d time.Duration) { c.skew += d }

// Skew is the wall clock's current offset (SetSkew plus every Jump).
func (c *Clock) Skew() time.Duration { return c.skew }
