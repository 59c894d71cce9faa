package osenv

import (
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	c := NewClock()
	m1 := c.Monotonic()
	time.Sleep(2 * time.Millisecond)
	if m2 := c.Monotonic(); m2-m1 < 2*time.Millisecond {
		t.Fatalf("monotonic did not advance: %v -> %v", m1, m2)
	}
	if d := time.Duration(c.UnixNano() - time.Now().UnixNano()); d > time.Second || d < -time.Second {
		t.Fatalf("wall clock off by %v", d)
	}
}

func TestRandSeededApart(t *testing.T) {
	a, b := NewRand(), NewRand()
	if a.Uint64() == b.Uint64() && a.Uint64() == b.Uint64() {
		t.Fatal("two generators produced the same sequence: not seeded from the OS")
	}
	env := Env()
	if env.Clock == nil || env.Rand == nil {
		t.Fatal("Env is incomplete")
	}
}
