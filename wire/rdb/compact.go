package rdb

import (
	"encoding/binary"
	"fmt"
	"strconv"
)

// Parsers of the compact encodings Redis stores as one string: ziplist,
// listpack, intset and zipmap. Each checks the structure (sizes, end
// markers, back links, counts) the way Redis's integrity validation does,
// and reports positions as byte offsets inside the blob (after LZF
// decompression, if it was compressed). Integer entries come back as their
// decimal text; string entries alias the blob.

// parseZiplist appends the entries of a ziplist to dst. Layout: zlbytes
// u32, zltail u32 (offset of the last entry), zllen u16 (65535: count
// unknown), entries, 0xff. Entry: prevlen (1 byte, or 0xfe + u32), an
// encoding with the length or integer type, the data. All little-endian
// except the string lengths of the encoding byte(s), which are big-endian.
func parseZiplist(zl []byte, dst [][]byte) ([][]byte, error) {
	const header = 10
	if len(zl) < header+1 {
		return dst, fmt.Errorf("%d bytes, shorter than an empty ziplist", len(zl))
	}
	if n := binary.LittleEndian.Uint32(zl); uint64(n) != uint64(len(zl)) {
		return dst, fmt.Errorf("header says %d bytes, blob has %d", n, len(zl))
	}
	if zl[len(zl)-1] != 0xff {
		return dst, fmt.Errorf("no end marker")
	}
	tail := binary.LittleEndian.Uint32(zl[4:])
	count := binary.LittleEndian.Uint16(zl[8:])
	end := len(zl) - 1
	pos, prevSize, last, n := header, 0, header, 0
	for pos < end {
		at := pos
		prevlen, p := int(zl[pos]), pos+1
		if prevlen == 0xfe {
			if p+4 > end {
				return dst, fmt.Errorf("entry %d at byte %d: truncated prevlen", n, at)
			}
			prevlen, p = int(binary.LittleEndian.Uint32(zl[p:])), p+4
		} else if prevlen == 0xff {
			return dst, fmt.Errorf("entry %d at byte %d: bad prevlen 0xff", n, at)
		}
		if prevlen != prevSize {
			return dst, fmt.Errorf("entry %d at byte %d: prevlen %d, previous entry has %d bytes", n, at, prevlen, prevSize)
		}
		if p >= end {
			return dst, fmt.Errorf("entry %d at byte %d: truncated encoding", n, at)
		}
		enc := zl[p]
		var strLen, intLen int
		switch enc >> 6 {
		case 0:
			strLen, p = int(enc&0x3f), p+1
		case 1:
			if p+2 > end {
				return dst, fmt.Errorf("entry %d at byte %d: truncated encoding", n, at)
			}
			strLen, p = int(enc&0x3f)<<8|int(zl[p+1]), p+2
		case 2:
			if p+5 > end {
				return dst, fmt.Errorf("entry %d at byte %d: truncated encoding", n, at)
			}
			l := binary.BigEndian.Uint32(zl[p+1:])
			if uint64(l) > uint64(end) {
				return dst, fmt.Errorf("entry %d at byte %d: string of %d bytes overruns the ziplist", n, at, l)
			}
			strLen, p = int(l), p+5
		default:
			p++
			switch {
			case enc == 0xc0:
				intLen = 2
			case enc == 0xd0:
				intLen = 4
			case enc == 0xe0:
				intLen = 8
			case enc == 0xf0:
				intLen = 3
			case enc == 0xfe:
				intLen = 1
			case enc >= 0xf1 && enc <= 0xfd:
				intLen = 0 // immediate 0..12
			default:
				return dst, fmt.Errorf("entry %d at byte %d: bad encoding %#02x", n, at, enc)
			}
		}
		dataLen := strLen + intLen
		if p+dataLen > end {
			return dst, fmt.Errorf("entry %d at byte %d: data overruns the ziplist", n, at)
		}
		data := zl[p : p+dataLen]
		if enc>>6 == 3 {
			var v int64
			switch intLen {
			case 0:
				v = int64(enc&0x0f) - 1
			case 1:
				v = int64(int8(data[0]))
			case 2:
				v = int64(int16(binary.LittleEndian.Uint16(data)))
			case 3:
				v = int64(int32(uint32(data[0])<<8|uint32(data[1])<<16|uint32(data[2])<<24) >> 8)
			case 4:
				v = int64(int32(binary.LittleEndian.Uint32(data)))
			case 8:
				v = int64(binary.LittleEndian.Uint64(data))
			}
			dst = append(dst, strconv.AppendInt(nil, v, 10))
		} else {
			dst = append(dst, data)
		}
		last, prevSize, pos = at, p+dataLen-at, p+dataLen
		n++
	}
	if int(tail) != last {
		return dst, fmt.Errorf("tail offset %d, last entry is at %d", tail, last)
	}
	if count != 0xffff && int(count) != n {
		return dst, fmt.Errorf("header says %d entries, found %d", count, n)
	}
	return dst, nil
}

// parseListpack appends the entries of a listpack to dst. Layout: total
// bytes u32, count u16 (65535: unknown), entries, 0xff. Entry: encoding
// (with the string length or integer type), data, then backlen: the size
// of encoding+data in 1–5 bytes, 7 bits each, read from the right.
func parseListpack(lp []byte, dst [][]byte) ([][]byte, error) {
	const header = 6
	if len(lp) < header+1 {
		return dst, fmt.Errorf("%d bytes, shorter than an empty listpack", len(lp))
	}
	if n := binary.LittleEndian.Uint32(lp); uint64(n) != uint64(len(lp)) {
		return dst, fmt.Errorf("header says %d bytes, blob has %d", n, len(lp))
	}
	if lp[len(lp)-1] != 0xff {
		return dst, fmt.Errorf("no end marker")
	}
	count := binary.LittleEndian.Uint16(lp[4:])
	end := len(lp) - 1
	pos, n := header, 0
	for pos < end {
		at := pos
		enc := lp[pos]
		need := func(k int) error {
			if pos+k > end {
				return fmt.Errorf("entry %d at byte %d: truncated", n, at)
			}
			return nil
		}
		var hdr, strLen, intLen int // hdr: encoding bytes; intLen: integer bytes after it
		var v int64
		isInt := true
		switch {
		case enc&0x80 == 0: // 7-bit unsigned
			hdr, v = 1, int64(enc&0x7f)
		case enc&0xc0 == 0x80: // string up to 63 bytes
			hdr, strLen, isInt = 1, int(enc&0x3f), false
		case enc&0xe0 == 0xc0: // 13-bit signed
			if err := need(2); err != nil {
				return dst, err
			}
			u := int64(enc&0x1f)<<8 | int64(lp[pos+1])
			if u >= 1<<12 {
				u -= 1 << 13
			}
			hdr, v = 2, u
		case enc&0xf0 == 0xe0: // string up to 4095 bytes
			if err := need(2); err != nil {
				return dst, err
			}
			hdr, strLen, isInt = 2, int(enc&0x0f)<<8|int(lp[pos+1]), false
		case enc == 0xf0: // 32-bit string length
			if err := need(5); err != nil {
				return dst, err
			}
			l := binary.LittleEndian.Uint32(lp[pos+1:])
			if uint64(l) > uint64(end) {
				return dst, fmt.Errorf("entry %d at byte %d: string of %d bytes overruns the listpack", n, at, l)
			}
			hdr, strLen, isInt = 5, int(l), false
		case enc >= 0xf1 && enc <= 0xf4:
			hdr, intLen = 1, [...]int{2, 3, 4, 8}[enc-0xf1]
		default:
			return dst, fmt.Errorf("entry %d at byte %d: bad encoding %#02x", n, at, enc)
		}
		size := hdr + strLen + intLen
		if err := need(size); err != nil {
			return dst, err
		}
		data := lp[pos+hdr : pos+size]
		switch intLen {
		case 2:
			v = int64(int16(binary.LittleEndian.Uint16(data)))
		case 3:
			v = int64(int32(uint32(data[0])<<8|uint32(data[1])<<16|uint32(data[2])<<24) >> 8)
		case 4:
			v = int64(int32(binary.LittleEndian.Uint32(data)))
		case 8:
			v = int64(binary.LittleEndian.Uint64(data))
		}
		var back [5]byte
		bl := appendBacklen(back[:0], size)
		if err := need(size + len(bl)); err != nil {
			return dst, err
		}
		if string(lp[pos+size:pos+size+len(bl)]) != string(bl) {
			return dst, fmt.Errorf("entry %d at byte %d: backlen % x does not encode its size %d", n, at, lp[pos+size:pos+size+len(bl)], size)
		}
		if isInt {
			dst = append(dst, strconv.AppendInt(nil, v, 10))
		} else {
			dst = append(dst, data)
		}
		pos += size + len(bl)
		n++
	}
	if count != 0xffff && int(count) != n {
		return dst, fmt.Errorf("header says %d entries, found %d", count, n)
	}
	return dst, nil
}

// appendBacklen encodes a listpack entry size as lpEncodeBacklen does.
func appendBacklen(b []byte, l int) []byte {
	switch {
	case l <= 127:
		return append(b, byte(l))
	case l < 16383:
		return append(b, byte(l>>7), byte(l&127|128))
	case l < 2097151:
		return append(b, byte(l>>14), byte(l>>7&127|128), byte(l&127|128))
	case l < 268435455:
		return append(b, byte(l>>21), byte(l>>14&127|128), byte(l>>7&127|128), byte(l&127|128))
	}
	return append(b, byte(l>>28), byte(l>>21&127|128), byte(l>>14&127|128), byte(l>>7&127|128), byte(l&127|128))
}

// parseIntset returns the members of an intset: encoding u32 (2, 4 or 8
// bytes per member), length u32, then the members in ascending order.
func parseIntset(is []byte) ([][]byte, error) {
	if len(is) < 8 {
		return nil, fmt.Errorf("%d bytes, shorter than the header", len(is))
	}
	enc := binary.LittleEndian.Uint32(is)
	if enc != 2 && enc != 4 && enc != 8 {
		return nil, fmt.Errorf("bad encoding %d", enc)
	}
	n := binary.LittleEndian.Uint32(is[4:])
	if uint64(len(is)) != 8+uint64(enc)*uint64(n) {
		return nil, fmt.Errorf("%d members of %d bytes need %d bytes, blob has %d", n, enc, 8+uint64(enc)*uint64(n), len(is))
	}
	out := make([][]byte, 0, n)
	var prev int64
	for i := range int(n) {
		p := is[8+i*int(enc):]
		var v int64
		switch enc {
		case 2:
			v = int64(int16(binary.LittleEndian.Uint16(p)))
		case 4:
			v = int64(int32(binary.LittleEndian.Uint32(p)))
		case 8:
			v = int64(binary.LittleEndian.Uint64(p))
		}
		if i > 0 && v <= prev {
			return nil, fmt.Errorf("member %d (%d) not above the previous (%d)", i, v, prev)
		}
		prev = v
		out = append(out, strconv.AppendInt(nil, v, 10))
	}
	return out, nil
}

// parseZipmap returns field, value, … of a zipmap (hashes before Redis
// 2.6): count u8 (254 or more: unknown), then per pair: field length,
// field, value length, a "free" byte, value, free unused bytes; 0xff ends.
// A length is one byte below 254, or 254 then a u32.
func parseZipmap(zm []byte) ([][]byte, error) {
	if len(zm) < 2 {
		return nil, fmt.Errorf("%d bytes, shorter than an empty zipmap", len(zm))
	}
	pos := 1
	readLen := func() (int, error) {
		if pos >= len(zm) {
			return 0, fmt.Errorf("truncated at byte %d", pos)
		}
		b := zm[pos]
		if b < 254 {
			pos++
			return int(b), nil
		}
		if b == 255 {
			return 0, fmt.Errorf("unexpected end marker at byte %d", pos)
		}
		if pos+5 > len(zm) {
			return 0, fmt.Errorf("truncated length at byte %d", pos)
		}
		l := binary.LittleEndian.Uint32(zm[pos+1:])
		pos += 5
		return int(l), nil
	}
	take := func(l int) ([]byte, error) {
		if l < 0 || l > len(zm)-pos {
			return nil, fmt.Errorf("%d bytes at byte %d overrun the zipmap", l, pos)
		}
		s := zm[pos : pos+l]
		pos += l
		return s, nil
	}
	var out [][]byte
	for {
		if pos >= len(zm) {
			return nil, fmt.Errorf("no end marker")
		}
		if zm[pos] == 0xff {
			break
		}
		kl, err := readLen()
		if err != nil {
			return nil, err
		}
		k, err := take(kl)
		if err != nil {
			return nil, err
		}
		vl, err := readLen()
		if err != nil {
			return nil, err
		}
		if pos >= len(zm) {
			return nil, fmt.Errorf("truncated at byte %d", pos)
		}
		free := int(zm[pos])
		pos++
		v, err := take(vl)
		if err != nil {
			return nil, err
		}
		if _, err := take(free); err != nil {
			return nil, err
		}
		out = append(out, k, v)
	}
	if pos != len(zm)-1 {
		return nil, fmt.Errorf("%d bytes after the end marker", len(zm)-1-pos)
	}
	if c := int(zm[0]); c < 254 && c != len(out)/2 {
		return nil, fmt.Errorf("header says %d pairs, found %d", c, len(out)/2)
	}
	return out, nil
}
