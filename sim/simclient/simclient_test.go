package simclient

import (
	"errors"
	"strings"
	"testing"
	"time"

	"opdis/sim/loop"
	"opdis/sim/rng"
	"opdis/sim/simnet"
	"opdis/wire"
)

// server answers each request with the next canned reply, split into
// 2-byte segments so the client must reassemble them.
func setup(t *testing.T, replies ...string) (*loop.Loop, *simnet.Net, *[]string) {
	l := loop.New(nil)
	n := simnet.New(l, rng.New(1).Stream("net"), simnet.LinkConfig{Latency: simnet.Dist{Min: time.Millisecond}, MaxSegment: 2})
	var got []string
	n.Listen("srv:1", func(e *simnet.Endpoint) {
		var in []byte
		e.OnData = func(p []byte) {
			in = append(in, p...)
			for {
				args, used, err := wire.ParseCommand(in, wire.Limits{MaxBulkLen: 1 << 20})
				if err != nil {
					t.Fatal(err)
				}
				if used == 0 {
					return
				}
				var parts []string
				for _, a := range args {
					parts = append(parts, string(a))
				}
				got = append(got, strings.Join(parts, " "))
				in = in[used:]
				if len(replies) > 0 {
					e.Write([]byte(replies[0]))
					replies = replies[1:]
				}
			}
		}
	})
	return l, n, &got
}

func TestPipelinedRepliesInOrder(t *testing.T) {
	l, n, got := setup(t, "+OK\r\n", "$5\r\nhello\r\n", ":42\r\n", "*2\r\n$1\r\na\r\n$-1\r\n")
	c, _ := Dial(n, "cli", "srv:1")
	var out []string
	for _, cmd := range [][]string{{"SET", "k", "hello"}, {"GET", "k"}, {"INCR", "n"}, {"MGET", "a", "b"}} {
		c.Do(func(v wire.Value, err error) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v.String())
		}, cmd...)
	}
	if c.Outstanding() != 4 {
		t.Fatalf("outstanding %d", c.Outstanding())
	}
	l.Run()
	if strings.Join(*got, "|") != "SET k hello|GET k|INCR n|MGET a b" {
		t.Fatalf("server got %q", *got)
	}
	if strings.Join(out, "|") != `"OK"|"hello"|(integer) 42|["a", (nil)]` || c.Outstanding() != 0 {
		t.Fatalf("client got %q", out)
	}
}

func TestFailuresReachEveryWaitingCommand(t *testing.T) {
	l, n, _ := setup(t, "+OK\r\n")
	c, _ := Dial(n, "cli", "srv:1")
	var errs []error
	for i := 0; i < 3; i++ {
		c.Do(func(v wire.Value, err error) { errs = append(errs, err) }, "PING")
	}
	l.RunFor(10 * time.Millisecond) // the first reply is in; two wait forever
	c.Endpoint().Conn().Reset()
	l.Run()
	if len(errs) != 3 || errs[0] != nil || !errors.Is(errs[1], simnet.ErrReset) || !errors.Is(errs[2], simnet.ErrReset) {
		t.Fatalf("errors %v", errs)
	}
	var late error
	c.Do(func(v wire.Value, err error) { late = err }, "PING")
	if !errors.Is(late, simnet.ErrReset) {
		t.Fatalf("Do on a broken client: %v", late)
	}
}

func TestBadAndUnsolicitedReplies(t *testing.T) {
	l, n, _ := setup(t, "?what\r\n")
	c, _ := Dial(n, "cli", "srv:1")
	var err1 error
	c.Do(func(v wire.Value, err error) { err1 = err }, "PING")
	l.Run()
	if err1 == nil || !strings.Contains(err1.Error(), "bad reply from srv:1") || !c.Endpoint().Closed() {
		t.Fatalf("bad reply: %v", err1)
	}

	l, n, _ = setup(t)
	c, _ = Dial(n, "cli", "srv:1")
	n.Listen("push:1", func(e *simnet.Endpoint) { e.Write([]byte("+surprise\r\n")) })
	c2, _ := Dial(n, "cli", "push:1")
	l.Run()
	if c2.Err() == nil || !strings.Contains(c2.Err().Error(), "unsolicited reply") {
		t.Fatalf("unsolicited: %v", c2.Err())
	}
	if c.Err() != nil {
		t.Fatalf("the other client broke: %v", c.Err())
	}
}
