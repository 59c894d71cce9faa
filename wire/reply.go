package wire

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/tidwall/redcon"
)

// Reply encoders: each appends one RESP2 value to b.

func AppendOK(b []byte) []byte                   { return redcon.AppendOK(b) }
func AppendSimple(b []byte, s string) []byte     { return redcon.AppendString(b, s) }
func AppendError(b []byte, s string) []byte      { return redcon.AppendError(b, s) }
func AppendInt(b []byte, n int64) []byte         { return redcon.AppendInt(b, n) }
func AppendArray(b []byte, n int) []byte         { return redcon.AppendArray(b, n) }
func AppendBulk(b []byte, v []byte) []byte       { return redcon.AppendBulk(b, v) }
func AppendBulkString(b []byte, s string) []byte { return redcon.AppendBulkString(b, s) }
func AppendNull(b []byte) []byte                 { return redcon.AppendNull(b) }
func AppendNullArray(b []byte) []byte            { return append(b, "*-1\r\n"...) }

// AppendCommand encodes args as a RESP multibulk command.
func AppendCommand(b []byte, args ...[]byte) []byte {
	b = AppendArray(b, len(args))
	for _, a := range args {
		b = AppendBulk(b, a)
	}
	return b
}

// Kind is the type byte of a RESP2 value.
type Kind byte

const (
	Simple  Kind = '+'
	Error   Kind = '-'
	Integer Kind = ':'
	Bulk    Kind = '$'
	Array   Kind = '*'
)

// Value is one decoded RESP2 reply. A null bulk or null array has Null set.
type Value struct {
	Kind  Kind
	Str   string // Simple, Error, Bulk
	Int   int64  // Integer
	Elems []Value
	Null  bool
}

// String renders v the way redis-cli does, for messages and test output.
func (v Value) String() string {
	switch {
	case v.Null:
		return "(nil)"
	case v.Kind == Integer:
		return fmt.Sprintf("(integer) %d", v.Int)
	case v.Kind == Error:
		return "(error) " + v.Str
	case v.Kind == Array:
		var b bytes.Buffer
		b.WriteByte('[')
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(e.String())
		}
		b.WriteByte(']')
		return b.String()
	default:
		return strconv.Quote(v.Str)
	}
}

// ParseReply decodes one RESP2 value from the front of buf. n is 0 when
// buf does not hold a whole value yet.
func ParseReply(buf []byte) (v Value, n int, err error) {
	if len(buf) == 0 {
		return Value{}, 0, nil
	}
	line, next, ok := readLine(buf, 0)
	if !ok {
		return Value{}, 0, nil
	}
	if len(line) == 0 {
		return Value{}, 0, fmt.Errorf("resp: empty line")
	}
	v.Kind = Kind(line[0])
	body := line[1:]
	switch v.Kind {
	case Simple, Error:
		v.Str = string(body)
		return v, next, nil
	case Integer:
		v.Int, err = strconv.ParseInt(string(body), 10, 64)
		if err != nil {
			return Value{}, 0, fmt.Errorf("resp: bad integer %q", body)
		}
		return v, next, nil
	case Bulk:
		size, err := strconv.ParseInt(string(body), 10, 64)
		if err != nil || size < -1 {
			return Value{}, 0, fmt.Errorf("resp: bad bulk length %q", body)
		}
		if size == -1 {
			v.Null = true
			return v, next, nil
		}
		end := next + int(size)
		if end+2 > len(buf) {
			return Value{}, 0, nil
		}
		v.Str = string(buf[next:end])
		return v, end + 2, nil
	case Array:
		count, err := strconv.ParseInt(string(body), 10, 64)
		if err != nil || count < -1 {
			return Value{}, 0, fmt.Errorf("resp: bad array length %q", body)
		}
		if count == -1 {
			v.Null = true
			return v, next, nil
		}
		v.Elems = make([]Value, 0, count)
		pos := next
		for i := int64(0); i < count; i++ {
			e, m, err := ParseReply(buf[pos:])
			if err != nil || m == 0 {
				return Value{}, 0, err
			}
			v.Elems = append(v.Elems, e)
			pos += m
		}
		return v, pos, nil
	default:
		return Value{}, 0, fmt.Errorf("resp: unknown type byte %q", line[0])
	}
}
