package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"opdis/node"
)

func TestParseArgsOptions(t *testing.T) {
	cfg, err := parseArgs([]string{"--port", "7000", "--bind", "127.0.0.1", "::1", "--save", "900", "1", "300", "10",
		"--requirepass", "s3cret", "--protected-mode", "no", "--maxclients", "50", "--proto-max-bulk-len", "2mb",
		"--hz", "50", "--loglevel", "warning", "--logfile", "/tmp/x.log", "--enable-debug-command", "local",
		"--pidfile", "/tmp/x.pid", "--daemonize", "no", "--dir", "/tmp/d", "--Timeout", "30", "--hash-max-ziplist-entries", "64",
		"--latency-tracking-info-percentiles", "50", "99.5"})
	if err != nil {
		t.Fatal(err)
	}
	want := node.DefaultConfig()
	want.Port, want.Bind, want.Save = 7000, "127.0.0.1 ::1", "900 1 300 10"
	want.RequirePass, want.ProtectedMode, want.MaxClients, want.ProtoMaxBulkLen = "s3cret", false, 50, 2<<20
	want.Hz, want.LogLevel, want.LogFile, want.EnableDebugCmd = 50, "warning", "/tmp/x.log", "local"
	want.PidFile, want.Dir, want.Timeout, want.HashMaxLPEntries = "/tmp/x.pid", "/tmp/d", 30, 64
	want.LatencyPercentiles = "50 99.5" // a multi-argument option, as redis-server 7.0.15 takes it
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("got  %+v\nwant %+v", cfg, want)
	}
}

func TestParseArgsConfigFile(t *testing.T) {
	dir := t.TempDir()
	inc := filepath.Join(dir, "inc.conf")
	os.WriteFile(inc, []byte("hz 33\nsave 60 10000\n"), 0o644)
	conf := filepath.Join(dir, "a.conf")
	os.WriteFile(conf, []byte(`# comment
port 7001
   requirepass "pa ss\x21"
save 900 1
include `+inc+`
	loglevel verbose   
bind 127.0.0.1 -::1
`), 0o644)
	cfg, err := parseArgs([]string{conf, "--port", "7002", "--save", "10", "1"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 7002 || cfg.RequirePass != "pa ss!" || cfg.Hz != 33 || cfg.LogLevel != "verbose" ||
		cfg.Bind != "127.0.0.1 -::1" {
		t.Fatalf("%+v", cfg)
	}
	// File save lines accumulate (the first replaces the default); each
	// command-line --save line appends as it is read after the file.
	if cfg.Save != "900 1 60 10000 10 1" {
		t.Fatalf("save = %q", cfg.Save)
	}
	for args, want := range map[string]string{
		"--save|":               "",
		"--save":                "",
		"--save|3600|1|--save":  "",
		"--save|5|1|--save|6|2": "5 1 6 2",
	} {
		cfg, err := parseArgs(strings.Split(args, "|"))
		if err != nil || cfg.Save != want {
			t.Errorf("%s: save %q %v, want %q", args, cfg.Save, err, want)
		}
	}
}

// TestConfigErrorsLikeRedis compares the error report with a real
// redis-server's for the same bad arguments (every case fails before Redis
// would listen anywhere).
func TestConfigErrorsLikeRedis(t *testing.T) {
	redisServer, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatal("redis-server is not installed (make test installs it):", err)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "bad.conf")
	os.WriteFile(conf, []byte("# c\n\nport 0\nfoo bar\n"), 0o644)
	conf2 := filepath.Join(dir, "bad2.conf")
	os.WriteFile(conf2, []byte("port 0\nhz \"12\n"), 0o644)
	conf3 := filepath.Join(dir, "ok.conf")
	os.WriteFile(conf3, []byte("port 0\nhz 12\n"), 0o644)
	for _, args := range [][]string{
		{"--no-such-option", "1"},
		{"--port", "0", "--Hz", "abc"},
		{"--port", "1", "2"},
		{"--port"},
		{"--save", "900"},
		{"--save", "0", "1"},
		{"--save", "10", "x"},
		{"--maxmemory", "1x"},
		{"--protected-mode", "maybe"},
		{"--daemonize", "maybe"},
		{"--maxclients", "0"},
		{"--port", "70000"},
		{"--timeout", "-1"},
		{"--maxmemory", "-1"},
		{"--hash-max-listpack-entries", "-1"},
		{"--slowlog-max-len", "-1"},
		{"--maxmemory-policy", "lru"},
		{conf},
		{conf2},
		{conf3, "--port", "0", "--nope"},
		{conf3, "--dbfilename", "a", "b"},
	} {
		_, ours := parseArgs(args)
		if ours == nil {
			t.Errorf("%q: opdis accepted it", args)
			continue
		}
		out, err := exec.Command(redisServer, args...).CombinedOutput()
		if err == nil {
			t.Fatalf("%q: redis-server accepted it:\n%s", args, out)
		}
		theirs := string(out)
		if i := strings.Index(theirs, "Reading the configuration"); i >= 0 {
			theirs = theirs[i:]
		}
		mine := ours.Error()
		if i := strings.Index(mine, "Reading the configuration"); i >= 0 {
			mine = mine[i:]
		}
		if strings.TrimSpace(mine) != strings.TrimSpace(theirs) {
			t.Errorf("%q:\nopdis:\n%s\nredis:\n%s", args, mine, theirs)
		}
	}
}

func TestProtectedDenied(t *testing.T) {
	tcp := func(ip string) net.Addr { return &net.TCPAddr{IP: net.ParseIP(ip), Port: 5000} }
	unix := &net.UnixAddr{Name: "/tmp/s.sock", Net: "unix"}
	for _, tc := range []struct {
		protected bool
		pass      string
		peer      net.Addr
		denied    bool
	}{
		{true, "", tcp("127.0.0.1"), false},
		{true, "", tcp("::1"), false},
		{true, "", tcp("::ffff:127.0.0.1"), false}, // IPv4-mapped loopback prints as 127.0.0.1
		{true, "", tcp("10.1.2.3"), true},
		{true, "", tcp("127.0.0.2"), true}, // Redis compares the text with 127.0.0.1 only
		{true, "", tcp("fe80::1"), true},
		{true, "", unix, false},
		{true, "pw", tcp("10.1.2.3"), false},
		{false, "", tcp("10.1.2.3"), false},
	} {
		if got := protectedDenied(tc.protected, tc.pass, tc.peer); got != tc.denied {
			t.Errorf("protected=%v pass=%q peer=%v: denied=%v, want %v", tc.protected, tc.pass, tc.peer, got, tc.denied)
		}
	}
	if !strings.HasPrefix(deniedReply, "-DENIED Redis is running in protected mode") || !strings.HasSuffix(deniedReply, "outside.\r\n") {
		t.Fatal("DENIED reply text")
	}
}

func TestBindAddrs(t *testing.T) {
	got := bindAddrs("* -::* 127.0.0.1 localhost ::1", 6379)
	want := []listenAddr{
		{"tcp4", "0.0.0.0:6379", false},
		{"tcp6", "[::]:6379", true},
		{"tcp4", "127.0.0.1:6379", false},
		{"tcp", "localhost:6379", false},
		{"tcp6", "[::1]:6379", false},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
}
