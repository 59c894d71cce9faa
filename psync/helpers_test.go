package psync_test

import (
	"testing"

	"opdis/wire"
)

// seq is a deterministic Rand: a SplitMix64 stream.
type seq struct{ s uint64 }

func (r *seq) Uint64() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func parseCommand(t testing.TB, b []byte) [][]byte {
	t.Helper()
	args, n, err := wire.ParseCommand(b, wire.Limits{})
	if err != nil || n != len(b) {
		t.Fatalf("parse %q: n=%d err=%v", b, n, err)
	}
	return args
}
