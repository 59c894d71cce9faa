package wire

import (
	"bytes"
	"errors"
)

// MaxInlineSize is the longest line (an inline command, or a multibulk or
// bulk header) accepted before its terminator arrives, as Redis's
// PROTO_INLINE_MAX_SIZE.
const MaxInlineSize = 64 * 1024

// ProtocolError is a malformed request. Its text is what Redis puts after
// "ERR "; the connection that sent it must be closed after the reply.
type ProtocolError struct{ Msg string }

func (e *ProtocolError) Error() string { return "Protocol error: " + e.Msg }

func protoErr(msg string) error { return &ProtocolError{Msg: msg} }

// IsProtocolError reports whether err is a *ProtocolError.
func IsProtocolError(err error) bool {
	var pe *ProtocolError
	return errors.As(err, &pe)
}

// Limits bound what ParseCommand accepts.
type Limits struct {
	MaxBulkLen      int64 // proto-max-bulk-len; 0 means 512 MiB
	MaxMultibulkLen int64 // 0 means 1<<31-1, Redis's INT_MAX
}

// ParseCommand parses one command from the front of buf.
//
// It returns the arguments, the number of bytes consumed and an error. When buf
// holds no complete command, n is 0 and err is nil. A request that carries no
// command (an empty inline line, "*0" or a negative count) is consumed with
// args nil. The arguments are copied out of buf into one fresh allocation, so
// callers may keep them after buf is reused.
func ParseCommand(buf []byte, lim Limits) (args [][]byte, n int, err error) {
	return ParseCommandArgs(buf, lim, nil)
}

// ParseCommandArgs is ParseCommand putting the argument slices of a
// multibulk request in dst's array when it is large enough (the bytes
// still go to a fresh allocation). A caller that parses command after
// command can so reuse one array, and must copy the returned slice (not
// the bytes) to keep it past its next parse.
func ParseCommandArgs(buf []byte, lim Limits, dst [][]byte) (args [][]byte, n int, err error) {
	if len(buf) == 0 {
		return nil, 0, nil
	}
	if buf[0] == '*' {
		return parseMultibulk(buf, lim, dst, true)
	}
	return parseInline(buf)
}

// readLine returns the integer on the line starting at buf[pos] (after its
// one-byte type prefix) and the position after its CRLF. ok is false when
// the line is not complete yet.
func readLine(buf []byte, pos int) (line []byte, next int, ok bool) {
	i := bytes.IndexByte(buf[pos:], '\r')
	if i < 0 || pos+i+1 >= len(buf) {
		return nil, 0, false
	}
	return buf[pos : pos+i], pos + i + 2, true
}

// parseMultibulk parses a "*N" request into dst's array (or a new one).
// With copyArgs false the arguments are slices of buf, for a caller done
// with them before buf changes.
func parseMultibulk(buf []byte, lim Limits, dst [][]byte, copyArgs bool) ([][]byte, int, error) {
	maxMulti := lim.MaxMultibulkLen
	if maxMulti == 0 {
		maxMulti = 1<<31 - 1
	}
	maxBulk := lim.MaxBulkLen
	if maxBulk == 0 {
		maxBulk = 512 << 20
	}
	count, pos, ok := quickLen(buf, 0)
	if !ok {
		line, next, ok := readLine(buf, 0)
		if !ok {
			if len(buf) > MaxInlineSize {
				return nil, 0, protoErr("too big mbulk count string")
			}
			return nil, 0, nil
		}
		if count, ok = ParseInt(line[1:]); !ok {
			return nil, 0, protoErr("invalid multibulk length")
		}
		pos = next
	}
	if count > maxMulti {
		return nil, 0, protoErr("invalid multibulk length")
	}
	if count <= 0 {
		return nil, pos, nil
	}
	// First pass: find the argument boundaries without copying.
	type span struct{ start, end int }
	var small [8]span
	spans := small[:0]
	total := 0
	for i := int64(0); i < count; i++ {
		if pos >= len(buf) {
			return nil, 0, nil
		}
		size, next, ok := quickLen(buf, pos)
		if !ok || buf[pos] != '$' {
			hdr, n, ok := readLine(buf, pos)
			if !ok {
				if len(buf)-pos > MaxInlineSize {
					return nil, 0, protoErr("too big bulk count string")
				}
				return nil, 0, nil
			}
			if len(hdr) == 0 || hdr[0] != '$' {
				return nil, 0, protoErr("expected '$', got '" + string(buf[pos]) + "'")
			}
			if size, ok = ParseInt(hdr[1:]); !ok {
				return nil, 0, protoErr("invalid bulk length")
			}
			next = n
		}
		if size < 0 || size > maxBulk {
			return nil, 0, protoErr("invalid bulk length")
		}
		end := next + int(size)
		if end+2 > len(buf) {
			return nil, 0, nil
		}
		// Redis does not check the CRLF after a bulk; it skips two bytes.
		spans = append(spans, span{next, end})
		total += int(size)
		pos = end + 2
	}
	args := dst[:0]
	if cap(args) < len(spans) {
		args = make([][]byte, len(spans))
	} else {
		args = args[:len(spans)]
	}
	if !copyArgs {
		for i, s := range spans {
			args[i] = buf[s.start:s.end:s.end]
		}
		return args, pos, nil
	}
	store := make([]byte, total)
	at := 0
	for i, s := range spans {
		n := copy(store[at:], buf[s.start:s.end])
		args[i] = store[at : at+n : at+n]
		at += n
	}
	return args, pos, nil
}

// quickLen is the fast path of a "*N" or "$N" header at buf[pos]: up to 18
// digits without a leading zero, then a CR that is not the last byte
// (readLine's conditions, so the result is what readLine and ParseInt
// would give). ok is false for anything else; the caller then takes the
// general path, which finds incomplete lines and reports errors.
func quickLen(buf []byte, pos int) (v int64, next int, ok bool) {
	i := pos + 1
	if i >= len(buf) || buf[i] < '1' || buf[i] > '9' {
		if i+2 < len(buf) && buf[i] == '0' && buf[i+1] == '\r' {
			return 0, i + 3, true
		}
		return 0, 0, false
	}
	for end := min(len(buf), i+18); i < end; i++ {
		d := buf[i] - '0'
		if d > 9 {
			break
		}
		v = v*10 + int64(d)
	}
	if i+1 >= len(buf) || buf[i] != '\r' {
		return 0, 0, false
	}
	return v, i + 2, true
}

func parseInline(buf []byte) ([][]byte, int, error) {
	i := bytes.IndexByte(buf, '\n')
	if i < 0 {
		if len(buf) > MaxInlineSize {
			return nil, 0, protoErr("too big inline request")
		}
		return nil, 0, nil
	}
	line := buf[:i]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	args, ok := SplitArgs(line)
	if !ok {
		return nil, 0, protoErr("unbalanced quotes in request")
	}
	if len(args) == 0 {
		return nil, i + 1, nil
	}
	return args, i + 1, nil
}

// SplitArgs splits a line into arguments as Redis's sdssplitargs does:
// whitespace separates, "double quotes" take \n \r \t \b \a \\ \" and \xHH
// escapes, 'single quotes' take \'. A closing quote must be followed by
// whitespace or the end. ok is false for unbalanced quotes.
func SplitArgs(line []byte) (args [][]byte, ok bool) {
	p := 0
	for {
		for p < len(line) && isSpace(line[p]) {
			p++
		}
		if p >= len(line) {
			return args, true
		}
		var cur []byte
		inDQ, inSQ, done := false, false, false
		for !done {
			if inDQ {
				if p >= len(line) {
					return nil, false
				}
				c := line[p]
				switch {
				case c == '\\' && p+3 < len(line) && line[p+1] == 'x' && isHex(line[p+2]) && isHex(line[p+3]):
					cur = append(cur, hexVal(line[p+2])<<4|hexVal(line[p+3]))
					p += 3
				case c == '\\' && p+1 < len(line):
					p++
					switch line[p] {
					case 'n':
						cur = append(cur, '\n')
					case 'r':
						cur = append(cur, '\r')
					case 't':
						cur = append(cur, '\t')
					case 'b':
						cur = append(cur, '\b')
					case 'a':
						cur = append(cur, '\a')
					default:
						cur = append(cur, line[p])
					}
				case c == '"':
					if p+1 < len(line) && !isSpace(line[p+1]) {
						return nil, false
					}
					done = true
				default:
					cur = append(cur, c)
				}
			} else if inSQ {
				if p >= len(line) {
					return nil, false
				}
				c := line[p]
				switch {
				case c == '\\' && p+1 < len(line) && line[p+1] == '\'':
					p++
					cur = append(cur, '\'')
				case c == '\'':
					if p+1 < len(line) && !isSpace(line[p+1]) {
						return nil, false
					}
					done = true
				default:
					cur = append(cur, c)
				}
			} else {
				if p >= len(line) {
					break
				}
				switch c := line[p]; c {
				case ' ', '\n', '\r', '\t', 0:
					done = true
				case '"':
					inDQ = true
				case '\'':
					inSQ = true
				default:
					cur = append(cur, c)
				}
			}
			if p < len(line) {
				p++
			}
		}
		if cur == nil {
			cur = []byte{}
		}
		args = append(args, cur)
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == 0
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// PeekArgs puts in dst, without copying, the leading arguments of the
// multibulk command at the start of buf (as many as dst has room for) and
// returns them with the command's argument count and length in bytes. ok
// is false unless buf starts with a complete command in the plain form
// clients send (headers without leading zeros); ParseCommand then decides
// what buf holds. It lets the node look ahead in a pipeline without
// parsing it twice in full.
func PeekArgs(buf []byte, dst [][]byte) (args [][]byte, count, n int, ok bool) {
	if len(buf) == 0 || buf[0] != '*' {
		return nil, 0, 0, false
	}
	c, pos, ok := quickLen(buf, 0)
	if !ok {
		return nil, 0, 0, false
	}
	args = dst[:0]
	for i := int64(0); i < c; i++ {
		if pos >= len(buf) || buf[pos] != '$' {
			return nil, 0, 0, false
		}
		size, next, ok := quickLen(buf, pos)
		if !ok {
			return nil, 0, 0, false
		}
		end := next + int(size)
		if end+2 > len(buf) || end < next {
			return nil, 0, 0, false
		}
		if len(args) < cap(args) {
			args = append(args, buf[next:end:end])
		}
		pos = end + 2
	}
	return args, int(c), pos, true
}
