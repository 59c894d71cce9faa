package node

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// infoFields parses an INFO reply into section → field → value.
func infoFields(t *testing.T, s string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	var cur map[string]string
	for _, line := range strings.Split(s, "\r\n") {
		switch {
		case line == "":
		case strings.HasPrefix(line, "# "):
			cur = map[string]string{}
			out[line[2:]] = cur
		default:
			k, v, ok := strings.Cut(line, ":")
			if !ok || cur == nil {
				t.Fatalf("bad INFO line %q", line)
			}
			cur[k] = v
		}
	}
	return out
}

func sectionNames(s string) []string {
	var names []string
	for _, line := range strings.Split(s, "\r\n") {
		if strings.HasPrefix(line, "# ") {
			names = append(names, line[2:])
		}
	}
	return names
}

func TestInfoSections(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	def := "Server Clients Memory Persistence Stats Replication CPU Modules Errorstats Cluster Keyspace"
	all := "Server Clients Memory Persistence Stats Replication CPU Modules Commandstats Errorstats Latencystats Cluster Keyspace Oplog"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, def},
		{[]string{"default"}, def},
		{[]string{"all"}, all},
		{[]string{"everything"}, all},
		{[]string{"KEYSPACE", "server"}, "Server Keyspace"},
		{[]string{"commandstats"}, "Commandstats"},
		{[]string{"cpu"}, "CPU"},
		{[]string{"oplog"}, "Oplog"}, // opdis's, only when asked for
		{[]string{"nosuch"}, ""},
		{[]string{"default", "commandstats"}, all[:len(all)-len(" Errorstats Latencystats Cluster Keyspace Oplog")] + " Errorstats Cluster Keyspace"},
	} {
		v := tn.do(id, append([]string{"INFO"}, tc.args...)...)
		if got := strings.Join(sectionNames(v.Str), " "); got != tc.want {
			t.Errorf("INFO %v sections = %q, want %q", tc.args, got, tc.want)
		}
	}
	// Exact framing: sections separated by an empty line, lines end in CRLF.
	v := tn.do(id, "INFO", "cluster", "modules")
	if v.Str != "# Modules\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n" {
		t.Errorf("INFO framing %q", v.Str)
	}
	if v := tn.do(id, "INFO", "foo"); v.Str != "" || v.Null {
		t.Errorf("INFO foo = %v", v)
	}
}

func TestInfoFields(t *testing.T) {
	tn := newTestNode(t)
	tn.SetServerInfo(ServerInfo{ProcessID: 4242, TCPPort: 7777, Executable: "/usr/bin/opdis-server",
		ConfigFile: "/etc/opdis.conf", OS: "Linux 6.1 x86_64"})
	id := tn.connect()
	tn.connect()
	db0 := tn.DB(0)
	tn.setKey(db0, []byte("a"), newStringObject([]byte("1")), false)
	tn.setKey(db0, []byte("b"), newStringObject([]byte("2")), false)
	tn.setExpire(db0, []byte("b"), tn.nowMs()+100000)
	tn.setKey(tn.DB(3), []byte("c"), newStringObject([]byte("3")), false)
	tn.do(id, "PING")
	tn.do(id, "CONFIG", "GET", "hz")
	tn.do(id, "CONFIG", "GET")
	tn.do(id, "SUBSCRIBE", "x")
	tn.do(id, "PSUBSCRIBE", "y*")
	tn.advance(3 * time.Second)

	info := infoFields(t, tn.do(tn.connect(), "INFO", "everything").Str)
	check := func(sec, field, want string) {
		t.Helper()
		if got, ok := info[sec][field]; !ok || got != want {
			t.Errorf("%s %s = %q (present %v), want %q", sec, field, got, ok, want)
		}
	}
	check("Server", "redis_version", "7.0.15")
	check("Server", "redis_mode", "standalone")
	check("Server", "os", "Linux 6.1 x86_64")
	check("Server", "arch_bits", "64")
	check("Server", "process_id", "4242")
	check("Server", "tcp_port", "7777")
	check("Server", "executable", "/usr/bin/opdis-server")
	check("Server", "config_file", "/etc/opdis.conf")
	check("Server", "uptime_in_seconds", "3")
	check("Server", "uptime_in_days", "0")
	check("Server", "hz", "10")
	check("Server", "configured_hz", "10")
	check("Server", "opdis_version", Version)
	if rid := info["Server"]["run_id"]; len(rid) != 40 || strings.Trim(rid, "0123456789abcdef") != "" {
		t.Errorf("run_id %q", rid)
	}
	check("Clients", "connected_clients", "3")
	check("Clients", "blocked_clients", "0")
	check("Clients", "maxclients", "10000")
	check("Memory", "maxmemory", "0")
	check("Memory", "maxmemory_human", "0B")
	check("Memory", "maxmemory_policy", "noeviction")
	if _, err := strconv.ParseInt(info["Memory"]["used_memory"], 10, 64); err != nil {
		t.Errorf("used_memory %q", info["Memory"]["used_memory"])
	}
	check("Persistence", "loading", "0")
	check("Persistence", "rdb_bgsave_in_progress", "0")
	check("Persistence", "aof_enabled", "0")
	check("Persistence", "rdb_changes_since_last_save", strconv.FormatInt(tn.dirty, 10))
	check("Persistence", "rdb_last_save_time", "1700000000")
	check("Stats", "total_connections_received", "3")
	check("Stats", "pubsub_channels", "1")
	check("Stats", "pubsub_patterns", "1")
	check("Stats", "rejected_connections", "0")
	check("Stats", "total_error_replies", "1") // CONFIG GET without a pattern
	check("Replication", "role", "master")
	check("Replication", "connected_slaves", "0")
	check("Replication", "master_repl_offset", "0")
	if len(info["Replication"]["master_replid"]) != 40 {
		t.Errorf("master_replid %q", info["Replication"]["master_replid"])
	}
	check("Commandstats", "cmdstat_ping", "calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0")
	check("Commandstats", "cmdstat_config|get", "calls=1,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0")
	if _, ok := info["Commandstats"]["cmdstat_config"]; ok {
		t.Error("container CONFIG has its own commandstats line")
	}
	check("Cluster", "cluster_enabled", "0")
	check("Keyspace", "db0", "keys=2,expires=1,avg_ttl=0")
	check("Keyspace", "db3", "keys=1,expires=0,avg_ttl=0")
	if _, ok := info["Keyspace"]["db1"]; ok {
		t.Error("empty db1 listed")
	}
}

func TestBytesToHuman(t *testing.T) {
	for n, want := range map[int64]string{0: "0B", 1023: "1023B", 1024: "1.00K", 1015264: "991.47K",
		6897664: "6.58M", 25276026880: "23.54G"} {
		if got := bytesToHuman(n); got != want {
			t.Errorf("bytesToHuman(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestConfigGet(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.want(id, `["maxmemory", "0"]`, "CONFIG", "GET", "maxmemory")
	tn.want(id, `["maxmemory", "0", "hz", "10"]`, "CONFIG", "GET", "maxmemory", "hz")
	tn.want(id, `["maxmemory", "0"]`, "CONFIG", "GET", "maxmemory", "maxmemory")
	tn.want(id, `[]`, "CONFIG", "GET", "nonexist")
	tn.want(id, `["HZ", "10"]`, "CONFIG", "GET", "HZ")
	tn.want(id, `["hz", "10"]`, "CONFIG", "GET", "hz", "HZ")
	tn.want(id, `["HZ", "10"]`, "CONFIG", "GET", "HZ", "h?")
	tn.want(id, `["hz", "10"]`, "CONFIG", "GET", "h?")
	tn.want(id, `["slave-read-only", "yes"]`, "CONFIG", "GET", "slave-read-only")
	// A glob reports an option under both its names.
	if v := tn.do(id, "CONFIG", "GET", "*-read-only"); len(v.Elems) != 4 {
		t.Errorf("CONFIG GET *-read-only = %v", v)
	}
	tn.want(id, "(error) ERR wrong number of arguments for 'config|get' command", "CONFIG", "GET")
	tn.want(id, "(error) ERR unknown subcommand 'foo'. Try CONFIG HELP.", "CONFIG", "foo")
	tn.want(id, "(error) ERR wrong number of arguments for 'config' command", "CONFIG")
	if v := tn.do(id, "CONFIG", "HELP"); len(v.Elems) != 11 || v.Elems[1].Str != "GET <pattern>" {
		t.Errorf("CONFIG HELP = %v", v)
	}
}

func TestConfigSet(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	failed := func(arg, msg string) string {
		return "(error) ERR CONFIG SET failed (possibly related to argument '" + arg + "') - " + msg
	}
	tn.want(id, "(error) ERR wrong number of arguments for 'config|set' command", "CONFIG", "SET", "hz")
	tn.want(id, "(error) ERR syntax error", "CONFIG", "SET", "hz", "11", "port")
	tn.want(id, "(error) ERR Unknown option or number of arguments for CONFIG SET - 'foo'", "CONFIG", "SET", "foo", "bar")
	tn.want(id, "(error) ERR Unknown option or number of arguments for CONFIG SET - 'foo'", "CONFIG", "SET", "hz", "10", "foo", "11")
	tn.want(id, "(error) ERR Unknown option or number of arguments for CONFIG SET - 'foo'", "CONFIG", "SET", "foo", "bar", "daemonize", "yes")
	tn.want(id, failed("daemonize", "can't set immutable config"), "CONFIG", "SET", "daemonize", "yes", "foo", "bar")
	tn.want(id, failed("DAEMONIZE", "can't set immutable config"), "CONFIG", "SET", "DAEMONIZE", "yes")
	tn.want(id, failed("hz", "argument couldn't be parsed into an integer"), "CONFIG", "SET", "HZ", "abc")
	tn.want(id, failed("HZ", "duplicate parameter"), "CONFIG", "SET", "hz", "10", "HZ", "11")
	tn.want(id, failed("appendonly", "argument must be 'yes' or 'no'"), "CONFIG", "SET", "appendonly", "maybe")
	tn.want(id, failed("maxmemory", "argument must be a memory value"), "CONFIG", "SET", "maxmemory", "-1")

	tn.want(id, `"OK"`, "CONFIG", "SET", "maxmemory", "1gb", "maxmemory-policy", "allkeys-lru")
	tn.want(id, `["maxmemory", "1073741824"]`, "CONFIG", "GET", "maxmemory")
	tn.want(id, `["maxmemory-policy", "allkeys-lru"]`, "CONFIG", "GET", "maxmemory-policy")
	// A rejected value rolls back the values set before it.
	tn.want(id, failed("maxmemory-policy", "argument(s) must be one of the following: volatile-lru, volatile-lfu, "+
		"volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"),
		"CONFIG", "SET", "maxmemory", "5mb", "maxmemory-policy", "foo")
	tn.want(id, `["maxmemory", "1073741824"]`, "CONFIG", "GET", "maxmemory")
	// An option and its alias count as different names.
	tn.want(id, `"OK"`, "CONFIG", "SET", "slave-read-only", "no", "replica-read-only", "yes")
	tn.want(id, `["replica-read-only", "yes"]`, "CONFIG", "GET", "replica-read-only")
	tn.want(id, `"OK"`, "CONFIG", "SET", "loglevel", "DEBUG")
	tn.want(id, `["loglevel", "debug"]`, "CONFIG", "GET", "loglevel")
}

func TestConfigResetStatAndRewrite(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.do(id, "PING")
	tn.do(id, "CONFIG", "GET", "hz")
	tn.want(id, `"OK"`, "CONFIG", "RESETSTAT")
	info := infoFields(t, tn.do(id, "INFO", "commandstats", "stats").Str)
	if _, ok := info["Commandstats"]["cmdstat_ping"]; ok {
		t.Error("RESETSTAT kept cmdstat_ping")
	}
	if got := info["Stats"]["total_connections_received"]; got != "0" {
		t.Errorf("total_connections_received = %s", got)
	}
	tn.want(id, "(error) ERR wrong number of arguments for 'config|resetstat' command", "CONFIG", "RESETSTAT", "x")

	tn.want(id, "(error) ERR The server is running without a config file", "CONFIG", "REWRITE")
	tn.SetServerInfo(ServerInfo{ConfigFile: "/etc/opdis.conf"})
	calls := 0
	tn.RewriteConfig = func() error { calls++; return nil }
	tn.want(id, `"OK"`, "CONFIG", "REWRITE")
	tn.RewriteConfig = func() error { return errors.New("Permission denied") }
	tn.want(id, "(error) ERR Rewriting config file: Permission denied", "CONFIG", "REWRITE")
	if calls != 1 {
		t.Errorf("RewriteConfig called %d times", calls)
	}
}

func TestRewriteConfigText(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.want(id, `"OK"`, "CONFIG", "SET", "maxmemory", "100mb", "hz", "10", "save", "900 1 300 10")
	// dbfilename is a protected config: only the command line or file sets it.
	tn.want(id, "(error) ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config", "CONFIG", "SET", "dbfilename", "x")
	if err := tn.Config().Set("dbfilename", "my dump.rdb", true); err != nil {
		t.Fatal(err)
	}
	tn.want(id, `"OK"`, "CONFIG", "SET", "requirepass", `a"b c`)
	old := "# my config\nport 6379\nhz 20\nhz 30\nmaxmemory-policy noeviction\nsave 60 1\nunknown-option x\n"
	got := tn.RewriteConfigText(old)
	want := "# my config\nport 6379\nhz 10\n\nmaxmemory-policy noeviction\nsave 900 1\nunknown-option x\n\n" +
		"# Generated by CONFIG REWRITE\ndbfilename \"my dump.rdb\"\nmaxmemory 100mb\nrequirepass \"a\\\"b c\"\nsave 300 10\n"
	if got != want {
		t.Errorf("RewriteConfigText:\n%s\nwant:\n%s", got, want)
	}
	// Rewriting the result again is stable.
	if again := tn.RewriteConfigText(got); again != got {
		t.Errorf("second rewrite differs:\n%s", again)
	}
}

func TestClientBasics(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.want(id, "(integer) "+strconv.FormatInt(id, 10), "CLIENT", "ID")
	tn.want(id, "(error) ERR wrong number of arguments for 'client|id' command", "CLIENT", "ID", "x")
	tn.want(id, `(nil)`, "CLIENT", "GETNAME")
	tn.want(id, "(error) ERR Client names cannot contain spaces, newlines or special characters.", "CLIENT", "SETNAME", "a b")
	tn.want(id, "(error) ERR Client names cannot contain spaces, newlines or special characters.", "CLIENT", "SETNAME", "é")
	tn.want(id, `"OK"`, "CLIENT", "SETNAME", "worker-1")
	tn.want(id, `"worker-1"`, "CLIENT", "GETNAME")
	tn.want(id, `"OK"`, "CLIENT", "SETNAME", "")
	tn.want(id, `(nil)`, "CLIENT", "GETNAME")
	tn.want(id, "(error) ERR unknown subcommand 'no-touch'. Try CLIENT HELP.", "CLIENT", "no-touch", "on")
	tn.want(id, "(error) ERR unknown subcommand 'foo'. Try CLIENT HELP.", "CLIENT", "foo")
	tn.want(id, `"OK"`, "CLIENT", "NO-EVICT", "ON")
	tn.want(id, "(error) ERR syntax error", "CLIENT", "NO-EVICT", "maybe")
	tn.want(id, "(error) ERR timeout is not an integer or out of range", "CLIENT", "PAUSE", "abc")
	tn.want(id, "(error) ERR timeout is negative", "CLIENT", "PAUSE", "-1")
	tn.want(id, "(error) ERR CLIENT PAUSE mode must be WRITE or ALL", "CLIENT", "PAUSE", "10", "foo")
	tn.want(id, "(error) ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.",
		"CLIENT", "pause", "0", "write", "extra")
	tn.want(id, `"OK"`, "CLIENT", "PAUSE", "0", "ALL")
	tn.want(id, `"OK"`, "CLIENT", "UNPAUSE")
	tn.want(id, `"OK"`, "CLIENT", "REPLY", "on")
	tn.want(id, "(error) ERR syntax error", "CLIENT", "REPLY", "foo")
	tn.want(id, "(integer) -1", "CLIENT", "GETREDIR")
	tn.want(id, `["flags", ["off"], "redirect", (integer) -1, "prefixes", []]`, "CLIENT", "TRACKINGINFO")
	tn.want(id, "(error) ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
		"CLIENT", "CACHING", "yes")
	if v := tn.do(id, "CLIENT", "HELP"); len(v.Elems) != 48 || v.Elems[0].Str != "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:" {
		t.Errorf("CLIENT HELP = %d lines", len(v.Elems))
	}
}

func TestClientList(t *testing.T) {
	tn := newTestNode(t)
	a := tn.Connect("127.0.0.1:50001", "127.0.0.1:6379")
	b := tn.Connect("/tmp/redis.sock:0", "/tmp/redis.sock:0")
	tn.want(b, `"OK"`, "CLIENT", "SETNAME", "bee")
	tn.do(b, "SUBSCRIBE", "x")
	tn.advance(2 * time.Second)
	list := tn.do(a, "CLIENT", "LIST").Str
	lines := strings.Split(strings.TrimSuffix(list, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("CLIENT LIST:\n%s", list)
	}
	wantA := "id=1 addr=127.0.0.1:50001 laddr=127.0.0.1:6379 fd=-1 name= age=2 idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 "
	if !strings.HasPrefix(lines[0], wantA) {
		t.Errorf("line a:\n%s\nwant prefix\n%s", lines[0], wantA)
	}
	if !strings.Contains(lines[0], " argv-mem=10 ") || !strings.HasSuffix(lines[0], " cmd=client|list user=default redir=-1 resp=2") {
		t.Errorf("line a: %s", lines[0])
	}
	wantB := "id=2 addr=/tmp/redis.sock:0 laddr=/tmp/redis.sock:0 fd=-1 name=bee age=2 idle=2 flags=PU db=0 sub=1 psub=0 ssub=0 multi=-1 "
	if !strings.HasPrefix(lines[1], wantB) || !strings.Contains(lines[1], " argv-mem=0 ") ||
		!strings.HasSuffix(lines[1], " cmd=subscribe user=default redir=-1 resp=2") {
		t.Errorf("line b:\n%s\nwant prefix\n%s", lines[1], wantB)
	}
	fields := strings.Fields(lines[0])
	var names []string
	for _, f := range fields {
		names = append(names, f[:strings.IndexByte(f, '=')])
	}
	if got := strings.Join(names, " "); got != "id addr laddr fd name age idle flags db sub psub ssub multi qbuf "+
		"qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp" {
		t.Errorf("fields %s", got)
	}

	if v := tn.do(a, "CLIENT", "LIST", "TYPE", "pubsub").Str; !strings.HasPrefix(v, "id=2 ") || strings.Count(v, "\n") != 1 {
		t.Errorf("TYPE pubsub: %q", v)
	}
	if v := tn.do(a, "CLIENT", "LIST", "type", "Normal").Str; !strings.HasPrefix(v, "id=1 ") || strings.Count(v, "\n") != 1 {
		t.Errorf("TYPE normal: %q", v)
	}
	tn.want(a, `""`, "CLIENT", "LIST", "TYPE", "master")
	tn.want(a, `""`, "CLIENT", "LIST", "TYPE", "replica")
	tn.want(a, `""`, "CLIENT", "LIST", "TYPE", "slave")
	tn.want(a, "(error) ERR Unknown client type 'foo'", "CLIENT", "LIST", "TYPE", "foo")
	if v := tn.do(a, "CLIENT", "LIST", "ID", "2", "99", "2").Str; strings.Count(v, "id=2 ") != 2 || strings.Count(v, "\n") != 2 {
		t.Errorf("ID 2 99 2: %q", v)
	}
	tn.want(a, "(error) ERR Invalid client ID", "CLIENT", "LIST", "ID", "abc")
	tn.want(a, "(error) ERR syntax error", "CLIENT", "LIST", "foo")
	tn.want(a, "(error) ERR syntax error", "CLIENT", "LIST", "TYPE")
	tn.want(a, "(error) ERR syntax error", "CLIENT", "LIST", "ID")
	tn.want(a, "(error) ERR syntax error", "CLIENT", "LIST", "TYPE", "normal", "extra")

	info := tn.do(a, "CLIENT", "INFO").Str
	if !strings.HasPrefix(info, "id=1 ") || !strings.HasSuffix(info, " cmd=client|info user=default redir=-1 resp=2\n") {
		t.Errorf("CLIENT INFO %q", info)
	}
	tn.want(a, `"OK"`, "MULTI")
	tn.want(a, `"QUEUED"`, "PING")
	tn.want(a, `"QUEUED"`, "CLIENT", "INFO")
	v := tn.do(a, "EXEC")
	if s := v.Elems[1].Str; !strings.Contains(s, " flags=N ") || !strings.Contains(s, " multi=-1 ") {
		t.Errorf("CLIENT INFO in EXEC: %s", s)
	}
}

func TestClientKill(t *testing.T) {
	tn := newTestNode(t)
	a := tn.Connect("127.0.0.1:50001", "127.0.0.1:6379")
	b := tn.Connect("127.0.0.1:50002", "127.0.0.1:6379")
	c := tn.Connect("127.0.0.1:50003", "127.0.0.1:6380")
	tn.want(a, "(error) ERR wrong number of arguments for 'client|kill' command", "CLIENT", "KILL")
	tn.want(a, "(error) ERR No such client", "CLIENT", "KILL", "1.2.3.4:5")
	tn.want(a, "(error) ERR No such client", "CLIENT", "KILL", "id")
	tn.want(a, "(error) ERR syntax error", "CLIENT", "KILL", "1.2.3.4:5", "x")
	tn.want(a, "(integer) 0", "CLIENT", "KILL", "ID", "9999")
	tn.want(a, "(error) ERR client-id should be greater than 0", "CLIENT", "KILL", "ID", "abc")
	tn.want(a, "(error) ERR client-id should be greater than 0", "CLIENT", "KILL", "ID", "0")
	tn.want(a, "(error) ERR Unknown client type 'foo'", "CLIENT", "KILL", "TYPE", "foo")
	tn.want(a, "(error) ERR syntax error", "CLIENT", "KILL", "foo", "bar")
	tn.want(a, "(error) ERR syntax error", "CLIENT", "KILL", "SKIPME", "maybe")
	tn.want(a, "(error) ERR syntax error", "CLIENT", "KILL", "MAXAGE", "10")
	tn.want(a, "(error) ERR No such user 'nobody'", "CLIENT", "KILL", "USER", "nobody")
	tn.want(a, "(integer) 0", "CLIENT", "KILL", "TYPE", "pubsub")

	// The old form kills by address and replies OK.
	tn.Feed(b, []byte("*2\r\n$9\r\nSUBSCRIBE\r\n$1\r\nx\r\n"))
	tn.want(a, `"OK"`, "CLIENT", "KILL", "127.0.0.1:50002")
	if p := tn.Pending(); len(p) != 1 || p[0] != b {
		t.Fatalf("Pending = %v", p)
	}
	if out, closeConn := tn.TakeOutput(b, nil); !closeConn || len(out) != 0 {
		t.Fatalf("killed client: out %q close %v", out, closeConn)
	}
	tn.want(a, "(integer) 0", "PUBLISH", "x", "m")

	// New form: filters combine; SKIPME defaults to yes.
	tn.want(a, "(integer) 0", "CLIENT", "KILL", "LADDR", "127.0.0.1:6380", "ID", strconv.FormatInt(a, 10))
	tn.want(a, "(integer) 1", "CLIENT", "KILL", "LADDR", "127.0.0.1:6380", "USER", "default")
	if _, closeConn := tn.TakeOutput(c, nil); !closeConn {
		t.Fatal("c not closed")
	}
	tn.want(a, "(integer) 0", "CLIENT", "KILL", "TYPE", "normal")
	// SKIPME no: the caller gets its reply, then the connection closes.
	tn.Feed(a, []byte("*4\r\n$6\r\nCLIENT\r\n$4\r\nKILL\r\n$6\r\nSKIPME\r\n$2\r\nno\r\n"))
	out, closeConn := tn.TakeOutput(a, nil)
	if string(out) != ":1\r\n" || !closeConn {
		t.Fatalf("self kill: %q %v", out, closeConn)
	}
}

// addBlockingTestCommand registers TBLOCK key…: parks until a key is
// signalled (a stand-in for BLPOP in this family's tests).
func addBlockingTestCommand(tn *tnode) {
	tn.commands["tblock"] = &Command{Name: "tblock", Arity: -2, Flags: FlagBlocking, FirstKey: 1, LastKey: -1, Step: 1,
		Fn: func(n *Node, c *Client, args [][]byte) {
			if !c.canBlock() {
				c.addNullArray()
				return
			}
			n.block(c, args[1:], 0)
		}}
}

func TestClientUnblock(t *testing.T) {
	tn := newTestNode(t)
	addBlockingTestCommand(tn)
	a, b := tn.connect(), tn.connect()
	tn.want(b, "(error) ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR", "CLIENT", "UNBLOCK", "abc", "foo")
	tn.want(b, "(error) ERR value is not an integer or out of range", "CLIENT", "UNBLOCK", "abc")
	tn.want(b, "(error) ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.",
		"CLIENT", "UNBLOCK", "1", "2", "3")
	tn.want(b, "(integer) 0", "CLIENT", "UNBLOCK", "999")
	tn.want(b, "(integer) 0", "CLIENT", "UNBLOCK", strconv.FormatInt(a, 10)) // not blocked

	// Blocked, with a pipelined PING behind the blocking command.
	tn.Feed(a, []byte("*2\r\n$6\r\nTBLOCK\r\n$1\r\nk\r\n*1\r\n$4\r\nPING\r\n"))
	if out, _ := tn.TakeOutput(a, nil); len(out) != 0 {
		t.Fatalf("blocked client replied %q", out)
	}
	if info := infoFields(t, tn.do(b, "INFO", "clients").Str); info["Clients"]["blocked_clients"] != "1" {
		t.Errorf("blocked_clients = %s", info["Clients"]["blocked_clients"])
	}
	if v := tn.do(b, "CLIENT", "LIST", "ID", strconv.FormatInt(a, 10)).Str; !strings.Contains(v, " flags=b ") {
		t.Errorf("blocked client flags: %s", v)
	}
	tn.want(b, "(integer) 1", "CLIENT", "UNBLOCK", strconv.FormatInt(a, 10))
	if p := tn.Pending(); len(p) != 1 || p[0] != a {
		t.Fatalf("Pending = %v", p)
	}
	if got := tn.render(a); got != `(nil) "PONG"` {
		t.Errorf("unblocked client got %s", got)
	}

	tn.Feed(a, []byte("*2\r\n$6\r\nTBLOCK\r\n$1\r\nk\r\n"))
	tn.want(b, "(integer) 1", "CLIENT", "UNBLOCK", strconv.FormatInt(a, 10), "ERROR")
	if got := tn.render(a); got != "(error) UNBLOCKED client unblocked via CLIENT UNBLOCK" {
		t.Errorf("unblocked client got %s", got)
	}
	if tn.BlockedClients() != 0 {
		t.Error("still blocked")
	}
}

func TestCommandIntrospection(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.want(id, "(integer) "+strconv.Itoa(len(tn.commands)), "COMMAND", "COUNT")
	tn.want(id, "(error) ERR wrong number of arguments for 'command|count' command", "COMMAND", "COUNT", "x")
	tn.want(id, `[["ping", (integer) -1, ["fast"], (integer) 0, (integer) 0, (integer) 0, ["@fast", "@connection"], `+
		`["request_policy:all_shards", "response_policy:all_succeeded"], [], []]]`, "COMMAND", "INFO", "PING")
	tn.want(id, `[["quit", (integer) -1, ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"], `+
		`(integer) 0, (integer) 0, (integer) 0, ["@fast", "@connection"], [], [], []], (nil)]`, "COMMAND", "INFO", "quit", "nosuch")
	tn.want(id, `[["config|get", (integer) -3, ["admin", "noscript", "loading", "stale"], (integer) 0, (integer) 0, `+
		`(integer) 0, ["@admin", "@slow", "@dangerous"], [], [], []]]`, "COMMAND", "INFO", "CONFIG|get")
	v := tn.do(id, "COMMAND", "INFO", "memory")
	if subs := v.Elems[0].Elems[9].Elems; len(subs) != 6 {
		t.Errorf("memory subcommands: %v", v)
	}
	if all := tn.do(id, "COMMAND"); len(all.Elems) != len(tn.commands) {
		t.Errorf("COMMAND: %d entries", len(all.Elems))
	}
	tn.want(id, `["config", "config|get", "config|help", "config|resetstat", "config|rewrite", "config|set"]`,
		"COMMAND", "LIST", "FILTERBY", "PATTERN", "CONFIG*")
	tn.want(id, `[]`, "COMMAND", "LIST", "FILTERBY", "MODULE", "foo")
	tn.want(id, `["psubscribe", "publish", "pubsub|channels", "pubsub|numpat", "pubsub|numsub", "pubsub|shardchannels", `+
		`"pubsub|shardnumsub", "punsubscribe", "subscribe", "unsubscribe"]`,
		"COMMAND", "LIST", "FILTERBY", "ACLCAT", "PubSub")
	tn.want(id, "(error) ERR syntax error", "COMMAND", "LIST", "FILTERBY", "foo", "bar")
	tn.want(id, "(error) ERR syntax error", "COMMAND", "LIST", "foo")
	tn.want(id, `["ping", ["summary", "Ping the server", "since", "1.0.0", "group", "connection", "complexity", "O(1)"]]`,
		"COMMAND", "DOCS", "ping", "nosuch")
	if v := tn.do(id, "COMMAND", "DOCS", "slowlog"); len(v.Elems[1].Elems) != 10 || v.Elems[1].Elems[8].Str != "subcommands" {
		t.Errorf("COMMAND DOCS slowlog = %v", v)
	}
	tn.want(id, "(error) ERR unknown subcommand 'foo'. Try COMMAND HELP.", "COMMAND", "foo")
	if v := tn.do(id, "COMMAND", "HELP"); len(v.Elems) != 21 {
		t.Errorf("COMMAND HELP %d lines", len(v.Elems))
	}
}

func TestCommandGetkeys(t *testing.T) {
	tn := newTestNode(t)
	tn.commands["mset"] = &Command{Name: "mset", Arity: -3, Flags: FlagWrite | FlagDenyOOM, FirstKey: 1, LastKey: -1, Step: 2}
	tn.commands["zunionstore"] = &Command{Name: "zunionstore", Arity: -4, Flags: FlagWrite | FlagDenyOOM | FlagMovableKeys, FirstKey: 1, LastKey: 1, Step: 1}
	tn.commands["eval"] = &Command{Name: "eval", Arity: -3, Flags: FlagNoScript | FlagMovableKeys}
	tn.commands["sort"] = &Command{Name: "sort", Arity: -2, Flags: FlagWrite | FlagDenyOOM | FlagMovableKeys, FirstKey: 1, LastKey: 1, Step: 1}
	id := tn.connect()
	tn.want(id, "(error) ERR wrong number of arguments for 'command|getkeys' command", "COMMAND", "GETKEYS", "ping")
	tn.want(id, `["a", "c"]`, "COMMAND", "GETKEYS", "MSET", "a", "b", "c", "d")
	tn.want(id, "(error) ERR Invalid number of arguments specified for command", "COMMAND", "GETKEYS", "mset", "a")
	tn.want(id, `["d", "a", "b"]`, "COMMAND", "GETKEYS", "zunionstore", "d", "2", "a", "b")
	tn.want(id, "(error) ERR Invalid arguments specified for command", "COMMAND", "GETKEYS", "zunionstore", "d", "5", "a", "b")
	tn.want(id, `[]`, "COMMAND", "GETKEYS", "eval", "return 1", "0")
	tn.want(id, `["k1"]`, "COMMAND", "GETKEYS", "eval", "return 1", "1", "k1", "arg")
	tn.want(id, `["a", "b"]`, "COMMAND", "GETKEYS", "sort", "a", "STORE", "b")
	tn.want(id, `["k"]`, "COMMAND", "GETKEYS", "memory", "usage", "k")
	tn.want(id, "(error) ERR Invalid number of arguments specified for command", "COMMAND", "GETKEYS", "memory", "usage")
	tn.want(id, "(error) ERR The command has no key arguments", "COMMAND", "GETKEYS", "config", "get")
	tn.want(id, "(error) ERR The command has no key arguments", "COMMAND", "GETKEYS", "Config", "get")
	tn.want(id, "(error) ERR Invalid command specified", "COMMAND", "GETKEYS", "config", "foo")
	tn.want(id, "(error) ERR Invalid command specified", "COMMAND", "GETKEYS", "config|get", "x")
	tn.want(id, "(error) ERR Invalid command specified", "COMMAND", "GETKEYS", "nosuch", "x")
}

// TestCommandGetkeysSpecs runs COMMAND GETKEYS(ANDFLAGS) over commands of
// other families, declared here from Redis's metadata (replies checked
// against redis-server 7.0.15).
func TestCommandGetkeysSpecs(t *testing.T) {
	tn := newTestNode(t)
	for name, m := range commandMeta {
		if _, ok := tn.commands[name]; !ok && !strings.Contains(name, "|") {
			tn.commands[name] = &Command{Name: name, Arity: m.arity, FirstKey: m.first, LastKey: m.last, Step: m.step,
				Flags: parseFlagNames(m.flags)}
		}
	}
	id := tn.connect()
	for _, tc := range []struct{ cmd, want string }{
		{"getkeysandflags set a b get", `[["a", ["RW", "access", "update"]]]`},
		{"getkeysandflags set a b", `[["a", ["OW", "update"]]]`},
		{"getkeysandflags bitfield k get u8 0", `[["k", ["RO", "access"]]]`},
		{"getkeysandflags bitfield k set u8 0 1", `[["k", ["RW", "access", "update"]]]`},
		{"getkeysandflags sort a store b", `[["a", ["RO", "access"]], ["b", ["OW", "update"]]]`},
		{"getkeysandflags sort a by store get store", `[["a", ["RO", "access"]]]`},
		{`getkeysandflags migrate h p "" 0 5 keys a b`, `[["a", ["RW", "access", "delete"]], ["b", ["RW", "access", "delete"]]]`},
		{"getkeysandflags migrate h p k 0 5", `[["k", ["RW", "access", "delete"]]]`},
		{"getkeysandflags migrate h p k 0 5 keys a", "(error) ERR Invalid arguments specified for command"},
		{"getkeysandflags xread count 2 streams a b 0 0", `[["a", ["RO", "access"]], ["b", ["RO", "access"]]]`},
		{"getkeysandflags zunionstore d 2 a b", `[["d", ["OW", "update"]], ["a", ["RO", "access"]], ["b", ["RO", "access"]]]`},
		{"getkeysandflags zunionstore d 3 a b", "(error) ERR Invalid arguments specified for command"},
		{"getkeysandflags eval x 2 a b", `[["a", ["RW", "access", "update"]], ["b", ["RW", "access", "update"]]]`},
		{"getkeys eval x abc a b", `[]`},
		{"getkeys zunion 2x a b", `["a", "b"]`},
		{"getkeys publish a b", "(error) ERR The command has no key arguments"},
		{"getkeys spublish a b", "(error) ERR The command has no key arguments"},
		{"getkeys georadius k 0 0 1 m store x storedist y", `["k", "x", "y"]`},
		{"getkeys blmpop 0 2 a b left", `["a", "b"]`},
		{"getkeys lmpop 3 a b left", `["a", "b", "left"]`},
		{"getkeys xread streams a", "(error) ERR Invalid number of arguments specified for command"},
		{"getkeys xread streams a b 0", `["a"]`},
		{"getkeys object encoding k", `["k"]`},
		{"getkeys object help", "(error) ERR The command has no key arguments"},
		{"getkeys copy a b db 1", `["a", "b"]`},
		{"getkeys bzpopmin a b 0", `["a", "b"]`},
	} {
		args := append([]string{"COMMAND"}, strings.Fields(tc.cmd)...)
		for i, a := range args {
			if a == `""` {
				args[i] = ""
			}
		}
		tn.want(id, tc.want, args...)
	}
	// COMMAND INFO shows Redis's key specs.
	tn.want(id, `[["memory|usage", (integer) -3, ["readonly"], (integer) 2, (integer) 2, (integer) 1, ["@read", "@slow"], [], `+
		`[["flags", ["RO"], "begin_search", ["type", "index", "spec", ["index", (integer) 2]], "find_keys", `+
		`["type", "range", "spec", ["lastkey", (integer) 0, "keystep", (integer) 1, "limit", (integer) 0]]]], []]]`,
		"COMMAND", "INFO", "memory|usage")
	v := tn.do(id, "COMMAND", "INFO", "xread")
	if got := v.Elems[0].Elems[8].String(); got != `[["flags", ["RO", "access"], "begin_search", ["type", "keyword", "spec", `+
		`["keyword", "STREAMS", "startfrom", (integer) 1]], "find_keys", ["type", "range", "spec", ["lastkey", (integer) -1, `+
		`"keystep", (integer) 1, "limit", (integer) 2]]]]` {
		t.Errorf("xread key specs %s", got)
	}
}

// TestOwnCommandTable checks this family's commands and subcommands
// against Redis 7.0.15's own description (commandMeta).
func TestOwnCommandTable(t *testing.T) {
	tn := newTestNode(t)
	var own []*Command
	for _, f := range [][]*Command{connectionCommands(), pubsubCommands(), serverCommands(), replicationCommands()} {
		own = append(own, f...)
	}
	for _, cmd := range own {
		cmd = tn.commands[cmd.Name]
		all := append([]*Command{cmd}, tn.subcommandsOf(cmd)...)
		for _, c := range all {
			m := commandMeta[c.Name]
			if m == nil {
				t.Errorf("%s: not a Redis 7.0 command", c.Name)
				continue
			}
			if c.Arity != m.arity || c.FirstKey != m.first || c.LastKey != m.last || c.Step != m.step {
				t.Errorf("%s: arity/keys %d %d %d %d, Redis %d %d %d %d", c.Name, c.Arity, c.FirstKey, c.LastKey, c.Step,
					m.arity, m.first, m.last, m.step)
			}
			if got := strings.Join(commandFlagNames(c), " "); got != m.flags {
				t.Errorf("%s: flags %q, Redis %q", c.Name, got, m.flags)
			}
		}
		if ct := tn.container(cmd.Name); ct != nil && len(ct.subs) != len(commandMeta[cmd.Name].subs) {
			var have []string
			for _, s := range ct.subs {
				have = append(have, s.Name)
			}
			t.Logf("%s: subcommands %v, Redis %v", cmd.Name, have, commandMeta[cmd.Name].subs)
		}
	}
}

func TestTimeLastsaveRole(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.clock.ns += 123456789
	tn.want(id, `["1700000000", "123456"]`, "TIME")
	tn.want(id, "(error) ERR wrong number of arguments for 'time' command", "TIME", "x")
	tn.want(id, "(integer) 1700000000", "LASTSAVE")
	tn.want(id, `["master", (integer) 0, []]`, "ROLE")
}

func TestShutdown(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  string
		save bool
	}{
		{[]string{"foo"}, "(error) ERR syntax error", false},
		{[]string{"abort"}, "(error) ERR No shutdown in progress.", false},
		{[]string{"nosave", "save"}, "(error) ERR syntax error", false},
		{[]string{"abort", "now"}, "(error) ERR syntax error", false},
		{nil, "", true},
		{[]string{"NOSAVE", "now", "force"}, "", false},
		{[]string{"save"}, "", true},
	} {
		tn := newTestNode(t)
		id := tn.connect()
		tn.Feed(id, []byte(strings.Join(append([]string{"SHUTDOWN"}, tc.args...), " ")+"\r\nPING\r\n"))
		got := tn.render(id)
		if tc.err != "" {
			got = strings.TrimSuffix(got, ` "PONG"`)
		}
		if got != tc.err || tn.ShutdownRequested() != (tc.err == "") {
			t.Errorf("SHUTDOWN %v: reply %q shutdown %v", tc.args, got, tn.ShutdownRequested())
		}
		if tc.err == "" && tn.ShutdownSave() != tc.save {
			t.Errorf("SHUTDOWN %v: save %v", tc.args, tn.ShutdownSave())
		}
	}
}

func TestDebug(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	refused := "(error) ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can " +
		"run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server."
	tn.want(id, refused, "DEBUG", "SLEEP", "0")
	tn.want(id, "(error) ERR wrong number of arguments for 'debug' command", "DEBUG")

	cfg := DefaultConfig()
	cfg.EnableDebugCmd = "local"
	tn = newTestNodeConfig(t, cfg)
	remote := tn.Connect("10.0.0.1:5000", "10.0.0.2:6379")
	tn.want(remote, refused, "DEBUG", "SLEEP", "0")
	id = tn.connect() // 127.0.0.1
	tn.want(id, `"OK"`, "DEBUG", "SLEEP", "0")
	tn.want(id, `"OK"`, "DEBUG", "sleep", "abc")
	tn.want(id, `"OK"`, "DEBUG", "SET-ACTIVE-EXPIRE", "0")
	if tn.cfg.ActiveExpire {
		t.Error("SET-ACTIVE-EXPIRE 0 left active expiry on")
	}
	tn.want(id, `"OK"`, "DEBUG", "SET-ACTIVE-EXPIRE", "2")
	if !tn.cfg.ActiveExpire {
		t.Error("SET-ACTIVE-EXPIRE 2 left active expiry off")
	}
	tn.want(id, "(error) ERR unknown subcommand or wrong number of arguments for 'set-active-expire'. Try DEBUG HELP.",
		"DEBUG", "set-active-expire")
	tn.want(id, "(error) ERR unknown subcommand or wrong number of arguments for 'jmap'. Try DEBUG HELP.", "DEBUG", "jmap")
	tn.want(id, "(error) hello", "DEBUG", "ERROR", "hello")
	tn.want(id, `"Hello World"`, "DEBUG", "PROTOCOL", "string")
	tn.want(id, `[(integer) 0, (integer) 0, (integer) 1, (integer) 1, (integer) 2, (integer) 0]`, "DEBUG", "PROTOCOL", "map")
	tn.want(id, `(nil)`, "DEBUG", "PROTOCOL", "null")
	tn.want(id, "(error) ERR RESP2 is not supported by this command", "DEBUG", "PROTOCOL", "push")
	if v := tn.do(id, "DEBUG", "HELP"); len(v.Elems) != 106 {
		t.Errorf("DEBUG HELP: %d lines", len(v.Elems))
	}
}

func TestSlowlogLatencyMemory(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.want(id, `[]`, "SLOWLOG", "GET")
	tn.want(id, `[]`, "SLOWLOG", "GET", "-1")
	tn.want(id, "(error) ERR count should be greater than or equal to -1", "SLOWLOG", "GET", "-2")
	tn.want(id, "(error) ERR count should be greater than or equal to -1", "SLOWLOG", "GET", "abc")
	tn.want(id, "(error) ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.", "SLOWLOG", "get", "1", "2")
	tn.want(id, "(integer) 0", "SLOWLOG", "LEN")
	tn.want(id, `"OK"`, "SLOWLOG", "RESET")
	tn.want(id, "(error) ERR wrong number of arguments for 'slowlog' command", "SLOWLOG")

	tn.want(id, `[]`, "LATENCY", "LATEST")
	tn.want(id, `[]`, "LATENCY", "HISTORY", "command")
	tn.want(id, "(integer) 0", "LATENCY", "RESET")
	tn.want(id, "(error) ERR No samples available for event 'command'", "LATENCY", "GRAPH", "command")
	tn.want(id, "(error) ERR wrong number of arguments for 'latency|history' command", "LATENCY", "HISTORY")
	tn.want(id, `[]`, "LATENCY", "HISTOGRAM", "ping")
	tn.do(id, "PING")
	tn.want(id, `["ping", ["calls", (integer) 1, "histogram_usec", [(integer) 1, (integer) 1]]]`, "LATENCY", "HISTOGRAM", "ping")

	tn.setKey(tn.DB(0), []byte("k"), newStringObject([]byte("v")), false)
	if v := tn.do(id, "MEMORY", "USAGE", "k"); v.Int < 40 || v.Int > 100 {
		t.Errorf("MEMORY USAGE k = %v", v)
	}
	tn.want(id, `(nil)`, "MEMORY", "USAGE", "nokey")
	tn.want(id, "(error) ERR syntax error", "MEMORY", "USAGE", "k", "samples")
	tn.want(id, "(error) ERR syntax error", "MEMORY", "USAGE", "k", "foo", "5")
	tn.want(id, "(error) ERR syntax error", "MEMORY", "USAGE", "k", "samples", "-1")
	tn.want(id, "(error) ERR value is not an integer or out of range", "MEMORY", "USAGE", "k", "samples", "abc")
	if v := tn.do(id, "MEMORY", "USAGE", "k", "SAMPLES", "0"); v.Int <= 0 {
		t.Errorf("MEMORY USAGE k SAMPLES 0 = %v", v)
	}
	tn.want(id, `"OK"`, "MEMORY", "PURGE")
	if v := tn.do(id, "MEMORY", "STATS"); len(v.Elems)%2 != 0 || v.Elems[0].Str != "peak.allocated" {
		t.Errorf("MEMORY STATS = %v", v)
	}
	if v := tn.do(id, "MEMORY", "DOCTOR"); !strings.HasPrefix(v.Str, "Hi Sam") {
		t.Errorf("MEMORY DOCTOR = %v", v)
	}
}

func TestSubcommandStats(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	tn.do(id, "COMMAND")
	tn.do(id, "COMMAND", "COUNT")
	tn.do(id, "COMMAND", "COUNT", "x")
	tn.do(id, "CLIENT", "KILL", "1.2.3.4:1")
	stats := infoFields(t, tn.do(id, "INFO", "commandstats").Str)["Commandstats"]
	for k, want := range map[string]string{
		"cmdstat_command":       "calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0",
		"cmdstat_command|count": "calls=1,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0",
		"cmdstat_client|kill":   "calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=1",
	} {
		if stats[k] != want {
			t.Errorf("%s = %q, want %q", k, stats[k], want)
		}
	}
	if _, ok := stats["cmdstat_client"]; ok {
		t.Error("bare container line for CLIENT")
	}
}

func TestDebugPopulate(t *testing.T) {
	cfg := DefaultConfig()
	cfg.EnableDebugCmd = "yes"
	tn := newTestNodeConfig(t, cfg)
	id := tn.connect()
	tn.do(id, "SET", "key:1", "mine")
	tn.want(id, `"OK"`, "DEBUG", "POPULATE", "3")
	tn.want(id, "(integer) 3", "DBSIZE")
	tn.want(id, `"mine"`, "GET", "key:1") // existing keys are skipped
	tn.want(id, `"value:2"`, "GET", "key:2")
	tn.want(id, `"OK"`, "DEBUG", "POPULATE", "2", "p", "9")
	tn.want(id, `"value:1\x00\x00"`, "GET", "p:1")
	tn.want(id, "(error) ERR value is out of range, must be positive", "DEBUG", "POPULATE", "-1")
}
