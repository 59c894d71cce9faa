// Command opdis-server is the production opdis binary: one node (package
// node) served over TCP with the real clock and OS randomness
// (package node/osenv), configured like redis-server.
//
// Usage mirrors redis-server:
//
//	opdis-server [/path/to/redis.conf] [--name value...]
//
// The config file holds `name value…` lines (# comments, quoting as in
// redis.conf, `include other.conf`); the --options are applied after it,
// in order, through the same option table CONFIG GET/SET use.
//
// # Networking: a plain net.Listener loop, not redcon
//
// The DESIGN names redcon for the real server. opdis does not use it for
// serving: the node already parses RESP from raw bytes (node.Feed) with
// Redis's exact protocol errors, inline commands, and proto-max-bulk-len,
// and the simulator feeds it the same way. redcon would be a second parser
// in front of it with different error texts and no proto-max-bulk-len
// check, and its parsed commands would have to be re-encoded to reach the
// node's parser.
//
// On Linux one goroutine serves every connection, as Redis's ae loop
// (eventloop_linux.go): epoll on non-blocking sockets, the node owned by
// that goroutine (no lock on the hot path), every ready socket read once
// per wakeup into one reused 16 KiB buffer (growing for big requests) and
// fed to the node, then every client with output (its own replies, or
// Pending output from others and from Tick) written directly; what the
// socket does not take waits for EPOLLOUT with that client's input paused.
// The epoll_wait timeout drives Tick (2 ms while a client is blocked); an
// eventfd wakes the loop to stop.
//
// Elsewhere (or with OPDIS_NETLOOP=goroutines) each connection gets one
// goroutine that reads bytes and, under the single server lock, calls
// Feed, TakeOutput and Pending, then writes the replies itself. Output the
// node produced for other connections is written by that connection's
// writer goroutine, woken through a one-slot channel; a per-connection
// write mutex held from TakeOutput to the end of the write keeps replies
// in order, and a ticker calls Tick. Accept checks, ticks and shutdown
// are shared by both (server.go: admit, tickOnce, stop).
package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"syscall"

	"opdis/node"
	"opdis/node/osenv"
)

// redisVersion is the Redis release whose behaviour opdis reproduces.
const redisVersion = node.RedisVersion

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `Usage: opdis-server [/path/to/redis.conf] [options]
       opdis-server - (read config from stdin)
       opdis-server -v or --version
       opdis-server -h or --help

Examples:
       opdis-server (run the server with default config)
       opdis-server /etc/redis/6379.conf
       opdis-server --port 7777
       opdis-server /etc/myredis.conf --loglevel verbose
       opdis-server --port 6380 --dir ./data --save ""
`

// run is the whole program; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) >= 1 {
		switch args[0] {
		case "-v", "--version":
			fmt.Fprintf(stdout, "opdis-server v=%s (Redis %s compatible) bits=%d\n", node.Version, redisVersion, strconv.IntSize)
			return 0
		case "-h", "--help":
			fmt.Fprint(stdout, usage)
			return 0
		}
	}
	stdinConfig := false
	if len(args) >= 1 && args[0] == "-" {
		// Config from stdin: hand it over as a temporary file.
		data, err := io.ReadAll(os.Stdin)
		if err != nil {
			fmt.Fprintf(stderr, "Fatal error, can't read config from stdin: %v\n", err)
			return 1
		}
		f, err := os.CreateTemp("", "opdis-stdin-*.conf")
		if err != nil {
			fmt.Fprintf(stderr, "Fatal error: %v\n", err)
			return 1
		}
		defer os.Remove(f.Name())
		f.Write(data)
		f.Close()
		args = append([]string{f.Name()}, args[1:]...)
		stdinConfig = true
	}
	cfg, err := parseArgs(args)
	if err != nil {
		fmt.Fprint(stderr, err.Error())
		if _, ok := err.(*fatalError); ok {
			fmt.Fprintln(stderr)
		}
		return 1
	}
	w, err := openLog(cfg.LogFile)
	if err != nil {
		fmt.Fprintf(stderr, "Can't open the log file: %s\n", errText(err))
		return 1
	}
	if f, ok := w.(*os.File); ok && f != os.Stdout {
		defer f.Close()
	}
	log := newLogger(w, cfg.LogLevel)
	log.warning("oO0OoO0OoO0Oo opdis is starting oO0OoO0OoO0Oo")
	log.warning("opdis version=%s (Redis %s compatible), bits=%d, pid=%d, just started", node.Version, redisVersion, strconv.IntSize, os.Getpid())
	confFile := ""
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' && !stdinConfig {
		confFile, _ = filepath.Abs(args[0])
	}
	if len(args) == 0 || args[0] == "" || args[0][0] == '-' {
		log.warning("Warning: no config file specified, using the default config. In order to specify a config file use %s /path/to/redis.conf", os.Args[0])
	} else {
		log.warning("Configuration loaded")
	}

	// The data directory: created if missing, kept as an absolute path
	// (the process does not chdir).
	dir, err := filepath.Abs(cfg.Dir)
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		log.warning("Can't create or use the data directory '%s': %v", cfg.Dir, err)
		return 1
	}
	cfg.Dir = dir

	if cfg.PidFile != "" {
		if err := os.WriteFile(cfg.PidFile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
			log.warning("Failed to write PID file: %v", err)
		} else {
			defer os.Remove(cfg.PidFile)
		}
	}

	// OPDIS_CPUPROFILE=file profiles the whole run (for scripts/bench.sh work).
	if path := os.Getenv("OPDIS_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)

	env, err := osenv.Env(dir)
	if err != nil {
		log.warning("Can't use the data directory '%s': %v", dir, err)
		return 1
	}
	s := newServer(cfg, env, log)
	s.node.OnLog = func(level node.LogLevel, msg string) { log.logf(logLevelOf(level), "%s", msg) }
	exe, _ := os.Executable()
	s.node.SetServerInfo(node.ServerInfo{
		ProcessID: os.Getpid(), TCPPort: int(cfg.Port), Executable: exe, ConfigFile: confFile,
		OS: osName(), ArchBits: strconv.IntSize, CPU: processCPU, TotalSystemMemory: totalMemory(), RSS: processRSS,
	})
	if confFile != "" {
		// Called by CONFIG REWRITE, inside the node, under the server lock.
		s.node.RewriteConfig = func() error { return rewriteConfigFile(s.node, confFile) }
	}
	log.setRole('M')
	if err := s.node.Load(); err != nil {
		log.warning("Fatal error loading the DB from %s: %v. Exiting.", dir, err)
		return 1
	}
	if err := s.listen(&cfg); err != nil {
		log.warning("%s", err)
		return 1
	}
	log.notice("Running mode=standalone, port=%d.", cfg.Port)
	log.warning("Server initialized")
	for _, ln := range s.listeners {
		log.verbose("Listening on %s", ln.Addr())
	}
	s.serve()
	log.notice("Ready to accept connections tcp")

	select {
	case sig := <-sigs:
		name := "SIGTERM"
		if sig == syscall.SIGINT {
			name = "SIGINT"
		}
		log.warning("Received %s scheduling shutdown...", name)
	case <-s.quit:
	}
	s.stop()
	log.warning("User requested shutdown...")
	if err := s.node.Fatal(); err != nil {
		log.warning("%v. Exiting...", err)
		return 1
	}
	if s.node.ShutdownSave() {
		log.notice("Saving the final RDB snapshot before exiting.")
		if err := s.node.Save(); err != nil {
			log.warning("Error trying to save the DB, can't exit: %v", err)
		}
	}
	if err := s.node.Close(); err != nil {
		log.warning("Error closing the AOF: %v", err)
	}
	log.warning("opdis is now ready to exit, bye bye...")
	return 0
}
