package difftest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// Value is one RESP2 reply, kept close to the bytes: Str holds the text of
// simple strings, errors, bulks and integers (the integer exactly as sent).
type Value struct {
	Kind  byte // '+', '-', ':', '$', '*'
	Str   string
	Null  bool
	Elems []Value
}

func (v Value) isErr() bool            { return v.Kind == '-' }
func (v Value) isArray() bool          { return v.Kind == '*' && !v.Null }
func (v Value) isInt() bool            { return v.Kind == ':' }
func (v Value) isSimple(s string) bool { return v.Kind == '+' && v.Str == s }

func (v Value) int() (int64, bool) {
	if v.Kind != ':' {
		return 0, false
	}
	n, err := strconv.ParseInt(v.Str, 10, 64)
	return n, err == nil
}

// String renders v like redis-cli, with Go quoting for bulks.
func (v Value) String() string {
	switch v.Kind {
	case '+':
		return v.Str
	case '-':
		return "(error) " + v.Str
	case ':':
		return "(integer) " + v.Str
	case '$':
		if v.Null {
			return "(nil)"
		}
		return strconv.Quote(v.Str)
	case '*':
		if v.Null {
			return "(nil array)"
		}
		var b strings.Builder
		b.WriteByte('[')
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(e.String())
		}
		b.WriteByte(']')
		return b.String()
	}
	return fmt.Sprintf("(unknown %q %q)", v.Kind, v.Str)
}

// conn is one raw RESP connection.
type conn struct {
	nc net.Conn
	r  *bufio.Reader
}

func dial(addr string) (*conn, error) {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	return &conn{nc: nc, r: bufio.NewReader(nc)}, nil
}

func (c *conn) close() {
	if c != nil {
		c.nc.Close()
	}
}

func encodeCommand(args []string) []byte {
	b := make([]byte, 0, 64)
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, '\r', '\n')
	for _, a := range args {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(a)), 10)
		b = append(b, '\r', '\n')
		b = append(b, a...)
		b = append(b, '\r', '\n')
	}
	return b
}

func (c *conn) send(args []string) error {
	c.nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, err := c.nc.Write(encodeCommand(args))
	return err
}

// read reads one reply, waiting at most d.
func (c *conn) read(d time.Duration) (Value, error) {
	c.nc.SetReadDeadline(time.Now().Add(d))
	return readValue(c.r)
}

// do sends one command and reads its reply.
func (c *conn) do(args ...string) (Value, error) {
	if err := c.send(args); err != nil {
		return Value{}, err
	}
	return c.read(5 * time.Second)
}

func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return "", fmt.Errorf("resp: bad line %q", line)
	}
	return line[:len(line)-2], nil
}

func readValue(r *bufio.Reader) (Value, error) {
	line, err := readLine(r)
	if err != nil {
		return Value{}, err
	}
	v := Value{Kind: line[0]}
	body := line[1:]
	switch v.Kind {
	case '+', '-':
		v.Str = body
	case ':':
		if _, err := strconv.ParseInt(body, 10, 64); err != nil {
			return Value{}, fmt.Errorf("resp: bad integer %q", body)
		}
		v.Str = body
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil || n < -1 {
			return Value{}, fmt.Errorf("resp: bad bulk length %q", body)
		}
		if n == -1 {
			v.Null = true
			break
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return Value{}, err
		}
		if buf[n] != '\r' || buf[n+1] != '\n' {
			return Value{}, fmt.Errorf("resp: bulk not terminated by CRLF")
		}
		v.Str = string(buf[:n])
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil || n < -1 {
			return Value{}, fmt.Errorf("resp: bad array length %q", body)
		}
		if n == -1 {
			v.Null = true
			break
		}
		v.Elems = make([]Value, 0, min(n, 1024))
		for i := 0; i < n; i++ {
			e, err := readValue(r)
			if err != nil {
				return Value{}, err
			}
			v.Elems = append(v.Elems, e)
		}
	default:
		return Value{}, fmt.Errorf("resp: unknown type byte %q in %q", line[0], line)
	}
	return v, nil
}

// quoteArgs renders a command for logs: plain words stay bare, others are quoted.
func quoteArgs(args []string) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = quoteArg(a)
	}
	return strings.Join(parts, " ")
}

func quoteArg(a string) string {
	if a == "" {
		return `""`
	}
	for _, r := range a {
		if r <= ' ' || r > '~' || r == '"' || r == '\'' || r == '\\' {
			return strconv.Quote(a)
		}
	}
	return a
}
