package rdb

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
)

// RecordKind says what a Record holds.
type RecordKind uint8

const (
	KindAux      RecordKind = iota + 1 // an AUX field
	KindSelectDB                       // the start of a database
	KindResizeDB                       // a database's size hint
	KindKey                            // one key and its value
)

// Record is one item of an RDB file, in file order.
type Record struct {
	Kind           RecordKind
	AuxKey, AuxVal string // KindAux
	DB             int    // KindSelectDB; for KindKey and KindResizeDB the db it belongs to
	DBSize         uint64 // KindResizeDB
	ExpiresSize    uint64 // KindResizeDB
	Key            []byte // KindKey
	Value          Value  // KindKey
	ExpireMs       int64  // KindKey: absolute Unix ms, -1 for none (a stored time before 1970 reads as 0)
	Offset         int64  // byte offset of the record in the file
}

// Error is a decoding error: what went wrong, at which byte offset of the
// file, and in which key's value if any.
type Error struct {
	Offset int64
	Key    []byte // nil outside a key
	Err    error
}

func (e *Error) Error() string {
	if e.Key != nil {
		return fmt.Sprintf("rdb: offset %d: key %q: %v", e.Offset, e.Key, e.Err)
	}
	return fmt.Sprintf("rdb: offset %d: %v", e.Offset, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrUnsupported is wrapped by errors for valid content this package does
// not represent: stream and module values.
var ErrUnsupported = errors.New("not supported")

// Decoder reads an RDB file record by record.
//
// If r is an io.ByteReader (a *bufio.Reader, *bytes.Reader, …) the Decoder
// reads exactly the file and not one byte past its checksum, so an RDB
// embedded in a stream (a replication payload) can be followed by other
// data read from the same reader. Otherwise it wraps r in a bufio.Reader
// and may read past the end of the file.
type Decoder struct {
	r       io.Reader
	br      io.ByteReader
	off     int64  // bytes consumed
	crc     uint64 // of the bytes consumed
	version int
	db      int
	key     []byte // the key being decoded, for errors
	err     error  // sticky; io.EOF once the file is complete
	tmp     [8]byte
	slab    []byte // backing store carved into small strings
}

// NewDecoder returns a Decoder reading from r.
func NewDecoder(r io.Reader) *Decoder {
	br, ok := r.(io.ByteReader)
	if !ok {
		b := bufio.NewReader(r)
		r, br = b, b
	}
	return &Decoder{r: r, br: br}
}

// Version returns the file's RDB version, or 0 before the first Next.
func (d *Decoder) Version() int { return d.version }

// Next returns the next record. It returns io.EOF after the EOF opcode
// and, for versions 5 and later, a verified checksum (a stored checksum of
// 0 means "not computed" and is accepted, as Redis does). Any other error
// is an *Error; errors are sticky.
//
// Records Next does not return: IDLE and FREQ (eviction hints), FUNCTION2
// (function libraries: opdis has no functions, so they are dropped),
// MODULE_AUX (skipped like redis-check-rdb does, via the self-describing
// module value format), and keys whose aggregate value is empty (Redis
// drops them on load too).
func (d *Decoder) Next() (Record, error) {
	if d.err != nil {
		return Record{}, d.err
	}
	rec, err := d.next()
	if err != nil {
		d.err = err
	}
	return rec, err
}

func (d *Decoder) next() (Record, error) {
	if d.version == 0 {
		if err := d.readHeader(); err != nil {
			return Record{}, err
		}
	}
	d.key = nil
	start := d.off // a key record starts at its expiry or idle/freq prefix
	expire := int64(-1)
	prefixed := false
	for {
		opOff := d.off
		t, err := d.readByte()
		if err != nil {
			return Record{}, err
		}
		if prefixed && t >= opFunction2 && t != opExpireMs && t != opExpireSec && t != opIdle && t != opFreq {
			return Record{}, d.errAt(opOff, "opcode %d follows a key prefix (expiry, idle or freq) at offset %d instead of a key", t, start)
		}
		switch t {
		case opEOF:
			return Record{}, d.readTrailer(opOff)
		case opSelectDB:
			db, err := d.readLength()
			if err != nil {
				return Record{}, err
			}
			if db > math.MaxInt32 {
				return Record{}, d.errAt(opOff, "SELECTDB %d out of range", db)
			}
			d.db = int(db)
			return Record{Kind: KindSelectDB, DB: d.db, Offset: start}, nil
		case opResizeDB:
			size, err := d.readLength()
			if err != nil {
				return Record{}, err
			}
			expires, err := d.readLength()
			if err != nil {
				return Record{}, err
			}
			return Record{Kind: KindResizeDB, DB: d.db, DBSize: size, ExpiresSize: expires, Offset: start}, nil
		case opAux:
			k, err := d.readString()
			if err != nil {
				return Record{}, err
			}
			v, err := d.readString()
			if err != nil {
				return Record{}, err
			}
			return Record{Kind: KindAux, AuxKey: string(k), AuxVal: string(v), Offset: start}, nil
		case opExpireMs:
			if err := d.readFull(d.tmp[:8]); err != nil {
				return Record{}, err
			}
			expire, prefixed = int64(binary.LittleEndian.Uint64(d.tmp[:8])), true
		case opExpireSec:
			if err := d.readFull(d.tmp[:4]); err != nil {
				return Record{}, err
			}
			expire, prefixed = int64(int32(binary.LittleEndian.Uint32(d.tmp[:4])))*1000, true
		case opIdle:
			if _, err := d.readLength(); err != nil {
				return Record{}, err
			}
			prefixed = true
		case opFreq:
			if _, err := d.readByte(); err != nil {
				return Record{}, err
			}
			prefixed = true
		case opFunction2:
			if _, err := d.readString(); err != nil {
				return Record{}, err
			}
			start = d.off
		case opFunction:
			return Record{}, d.errAt(opOff, "pre-release function format (opcode 246) is %w", ErrUnsupported)
		case opModuleAux:
			if err := d.skipModuleAux(opOff); err != nil {
				return Record{}, err
			}
			start = d.off
		default:
			if !isValueType(t) {
				return Record{}, d.errAt(opOff, "unknown value type or opcode %d", t)
			}
			key, err := d.readString()
			if err != nil {
				return Record{}, err
			}
			d.key = key
			v, err := d.readValue(t)
			if err != nil {
				return Record{}, err
			}
			d.key = nil
			if v.Type != TypeString && len(v.Elems) == 0 {
				start, expire, prefixed = d.off, -1, false
				continue
			}
			if expire < -1 {
				expire = 0 // before 1970: expired (Redis too treats only -1 as "none")
			}
			return Record{Kind: KindKey, DB: d.db, Key: key, Value: v, ExpireMs: expire, Offset: start}, nil
		}
	}
}

func isValueType(t byte) bool {
	return t <= rdbModule2 || (t >= rdbHashZipmap && t <= rdbStreamListpack3)
}

func (d *Decoder) readHeader() error {
	var h [9]byte
	if err := d.readFull(h[:]); err != nil {
		return err
	}
	if string(h[:5]) != "REDIS" {
		return d.errAt(0, "not an RDB file (magic %q, want \"REDIS\")", h[:5])
	}
	v, err := strconv.Atoi(string(h[5:]))
	if err != nil || h[5] < '0' || h[5] > '9' {
		return d.errAt(5, "bad version %q", h[5:])
	}
	if v < 1 || v > maxReadVersion {
		return d.errAt(5, "unsupported RDB version %d (this reader handles 1 to %d)", v, maxReadVersion)
	}
	d.version = v
	return nil
}

// readTrailer checks the checksum after the EOF opcode (version 5 on).
func (d *Decoder) readTrailer(eofOff int64) error {
	if d.version < 5 {
		return io.EOF
	}
	computed := d.crc
	sumOff := d.off
	if err := d.readFull(d.tmp[:8]); err != nil {
		return err
	}
	stored := binary.LittleEndian.Uint64(d.tmp[:8])
	if stored != 0 && stored != computed {
		return d.errAt(sumOff, "bad checksum (file %#016x, computed %#016x)", stored, computed)
	}
	return io.EOF
}

// skipModuleAux skips a MODULE_AUX record: module id, the "when" pair, then
// opcode-tagged values up to an EOF opcode.
func (d *Decoder) skipModuleAux(opOff int64) error {
	if _, err := d.readLength(); err != nil { // module id
		return err
	}
	whenOp, err := d.readLength()
	if err != nil {
		return err
	}
	if whenOp != moduleOpUInt {
		return d.errAt(opOff, "module aux: bad when opcode %d", whenOp)
	}
	if _, err := d.readLength(); err != nil {
		return err
	}
	return d.skipModuleValue()
}

func (d *Decoder) skipModuleValue() error {
	for {
		opOff := d.off
		op, err := d.readLength()
		if err != nil {
			return err
		}
		switch op {
		case moduleOpEOF:
			return nil
		case moduleOpSInt, moduleOpUInt:
			_, err = d.readLength()
		case moduleOpString:
			_, err = d.readString()
		case moduleOpFloat:
			err = d.readFull(d.tmp[:4])
		case moduleOpDouble:
			err = d.readFull(d.tmp[:8])
		default:
			return d.errAt(opOff, "module value: unknown opcode %d", op)
		}
		if err != nil {
			return err
		}
	}
}

// errAt makes an *Error at off, in the current key if any.
func (d *Decoder) errAt(off int64, format string, args ...any) error {
	return &Error{Offset: off, Key: d.key, Err: fmt.Errorf(format, args...)}
}

// ioErr reports a read failure where the input ran out.
func (d *Decoder) ioErr(err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return &Error{Offset: d.off, Key: d.key, Err: err}
}

func (d *Decoder) readByte() (byte, error) {
	b, err := d.br.ReadByte()
	if err != nil {
		return 0, d.ioErr(err)
	}
	d.crc = crcTable[0][byte(d.crc)^b] ^ d.crc>>8
	d.off++
	return b, nil
}

func (d *Decoder) readFull(p []byte) error {
	n, err := io.ReadFull(d.r, p)
	d.crc = crcUpdate(d.crc, p[:n])
	d.off += int64(n)
	if err != nil {
		return d.ioErr(err)
	}
	return nil
}

// readChunk is the most readBytes allocates ahead of the data it has read:
// a corrupt length of 2^60 fails at the end of the input instead of
// allocating 2^60 bytes.
const readChunk = 64 << 10

// slabSize is the block small strings are carved from: one allocation for
// many elements instead of one each.
const slabSize = 8 << 10

func (d *Decoder) readBytes(n uint64) ([]byte, error) {
	if n <= 256 {
		if uint64(len(d.slab)) < n {
			d.slab = make([]byte, slabSize)
		}
		p := d.slab[:n:n] // capped: appending to p cannot overwrite the next string
		d.slab = d.slab[n:]
		return p, d.readFull(p)
	}
	if n <= readChunk {
		p := make([]byte, n)
		return p, d.readFull(p)
	}
	p := make([]byte, 0, readChunk)
	for uint64(len(p)) < n {
		m := int(min(n-uint64(len(p)), uint64(max(len(p), readChunk))))
		old := len(p)
		p = slices.Grow(p, m)[:old+m]
		if err := d.readFull(p[old:]); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// readLen reads a length, or the special-encoding tag of a string (then
// encoded is true and n is the encoding).
func (d *Decoder) readLen() (n uint64, encoded bool, err error) {
	off := d.off
	b, err := d.readByte()
	if err != nil {
		return 0, false, err
	}
	switch b >> 6 {
	case len6:
		return uint64(b & 0x3f), false, nil
	case len14:
		b2, err := d.readByte()
		return uint64(b&0x3f)<<8 | uint64(b2), false, err
	case lenEncoded:
		return uint64(b & 0x3f), true, nil
	}
	switch b {
	case len32:
		err = d.readFull(d.tmp[:4])
		return uint64(binary.BigEndian.Uint32(d.tmp[:4])), false, err
	case len64:
		err = d.readFull(d.tmp[:8])
		return binary.BigEndian.Uint64(d.tmp[:8]), false, err
	}
	return 0, false, d.errAt(off, "bad length encoding %#02x", b)
}

// readLength reads a length where a string encoding is not allowed.
func (d *Decoder) readLength() (uint64, error) {
	off := d.off
	n, enc, err := d.readLen()
	if err == nil && enc {
		err = d.errAt(off, "string encoding %d where a length was expected", n)
	}
	return n, err
}

// readString reads a string in any of its encodings: raw, integer, LZF.
func (d *Decoder) readString() ([]byte, error) {
	off := d.off
	n, enc, err := d.readLen()
	if err != nil {
		return nil, err
	}
	if !enc {
		return d.readBytes(n)
	}
	switch n {
	case encInt8:
		b, err := d.readByte()
		return strconv.AppendInt(nil, int64(int8(b)), 10), err
	case encInt16:
		err := d.readFull(d.tmp[:2])
		return strconv.AppendInt(nil, int64(int16(binary.LittleEndian.Uint16(d.tmp[:2]))), 10), err
	case encInt32:
		err := d.readFull(d.tmp[:4])
		return strconv.AppendInt(nil, int64(int32(binary.LittleEndian.Uint32(d.tmp[:4]))), 10), err
	case encLZF:
		clen, err := d.readLength()
		if err != nil {
			return nil, err
		}
		ulen, err := d.readLength()
		if err != nil {
			return nil, err
		}
		if clen == 0 || ulen/lzfMaxRatio > clen || ulen > math.MaxInt {
			return nil, d.errAt(off, "LZF string of %d bytes cannot come from %d compressed bytes", ulen, clen)
		}
		c, err := d.readBytes(clen)
		if err != nil {
			return nil, err
		}
		s, err := lzfDecompress(c, int(ulen))
		if err != nil {
			return nil, d.errAt(off, "LZF string: %v", err)
		}
		return s, nil
	}
	return nil, d.errAt(off, "unknown string encoding %d", n)
}
