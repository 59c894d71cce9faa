package rdb

import (
	"bytes"
	"testing"
)

// The catalogue check value of CRC-64/REDIS ("123456789" → e9c6d914c4b8d9ca).
// Real files checksummed by Redis are verified by the fixture tests.
func TestCRC64Jones(t *testing.T) {
	for _, c := range []struct {
		in   string
		want uint64
	}{
		{"123456789", 0xe9c6d914c4b8d9ca},
		{"", 0},
	} {
		if got := crcUpdate(0, []byte(c.in)); got != c.want {
			t.Errorf("crc(%q) = %#x, want %#x", c.in, got, c.want)
		}
	}
}

// Slicing-by-8 must agree with the bytewise loop for every split point.
func TestCRC64Incremental(t *testing.T) {
	data := bytes.Repeat([]byte("opdis rdb checksum \x00\xff"), 37)
	whole := crcUpdate(0, data)
	for i := range data {
		if got := crcUpdate(crcUpdate(0, data[:i]), data[i:]); got != whole {
			t.Fatalf("split at %d: %#x, want %#x", i, got, whole)
		}
	}
}
