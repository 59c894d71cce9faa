package node

import (
	"fmt"
	"testing"

	"opdis/wire"
)

// render joins the redis-cli renderings of every reply queued for id.
func (tn *tnode) render(id int64) string {
	tn.t.Helper()
	s := ""
	for i, v := range tn.replies(id) {
		if i > 0 {
			s += " "
		}
		s += v.String()
	}
	return s
}

// sendCmd feeds one command and returns all of its replies rendered.
func (tn *tnode) sendCmd(id int64, args ...string) string {
	tn.t.Helper()
	bs := make([][]byte, len(args))
	for i, a := range args {
		bs[i] = []byte(a)
	}
	tn.Feed(id, wire.AppendCommand(nil, bs...))
	return tn.render(id)
}

func TestSubscribeUnsubscribe(t *testing.T) {
	tn := newTestNode(t)
	a := tn.connect()
	want := func(got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
	want(tn.sendCmd(a, "SUBSCRIBE", "c1", "c2", "c1"),
		`["subscribe", "c1", (integer) 1] ["subscribe", "c2", (integer) 2] ["subscribe", "c1", (integer) 2]`)
	want(tn.sendCmd(a, "PSUBSCRIBE", "p*", "c?"),
		`["psubscribe", "p*", (integer) 3] ["psubscribe", "c?", (integer) 4]`)
	// Subscribed (RESP2): only (P)(UN)SUBSCRIBE, PING, QUIT, RESET.
	want(tn.sendCmd(a, "ECHO", "x"),
		"(error) ERR Can't execute 'echo': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
	want(tn.sendCmd(a, "PING"), `["pong", ""]`)
	want(tn.sendCmd(a, "PING", "hi"), `["pong", "hi"]`)
	want(tn.sendCmd(a, "UNSUBSCRIBE"),
		`["unsubscribe", "c1", (integer) 3] ["unsubscribe", "c2", (integer) 2]`)
	want(tn.sendCmd(a, "UNSUBSCRIBE"), `["unsubscribe", (nil), (integer) 2]`)
	want(tn.sendCmd(a, "UNSUBSCRIBE", "foo"), `["unsubscribe", "foo", (integer) 2]`)
	want(tn.sendCmd(a, "PUNSUBSCRIBE"),
		`["punsubscribe", "p*", (integer) 1] ["punsubscribe", "c?", (integer) 0]`)
	want(tn.sendCmd(a, "PUNSUBSCRIBE"), `["punsubscribe", (nil), (integer) 0]`)
	want(tn.sendCmd(a, "PUNSUBSCRIBE", "x", "y"),
		`["punsubscribe", "x", (integer) 0] ["punsubscribe", "y", (integer) 0]`)
	// Out of subscribed mode again.
	want(tn.sendCmd(a, "ECHO", "x"), `"x"`)
	want(tn.sendCmd(a, "PING"), `"PONG"`)
}

func TestPublishDelivery(t *testing.T) {
	tn := newTestNode(t)
	a, b, pub := tn.connect(), tn.connect(), tn.connect()
	tn.sendCmd(a, "SUBSCRIBE", "news")
	tn.sendCmd(a, "PSUBSCRIBE", "n*", "*s")
	tn.sendCmd(b, "PSUBSCRIBE", "*s")
	tn.sendCmd(b, "SUBSCRIBE", "news")

	tn.want(pub, "(integer) 5", "PUBLISH", "news", "hello")
	if p := tn.Pending(); fmt.Sprint(p) != fmt.Sprint([]int64{a, b}) {
		t.Fatalf("Pending = %v, want [%d %d]", p, a, b)
	}
	if got, want := tn.render(a), `["message", "news", "hello"] ["pmessage", "n*", "news", "hello"] `+
		`["pmessage", "*s", "news", "hello"]`; got != want {
		t.Errorf("a got %s\nwant %s", got, want)
	}
	// b: channel message first, then patterns (in first-subscribed order).
	if got, want := tn.render(b), `["message", "news", "hello"] ["pmessage", "*s", "news", "hello"]`; got != want {
		t.Errorf("b got %s\nwant %s", got, want)
	}
	tn.want(pub, "(integer) 0", "PUBLISH", "other", "x")
	tn.want(pub, "(integer) 2", "PUBLISH", "bus", "x") // *s twice
	if got := tn.render(a); got != `["pmessage", "*s", "bus", "x"]` {
		t.Errorf("a got %s", got)
	}
	tn.render(b)

	// Patterns are case-sensitive globs.
	tn.want(pub, "(integer) 0", "PUBLISH", "NEWS", "x")
	tn.sendCmd(a, "PSUBSCRIBE", "h[ae]llo", `x\*`)
	tn.want(pub, "(integer) 1", "PUBLISH", "hallo", "1")
	tn.want(pub, "(integer) 1", "PUBLISH", "x*", "2")
	tn.want(pub, "(integer) 0", "PUBLISH", "xy", "3")
	if got := tn.render(a); got != `["pmessage", "h[ae]llo", "hallo", "1"] ["pmessage", "x\\*", "x*", "2"]` {
		t.Errorf("a got %s", got)
	}

	// A message published inside MULTI is delivered at EXEC.
	tn.want(pub, `"OK"`, "MULTI")
	tn.want(pub, `"QUEUED"`, "PUBLISH", "news", "tx")
	tn.want(pub, "[(integer) 5]", "EXEC")
}

func TestPublishCountsPatterns(t *testing.T) {
	tn := newTestNode(t)
	a, pub := tn.connect(), tn.connect()
	tn.sendCmd(a, "PSUBSCRIBE", "*")
	tn.sendCmd(a, "SUBSCRIBE", "c")
	tn.want(pub, "(integer) 2", "PUBLISH", "c", "m")
	if got := tn.render(a); got != `["message", "c", "m"] ["pmessage", "*", "c", "m"]` {
		t.Errorf("got %s", got)
	}
}

func TestPubsubIntrospection(t *testing.T) {
	tn := newTestNode(t)
	a, b, c := tn.connect(), tn.connect(), tn.connect()
	tn.sendCmd(a, "SUBSCRIBE", "c1", "c2", "x")
	tn.sendCmd(a, "PSUBSCRIBE", "p*", "c?")
	tn.sendCmd(b, "SUBSCRIBE", "c1")
	tn.sendCmd(b, "PSUBSCRIBE", "c?")

	if v := tn.do(c, "PUBSUB", "CHANNELS", "c*"); len(v.Elems) != 2 || v.Elems[0].Str == v.Elems[1].Str ||
		(v.Elems[0].Str != "c1" && v.Elems[0].Str != "c2") || (v.Elems[1].Str != "c1" && v.Elems[1].Str != "c2") {
		t.Errorf("PUBSUB CHANNELS c* = %v", v)
	}
	tn.want(c, `[]`, "PUBSUB", "CHANNELS", "zz*")
	if v := tn.do(c, "PUBSUB", "CHANNELS"); len(v.Elems) != 3 {
		t.Errorf("PUBSUB CHANNELS = %v", v)
	}
	tn.want(c, "(error) ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.",
		"PUBSUB", "channels", "c*", "x")
	tn.want(c, `[]`, "PUBSUB", "NUMSUB")
	tn.want(c, `["c1", (integer) 2, "c2", (integer) 1, "nope", (integer) 0, "c1", (integer) 2]`,
		"PUBSUB", "NUMSUB", "c1", "c2", "nope", "c1")
	tn.want(c, "(integer) 2", "PUBSUB", "NUMPAT")
	tn.want(c, "(error) ERR wrong number of arguments for 'pubsub|numpat' command", "PUBSUB", "NUMPAT", "x")
	tn.want(c, "(error) ERR unknown subcommand 'foo'. Try PUBSUB HELP.", "PUBSUB", "foo")
	tn.want(c, "(error) ERR wrong number of arguments for 'pubsub' command", "PUBSUB")
	tn.want(c, "(error) ERR wrong number of arguments for 'pubsub|help' command", "PUBSUB", "HELP", "x")
	if v := tn.do(c, "PUBSUB", "HELP"); len(v.Elems) != 14 ||
		v.Elems[0].Str != "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:" {
		t.Errorf("PUBSUB HELP = %v", v)
	}
	tn.want(c, `[]`, "PUBSUB", "SHARDCHANNELS")
	tn.want(c, `["a", (integer) 0]`, "PUBSUB", "SHARDNUMSUB", "a")

	tn.sendCmd(a, "UNSUBSCRIBE", "c1")
	tn.want(c, `["c1", (integer) 1]`, "PUBSUB", "NUMSUB", "c1")
	// A disconnect drops every subscription.
	tn.Disconnect(b)
	tn.want(c, `["c1", (integer) 0]`, "PUBSUB", "NUMSUB", "c1")
	tn.want(c, "(integer) 2", "PUBSUB", "NUMPAT")
	tn.sendCmd(a, "PUNSUBSCRIBE")
	tn.want(c, "(integer) 0", "PUBSUB", "NUMPAT")
	if ch, pat := tn.PubsubCounts(); ch != 2 || pat != 0 {
		t.Errorf("PubsubCounts = %d, %d", ch, pat)
	}
	tn.want(c, "(error) ERR wrong number of arguments for 'publish' command", "PUBLISH", "a")
}

// TestPubsubDeterministic checks that two nodes fed the same commands
// deliver the same bytes.
func TestPubsubDeterministic(t *testing.T) {
	run := func() string {
		tn := newTestNode(t)
		var ids []int64
		for i := 0; i < 5; i++ {
			ids = append(ids, tn.connect())
		}
		for i, id := range ids {
			tn.sendCmd(id, "PSUBSCRIBE", fmt.Sprintf("ch%d*", i%2), "ch*", fmt.Sprintf("*%d", i))
			tn.sendCmd(id, "SUBSCRIBE", fmt.Sprintf("ch%d", i))
		}
		pub := tn.connect()
		out := ""
		for i := 0; i < 10; i++ {
			out += tn.sendCmd(pub, "PUBLISH", fmt.Sprintf("ch%d", i), "m")
			for _, id := range tn.Pending() {
				out += tn.render(id)
			}
		}
		return out
	}
	if a, b := run(), run(); a != b {
		t.Fatalf("runs differ:\n%s\n%s", a, b)
	}
}
