package rdb

import (
	"fmt"
	"math/bits"
)

// LZF (Marc Lehmann's liblzf, as vendored by Redis) compresses RDB strings.
// The stream is a sequence of chunks, each led by a control byte c:
//   - c < 32: a literal run of c+1 bytes follows;
//   - otherwise a back reference of length (c>>5)+2, where a length field of
//     7 means "7 plus the next byte"; the distance back is ((c&31)<<8 | next
//     byte) + 1.
// A back reference produces at most 264 bytes from 3 input bytes, so no valid
// stream expands by more than lzfMaxRatio; the decoder uses that to refuse
// absurd lengths before allocating.

const (
	lzfMaxLit   = 32
	lzfMaxOff   = 1 << 13
	lzfMaxRef   = (1 << 8) + (1 << 3) // 264
	lzfHashLog  = 14
	lzfMaxRatio = lzfMaxRef/3 + 1
)

// lzfTable is the compressor's hash table of recent 3-byte sequences,
// kept by the Encoder so compressing many short strings does not allocate
// or clear 64 KiB each time.
type lzfTable [1 << lzfHashLog]int32

// lzfCompress is compress with a fresh table.
func lzfCompress(dst, in []byte) ([]byte, bool) {
	var t lzfTable
	return t.compress(dst, in)
}

// compress appends the compressed form of in to dst and reports whether it
// saved at least 4 bytes; Redis stores the string plain otherwise, and so
// do we (on false, dst is returned unchanged).
func (t *lzfTable) compress(dst, in []byte) ([]byte, bool) {
	n := len(in)
	if n <= 4 {
		return dst, false
	}
	// A table about the size of the input is enough; clear only that part.
	hashLog := min(max(bits.Len(uint(n)), 8), lzfHashLog)
	htab := t[:1<<hashLog]
	clear(htab)
	limit := n - 4 // the compressed form must be shorter than this
	start := len(dst)
	out := dst
	lit := 0
	out = append(out, 0) // control byte of the first literal run
	ip := 0
	for ip < n-2 {
		h := (uint32(in[ip])<<16 | uint32(in[ip+1])<<8 | uint32(in[ip+2])) * 2654435761 >> (32 - hashLog)
		ref := int(htab[h]) - 1
		htab[h] = int32(ip + 1)
		if ref >= 0 && ip-ref-1 < lzfMaxOff && in[ref] == in[ip] && in[ref+1] == in[ip+1] && in[ref+2] == in[ip+2] {
			off := ip - ref - 1
			maxLen := min(n-ip, lzfMaxRef)
			l := 3
			for l < maxLen && in[ref+l] == in[ip+l] {
				l++
			}
			out = closeLiteral(out, lit)
			l -= 2 // encoded length
			if l < 7 {
				out = append(out, byte(off>>8)+byte(l<<5))
			} else {
				out = append(out, byte(off>>8)+7<<5, byte(l-7))
			}
			out = append(out, byte(off))
			ip += l + 2
			lit = 0
			out = append(out, 0)
			if len(out)-start > limit { // already too long, even without the placeholder
				return dst, false
			}
			continue
		}
		out = append(out, in[ip])
		ip++
		lit++
		if lit == lzfMaxLit {
			out[len(out)-lit-1] = byte(lit - 1)
			lit = 0
			out = append(out, 0)
		}
		if len(out)-start > limit {
			return dst, false
		}
	}
	for ip < n {
		out = append(out, in[ip])
		ip++
		lit++
		if lit == lzfMaxLit {
			out[len(out)-lit-1] = byte(lit - 1)
			lit = 0
			out = append(out, 0)
		}
	}
	out = closeLiteral(out, lit)
	if len(out)-start >= limit {
		return dst, false
	}
	return out, true
}

// closeLiteral ends the current literal run of lit bytes: it fills in the
// run's control byte, or drops the reserved one if the run is empty.
func closeLiteral(out []byte, lit int) []byte {
	if lit == 0 {
		return out[:len(out)-1]
	}
	out[len(out)-lit-1] = byte(lit - 1)
	return out
}

// lzfDecompress decompresses in into a new slice of exactly n bytes.
func lzfDecompress(in []byte, n int) ([]byte, error) {
	out := make([]byte, 0, n)
	for ip := 0; ip < len(in); {
		c := int(in[ip])
		ip++
		if c < 32 {
			l := c + 1
			if ip+l > len(in) {
				return nil, fmt.Errorf("lzf: literal run of %d bytes at input byte %d overruns the input", l, ip-1)
			}
			if len(out)+l > n {
				return nil, fmt.Errorf("lzf: output exceeds the stated length %d", n)
			}
			out = append(out, in[ip:ip+l]...)
			ip += l
			continue
		}
		l := c >> 5
		if l == 7 {
			if ip >= len(in) {
				return nil, fmt.Errorf("lzf: truncated back reference at input byte %d", ip-1)
			}
			l += int(in[ip])
			ip++
		}
		if ip >= len(in) {
			return nil, fmt.Errorf("lzf: truncated back reference at input byte %d", ip-1)
		}
		ref := len(out) - (c&31)<<8 - int(in[ip]) - 1
		ip++
		l += 2
		if ref < 0 {
			return nil, fmt.Errorf("lzf: back reference before the start of the output at input byte %d", ip)
		}
		if len(out)+l > n {
			return nil, fmt.Errorf("lzf: output exceeds the stated length %d", n)
		}
		for i := range l { // byte by byte: source and destination may overlap
			out = append(out, out[ref+i])
		}
	}
	if len(out) != n {
		return nil, fmt.Errorf("lzf: decompressed %d bytes, want %d", len(out), n)
	}
	return out, nil
}
