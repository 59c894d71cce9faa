package model

import (
	"bufio"
	"math/rand/v2"
	"net"
	osexec "os/exec"
	"path/filepath"
	"testing"
	"time"

	"opdis/wire"
)

// redisConn is a minimal RESP client for the differential test.
type redisConn struct {
	c   net.Conn
	r   *bufio.Reader
	buf []byte
}

func startRedis(t *testing.T) *redisConn {
	t.Helper()
	bin, err := osexec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not in PATH")
	}
	sock := filepath.Join(t.TempDir(), "redis.sock")
	cmd := osexec.Command(bin, "--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no", "--daemonize", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	var c net.Conn
	for i := 0; i < 100; i++ {
		if c, err = net.Dial("unix", sock); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("redis-server did not come up: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return &redisConn{c: c, r: bufio.NewReader(c)}
}

func (rc *redisConn) send(args ...string) {
	bs := make([][]byte, len(args))
	for i, a := range args {
		bs[i] = []byte(a)
	}
	rc.buf = wire.AppendCommand(rc.buf, bs...)
}

// replies flushes what was sent and reads n replies.
func (rc *redisConn) replies(t *testing.T, n int) []wire.Value {
	t.Helper()
	if _, err := rc.c.Write(rc.buf); err != nil {
		t.Fatal(err)
	}
	rc.buf = rc.buf[:0]
	var out []wire.Value
	var pending []byte
	tmp := make([]byte, 4096)
	for len(out) < n {
		v, used, err := wire.ParseReply(pending)
		if err != nil {
			t.Fatal(err)
		}
		if used > 0 {
			out = append(out, v)
			pending = pending[used:]
			continue
		}
		m, err := rc.r.Read(tmp)
		if err != nil {
			t.Fatal(err)
		}
		pending = append(pending, tmp[:m]...)
	}
	return out
}

func toReply(v wire.Value) Reply {
	switch {
	case v.Null:
		return Reply{Kind: Nil}
	case v.Kind == wire.Simple && v.Str == "OK":
		return Reply{Kind: OK}
	case v.Kind == wire.Bulk:
		return Reply{Kind: Bulk, Str: v.Str}
	case v.Kind == wire.Integer:
		return Reply{Kind: Int, Int: v.Int}
	case v.Kind == wire.Error:
		return Reply{Kind: Err, Str: v.Str}
	}
	return Reply{Kind: Err, Str: "unexpected reply " + v.String()}
}

// TestKeyspaceMatchesRedis runs random checked commands on a real
// redis-server 7.0 and on a Keyspace and compares every reply: the
// model's semantics are Redis's, not our idea of them.
func TestKeyspaceMatchesRedis(t *testing.T) {
	rc := startRedis(t)
	ks := NewKeyspace()
	r := rand.New(rand.NewPCG(1, 2))
	keys := []string{"{a}1", "{a}2", "b", "c"}
	values := []string{"", "0", "-1", "41", "9223372036854775806", "9223372036854775807", "-9223372036854775808",
		"01", "+1", " 1", "1.5", "abc", "x y"}
	randCmd := func(key string) Cmd {
		op := []Op{Get, Set, SetGet, Incr, Append, Del}[r.IntN(6)]
		return Cmd{op, key, values[r.IntN(len(values))]}
	}
	for i := 0; i < 3000; i++ {
		var in Input
		switch r.IntN(6) {
		case 0:
			in = MSetOf("{a}1", values[r.IntN(len(values))], "{a}2", values[r.IntN(len(values))])
		case 1:
			var cmds []Cmd
			for j := 1 + r.IntN(4); j > 0; j-- {
				cmds = append(cmds, randCmd(keys[r.IntN(2)]))
			}
			in = MultiOf(cmds...)
		default:
			in = Input{Kind: Single, Cmds: []Cmd{randCmd(keys[r.IntN(len(keys))])}}
		}
		var got Output
		switch in.Kind {
		case MSet:
			args := []string{"MSET"}
			for _, c := range in.Cmds {
				args = append(args, c.Key, c.Arg)
			}
			rc.send(args...)
			got = Replied(toReply(rc.replies(t, 1)[0]))
		case Multi:
			rc.send("MULTI")
			for _, c := range in.Cmds {
				rc.send(c.Args()...)
			}
			rc.send("EXEC")
			vs := rc.replies(t, len(in.Cmds)+2)
			reply := vs[len(vs)-1]
			for _, e := range reply.Elems {
				got.Replies = append(got.Replies, toReply(e))
			}
		default:
			rc.send(in.Cmds[0].Args()...)
			got = Replied(toReply(rc.replies(t, 1)[0]))
		}
		want := ks.Apply(in)
		if got.String() != want.String() {
			t.Fatalf("step %d: %s: redis %s, model %s", i, in, got, want)
		}
	}
	// The final datasets agree too.
	for _, k := range keys {
		rc.send("GET", k)
		v := rc.replies(t, 1)[0]
		mv, ok := ks.Get(k)
		if v.Null == ok || (ok && v.Str != mv) {
			t.Fatalf("key %s: redis %s, model %q (exists %v)", k, v, mv, ok)
		}
	}
}
