package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// flushAt bounds the bytes buffered before they are handed to the writer.
const flushAt = 64 << 10

// Encoder writes an RDB file of version 10, the version Redis 7.0 writes
// and the newest it loads, one record at a time so a snapshot can be
// produced in bounded steps. It writes the simplest encodings Redis 7.0
// still loads and converts to its compact forms itself:
//
//	string  type 0; integers that fit in 32 bits int-encoded; strings
//	        longer than 20 bytes LZF-compressed when that saves space
//	list    type 1 (plain list of strings)
//	set     type 2
//	zset    type 5 (ZSET_2, binary little-endian doubles)
//	hash    type 4
//
// Redis drops empty aggregates on load, so the Encoder refuses them rather
// than write a key that would silently vanish. A refused value or db
// writes nothing and the Encoder stays usable; a write error is sticky:
// every later call returns it.
type Encoder struct {
	w        io.Writer
	buf      []byte
	scratch  []byte // LZF output
	lzf      lzfTable
	crc      uint64
	n        int64
	err      error
	started  bool
	finished bool
	compress bool
}

// NewEncoder returns an Encoder writing to w. The header is written by the
// first call, so a write error surfaces there.
func NewEncoder(w io.Writer) *Encoder {
	return &Encoder{w: w, compress: true}
}

// SetCompression turns LZF compression of long strings on (the default, as
// Redis's rdbcompression yes) or off.
func (e *Encoder) SetCompression(on bool) { e.compress = on }

// Written returns the number of bytes handed to the writer so far.
func (e *Encoder) Written() int64 { return e.n }

// Aux writes an auxiliary field (AUX opcode), such as redis-ver or repl-id.
func (e *Encoder) Aux(key, val string) error {
	if !e.begin() {
		return e.err
	}
	e.buf = append(e.buf, opAux)
	e.putString([]byte(key))
	e.putString([]byte(val))
	return e.flush()
}

// SelectDB starts database db (SELECTDB) and writes its size hint
// (RESIZEDB): how many keys and how many keys with an expiry follow.
func (e *Encoder) SelectDB(db int, keys, expires uint64) error {
	if db < 0 {
		return fmt.Errorf("rdb: select db %d: negative db", db)
	}
	if !e.begin() {
		return e.err
	}
	e.buf = append(e.buf, opSelectDB)
	e.putLen(uint64(db))
	e.buf = append(e.buf, opResizeDB)
	e.putLen(keys)
	e.putLen(expires)
	return e.flush()
}

// Key writes one key with its value; expireMs is the absolute expiry in
// Unix milliseconds, or negative for none. An invalid value (an empty
// aggregate, an odd hash, a NaN score, scores not matching members) is an
// error that leaves the file untouched, so the caller may skip the key.
// Set members, hash fields and zset members must be distinct (Redis refuses
// duplicates on load); the Encoder trusts its caller's data structures for
// that rather than pay for a check on every key.
func (e *Encoder) Key(key []byte, v Value, expireMs int64) error {
	if err := checkValue(v); err != nil {
		return fmt.Errorf("rdb: key %q: %w", key, err)
	}
	if !e.begin() {
		return e.err
	}
	if expireMs >= 0 {
		e.buf = append(e.buf, opExpireMs)
		e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(expireMs))
	}
	switch v.Type {
	case TypeString:
		e.buf = append(e.buf, rdbString)
		e.putString(key)
		e.putString(v.Str)
	case TypeList, TypeSet:
		if v.Type == TypeList {
			e.buf = append(e.buf, rdbList)
		} else {
			e.buf = append(e.buf, rdbSet)
		}
		e.putString(key)
		e.putLen(uint64(len(v.Elems)))
		for _, el := range v.Elems {
			e.putString(el)
			if !e.maybeFlush() {
				return e.err
			}
		}
	case TypeZSet:
		e.buf = append(e.buf, rdbZSet2)
		e.putString(key)
		e.putLen(uint64(len(v.Elems)))
		for i, el := range v.Elems {
			e.putString(el)
			e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(v.Scores[i]))
			if !e.maybeFlush() {
				return e.err
			}
		}
	case TypeHash:
		e.buf = append(e.buf, rdbHash)
		e.putString(key)
		e.putLen(uint64(len(v.Elems) / 2))
		for _, el := range v.Elems {
			e.putString(el)
			if !e.maybeFlush() {
				return e.err
			}
		}
	}
	return e.flush()
}

// Finish writes the EOF opcode and the CRC-64 of everything before the
// checksum. The Encoder accepts nothing after it.
func (e *Encoder) Finish() error {
	if !e.begin() {
		return e.err
	}
	e.buf = append(e.buf, opEOF)
	e.crc = crcUpdate(e.crc, e.buf)
	e.buf = binary.LittleEndian.AppendUint64(e.buf, e.crc)
	e.finished = true
	return e.write()
}

func checkValue(v Value) error {
	switch v.Type {
	case TypeString:
		return nil
	case TypeList, TypeSet:
	case TypeHash:
		if len(v.Elems)%2 != 0 {
			return fmt.Errorf("hash with an odd number of fields and values (%d)", len(v.Elems))
		}
	case TypeZSet:
		if len(v.Scores) != len(v.Elems) {
			return fmt.Errorf("zset with %d members but %d scores", len(v.Elems), len(v.Scores))
		}
		for i, s := range v.Scores {
			if math.IsNaN(s) {
				return fmt.Errorf("zset member %q has a NaN score", v.Elems[i])
			}
		}
	default:
		return fmt.Errorf("unknown value type %d", v.Type)
	}
	if len(v.Elems) == 0 {
		return fmt.Errorf("empty %s (Redis drops empty aggregates on load)", v.Type)
	}
	return nil
}

var errFinished = errors.New("rdb: encoder already finished")

// begin writes the header on the first call and reports whether the
// Encoder can take another record.
func (e *Encoder) begin() bool {
	if e.err != nil {
		return false
	}
	if e.finished {
		e.err = errFinished
		return false
	}
	if !e.started {
		e.started = true
		e.buf = append(e.buf, "REDIS0010"...)
	}
	return true
}

func (e *Encoder) fail(err error) error {
	if e.err == nil {
		e.err = err
	}
	return e.err
}

// maybeFlush hands the buffer to the writer once it is large, so a huge
// value is never held twice in memory.
func (e *Encoder) maybeFlush() bool {
	if len(e.buf) < flushAt {
		return true
	}
	return e.flush() == nil
}

func (e *Encoder) flush() error {
	e.crc = crcUpdate(e.crc, e.buf)
	return e.write()
}

// write hands the buffer, already checksummed, to the writer.
func (e *Encoder) write() error {
	n, err := e.w.Write(e.buf)
	e.n += int64(n)
	if err == nil && n < len(e.buf) {
		err = io.ErrShortWrite
	}
	if cap(e.scratch) > 4*flushAt {
		e.scratch = nil
	}
	if cap(e.buf) > 4*flushAt {
		e.buf = nil // do not keep a huge value's buffer alive
	} else {
		e.buf = e.buf[:0]
	}
	if err != nil {
		return e.fail(fmt.Errorf("rdb: write: %w", err))
	}
	return nil
}

func (e *Encoder) putLen(n uint64) {
	e.buf = appendLen(e.buf, n)
}

func appendLen(b []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(b, byte(n))
	case n < 1<<14:
		return append(b, len14<<6|byte(n>>8), byte(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(b, len32), uint32(n))
	default:
		return binary.BigEndian.AppendUint64(append(b, len64), n)
	}
}

// putString writes s int-encoded if it is the canonical decimal form of a
// 32-bit integer, LZF-compressed if long and compressible, else raw.
func (e *Encoder) putString(s []byte) {
	if v, ok := intString(s); ok {
		switch {
		case v >= math.MinInt8 && v <= math.MaxInt8:
			e.buf = append(e.buf, lenEncoded<<6|encInt8, byte(v))
			return
		case v >= math.MinInt16 && v <= math.MaxInt16:
			e.buf = binary.LittleEndian.AppendUint16(append(e.buf, lenEncoded<<6|encInt16), uint16(v))
			return
		case v >= math.MinInt32 && v <= math.MaxInt32:
			e.buf = binary.LittleEndian.AppendUint32(append(e.buf, lenEncoded<<6|encInt32), uint32(v))
			return
		}
	}
	if e.compress && len(s) > 20 {
		if cap(e.scratch) < len(s)+8 { // compress gives up before outgrowing this
			e.scratch = make([]byte, 0, len(s)+8)
		}
		if c, ok := e.lzf.compress(e.scratch[:0], s); ok {
			e.buf = append(e.buf, lenEncoded<<6|encLZF)
			e.putLen(uint64(len(c)))
			e.putLen(uint64(len(s)))
			e.buf = append(e.buf, c...)
			e.scratch = c
			return
		}
	}
	e.putLen(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

// intString reports whether s is the canonical decimal form of a 32-bit
// integer (no sign but a leading minus, no spaces, no leading zeros): the
// strings Redis stores int-encoded. It does not allocate.
func intString(s []byte) (int64, bool) {
	neg := len(s) > 0 && s[0] == '-'
	digits := s
	if neg {
		digits = s[1:]
	}
	if len(digits) == 0 || len(digits) > 10 || (digits[0] == '0' && (len(digits) > 1 || neg)) {
		return 0, false
	}
	var v int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	if v < math.MinInt32 || v > math.MaxInt32 {
		return 0, false
	}
	return v, true
}
