// Command saveprobe measures a BGSAVE as a client sees it: it starts the
// save, PINGs the server on another connection for as long as the save
// runs, and prints the save's wall time and the PING latencies (max and
// 99th percentile). scripts/bench-persist.sh runs it against opdis and
// redis-server.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "server address")
	flag.Parse()
	if err := run(*addr); err != nil {
		fmt.Fprintln(os.Stderr, "saveprobe:", err)
		os.Exit(1)
	}
}

type conn struct {
	nc net.Conn
	rd *bufio.Reader
}

func dial(addr string) (*conn, error) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &conn{nc, bufio.NewReader(nc)}, nil
}

// do sends an inline command and returns the reply's text (a bulk reply's
// payload, or the status/error line).
func (c *conn) do(cmd string) (string, error) {
	c.nc.SetDeadline(time.Now().Add(60 * time.Second))
	if _, err := c.nc.Write([]byte(cmd + "\r\n")); err != nil {
		return "", err
	}
	line, err := c.rd.ReadString('\n')
	if err != nil {
		return "", err
	}
	if line[0] != '$' {
		return strings.TrimSpace(line), nil
	}
	var n int
	fmt.Sscanf(line[1:], "%d", &n)
	buf := make([]byte, n+2)
	if _, err := readFull(c.rd, buf); err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

func readFull(rd *bufio.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		k, err := rd.Read(buf[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func run(addr string) error {
	ctl, err := dial(addr)
	if err != nil {
		return err
	}
	ping, err := dial(addr)
	if err != nil {
		return err
	}
	start := time.Now()
	if r, err := ctl.do("BGSAVE"); err != nil || !strings.Contains(r, "started") {
		return fmt.Errorf("BGSAVE: %q %v", r, err)
	}
	var lat []time.Duration
	done := false
	var saveTime time.Duration
	for lastPoll := time.Now(); !done; {
		t := time.Now()
		if r, err := ping.do("PING"); err != nil || r != "+PONG" {
			return fmt.Errorf("PING: %q %v", r, err)
		}
		lat = append(lat, time.Since(t))
		if time.Since(lastPoll) >= 5*time.Millisecond {
			lastPoll = time.Now()
			info, err := ctl.do("INFO persistence")
			if err != nil {
				return err
			}
			if strings.Contains(info, "rdb_bgsave_in_progress:0") {
				done, saveTime = true, time.Since(start)
			}
		}
	}
	slices.Sort(lat)
	p99 := lat[len(lat)*99/100]
	fmt.Printf("save_ms=%.0f pings=%d max_ping_ms=%.2f p99_ping_ms=%.3f\n",
		float64(saveTime)/1e6, len(lat), float64(lat[len(lat)-1])/1e6, float64(p99)/1e6)
	return nil
}
