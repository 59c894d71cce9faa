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
	env, err := Env(t.TempDir())
	if err != nil || env.Clock == nil || env.Rand == nil || env.FS == nil {
		t.Fatalf("Env is incomplete: %+v %v", env, err)
	}
	if env, _ := Env(""); env.FS != nil {
		t.Fatal("Env(\"\") has a data directory")
	}
}
