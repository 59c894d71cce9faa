package rdb

import (
	"bytes"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestLZFRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		// Small alphabets and repeats make back references common.
		alphabet := rapid.SampledFrom([]string{"ab", "abc\x00", "0123456789abcdef"}).Draw(t, "alphabet")
		parts := rapid.SliceOf(rapid.SliceOfN(rapid.SampledFrom([]byte(alphabet)), 0, 40)).Draw(t, "parts")
		reps := rapid.IntRange(1, 20).Draw(t, "reps")
		var in []byte
		for _, p := range parts {
			in = append(in, bytes.Repeat(p, reps)...)
		}
		c, ok := lzfCompress([]byte("prefix"), in)
		if !ok {
			if string(c) != "prefix" {
				t.Fatalf("refused compression changed dst: %q", c)
			}
			return
		}
		if !bytes.HasPrefix(c, []byte("prefix")) {
			t.Fatalf("dst prefix lost")
		}
		c = c[len("prefix"):]
		if len(c) >= len(in)-4 {
			t.Fatalf("compressed %d bytes to %d, must save more than 4", len(in), len(c))
		}
		out, err := lzfDecompress(c, len(in))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, in) {
			t.Fatalf("round trip differs")
		}
	})
}

func TestLZFCompressesRepeats(t *testing.T) {
	in := []byte(strings.Repeat("a", 10000))
	c, ok := lzfCompress(nil, in)
	if !ok || len(c) > 200 {
		t.Fatalf("10000 a's compressed to %d bytes (ok=%v)", len(c), ok)
	}
	if _, ok := lzfCompress(nil, []byte("abcdefghijklmnopqrstuvwxyz")); ok {
		t.Fatal("incompressible input reported as compressed")
	}
}

func TestLZFDecompressRejects(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []byte
		n    int
	}{
		{"literal overrun", []byte{5, 'a'}, 6},
		{"reference before start", []byte{0, 'a', 0x20, 5}, 4},
		{"truncated reference", []byte{0, 'a', 0x20}, 4},
		{"truncated long reference", []byte{0, 'a', 0xe0}, 12},
		{"too long", []byte{1, 'a', 'b'}, 1},
		{"too short", []byte{1, 'a', 'b'}, 3},
	} {
		if _, err := lzfDecompress(c.in, c.n); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}
