package node

import (
	"testing"
	"time"
)

// TestDispatchRejections: errors found before a command runs doom a
// transaction (EXECABORT), as in Redis 7.0's processCommand. The expected
// replies were taken from redis-server 7.0.15.
func TestDispatchRejections(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.want(id, `"OK"`, "MULTI")
	tn.want(id, "(error) ERR Command not allowed inside a transaction", "SHUTDOWN")
	tn.want(id, "(error) ERR unknown subcommand 'FOO'. Try CONFIG HELP.", "CONFIG", "FOO")
	tn.want(id, "(error) ERR wrong number of arguments for 'config|get' command", "CONFIG", "GET")
	tn.want(id, "(error) EXECABORT Transaction discarded because of previous errors.", "EXEC")

	debugErr := `(error) ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`
	tn.want(id, `"OK"`, "MULTI")
	tn.want(id, debugErr, "DEBUG", "SLEEP", "0")
	tn.want(id, "(error) EXECABORT Transaction discarded because of previous errors.", "EXEC")

	tn.want(id, "(error) ERR unknown command 'nope', with args beginning with: 'a' 'b' ", "nope", "a", "b")
	tn.want(id, "(error) ERR wrong number of arguments for 'get' command", "GET")
	if got := tn.ShutdownRequested(); got {
		t.Fatal("SHUTDOWN inside MULTI must not run")
	}
}

// TestCommandTimeIsCached: a key cannot expire halfway through a
// transaction, because the clock is read once per outermost command.
func TestCommandTimeIsCached(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.do(id, "SET", "k", "v", "PX", "100")
	tn.want(id, `"OK"`, "MULTI")
	tn.want(id, `"QUEUED"`, "GET", "k")
	tn.want(id, `"QUEUED"`, "GET", "k")
	tn.clock.ns += int64(98 * time.Millisecond)
	tn.clock.step = int64(time.Millisecond) // each clock read now moves 1ms
	v := tn.do(id, "EXEC")
	tn.clock.step = 0
	if v.String() != `["v", "v"]` {
		t.Fatalf("EXEC = %s", v)
	}
	tn.clock.ns += int64(2 * time.Millisecond)
	tn.want(id, "(nil)", "GET", "k")
}

// TestNewListWakesBlocked: any command that creates a list (here RENAME)
// serves a parked BLPOP, as Redis 7.0's dbAdd signals every new key.
func TestNewListWakesBlocked(t *testing.T) {
	tn := newTestNode(t)
	a, b := tn.connect(), tn.connect()
	if r := tn.send(a, "BLPOP dst 0\r\n"); len(r) != 0 {
		t.Fatalf("BLPOP replied at once: %v", r)
	}
	tn.do(b, "RPUSH", "src", "x")
	tn.want(b, `"OK"`, "RENAME", "src", "dst")
	if p := tn.Pending(); len(p) != 1 || p[0] != a {
		t.Fatalf("pending = %v, want [%d]", p, a)
	}
	if r := tn.replies(a); len(r) != 1 || r[0].String() != `["dst", "x"]` {
		t.Fatalf("BLPOP got %v", r)
	}
}

// TestBlockedZPopServedFromReadyKey: a parked BZPOPMIN is served from the
// key that got data, not the first non-empty key (checked on redis 7.0.15
// with BLPOP/BZPOPMIN a b 0 and MULTI ZADD b; ZADD a; EXEC).
func TestBlockedZPopServedFromReadyKey(t *testing.T) {
	tn := newTestNode(t)
	a, b := tn.connect(), tn.connect()
	tn.send(a, "BZPOPMIN a b 0\r\n")
	tn.do(b, "MULTI")
	tn.do(b, "ZADD", "b", "1", "x")
	tn.do(b, "ZADD", "a", "2", "y")
	tn.do(b, "EXEC")
	if r := tn.replies(a); len(r) != 1 || r[0].String() != `["b", "x", "1"]` {
		t.Fatalf("BZPOPMIN got %v", r)
	}
}

// TestExecRefused: a refused EXEC ends the transaction (Redis's
// execCommandAbort); replies recorded from redis-server 7.0.15.
func TestExecRefused(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	abort := "(error) EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command"
	tn.want(id, abort, "EXEC", "foo")
	tn.want(id, `"OK"`, "MULTI")
	tn.want(id, `"QUEUED"`, "SET", "a", "b")
	tn.want(id, abort, "EXEC", "foo")
	tn.want(id, "(error) ERR EXEC without MULTI", "EXEC")
	tn.want(id, "(nil)", "GET", "a")
	tn.want(id, `"OK"`, "MULTI")
	tn.want(id, "(error) ERR unknown subcommand 'FOO'. Try OBJECT HELP.", "OBJECT", "FOO")
	tn.want(id, "(error) ERR wrong number of arguments for 'object|freq' command", "OBJECT", "freq")
	tn.want(id, "(error) EXECABORT Transaction discarded because of previous errors.", "EXEC")
	tn.want(id, "(error) ERR unknown command 'NOSUCHCMD', with args beginning with: '' 'x' ", "NOSUCHCMD", "\x00\xff\r\n", "x")
}
