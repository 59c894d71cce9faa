package simclock

import (
	"testing"
	"time"

	"opdis/node"
	"opdis/sim/loop"
)

var _ node.Clock = (*Clock)(nil)

func TestFollowsTheLoop(t *testing.T) {
	l := loop.New(nil)
	c := New(l, 0)
	if c.Monotonic() != 0 || c.UnixNano() != DefaultEpoch {
		t.Fatalf("at zero: mono %v wall %d", c.Monotonic(), c.UnixNano())
	}
	l.RunUntil(90 * time.Second)
	if c.Monotonic() != 90*time.Second || c.UnixNano() != DefaultEpoch+int64(90*time.Second) {
		t.Fatalf("at 90s: mono %v wall %d", c.Monotonic(), c.UnixNano())
	}
	c2 := New(l, 1000)
	if c2.UnixNano() != 1000+int64(90*time.Second) {
		t.Fatalf("epoch 1000: wall %d", c2.UnixNano())
	}
}

func TestDrift(t *testing.T) {
	l := loop.New(nil)
	fast, slow := New(l, 0), New(l, 0)
	fast.SetDrift(1000) // 0.1% fast
	slow.SetDrift(-500)
	l.RunUntil(10 * time.Second)
	if got := fast.Monotonic(); got != 10*time.Second+10*time.Millisecond {
		t.Fatalf("fast clock after 10s: %v", got)
	}
	if got := slow.Monotonic(); got != 10*time.Second-5*time.Millisecond {
		t.Fatalf("slow clock after 10s: %v", got)
	}
	// Changing the drift changes the rate from now on, without a jump.
	before := fast.Monotonic()
	fast.SetDrift(-1000)
	if fast.Monotonic() != before {
		t.Fatalf("SetDrift moved the clock: %v -> %v", before, fast.Monotonic())
	}
	l.RunUntil(20 * time.Second)
	if got := fast.Monotonic(); got != before+10*time.Second-10*time.Millisecond {
		t.Fatalf("after re-drift: %v", got)
	}
	if fast.UnixNano()-DefaultEpoch != int64(fast.Monotonic()) {
		t.Fatal("wall and monotonic disagree without skew")
	}
}

func TestSkewAndJumpMoveOnlyWallTime(t *testing.T) {
	l := loop.New(nil)
	c := New(l, 0)
	l.RunUntil(time.Minute)
	c.SetSkew(3 * time.Second)
	c.Jump(-10 * time.Second)
	if c.Skew() != -7*time.Second {
		t.Fatalf("skew %v", c.Skew())
	}
	if c.Monotonic() != time.Minute {
		t.Fatalf("monotonic moved: %v", c.Monotonic())
	}
	if c.UnixNano() != DefaultEpoch+int64(time.Minute-7*time.Second) {
		t.Fatalf("wall %v", time.Duration(c.UnixNano()-DefaultEpoch))
	}
	prev := c.Monotonic()
	for i := 0; i < 100; i++ {
		l.RunFor(time.Millisecond)
		if i%10 == 0 {
			c.Jump(-time.Second)
		}
		if c.Monotonic() <= prev {
			t.Fatal("monotonic time went back")
		}
		prev = c.Monotonic()
	}
}

func TestScaleLargeDurations(t *testing.T) {
	// 100 days at 100000 ppm: the product overflows 64 bits.
	d := 100 * 24 * time.Hour
	if got := scalePPM(d, 100000); got != d/10 {
		t.Fatalf("got %v want %v", got, d/10)
	}
	if got := scalePPM(d, -100000); got != -d/10 {
		t.Fatalf("got %v want %v", got, -d/10)
	}
}
