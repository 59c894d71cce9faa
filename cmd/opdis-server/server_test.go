package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestConnectAndTransaction(t *testing.T) {
	p := startOpdis(t, "")
	c := dial(t, p.addr)
	for _, step := range [][2]string{
		{cmd("MULTI"), `"OK"`},
		{cmd("UNWATCH"), `"QUEUED"`},
		{cmd("EXEC"), `["OK"]`},
		{cmd("EXEC"), "(error) ERR EXEC without MULTI"},
		{cmd("DISCARD"), "(error) ERR DISCARD without MULTI"},
		{cmd("MULTI"), `"OK"`},
		{cmd("MULTI"), "(error) ERR MULTI calls can not be nested"},
		{cmd("DISCARD"), `"OK"`},
	} {
		c.send(step[0])
		if got := c.reply(); got != step[1] {
			t.Fatalf("%q: got %s, want %s", step[0], got, step[1])
		}
	}
}

func TestUnknownCommandAndInline(t *testing.T) {
	p := startOpdis(t, "")
	c := dial(t, p.addr)
	// Inline commands: quoting as redis-cli/sdssplitargs, CRLF or bare LF.
	c.send("NOSUCHCMD a \"b c\" 'd e'\r\n")
	if got, want := c.reply(), "(error) ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' 'b c' 'd e' "; got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
	c.send("multi\nunwatch\r\n\r\nexec\r\n")
	for _, want := range []string{`"OK"`, `"QUEUED"`, `["OK"]`} {
		if got := c.reply(); got != want {
			t.Fatalf("inline: got %s, want %s", got, want)
		}
	}
	// Unbalanced quotes are a protocol error that closes the connection.
	c.send("SET a \"b\r\n")
	if got, want := c.reply(), "(error) ERR Protocol error: unbalanced quotes in request"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	c.expectClosed()
}

func TestPipelining(t *testing.T) {
	p := startOpdis(t, "")
	c := dial(t, p.addr)
	const n = 5000
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(cmd("MULTI"))
		b.WriteString("UNWATCH\r\n")
		b.WriteString(cmd("EXEC"))
	}
	go c.send(b.String()) // large: write while reading
	for i := 0; i < n; i++ {
		for _, want := range []string{`"OK"`, `"QUEUED"`, `["OK"]`} {
			if got := c.reply(); got != want {
				t.Fatalf("pipeline reply %d: got %s, want %s", i, got, want)
			}
		}
	}
}

func TestProtocolErrorClosesOnlyThatConnection(t *testing.T) {
	p := startOpdis(t, "")
	other := dial(t, p.addr)
	if got := other.do("MULTI"); got != `"OK"` {
		t.Fatal(got)
	}
	for _, tc := range []struct{ raw, want string }{
		{"*1\r\n$abc\r\n", "(error) ERR Protocol error: invalid bulk length"},
		{"*x\r\n", "(error) ERR Protocol error: invalid multibulk length"},
		{"*1\r\n+PING\r\n", "(error) ERR Protocol error: expected '$', got '+'"},
	} {
		bad := dial(t, p.addr)
		bad.send(tc.raw)
		if got := bad.reply(); got != tc.want {
			t.Errorf("%q: got %s, want %s", tc.raw, got, tc.want)
		}
		bad.expectClosed()
	}
	// The other connection, mid-transaction, is untouched.
	if got := other.do("UNWATCH"); got != `"QUEUED"` {
		t.Fatal(got)
	}
	if got := other.do("EXEC"); got != `["OK"]` {
		t.Fatal(got)
	}
}

func TestProtoMaxBulkLen(t *testing.T) {
	p := startOpdis(t, "", "--proto-max-bulk-len", "1mb")
	c := dial(t, p.addr)
	// A bulk within the limit is read whole (and the command then fails arity).
	big := strings.Repeat("x", 1<<20)
	c.send("*2\r\n$7\r\nUNWATCH\r\n$" + strconv.Itoa(len(big)) + "\r\n" + big + "\r\n")
	if got, want := c.reply(), "(error) ERR wrong number of arguments for 'unwatch' command"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	// One byte more is refused before the data arrives.
	c.send("*2\r\n$4\r\nECHO\r\n$" + strconv.Itoa(1<<20+1) + "\r\n")
	if got, want := c.reply(), "(error) ERR Protocol error: invalid bulk length"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	c.expectClosed()
}

// TestSameRepliesAsRedis sends the same raw bytes to opdis and to a real
// redis-server and compares every reply byte for byte, for what opdis
// implements on this branch: transactions, unknown commands, inline
// parsing and protocol errors.
func TestSameRepliesAsRedis(t *testing.T) {
	op := startOpdis(t, "")
	rs := startRedis(t)
	scripts := []string{
		"MULTI\r\nUNWATCH\r\nEXEC\r\nEXEC\r\nDISCARD\r\n",
		"MULTI\r\nMULTI\r\nNOSUCH x\r\nEXEC\r\n",
		"WATCH\r\nunwatch a\r\nmulti a\r\n",
		cmd("NoSuch", strings.Repeat("a", 200), "b") + cmd("x", "a", "b", "c") + "\r\n\r\n" + cmd("EXEC"),
		"*0\r\n*-1\r\nEXEC\r\n",
		"NOSUCH \"a\\x41\\n\" 'q\\'r'\r\n",
		"*1\r\n$7\r\nUNWATCH\r\n*2\r\n",
		"*1\r\n$-1\r\n",
		"*abc\r\n",
		"*3\r\n$5\r\nMULTI\r\n:1\r\n",
		"NOSUCH \"unbalanced\r\n",
		"*1\r\n$3000000000\r\n",
	}
	for _, script := range scripts {
		a, b := rawExchange(t, op.addr, script), rawExchange(t, rs.addr, script)
		if a != b {
			t.Errorf("script %q:\nopdis: %q\nredis: %q", script, a, b)
		}
	}
}

// rawExchange sends script, waits until the server has answered and gone
// quiet (or closed), and returns everything it sent back.
func rawExchange(t *testing.T, addr, script string) string {
	t.Helper()
	c := dial(t, addr)
	c.send(script)
	var out bytes.Buffer
	buf := make([]byte, 64<<10)
	wait := 10 * time.Second // the first reply may be slow on a loaded machine
	for {
		c.nc.SetReadDeadline(time.Now().Add(wait))
		wait = 300 * time.Millisecond
		n, err := c.nc.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			return out.String()
		}
	}
}

func TestRedisCLI(t *testing.T) {
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Fatal("redis-cli is not installed (make test installs it):", err)
	}
	p := startOpdis(t, "")
	port := strconv.Itoa(p.port)

	// Several commands on stdin, one per line, sent one by one: the output
	// must be what the same input gives against a real redis-server.
	rs := startRedis(t)
	stdin := "MULTI\nUNWATCH\nEXEC\nnosuch \"a b\"\nEXEC\n"
	cliOut := func(port int) string {
		run := exec.Command(cli, "-p", strconv.Itoa(port))
		run.Stdin = strings.NewReader(stdin)
		out, err := run.CombinedOutput()
		if err != nil {
			t.Fatalf("redis-cli: %v\n%s", err, out)
		}
		return string(out)
	}
	if got, want := cliOut(p.port), cliOut(rs.port); got != want {
		t.Fatalf("redis-cli stdin output:\n%q\nagainst redis-server:\n%q", got, want)
	}

	// With SET and GET, the classic round trip (needs the string family).
	requireCommands(t, p.addr, "set", "get")
	out, err := exec.Command(cli, "-p", port, "set", "greeting", "hello world").CombinedOutput()
	if err != nil || string(out) != "OK\n" {
		t.Fatalf("redis-cli set: %v %q", err, out)
	}
	out, err = exec.Command(cli, "-p", port, "get", "greeting").CombinedOutput()
	if err != nil || string(out) != "hello world\n" {
		t.Fatalf("redis-cli get: %v %q", err, out)
	}
}

// TestRedisCLIPipe runs redis-cli --pipe: raw protocol in one go, and
// redis-cli checks every reply arrives (it ends with an ECHO of a random
// marker, so this needs ECHO).
func TestRedisCLIPipe(t *testing.T) {
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Fatal("redis-cli is not installed (make test installs it):", err)
	}
	p := startOpdis(t, "")
	requireCommands(t, p.addr, "echo")
	var b strings.Builder
	for i := 0; i < 1000; i++ {
		b.WriteString(cmd("MULTI"))
		b.WriteString(cmd("DISCARD"))
	}
	pipe := exec.Command(cli, "-p", strconv.Itoa(p.port), "--pipe")
	pipe.Stdin = strings.NewReader(b.String())
	out, err := pipe.CombinedOutput()
	if err != nil {
		t.Fatalf("redis-cli --pipe: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "errors: 0, replies: 2000") {
		t.Fatalf("redis-cli --pipe output: %s", out)
	}
}

func TestGoRedisClient(t *testing.T) {
	p := startOpdis(t, "")
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: p.addr, Protocol: 2, DisableIdentity: true,
		ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second})
	defer rdb.Close()

	// What exists on every branch: transactions.
	cmds, err := rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.Do(ctx, "unwatch")
		return nil
	})
	if err != nil || len(cmds) != 1 || cmds[0].Err() != nil {
		t.Fatalf("TxPipelined: %v %v", cmds, err)
	}
	if err := rdb.Do(ctx, "nosuch", "x").Err(); err == nil || !strings.HasPrefix(err.Error(), "ERR unknown command 'nosuch'") {
		t.Fatalf("unknown command: %v", err)
	}

	requireCommands(t, p.addr, "set", "get", "incr", "del", "lpush", "lrange")
	if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if v, err := rdb.Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Fatalf("GET: %q %v", v, err)
	}
	if _, err := rdb.Get(ctx, "missing").Result(); err != redis.Nil {
		t.Fatalf("GET missing: %v", err)
	}
	for i := 1; i <= 3; i++ {
		if v, err := rdb.Incr(ctx, "n").Result(); err != nil || v != int64(i) {
			t.Fatalf("INCR: %d %v", v, err)
		}
	}
	if err := rdb.LPush(ctx, "l", "a", "b", "c").Err(); err != nil {
		t.Fatal(err)
	}
	if v, err := rdb.LRange(ctx, "l", 0, -1).Result(); err != nil || strings.Join(v, ",") != "c,b,a" {
		t.Fatalf("LRANGE: %v %v", v, err)
	}
	// Pipelines and transactions through go-redis.
	var incr *redis.IntCmd
	_, err = rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.Set(ctx, "t", "1", 0)
		incr = pipe.Incr(ctx, "t")
		return nil
	})
	if err != nil || incr.Val() != 2 {
		t.Fatalf("MULTI/EXEC via go-redis: %v %d", err, incr.Val())
	}
	pipe := rdb.Pipeline()
	for i := 0; i < 100; i++ {
		pipe.Incr(ctx, "p")
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if v, err := rdb.Get(ctx, "p").Result(); err != nil || v != "100" {
		t.Fatalf("after pipeline: %q %v", v, err)
	}
	if v, err := rdb.Del(ctx, "k", "l", "nope").Result(); err != nil || v != 2 {
		t.Fatalf("DEL: %d %v", v, err)
	}
	// Many concurrent clients.
	var wg sync.WaitGroup
	for g := 0; g < 20; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				rdb.Incr(ctx, "shared")
			}
		}()
	}
	wg.Wait()
	if v, err := rdb.Get(ctx, "shared").Result(); err != nil || v != "1000" {
		t.Fatalf("concurrent INCR: %q %v", v, err)
	}
}

// TestBlockingWakeupAcrossConnections parks BLPOP on one connection and
// wakes it with LPUSH from another (the writer goroutine path), then checks
// a timeout fires through the ticker.
func TestBlockingWakeupAcrossConnections(t *testing.T) {
	p := startOpdis(t, "")
	requireCommands(t, p.addr, "blpop", "lpush")
	waiter := dial(t, p.addr)
	pusher := dial(t, p.addr)
	waiter.send(cmd("BLPOP", "q", "0") + cmd("MULTI")) // MULTI is pipelined behind the block
	time.Sleep(100 * time.Millisecond)
	if got := pusher.do("LPUSH", "q", "hello"); got != "(integer) 1" {
		t.Fatal(got)
	}
	if got := waiter.reply(); got != `["q", "hello"]` {
		t.Fatalf("BLPOP woken: %s", got)
	}
	if got := waiter.reply(); got != `"OK"` {
		t.Fatalf("pipelined MULTI after BLPOP: %s", got)
	}
	waiter.do("DISCARD")

	start := time.Now()
	if got := waiter.do("BLPOP", "q", "0.2"); got != "(nil)" {
		t.Fatalf("BLPOP timeout: %s", got)
	}
	if el := time.Since(start); el < 190*time.Millisecond || el > 2*time.Second {
		t.Fatalf("BLPOP 0.2 took %v", el)
	}
}

func TestMaxClients(t *testing.T) {
	p := startOpdis(t, "", "--maxclients", "2")
	time.Sleep(200 * time.Millisecond) // let the server see the readiness probe leave
	a, b := dial(t, p.addr), dial(t, p.addr)
	a.do("MULTI")
	b.do("MULTI")
	c := dial(t, p.addr)
	if got := c.reply(); got != "(error) ERR max number of clients reached" {
		t.Fatalf("third client: %s", got)
	}
	c.expectClosed()
	// Freed slots are reusable.
	a.nc.Close()
	time.Sleep(100 * time.Millisecond)
	d := dial(t, p.addr)
	if got := d.do("MULTI"); got != `"OK"` {
		t.Fatalf("after a client left: %s", got)
	}
}

func TestConfigFileOptionsLogAndPidfile(t *testing.T) {
	dir := t.TempDir()
	logfile := filepath.Join(dir, "opdis.log")
	pidfile := filepath.Join(dir, "opdis.pid")
	datadir := filepath.Join(dir, "nested", "data")
	inc := filepath.Join(dir, "inc.conf")
	if err := os.WriteFile(inc, []byte("maxclients 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "opdis.conf")
	body := fmt.Sprintf("# test config\n  hz 20\nlogfile %q\npidfile '%s'\nsave 900 1\nsave 300 10\ninclude %s\nloglevel verbose\n", logfile, pidfile, inc)
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	// The option after the file wins over it; --dir creates the directory.
	p := startOpdis(t, conf, "--dir", datadir, "--maxclients", "2")
	if st, err := os.Stat(datadir); err != nil || !st.IsDir() {
		t.Fatalf("data dir not created: %v", err)
	}
	pid, err := os.ReadFile(pidfile)
	if err != nil || strings.TrimSpace(string(pid)) != strconv.Itoa(p.cmd.Process.Pid) {
		t.Fatalf("pidfile: %q %v", pid, err)
	}
	time.Sleep(200 * time.Millisecond) // let the server see the readiness probe leave
	a, b := dial(t, p.addr), dial(t, p.addr)
	a.do("MULTI")
	b.do("MULTI") // maxclients 2 from the command line, not 1 from the include
	c := dial(t, p.addr)
	if got := c.reply(); got != "(error) ERR max number of clients reached" {
		t.Fatalf("third client: %s", got)
	}
	logText, _ := os.ReadFile(logfile)
	if !strings.Contains(string(logText), "Ready to accept connections tcp") ||
		!strings.Contains(string(logText), "Accepted 127.0.0.1:") {
		t.Fatalf("log file:\n%s", logText)
	}
	if p.stdout.String() != "" {
		t.Fatalf("with logfile set, stdout should be empty: %q", p.stdout)
	}
	// Log lines are Redis-formatted: pid:role date time.ms level message.
	line := strings.SplitN(string(logText), "\n", 2)[0]
	var lpid int
	var role, day, mon, year, clock, mark string
	if n, _ := fmt.Sscanf(line, "%d:%1s %s %s %s %s %s", &lpid, &role, &day, &mon, &year, &clock, &mark); n != 7 ||
		lpid != p.cmd.Process.Pid || len(clock) != len("15:04:05.000") || mark != "#" {
		t.Fatalf("log line format: %q", line)
	}

	p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.exited
	if _, err := os.Stat(pidfile); !os.IsNotExist(err) {
		t.Fatalf("pidfile left behind: %v", err)
	}
}

func TestSIGTERMExitsCleanly(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		p := startOpdis(t, "")
		c := dial(t, p.addr)
		c.do("MULTI")
		p.cmd.Process.Signal(sig)
		select {
		case <-p.exited:
		case <-time.After(5 * time.Second):
			t.Fatalf("%v: server did not exit", sig)
		}
		if p.err != nil {
			t.Fatalf("%v: exit: %v\n%s", sig, p.err, p.stdout)
		}
		if out := p.stdout.String(); !strings.Contains(out, "scheduling shutdown") || !strings.Contains(out, "bye bye") {
			t.Fatalf("%v: log:\n%s", sig, out)
		}
	}
}

func TestShutdownCommand(t *testing.T) {
	p := startOpdis(t, "")
	c := dial(t, p.addr)
	c.send(cmd("SHUTDOWN", "NOSAVE"))
	// SHUTDOWN has no reply when it works: the connection just closes.
	if v, err := c.readReply(5 * time.Second); err == nil {
		if strings.Contains(v.Str, "unknown command") {
			t.Skip("opdis has no SHUTDOWN command yet; this test runs once the server family is merged")
		}
		t.Fatalf("SHUTDOWN replied %s", v)
	}
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		t.Fatal("SHUTDOWN did not stop the server")
	}
	if p.err != nil {
		t.Fatalf("exit status after SHUTDOWN: %v", p.err)
	}
}

func TestStartupFailures(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--no-such-option", "1"}, []string{"FATAL CONFIG FILE ERROR", "'no-such-option \"1\"'", "Bad directive or wrong number of arguments"}},
		{[]string{"--hz", "abc"}, []string{"FATAL CONFIG FILE ERROR", "'hz \"abc\"'", "argument couldn't be parsed into an integer"}},
		{[]string{"--daemonize", "yes"}, []string{"FATAL CONFIG FILE ERROR", "daemonize yes is not supported"}},
		{[]string{"/nonexistent/opdis.conf"}, []string{"can't open config file '/nonexistent/opdis.conf'"}},
		{[]string{"--port", "0"}, []string{"Configured to not listen anywhere"}},
	} {
		out, err := exec.Command(binPath, tc.args...).CombinedOutput()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 1 {
			t.Errorf("%v: want exit status 1, got %v\n%s", tc.args, err, out)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(string(out), w) {
				t.Errorf("%v: output lacks %q:\n%s", tc.args, w, out)
			}
		}
	}
}

func TestPortInUse(t *testing.T) {
	p := startOpdis(t, "")
	out, err := exec.Command(binPath, "--port", strconv.Itoa(p.port), "--dir", t.TempDir()).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "Failed listening on port") {
		t.Fatalf("second server on a used port: %v\n%s", err, out)
	}
}

// TestServerInfoAndConfigRewrite checks what only the binary can tell the
// node (INFO server/cpu/memory fields) and CONFIG REWRITE's file handling.
func TestServerInfoAndConfigRewrite(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "opdis.conf")
	if err := os.WriteFile(conf, []byte("# keep this comment\nhz 20\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startOpdis(t, conf)
	requireCommands(t, p.addr, "info", "config")
	c := dial(t, p.addr)
	info := c.do("INFO", "server")
	for _, want := range []string{
		"process_id:" + strconv.Itoa(p.cmd.Process.Pid) + "\r\n",
		"tcp_port:" + strconv.Itoa(p.port) + "\r\n",
		"config_file:" + conf + "\r\n",
		"executable:" + binPath + "\r\n",
		"os:Linux ",
	} {
		if !strings.Contains(info, strconv.Quote(want)[1:len(strconv.Quote(want))-1]) {
			t.Errorf("INFO server lacks %q:\n%s", want, info)
		}
	}
	for section, field := range map[string]string{"cpu": "used_cpu_user:", "memory": "used_memory_rss:"} {
		// A fresh server may not have used a clock tick of user CPU yet
		// (the kernel splits CPU time into user and system by ticks): give
		// it some work until it has, for up to a few seconds.
		var v string
		for try := 0; try < 50; try++ {
			v = c.do("INFO", section)
			i := strings.Index(v, field)
			if i >= 0 && !strings.HasPrefix(v[i+len(field):], "0\\r") && !strings.HasPrefix(v[i+len(field):], "0.000000\\r") {
				break
			}
			if try == 49 {
				t.Errorf("INFO %s: %s missing or zero:\n%s", section, field, v)
			}
			for k := 0; k < 200; k++ {
				c.do("COMMAND", "COUNT")
			}
		}
	}

	if got := c.do("CONFIG", "SET", "hz", "42"); got != `"OK"` {
		t.Fatal(got)
	}
	if got := c.do("CONFIG", "SET", "maxclients", "77"); got != `"OK"` {
		t.Fatal(got)
	}
	if got := c.do("CONFIG", "REWRITE"); got != `"OK"` {
		t.Fatalf("CONFIG REWRITE: %s", got)
	}
	text, _ := os.ReadFile(conf)
	if !strings.Contains(string(text), "# keep this comment\nhz 42\n") || !strings.Contains(string(text), "maxclients 77") {
		t.Fatalf("rewritten config:\n%s", text)
	}
	if st, _ := os.Stat(conf); st.Mode().Perm() != 0o600 {
		t.Fatalf("rewrite changed the file mode to %v", st.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("temporary files left in %s: %v", dir, entries)
	}
	// The rewritten file starts a server with the same settings.
	if _, err := parseArgs([]string{conf}); err != nil {
		t.Fatalf("rewritten file does not load: %v", err)
	}

	// Without a config file there is nothing to rewrite.
	q := startOpdis(t, "")
	if got := dial(t, q.addr).do("CONFIG", "REWRITE"); got != "(error) ERR The server is running without a config file" {
		t.Fatal(got)
	}
}

// TestConfigSetLoglevel checks the log follows CONFIG SET loglevel.
func TestConfigSetLoglevel(t *testing.T) {
	p := startOpdis(t, "")
	requireCommands(t, p.addr, "config")
	if strings.Contains(p.stdout.String(), "Accepted") {
		t.Fatal("verbose line logged at loglevel notice")
	}
	if got := dial(t, p.addr).do("CONFIG", "SET", "loglevel", "verbose"); got != `"OK"` {
		t.Fatal(got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(p.stdout.String(), "Accepted 127.0.0.1:") {
		if time.Now().After(deadline) {
			t.Fatalf("no verbose log after CONFIG SET loglevel verbose:\n%s", p.stdout)
		}
		dial(t, p.addr).do("MULTI")
		time.Sleep(50 * time.Millisecond)
	}
}

// TestCloseFromOutside covers connections the node closes on its own: an
// idle client past `timeout` (found by the cron, on a tick) and CLIENT KILL
// from another connection (the writer goroutine path).
func TestCloseFromOutside(t *testing.T) {
	p := startOpdis(t, "", "--timeout", "1", "--hz", "50")
	requireCommands(t, p.addr, "client")
	idle := dial(t, p.addr)
	idle.do("MULTI")
	start := time.Now()
	idle.expectClosed()
	if el := time.Since(start); el < 900*time.Millisecond {
		t.Fatalf("idle client closed after %v, timeout is 1s", el)
	}

	victim := dial(t, p.addr)
	id := strings.TrimPrefix(victim.do("CLIENT", "ID"), "(integer) ")
	killer := dial(t, p.addr)
	if got := killer.do("CLIENT", "KILL", "ID", id); got != "(integer) 1" {
		t.Fatalf("CLIENT KILL: %s", got)
	}
	victim.expectClosed()
	if got := killer.do("MULTI"); got != `"OK"` {
		t.Fatal(got)
	}
}

// TestSlowReaderDoesNotStallOthers: a client that pipelines a lot and
// never reads its replies is held back by TCP flow control alone; the
// server keeps serving everyone else.
func TestSlowReaderDoesNotStallOthers(t *testing.T) {
	p := startOpdis(t, "")
	hog := dial(t, p.addr)
	chunk := strings.Repeat(cmd("MULTI")+cmd("DISCARD"), 10000)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			hog.nc.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))
			if _, err := hog.nc.Write([]byte(chunk)); err != nil {
				if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
					continue // the server stopped reading from us: expected
				}
				return
			}
		}
	}()
	time.Sleep(500 * time.Millisecond)
	other := dial(t, p.addr)
	for i := 0; i < 100; i++ {
		if got := other.do("MULTI"); got != `"OK"` {
			t.Fatal(got)
		}
		if got := other.do("DISCARD"); got != `"OK"` {
			t.Fatal(got)
		}
	}
	close(stop)
	<-done
}

// TestBigValues moves large bulk strings both ways.
func TestBigValues(t *testing.T) {
	p := startOpdis(t, "")
	requireCommands(t, p.addr, "set", "get", "strlen")
	c := dial(t, p.addr)
	big := strings.Repeat("0123456789abcdef", 1<<20) // 16 MiB
	go c.send(cmd("SET", "big", big))
	if got := c.reply(); got != `"OK"` {
		t.Fatal(got)
	}
	if got := c.do("STRLEN", "big"); got != "(integer) "+strconv.Itoa(len(big)) {
		t.Fatal(got)
	}
	c.send(cmd("GET", "big"))
	v, err := c.readReply(30 * time.Second)
	if err != nil || v.Str != big {
		t.Fatalf("GET big: err %v, len %d", err, len(v.Str))
	}
}
