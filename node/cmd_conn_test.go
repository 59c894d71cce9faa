package node

import (
	"strconv"
	"testing"
)

func TestPingEchoSelect(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.want(id, `"PONG"`, "PING")
	tn.want(id, `"hello"`, "ping", "hello")
	tn.want(id, `""`, "PING", "")
	tn.want(id, "(error) ERR wrong number of arguments for 'ping' command", "PING", "a", "b")
	tn.want(id, `"x y"`, "ECHO", "x y")
	tn.want(id, "(error) ERR wrong number of arguments for 'echo' command", "ECHO")
	tn.want(id, "(error) ERR wrong number of arguments for 'echo' command", "ECHO", "a", "b")

	tn.want(id, `"OK"`, "SELECT", "15")
	if got := tn.clients[id].DBIndex(); got != 15 {
		t.Fatalf("db = %d, want 15", got)
	}
	tn.want(id, "(error) ERR DB index is out of range", "SELECT", "16")
	tn.want(id, "(error) ERR DB index is out of range", "SELECT", "-1")
	tn.want(id, "(error) ERR value is not an integer or out of range", "SELECT", "abc")
	tn.want(id, "(error) ERR value is not an integer or out of range", "SELECT", "1.0")
	tn.want(id, "(error) ERR value is out of range, value must between -2147483648 and 2147483647", "SELECT", "4294967296")
	tn.want(id, `"OK"`, "select", "0")
}

func TestQuitClosesAfterReply(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.Feed(id, []byte("*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n"))
	out, closeConn := tn.TakeOutput(id, nil)
	if string(out) != "+OK\r\n" || !closeConn {
		t.Fatalf("QUIT: out %q close %v", out, closeConn)
	}
}

func TestAuthWithoutPassword(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.want(id, "(error) ERR AUTH <password> called without any password configured for the default user. "+
		"Are you sure your configuration is correct?", "AUTH", "x")
	tn.want(id, `"OK"`, "AUTH", "default", "anything")
	tn.want(id, "(error) WRONGPASS invalid username-password pair or user is disabled.", "AUTH", "DEFAULT", "x")
	tn.want(id, "(error) WRONGPASS invalid username-password pair or user is disabled.", "AUTH", "bob", "x")
	tn.want(id, "(error) ERR syntax error", "AUTH", "a", "b", "c")
	tn.want(id, "(error) ERR wrong number of arguments for 'auth' command", "AUTH")
}

func TestAuthRequirepass(t *testing.T) {
	cfg := DefaultConfig()
	cfg.RequirePass = "secret"
	tn := newTestNodeConfig(t, cfg)
	id := tn.connect()
	tn.want(id, "(error) NOAUTH Authentication required.", "PING")
	tn.want(id, "(error) NOAUTH Authentication required.", "CLIENT", "ID")
	tn.want(id, "(error) WRONGPASS invalid username-password pair or user is disabled.", "AUTH", "wrong")
	tn.want(id, "(error) WRONGPASS invalid username-password pair or user is disabled.", "AUTH", "default", "wrong")
	tn.want(id, "(error) WRONGPASS invalid username-password pair or user is disabled.", "AUTH", "x", "secret")
	tn.want(id, `"OK"`, "AUTH", "secret")
	tn.want(id, `"PONG"`, "PING")
	tn.want(id, `"OK"`, "AUTH", "default", "secret")
	// A failed AUTH leaves an authenticated client authenticated.
	tn.want(id, "(error) WRONGPASS invalid username-password pair or user is disabled.", "AUTH", "nope")
	tn.want(id, `"PONG"`, "PING")
	// RESET de-authenticates when a password is set.
	tn.want(id, `"RESET"`, "RESET")
	tn.want(id, "(error) NOAUTH Authentication required.", "PING")

	// Clearing requirepass lets everyone in, connected or not.
	admin := tn.connect()
	tn.want(admin, `"OK"`, "AUTH", "secret")
	tn.want(admin, `"OK"`, "CONFIG", "SET", "requirepass", "")
	tn.want(id, `"PONG"`, "PING")
	tn.want(tn.connect(), `"PONG"`, "PING")
}

func helloReply(id int64) string {
	return `["server", "redis", "version", "7.0.15", "proto", (integer) 2, "id", (integer) ` +
		strconv.FormatInt(id, 10) + `, "mode", "standalone", "role", "master", "modules", []]`
}

func TestHello(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.want(id, helloReply(id), "HELLO")
	tn.want(id, helloReply(id), "HELLO", "2")
	tn.want(id, "(error) NOPROTO unsupported protocol version", "HELLO", "1")
	tn.want(id, "(error) NOPROTO unsupported protocol version", "HELLO", "3")
	tn.want(id, "(error) NOPROTO unsupported protocol version", "HELLO", "-1")
	tn.want(id, "(error) ERR Protocol version is not an integer or out of range", "HELLO", "abc")
	tn.want(id, "(error) ERR Protocol version is not an integer or out of range", "HELLO", "2.0")
	tn.want(id, helloReply(id), "HELLO", "2", "SETNAME", "foo")
	tn.want(id, `"foo"`, "CLIENT", "GETNAME")
	tn.want(id, "(error) ERR Client names cannot contain spaces, newlines or special characters.", "HELLO", "2", "setname", "a b")
	tn.want(id, "(error) ERR Syntax error in HELLO option 'auth'", "HELLO", "2", "auth", "default")
	tn.want(id, "(error) ERR Syntax error in HELLO option 'foo'", "HELLO", "2", "foo")
	tn.want(id, "(error) ERR Syntax error in HELLO option 'setname'", "HELLO", "2", "setname")
	// Options apply in order: the name is set before the syntax error.
	tn.want(id, "(error) ERR Syntax error in HELLO option 'foo'", "HELLO", "2", "setname", "a", "foo")
	tn.want(id, `"a"`, "CLIENT", "GETNAME")
	tn.want(id, helloReply(id), "HELLO", "2", "setname", "a", "setname", "b")
	tn.want(id, `"b"`, "CLIENT", "GETNAME")
	tn.want(id, helloReply(id), "HELLO", "2", "AUTH", "default", "whatever")
	tn.want(id, "(error) WRONGPASS invalid username-password pair or user is disabled.", "HELLO", "2", "AUTH", "x", "y")
}

func TestHelloRequirepass(t *testing.T) {
	cfg := DefaultConfig()
	cfg.RequirePass = "secret"
	tn := newTestNodeConfig(t, cfg)
	id := tn.connect()
	noauth := "(error) NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO " +
		"AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol " +
		"version at the same time"
	tn.want(id, noauth, "HELLO", "2")
	// SETNAME applies even though HELLO then fails with NOAUTH.
	tn.want(id, noauth, "HELLO", "2", "SETNAME", "early")
	tn.want(id, "(error) WRONGPASS invalid username-password pair or user is disabled.", "HELLO", "2", "AUTH", "default", "bad")
	tn.want(id, "(error) ERR Client names cannot contain spaces, newlines or special characters.",
		"HELLO", "2", "AUTH", "default", "secret", "SETNAME", "a b")
	tn.want(id, `"early"`, "CLIENT", "GETNAME") // authenticated by the AUTH before the bad name
	tn.want(id, helloReply(id), "HELLO", "2", "AUTH", "default", "secret")
}

func TestReset(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	other := tn.connect()
	tn.want(id, `"OK"`, "SELECT", "3")
	tn.want(id, `"OK"`, "CLIENT", "SETNAME", "me")
	tn.want(id, `"OK"`, "CLIENT", "NO-EVICT", "on")
	tn.do(id, "SUBSCRIBE", "ch")
	tn.want(id, `"RESET"`, "RESET")
	tn.want(id, `(nil)`, "CLIENT", "GETNAME")
	if c := tn.clients[id]; c.DBIndex() != 0 || c.subscriptions() != 0 || c.noEvict {
		t.Fatalf("state after RESET: db %d subs %d noEvict %v", c.DBIndex(), c.subscriptions(), c.noEvict)
	}
	tn.want(other, "(integer) 0", "PUBLISH", "ch", "x")

	// RESET inside MULTI discards the transaction and unwatches.
	tn.want(id, `"OK"`, "WATCH", "k")
	tn.want(id, `"OK"`, "MULTI")
	tn.want(id, `"RESET"`, "RESET")
	if c := tn.clients[id]; c.multi != nil || len(c.watching) != 0 {
		t.Fatal("RESET left MULTI or WATCH state")
	}
	tn.want(id, "(error) ERR EXEC without MULTI", "EXEC")
}
