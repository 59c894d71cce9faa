package node

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// INFO, and what only the server binary can tell the node.

// Version is opdis's own version, shown by INFO as opdis_version.
var Version = "0.1.0"

// ServerInfo is what only the server binary knows about the process. The
// node has no OS: the binary calls SetServerInfo once at start (and again
// if something changes); the simulator may leave it empty.
type ServerInfo struct {
	ProcessID  int    // INFO process_id
	TCPPort    int    // the port actually listened on (INFO tcp_port)
	Executable string // absolute path of the binary (INFO executable)
	ConfigFile string // absolute path of the config file, "" if none (INFO config_file, CONFIG REWRITE)
	OS         string // e.g. "Linux 6.1.0 x86_64" (INFO os)
	ArchBits   int    // 32 or 64 (INFO arch_bits; 0 means 64)

	// CPU, when set, returns the process's system and user CPU time
	// (INFO used_cpu_sys, used_cpu_user).
	CPU func() (sys, user time.Duration)
	// TotalSystemMemory is the machine's memory in bytes (INFO total_system_memory).
	TotalSystemMemory int64
	// RSS, when set, returns the process's resident set size in bytes.
	RSS func() int64
}

// SetServerInfo records what only the server binary knows: pid, port,
// executable, config file path (used by INFO and CONFIG REWRITE).
func (n *Node) SetServerInfo(si ServerInfo) { n.server = si }

// opsSample is the last point INFO's instantaneous rates were measured from.
type opsSample struct {
	at            time.Duration
	cmds, in, out int64
	opsPerSec     int64
	inKbps        float64
	outKbps       float64
}

// sampleOps refreshes the instantaneous rates: the average since the
// previous sample, taken at most every 100ms (Redis samples in its cron).
func (n *Node) sampleOps() {
	now := n.monotonic()
	s := &n.opsSample
	elapsed := now - s.at
	if elapsed < 100*time.Millisecond {
		return
	}
	secs := elapsed.Seconds()
	s.opsPerSec = int64(float64(n.stats.Commands-s.cmds) / secs)
	s.inKbps = float64(n.stats.NetInputBytes-s.in) / secs / 1024
	s.outKbps = float64(n.stats.NetOutputBytes-s.out) / secs / 1024
	s.at, s.cmds, s.in, s.out = now, n.stats.Commands, n.stats.NetInputBytes, n.stats.NetOutputBytes
}

// runID is INFO run_id: 40 hex characters, fixed for the node's life
// (derived from the seed New drew for the pub/sub registry).
func (n *Node) runID() string { return hexID(n.pubsub.seed ^ 0x72756e5f6964) }

// replID is INFO master_replid until replication owns it.

// hexID expands seed into 40 hex characters with splitmix64.
func hexID(seed uint64) string {
	var b strings.Builder
	s := seed
	for b.Len() < 40 {
		s += 0x9E3779B97F4A7C15
		z := s
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
		z = (z ^ (z >> 27)) * 0x94D049BB133111EB
		z ^= z >> 31
		fmt.Fprintf(&b, "%016x", z)
	}
	return b.String()[:40]
}

// baseMemory is what an empty server uses (Redis 7.0 starts near 860KB).
const baseMemory = 866000

// usedMemory estimates INFO used_memory without walking the keyspace: a
// base, a per-key overhead and client buffers.
func (n *Node) usedMemory() int64 {
	m := int64(baseMemory)
	for _, db := range n.dbs {
		m += int64(db.Len())*72 + int64(db.Volatile())*32
	}
	return m + int64(n.clientMemory())
}

func (n *Node) clientMemory() int {
	t := 0
	for _, c := range n.clientList {
		t += cap(c.in) + cap(c.out)
	}
	return t
}

// bytesToHuman formats bytes as Redis's bytesToHuman.
func bytesToHuman(n int64) string {
	d := float64(n)
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + "B"
	case n < 1024*1024:
		return fmt.Sprintf("%.2fK", d/1024)
	case n < 1024*1024*1024:
		return fmt.Sprintf("%.2fM", d/(1024*1024))
	case n < 1024*1024*1024*1024:
		return fmt.Sprintf("%.2fG", d/(1024*1024*1024))
	case n < 1024*1024*1024*1024*1024:
		return fmt.Sprintf("%.2fT", d/(1024*1024*1024*1024))
	case n < 1024*1024*1024*1024*1024*1024:
		return fmt.Sprintf("%.2fP", d/(1024*1024*1024*1024*1024))
	}
	return strconv.FormatInt(n, 10) + "B"
}

// infoSections are INFO's sections in Redis 7.0's order; def marks the
// ones INFO without arguments (or "default") shows.
var infoSections = []struct {
	name string
	def  bool
}{
	{"server", true}, {"clients", true}, {"memory", true}, {"persistence", true}, {"stats", true},
	{"replication", true}, {"cpu", true}, {"modules", true}, {"commandstats", false}, {"errorstats", true},
	{"latencystats", false}, {"cluster", true}, {"keyspace", true},
	{"oplog", false}, // opdis (ApsaraCache): op ids, OPAPPLY sources, OPDEL sources
}

func infoCmd(n *Node, c *Client, args [][]byte) {
	c.addBulkStr(n.Info(args[1:]...))
}

// Info renders INFO for the given section arguments (none = default).
func (n *Node) Info(sections ...[]byte) string {
	want := make(map[string]bool)
	if len(sections) == 0 {
		sections = [][]byte{[]byte("default")}
	}
	for _, s := range sections {
		name := strings.ToLower(string(s))
		switch name {
		case "all", "everything":
			for _, sec := range infoSections {
				want[sec.name] = true
			}
		case "default":
			for _, sec := range infoSections {
				if sec.def {
					want[sec.name] = true
				}
			}
		default:
			want[name] = true
		}
	}
	var b strings.Builder
	for _, sec := range infoSections {
		if !want[sec.name] {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		n.infoSection(&b, sec.name)
	}
	return b.String()
}

func (n *Node) infoSection(b *strings.Builder, name string) {
	title := strings.ToUpper(name[:1]) + name[1:]
	if name == "cpu" {
		title = "CPU"
	}
	b.WriteString("# " + title + "\r\n")
	kv := func(k string, v any) { fmt.Fprintf(b, "%s:%v\r\n", k, v) }
	now := n.monotonic()
	switch name {
	case "server":
		uptime := int64((now - n.start) / time.Second)
		osName, bits := n.server.OS, n.server.ArchBits
		if osName == "" {
			osName = "opdis"
		}
		if bits == 0 {
			bits = 64
		}
		kv("redis_version", RedisVersion)
		kv("redis_git_sha1", "00000000")
		kv("redis_git_dirty", 0)
		kv("redis_build_id", "0")
		kv("redis_mode", "standalone")
		kv("os", osName)
		kv("arch_bits", bits)
		kv("monotonic_clock", "POSIX clock_gettime")
		kv("multiplexing_api", "epoll")
		kv("atomicvar_api", "c11-builtin")
		kv("gcc_version", "0.0.0")
		kv("process_id", n.server.ProcessID)
		kv("process_supervised", "no")
		kv("run_id", n.runID())
		kv("tcp_port", n.server.TCPPort)
		kv("server_time_usec", n.env.Clock.UnixNano()/1000)
		kv("uptime_in_seconds", uptime)
		kv("uptime_in_days", uptime/86400)
		kv("hz", n.cfg.Hz)
		kv("configured_hz", n.cfg.Hz)
		kv("lru_clock", (n.nowMs()/1000)&(1<<24-1))
		kv("executable", n.server.Executable)
		kv("config_file", n.server.ConfigFile)
		kv("io_threads_active", 0)
		kv("opdis_version", Version)
	case "clients":
		inTimeout := 0
		for _, c := range n.blocked.clients {
			if c.blockedOn.deadline != 0 {
				inTimeout++
			}
		}
		maxIn, maxOut := 0, 0
		for _, c := range n.clientList {
			maxIn, maxOut = max(maxIn, cap(c.in)), max(maxOut, len(c.out))
		}
		kv("connected_clients", len(n.clientList))
		kv("cluster_connections", 0)
		kv("maxclients", n.cfg.MaxClients)
		kv("client_recent_max_input_buffer", maxIn)
		kv("client_recent_max_output_buffer", maxOut)
		kv("blocked_clients", n.BlockedClients())
		kv("tracking_clients", 0)
		kv("clients_in_timeout_table", inTimeout)
	case "memory":
		used := n.usedMemory()
		rss := used
		if n.server.RSS != nil {
			rss = n.server.RSS()
		}
		overhead := int64(baseMemory + n.clientMemory())
		dataset := max(used-overhead, 0)
		frag := 1.0
		if used > 0 {
			frag = float64(rss) / float64(used)
		}
		kv("used_memory", used)
		kv("used_memory_human", bytesToHuman(used))
		kv("used_memory_rss", rss)
		kv("used_memory_rss_human", bytesToHuman(rss))
		kv("used_memory_peak", used)
		kv("used_memory_peak_human", bytesToHuman(used))
		kv("used_memory_peak_perc", "100.00%")
		kv("used_memory_overhead", overhead)
		kv("used_memory_startup", baseMemory)
		kv("used_memory_dataset", dataset)
		kv("used_memory_dataset_perc", fmt.Sprintf("%.2f%%", percent(dataset, used-baseMemory)))
		kv("allocator_allocated", used)
		kv("allocator_active", used)
		kv("allocator_resident", rss)
		kv("total_system_memory", n.server.TotalSystemMemory)
		kv("total_system_memory_human", bytesToHuman(n.server.TotalSystemMemory))
		kv("used_memory_lua", 31744)
		kv("used_memory_vm_eval", 31744)
		kv("used_memory_lua_human", "31.00K")
		kv("used_memory_scripts_eval", 0)
		kv("number_of_cached_scripts", 0)
		kv("number_of_functions", 0)
		kv("number_of_libraries", 0)
		kv("used_memory_vm_functions", 32768)
		kv("used_memory_vm_total", 64512)
		kv("used_memory_vm_total_human", "63.00K")
		kv("used_memory_functions", 184)
		kv("used_memory_scripts", 184)
		kv("used_memory_scripts_human", "184B")
		kv("maxmemory", n.cfg.MaxMemory)
		kv("maxmemory_human", bytesToHuman(n.cfg.MaxMemory))
		kv("maxmemory_policy", n.cfg.MaxMemoryPolicy)
		kv("allocator_frag_ratio", "1.00")
		kv("allocator_frag_bytes", 0)
		kv("allocator_rss_ratio", fmt.Sprintf("%.2f", frag))
		kv("allocator_rss_bytes", rss-used)
		kv("rss_overhead_ratio", "1.00")
		kv("rss_overhead_bytes", 0)
		kv("mem_fragmentation_ratio", fmt.Sprintf("%.2f", frag))
		kv("mem_fragmentation_bytes", rss-used)
		kv("mem_not_counted_for_evict", 0)
		kv("mem_replication_backlog", 0)
		kv("mem_total_replication_buffers", 0)
		kv("mem_clients_slaves", 0)
		kv("mem_clients_normal", n.clientMemory())
		kv("mem_cluster_links", 0)
		kv("mem_aof_buffer", 0)
		kv("mem_allocator", "go")
		kv("active_defrag_running", 0)
		kv("lazyfree_pending_objects", 0)
		kv("lazyfreed_objects", 0)
	case "persistence":
		aof := boolInt(n.aofOn())
		kv("loading", 0)
		kv("async_loading", 0)
		kv("current_cow_peak", 0)
		kv("current_cow_size", 0)
		kv("current_cow_size_age", 0)
		kv("current_fork_perc", "0.00")
		var processed, total, current int64 = 0, 0, -1
		if sn := n.snap; sn != nil {
			processed, total = sn.keys, sn.total
			current = int64((n.monotonic() - sn.startMon) / time.Second)
		}
		status := "ok"
		if !n.saves.lastOK {
			status = "err"
		}
		lastTime := int64(-1)
		if n.saves.saves > 0 {
			lastTime = n.saves.lastTimeSec
		}
		kv("current_save_keys_processed", processed)
		kv("current_save_keys_total", total)
		kv("rdb_changes_since_last_save", n.dirty)
		kv("rdb_bgsave_in_progress", boolInt(n.snap != nil))
		kv("rdb_last_save_time", n.lastSave)
		kv("rdb_last_bgsave_status", status)
		kv("rdb_last_bgsave_time_sec", lastTime)
		kv("rdb_current_bgsave_time_sec", current)
		kv("rdb_saves", n.saves.saves)
		kv("rdb_last_cow_size", 0)
		kv("rdb_last_load_keys_expired", n.saves.expiredKeys)
		kv("rdb_last_load_keys_loaded", n.saves.loadedKeys)
		kv("aof_enabled", aof)
		kv("aof_rewrite_in_progress", 0)
		kv("aof_rewrite_scheduled", 0)
		kv("aof_last_rewrite_time_sec", -1)
		kv("aof_current_rewrite_time_sec", -1)
		kv("aof_last_bgrewrite_status", "ok")
		kv("aof_rewrites", 0)
		kv("aof_rewrites_consecutive_failures", 0)
		kv("aof_last_write_status", okErr(n.aofErr() == nil))
		kv("aof_last_cow_size", 0)
		kv("module_fork_in_progress", 0)
		kv("module_fork_last_cow_size", 0)
		if l := n.aof.log; l != nil {
			kv("aof_current_size", l.TotalSize())
			kv("aof_base_size", l.TotalSize()-n.aof.written)
			kv("aof_pending_rewrite", 0)
			kv("aof_buffer_length", l.Buffered())
			kv("aof_pending_bio_fsync", 0)
			kv("aof_delayed_fsync", 0)
			// opdis: the binlog (DESIGN §4).
			live, size := l.LiveFile()
			kv("aof_inc_files", len(l.Files()))
			kv("aof_live_file", live)
			kv("aof_live_file_size", size)
			kv("aof_splits", n.aof.splits)
			kv("aof_min_opid", l.MinOpID())
			kv("aof_last_opid", l.LastOpID())
			kv("aof_synced_opid", l.SyncedOpID())
			if idx, ok := l.RDBIndex(); ok {
				kv("rdb_index_file", idx.RDB)
				kv("rdb_index_aof", idx.AOF)
				kv("rdb_index_next_opid", idx.NextOpID)
			}
		}
	case "stats":
		n.sampleOps()
		s := &n.stats
		channels, patterns := n.PubsubCounts()
		kv("total_connections_received", s.Connections)
		kv("total_commands_processed", s.Commands)
		kv("instantaneous_ops_per_sec", n.opsSample.opsPerSec)
		kv("total_net_input_bytes", s.NetInputBytes)
		kv("total_net_output_bytes", s.NetOutputBytes)
		kv("total_net_repl_input_bytes", 0)
		kv("total_net_repl_output_bytes", 0)
		kv("instantaneous_input_kbps", fmt.Sprintf("%.2f", n.opsSample.inKbps))
		kv("instantaneous_output_kbps", fmt.Sprintf("%.2f", n.opsSample.outKbps))
		kv("instantaneous_input_repl_kbps", "0.00")
		kv("instantaneous_output_repl_kbps", "0.00")
		kv("rejected_connections", s.RejectedConns)
		kv("sync_full", n.repl.syncFull)
		kv("sync_partial_ok", n.repl.syncPartialOK)
		kv("sync_partial_err", n.repl.syncPartialErr)
		kv("sync_aof_partial_ok", n.repl.syncAOFPartialOK)
		kv("sync_aof_partial_err", n.repl.syncAOFPartialErr)
		kv("expired_keys", s.ExpiredKeys)
		kv("expired_stale_perc", "0.00")
		kv("expired_time_cap_reached_count", 0)
		kv("expire_cycle_cpu_milliseconds", 0)
		kv("evicted_keys", s.EvictedKeys)
		kv("evicted_clients", 0)
		kv("total_eviction_exceeded_time", 0)
		kv("current_eviction_exceeded_time", 0)
		kv("keyspace_hits", s.KeyspaceHits)
		kv("keyspace_misses", s.KeyspaceMisses)
		kv("pubsub_channels", channels)
		kv("pubsub_patterns", patterns)
		kv("pubsubshard_channels", 0)
		kv("latest_fork_usec", 0)
		kv("total_forks", 0)
		kv("migrate_cached_sockets", 0)
		kv("slave_expires_tracked_keys", 0)
		kv("active_defrag_hits", 0)
		kv("active_defrag_misses", 0)
		kv("active_defrag_key_hits", 0)
		kv("active_defrag_key_misses", 0)
		kv("total_active_defrag_time", 0)
		kv("current_active_defrag_time", 0)
		kv("tracking_total_keys", 0)
		kv("tracking_total_items", 0)
		kv("tracking_total_prefixes", 0)
		kv("unexpected_error_replies", 0)
		kv("total_error_replies", s.TotalErrorReplies)
		kv("dump_payload_sanitizations", 0)
		kv("total_reads_processed", 0)
		kv("total_writes_processed", 0)
		kv("io_threaded_reads_processed", 0)
		kv("io_threaded_writes_processed", 0)
		kv("reply_buffer_shrinks", 0)
		kv("reply_buffer_expands", 0)
	case "replication":
		n.infoReplication(b, kv)
	case "cpu":
		var sys, user time.Duration
		if n.server.CPU != nil {
			sys, user = n.server.CPU()
		}
		kv("used_cpu_sys", fmt.Sprintf("%.6f", sys.Seconds()))
		kv("used_cpu_user", fmt.Sprintf("%.6f", user.Seconds()))
		kv("used_cpu_sys_children", "0.000000")
		kv("used_cpu_user_children", "0.000000")
		kv("used_cpu_sys_main_thread", fmt.Sprintf("%.6f", sys.Seconds()))
		kv("used_cpu_user_main_thread", fmt.Sprintf("%.6f", user.Seconds()))
	case "commandstats":
		for _, cmd := range n.statCommands() {
			if cmd.Calls == 0 && cmd.FailedCalls == 0 && cmd.RejectedCalls == 0 {
				continue
			}
			perCall := 0.0
			if cmd.Calls > 0 {
				perCall = float64(cmd.Usec) / float64(cmd.Calls)
			}
			fmt.Fprintf(b, "cmdstat_%s:calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=%d,failed_calls=%d\r\n",
				cmd.Name, cmd.Calls, cmd.Usec, perCall, cmd.RejectedCalls, cmd.FailedCalls)
		}
	case "errorstats":
		codes := make([]string, 0, len(n.stats.ErrorCodes))
		for code := range n.stats.ErrorCodes { //det:ok sorted below
			codes = append(codes, code)
		}
		sort.Strings(codes) // Redis keeps them in a rax: byte order
		for _, code := range codes {
			fmt.Fprintf(b, "errorstat_%s:count=%d\r\n", code, n.stats.ErrorCodes[code])
		}
	case "latencystats":
		n.infoLatencyStats(b)
	case "cluster":
		kv("cluster_enabled", 0)
	case "oplog":
		n.infoOplog(kv)
	case "keyspace":
		for _, db := range n.dbs {
			if db.Len() > 0 {
				fmt.Fprintf(b, "db%d:keys=%d,expires=%d,avg_ttl=0\r\n", db.id, db.Len(), db.Volatile())
			}
		}
	}
}

// statCommands returns the commands whose stats INFO commandstats shows,
// sorted by name: plain commands, and for containers the subcommands (and
// the container itself when it ran bare, like COMMAND).
func (n *Node) statCommands() []*Command {
	var out []*Command
	for _, name := range n.commandNames() {
		if ct := n.container(name); ct != nil {
			out = append(out, ct.direct)
			subs := append([]*Command(nil), ct.subs...)
			sort.Slice(subs, func(i, j int) bool { return subs[i].Name < subs[j].Name })
			out = append(out, subs...)
			continue
		}
		out = append(out, n.commands[name])
	}
	return out
}

// cmdMeta is Redis 7.0.15's description of a command or subcommand, as
// COMMAND INFO and COMMAND DOCS report it. It supplies what the command
// table does not model (ACL categories, tips, key specs, documentation, the
// flags Flags cannot express) and the subcommands of containers implemented
// outside this file family. Generated from a real redis-server 7.0.15
// (COMMAND, COMMAND DOCS).
type cmdMeta struct {
	arity                             int
	flags                             string
	first, last, step                 int
	cats, tips                        string
	summary, since, group, complexity string
	specs                             []keySpec
	subs                              []string
}

// keySpec is one Redis 7.0 key specification.
type keySpec struct {
	notes, flags string
	// begin_search: 'i' index (pos), 'k' keyword (keyword from pos), 'u' unknown.
	bsType    byte
	bsPos     int
	bsKeyword string
	// find_keys: 'r' range (a=lastkey, b=keystep, c=limit), 'n' keynum
	// (a=keynumidx, b=firstkey, c=keystep), 'u' unknown.
	fkType  byte
	a, b, c int
}

var commandMeta = map[string]*cmdMeta{
	"acl":                           {-2, "", 0, 0, 0, "@slow", "", "A container for Access List Control commands ", "6.0.0", "server", "Depends on subcommand.", nil, []string{"cat", "deluser", "load", "users", "list", "log", "getuser", "genpass", "dryrun", "help", "save", "setuser", "whoami"}},
	"acl|cat":                       {-2, "noscript loading stale", 0, 0, 0, "@slow", "", "List the ACL categories or the commands inside a category", "6.0.0", "server", "O(1) since the categories and commands are a fixed set.", nil, nil},
	"acl|deluser":                   {-3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "", "Remove the specified ACL users and the associated rules", "6.0.0", "server", "O(1) amortized time considering the typical user.", nil, nil},
	"acl|dryrun":                    {-4, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "", "Returns whether the user can execute the given command without executing the command.", "7.0.0", "server", "O(1).", nil, nil},
	"acl|genpass":                   {-2, "noscript loading stale", 0, 0, 0, "@slow", "", "Generate a pseudorandom secure password to use for ACL users", "6.0.0", "server", "O(1)", nil, nil},
	"acl|getuser":                   {3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "", "Get the rules for a specific ACL user", "6.0.0", "server", "O(N). Where N is the number of password, command and pattern rules that the user has.", nil, nil},
	"acl|help":                      {2, "loading stale", 0, 0, 0, "@slow", "", "Show helpful text about the different subcommands", "6.0.0", "server", "O(1)", nil, nil},
	"acl|list":                      {2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "", "List the current ACL rules in ACL config file format", "6.0.0", "server", "O(N). Where N is the number of configured users.", nil, nil},
	"acl|load":                      {2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "", "Reload the ACLs from the configured ACL file", "6.0.0", "server", "O(N). Where N is the number of configured users.", nil, nil},
	"acl|log":                       {-2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "", "List latest events denied because of ACLs in place", "6.0.0", "server", "O(N) with N being the number of entries shown.", nil, nil},
	"acl|save":                      {2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "", "Save the current ACL rules in the configured ACL file", "6.0.0", "server", "O(N). Where N is the number of configured users.", nil, nil},
	"acl|setuser":                   {-3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "", "Modify or create the rules for a specific ACL user", "6.0.0", "server", "O(N). Where N is the number of rules provided.", nil, nil},
	"acl|users":                     {2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "", "List the username of all the configured ACL rules", "6.0.0", "server", "O(N). Where N is the number of configured users.", nil, nil},
	"acl|whoami":                    {2, "noscript loading stale", 0, 0, 0, "@slow", "", "Return the name of the user associated to the current connection", "6.0.0", "server", "O(1)", nil, nil},
	"append":                        {3, "write denyoom fast", 1, 1, 1, "@write @string @fast", "", "Append a value to a key", "2.0.0", "string", "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.", []keySpec{{"", "RW insert", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"asking":                        {1, "fast", 0, 0, 0, "@fast @connection", "", "Sent by cluster clients after an -ASK redirect", "3.0.0", "cluster", "O(1)", nil, nil},
	"auth":                          {-2, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, "@fast @connection", "", "Authenticate to the server", "1.0.0", "connection", "O(N) where N is the number of passwords defined for the user", nil, nil},
	"bgrewriteaof":                  {1, "admin noscript no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Asynchronously rewrite the append-only file", "1.0.0", "server", "O(1)", nil, nil},
	"bgsave":                        {-1, "admin noscript no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Asynchronously save the dataset to disk", "1.0.0", "server", "O(1)", nil, nil},
	"bitcount":                      {-2, "readonly", 1, 1, 1, "@read @bitmap @slow", "", "Count set bits in a string", "2.6.0", "bitmap", "O(N)", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"bitfield":                      {-2, "write denyoom", 1, 1, 1, "@write @bitmap @slow", "", "Perform arbitrary bitfield integer operations on strings", "3.2.0", "bitmap", "O(1) for each subcommand specified", []keySpec{{"This command allows both access and modification of the key", "RW access update variable_flags", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"bitfield_ro":                   {-2, "readonly fast", 1, 1, 1, "@read @bitmap @fast", "", "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD", "6.0.0", "bitmap", "O(1) for each subcommand specified", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"bitop":                         {-4, "write denyoom", 2, -1, 1, "@write @bitmap @slow", "", "Perform bitwise operations between strings", "2.6.0", "bitmap", "O(N)", []keySpec{{"", "OW update", 'i', 2, "", 'r', 0, 1, 0}, {"", "RO access", 'i', 3, "", 'r', -1, 1, 0}}, nil},
	"bitpos":                        {-3, "readonly", 1, 1, 1, "@read @bitmap @slow", "", "Find first bit set or clear in a string", "2.8.7", "bitmap", "O(N)", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"blmove":                        {6, "write denyoom noscript blocking", 1, 2, 1, "@write @list @slow @blocking", "", "Pop an element from a list, push it to another list and return it; or block until one is available", "6.2.0", "list", "O(1)", []keySpec{{"", "RW access delete", 'i', 1, "", 'r', 0, 1, 0}, {"", "RW insert", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"blmpop":                        {-5, "write blocking movablekeys", 0, 0, 0, "@write @list @slow @blocking", "", "Pop elements from a list, or block until one is available", "7.0.0", "list", "O(N+M) where N is the number of provided keys and M is the number of elements returned.", []keySpec{{"", "RW access delete", 'i', 2, "", 'n', 0, 1, 1}}, nil},
	"blpop":                         {-3, "write noscript blocking", 1, -2, 1, "@write @list @slow @blocking", "", "Remove and get the first element in a list, or block until one is available", "2.0.0", "list", "O(N) where N is the number of provided keys.", []keySpec{{"", "RW access delete", 'i', 1, "", 'r', -2, 1, 0}}, nil},
	"brpop":                         {-3, "write noscript blocking", 1, -2, 1, "@write @list @slow @blocking", "", "Remove and get the last element in a list, or block until one is available", "2.0.0", "list", "O(N) where N is the number of provided keys.", []keySpec{{"", "RW access delete", 'i', 1, "", 'r', -2, 1, 0}}, nil},
	"brpoplpush":                    {4, "write denyoom noscript blocking", 1, 2, 1, "@write @list @slow @blocking", "", "Pop an element from a list, push it to another list and return it; or block until one is available", "2.2.0", "list", "O(1)", []keySpec{{"", "RW access delete", 'i', 1, "", 'r', 0, 1, 0}, {"", "RW insert", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"bzmpop":                        {-5, "write blocking movablekeys", 0, 0, 0, "@write @sortedset @slow @blocking", "", "Remove and return members with scores in a sorted set or block until one is available", "7.0.0", "sorted-set", "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", []keySpec{{"", "RW access delete", 'i', 2, "", 'n', 0, 1, 1}}, nil},
	"bzpopmax":                      {-3, "write noscript blocking fast", 1, -2, 1, "@write @sortedset @fast @blocking", "", "Remove and return the member with the highest score from one or more sorted sets, or block until one is available", "5.0.0", "sorted-set", "O(log(N)) with N being the number of elements in the sorted set.", []keySpec{{"", "RW access delete", 'i', 1, "", 'r', -2, 1, 0}}, nil},
	"bzpopmin":                      {-3, "write noscript blocking fast", 1, -2, 1, "@write @sortedset @fast @blocking", "", "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available", "5.0.0", "sorted-set", "O(log(N)) with N being the number of elements in the sorted set.", []keySpec{{"", "RW access delete", 'i', 1, "", 'r', -2, 1, 0}}, nil},
	"client":                        {-2, "", 0, 0, 0, "@slow", "", "A container for client connection commands", "2.4.0", "connection", "Depends on subcommand.", nil, []string{"kill", "list", "trackinginfo", "getredir", "caching", "pause", "no-evict", "unpause", "info", "help", "unblock", "tracking", "setname", "getname", "id", "reply"}},
	"client|caching":                {3, "noscript loading stale", 0, 0, 0, "@slow @connection", "", "Instruct the server about tracking or not keys in the next request", "6.0.0", "connection", "O(1)", nil, nil},
	"client|getname":                {2, "noscript loading stale", 0, 0, 0, "@slow @connection", "", "Get the current connection name", "2.6.9", "connection", "O(1)", nil, nil},
	"client|getredir":               {2, "noscript loading stale", 0, 0, 0, "@slow @connection", "", "Get tracking notifications redirection client ID if any", "6.0.0", "connection", "O(1)", nil, nil},
	"client|help":                   {2, "loading stale", 0, 0, 0, "@slow @connection", "", "Show helpful text about the different subcommands", "5.0.0", "connection", "O(1)", nil, nil},
	"client|id":                     {2, "noscript loading stale", 0, 0, 0, "@slow @connection", "", "Returns the client ID for the current connection", "5.0.0", "connection", "O(1)", nil, nil},
	"client|info":                   {2, "noscript loading stale", 0, 0, 0, "@slow @connection", "nondeterministic_output", "Returns information about the current client connection.", "6.2.0", "connection", "O(1)", nil, nil},
	"client|kill":                   {-3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection", "", "Kill the connection of a client", "2.4.0", "connection", "O(N) where N is the number of client connections", nil, nil},
	"client|list":                   {-2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection", "nondeterministic_output", "Get the list of client connections", "2.4.0", "connection", "O(N) where N is the number of client connections", nil, nil},
	"client|no-evict":               {3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection", "", "Set client eviction mode for the current connection", "7.0.0", "connection", "O(1)", nil, nil},
	"client|pause":                  {-3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection", "", "Stop processing commands from clients for some time", "2.9.50", "connection", "O(1)", nil, nil},
	"client|reply":                  {3, "noscript loading stale", 0, 0, 0, "@slow @connection", "", "Instruct the server whether to reply to commands", "3.2.0", "connection", "O(1)", nil, nil},
	"client|setname":                {3, "noscript loading stale", 0, 0, 0, "@slow @connection", "", "Set the current connection name", "2.6.9", "connection", "O(1)", nil, nil},
	"client|tracking":               {-3, "noscript loading stale", 0, 0, 0, "@slow @connection", "", "Enable or disable server assisted client side caching support", "6.0.0", "connection", "O(1). Some options may introduce additional complexity.", nil, nil},
	"client|trackinginfo":           {2, "noscript loading stale", 0, 0, 0, "@slow @connection", "", "Return information about server assisted client side caching for the current connection", "6.2.0", "connection", "O(1)", nil, nil},
	"client|unblock":                {-3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection", "", "Unblock a client blocked in a blocking command from a different connection", "5.0.0", "connection", "O(log N) where N is the number of client connections", nil, nil},
	"client|unpause":                {2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous @connection", "", "Resume processing of clients that were paused", "6.2.0", "connection", "O(N) Where N is the number of paused clients", nil, nil},
	"cluster":                       {-2, "", 0, 0, 0, "@slow", "", "A container for cluster commands", "3.0.0", "cluster", "Depends on subcommand.", nil, []string{"flushslots", "addslotsrange", "bumpepoch", "myid", "replicate", "count-failure-reports", "links", "slots", "replicas", "nodes", "saveconfig", "set-config-epoch", "reset", "addslots", "failover", "meet", "getkeysinslot", "delslotsrange", "keyslot", "info", "countkeysinslot", "help", "delslots", "forget", "shards", "slaves", "setslot"}},
	"cluster|addslots":              {-3, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Assign new hash slots to receiving node", "3.0.0", "cluster", "O(N) where N is the total number of hash slot arguments", nil, nil},
	"cluster|addslotsrange":         {-4, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Assign new hash slots to receiving node", "7.0.0", "cluster", "O(N) where N is the total number of the slots between the start slot and end slot arguments.", nil, nil},
	"cluster|bumpepoch":             {2, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "nondeterministic_output", "Advance the cluster config epoch", "3.0.0", "cluster", "O(1)", nil, nil},
	"cluster|count-failure-reports": {3, "admin stale", 0, 0, 0, "@admin @slow @dangerous", "nondeterministic_output", "Return the number of failure reports active for a given node", "3.0.0", "cluster", "O(N) where N is the number of failure reports", nil, nil},
	"cluster|countkeysinslot":       {3, "stale", 0, 0, 0, "@slow", "", "Return the number of local keys in the specified hash slot", "3.0.0", "cluster", "O(1)", nil, nil},
	"cluster|delslots":              {-3, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Set hash slots as unbound in receiving node", "3.0.0", "cluster", "O(N) where N is the total number of hash slot arguments", nil, nil},
	"cluster|delslotsrange":         {-4, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Set hash slots as unbound in receiving node", "7.0.0", "cluster", "O(N) where N is the total number of the slots between the start slot and end slot arguments.", nil, nil},
	"cluster|failover":              {-2, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Forces a replica to perform a manual failover of its master.", "3.0.0", "cluster", "O(1)", nil, nil},
	"cluster|flushslots":            {2, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Delete a node's own slots information", "3.0.0", "cluster", "O(1)", nil, nil},
	"cluster|forget":                {3, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Remove a node from the nodes table", "3.0.0", "cluster", "O(1)", nil, nil},
	"cluster|getkeysinslot":         {4, "stale", 0, 0, 0, "@slow", "nondeterministic_output", "Return local key names in the specified hash slot", "3.0.0", "cluster", "O(log(N)) where N is the number of requested keys", nil, nil},
	"cluster|help":                  {2, "loading stale", 0, 0, 0, "@slow", "", "Show helpful text about the different subcommands", "5.0.0", "cluster", "O(1)", nil, nil},
	"cluster|info":                  {2, "stale", 0, 0, 0, "@slow", "nondeterministic_output", "Provides info about Redis Cluster node state", "3.0.0", "cluster", "O(1)", nil, nil},
	"cluster|keyslot":               {3, "stale", 0, 0, 0, "@slow", "", "Returns the hash slot of the specified key", "3.0.0", "cluster", "O(N) where N is the number of bytes in the key", nil, nil},
	"cluster|links":                 {2, "stale", 0, 0, 0, "@slow", "nondeterministic_output", "Returns a list of all TCP links to and from peer nodes in cluster", "7.0.0", "cluster", "O(N) where N is the total number of Cluster nodes", nil, nil},
	"cluster|meet":                  {-4, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Force a node cluster to handshake with another node", "3.0.0", "cluster", "O(1)", nil, nil},
	"cluster|myid":                  {2, "stale", 0, 0, 0, "@slow", "", "Return the node id", "3.0.0", "cluster", "O(1)", nil, nil},
	"cluster|nodes":                 {2, "stale", 0, 0, 0, "@slow", "nondeterministic_output", "Get Cluster config for the node", "3.0.0", "cluster", "O(N) where N is the total number of Cluster nodes", nil, nil},
	"cluster|replicas":              {3, "admin stale", 0, 0, 0, "@admin @slow @dangerous", "nondeterministic_output", "List replica nodes of the specified master node", "5.0.0", "cluster", "O(1)", nil, nil},
	"cluster|replicate":             {3, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Reconfigure a node as a replica of the specified master node", "3.0.0", "cluster", "O(1)", nil, nil},
	"cluster|reset":                 {-2, "admin noscript stale", 0, 0, 0, "@admin @slow @dangerous", "", "Reset a Redis Cluster node", "3.0.0", "cluster", "O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side effect.", nil, nil},
	"cluster|saveconfig":            {2, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Forces the node to save cluster state on disk", "3.0.0", "cluster", "O(1)", nil, nil},
	"cluster|set-config-epoch":      {3, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Set the configuration epoch in a new node", "3.0.0", "cluster", "O(1)", nil, nil},
	"cluster|setslot":               {-4, "admin stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Bind a hash slot to a specific node", "3.0.0", "cluster", "O(1)", nil, nil},
	"cluster|shards":                {2, "stale", 0, 0, 0, "@slow", "nondeterministic_output", "Get array of cluster slots to node mappings", "7.0.0", "cluster", "O(N) where N is the total number of cluster nodes", nil, nil},
	"cluster|slaves":                {3, "admin stale", 0, 0, 0, "@admin @slow @dangerous", "nondeterministic_output", "List replica nodes of the specified master node", "3.0.0", "cluster", "O(1)", nil, nil},
	"cluster|slots":                 {2, "stale", 0, 0, 0, "@slow", "nondeterministic_output", "Get array of Cluster slot to node mappings", "3.0.0", "cluster", "O(N) where N is the total number of Cluster nodes", nil, nil},
	"command":                       {-1, "loading stale", 0, 0, 0, "@slow @connection", "nondeterministic_output_order", "Get array of Redis command details", "2.8.13", "server", "O(N) where N is the total number of Redis commands", nil, []string{"help", "list", "count", "getkeys", "getkeysandflags", "docs", "info"}},
	"command|count":                 {2, "loading stale", 0, 0, 0, "@slow @connection", "", "Get total number of Redis commands", "2.8.13", "server", "O(1)", nil, nil},
	"command|docs":                  {-2, "loading stale", 0, 0, 0, "@slow @connection", "nondeterministic_output_order", "Get array of specific Redis command documentation", "7.0.0", "server", "O(N) where N is the number of commands to look up", nil, nil},
	"command|getkeys":               {-4, "loading stale", 0, 0, 0, "@slow @connection", "", "Extract keys given a full Redis command", "2.8.13", "server", "O(N) where N is the number of arguments to the command", nil, nil},
	"command|getkeysandflags":       {-4, "loading stale", 0, 0, 0, "@slow @connection", "", "Extract keys and access flags given a full Redis command", "7.0.0", "server", "O(N) where N is the number of arguments to the command", nil, nil},
	"command|help":                  {2, "loading stale", 0, 0, 0, "@slow @connection", "", "Show helpful text about the different subcommands", "5.0.0", "server", "O(1)", nil, nil},
	"command|info":                  {-2, "loading stale", 0, 0, 0, "@slow @connection", "nondeterministic_output_order", "Get array of specific Redis command details, or all when no argument is given.", "2.8.13", "server", "O(N) where N is the number of commands to look up", nil, nil},
	"command|list":                  {-2, "loading stale", 0, 0, 0, "@slow @connection", "nondeterministic_output_order", "Get an array of Redis command names", "7.0.0", "server", "O(N) where N is the total number of Redis commands", nil, nil},
	"config":                        {-2, "", 0, 0, 0, "@slow", "", "A container for server configuration commands", "2.0.0", "server", "Depends on subcommand.", nil, []string{"help", "set", "rewrite", "get", "resetstat"}},
	"config|get":                    {-3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "", "Get the values of configuration parameters", "2.0.0", "server", "O(N) when N is the number of configuration parameters provided", nil, nil},
	"config|help":                   {2, "loading stale", 0, 0, 0, "@slow", "", "Show helpful text about the different subcommands", "5.0.0", "server", "O(1)", nil, nil},
	"config|resetstat":              {2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "", "Reset the stats returned by INFO", "2.0.0", "server", "O(1)", nil, nil},
	"config|rewrite":                {2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "", "Rewrite the configuration file with the in memory configuration", "2.8.0", "server", "O(1)", nil, nil},
	"config|set":                    {-4, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "request_policy:all_nodes response_policy:all_succeeded", "Set configuration parameters to the given values", "2.0.0", "server", "O(N) when N is the number of configuration parameters provided", nil, nil},
	"copy":                          {-3, "write denyoom", 1, 2, 1, "@keyspace @write @slow", "", "Copy a key", "6.2.0", "generic", "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}, {"", "OW update", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"dbsize":                        {1, "readonly fast", 0, 0, 0, "@keyspace @read @fast", "request_policy:all_shards response_policy:agg_sum", "Return the number of keys in the selected database", "1.0.0", "server", "O(1)", nil, nil},
	"debug":                         {-2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "", "A container for debugging commands", "1.0.0", "server", "Depends on subcommand.", nil, nil},
	"decr":                          {2, "write denyoom fast", 1, 1, 1, "@write @string @fast", "", "Decrement the integer value of a key by one", "1.0.0", "string", "O(1)", []keySpec{{"", "RW access update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"decrby":                        {3, "write denyoom fast", 1, 1, 1, "@write @string @fast", "", "Decrement the integer value of a key by the given number", "1.0.0", "string", "O(1)", []keySpec{{"", "RW access update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"del":                           {-2, "write", 1, -1, 1, "@keyspace @write @slow", "request_policy:multi_shard response_policy:agg_sum", "Delete a key", "1.0.0", "generic", "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).", []keySpec{{"", "RM delete", 'i', 1, "", 'r', -1, 1, 0}}, nil},
	"discard":                       {1, "noscript loading stale fast allow_busy", 0, 0, 0, "@fast @transaction", "", "Discard all commands issued after MULTI", "2.0.0", "transactions", "O(N), when N is the number of queued commands", nil, nil},
	"dump":                          {2, "readonly", 1, 1, 1, "@keyspace @read @slow", "nondeterministic_output", "Return a serialized version of the value stored at the specified key.", "2.6.0", "generic", "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"echo":                          {2, "loading stale fast", 0, 0, 0, "@fast @connection", "", "Echo the given string", "1.0.0", "connection", "O(1)", nil, nil},
	"eval":                          {-3, "noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0, "@slow @scripting", "", "Execute a Lua script server side", "2.6.0", "scripting", "Depends on the script that is executed.", []keySpec{{"We cannot tell how the keys will be used so we assume the worst, RW and UPDATE", "RW access update", 'i', 2, "", 'n', 0, 1, 1}}, nil},
	"eval_ro":                       {-3, "readonly noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0, "@slow @scripting", "", "Execute a read-only Lua script server side", "7.0.0", "scripting", "Depends on the script that is executed.", []keySpec{{"We cannot tell how the keys will be used so we assume the worst, RO and ACCESS", "RO access", 'i', 2, "", 'n', 0, 1, 1}}, nil},
	"evalsha":                       {-3, "noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0, "@slow @scripting", "", "Execute a Lua script server side", "2.6.0", "scripting", "Depends on the script that is executed.", []keySpec{{"", "RW access update", 'i', 2, "", 'n', 0, 1, 1}}, nil},
	"evalsha_ro":                    {-3, "readonly noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0, "@slow @scripting", "", "Execute a read-only Lua script server side", "7.0.0", "scripting", "Depends on the script that is executed.", []keySpec{{"", "RO access", 'i', 2, "", 'n', 0, 1, 1}}, nil},
	"exec":                          {1, "noscript loading stale skip_slowlog", 0, 0, 0, "@slow @transaction", "", "Execute all commands issued after MULTI", "1.2.0", "transactions", "Depends on commands in the transaction", nil, nil},
	"exists":                        {-2, "readonly fast", 1, -1, 1, "@keyspace @read @fast", "request_policy:multi_shard response_policy:agg_sum", "Determine if a key exists", "1.0.0", "generic", "O(N) where N is the number of keys to check.", []keySpec{{"", "RO", 'i', 1, "", 'r', -1, 1, 0}}, nil},
	"expire":                        {-3, "write fast", 1, 1, 1, "@keyspace @write @fast", "", "Set a key's time to live in seconds", "1.0.0", "generic", "O(1)", []keySpec{{"", "RW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"expireat":                      {-3, "write fast", 1, 1, 1, "@keyspace @write @fast", "", "Set the expiration for a key as a UNIX timestamp", "1.2.0", "generic", "O(1)", []keySpec{{"", "RW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"expiretime":                    {2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", "", "Get the expiration Unix timestamp for a key", "7.0.0", "generic", "O(1)", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"failover":                      {-1, "admin noscript stale", 0, 0, 0, "@admin @slow @dangerous", "", "Start a coordinated failover between this server and one of its replicas.", "6.2.0", "server", "O(1)", nil, nil},
	"fcall":                         {-3, "noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0, "@slow @scripting", "", "Invoke a function", "7.0.0", "scripting", "Depends on the function that is executed.", []keySpec{{"We cannot tell how the keys will be used so we assume the worst, RW and UPDATE", "RW access update", 'i', 2, "", 'n', 0, 1, 1}}, nil},
	"fcall_ro":                      {-3, "readonly noscript stale skip_monitor no_mandatory_keys movablekeys", 0, 0, 0, "@slow @scripting", "", "Invoke a read-only function", "7.0.0", "scripting", "Depends on the function that is executed.", []keySpec{{"We cannot tell how the keys will be used so we assume the worst, RO and ACCESS", "RO access", 'i', 2, "", 'n', 0, 1, 1}}, nil},
	"flushall":                      {-1, "write", 0, 0, 0, "@keyspace @write @slow @dangerous", "request_policy:all_shards response_policy:all_succeeded", "Remove all keys from all databases", "1.0.0", "server", "O(N) where N is the total number of keys in all databases", nil, nil},
	"flushdb":                       {-1, "write", 0, 0, 0, "@keyspace @write @slow @dangerous", "request_policy:all_shards response_policy:all_succeeded", "Remove all keys from the current database", "1.0.0", "server", "O(N) where N is the number of keys in the selected database", nil, nil},
	"function":                      {-2, "", 0, 0, 0, "@slow", "", "A container for function commands", "7.0.0", "scripting", "Depends on subcommand.", nil, []string{"load", "help", "kill", "list", "flush", "dump", "delete", "restore", "stats"}},
	"function|delete":               {3, "write noscript", 0, 0, 0, "@write @slow @scripting", "request_policy:all_shards response_policy:all_succeeded", "Delete a function by name", "7.0.0", "scripting", "O(1)", nil, nil},
	"function|dump":                 {2, "noscript", 0, 0, 0, "@slow @scripting", "", "Dump all functions into a serialized binary payload", "7.0.0", "scripting", "O(N) where N is the number of functions", nil, nil},
	"function|flush":                {-2, "write noscript", 0, 0, 0, "@write @slow @scripting", "request_policy:all_shards response_policy:all_succeeded", "Deleting all functions", "7.0.0", "scripting", "O(N) where N is the number of functions deleted", nil, nil},
	"function|help":                 {2, "loading stale", 0, 0, 0, "@slow @scripting", "", "Show helpful text about the different subcommands", "7.0.0", "scripting", "O(1)", nil, nil},
	"function|kill":                 {2, "noscript allow_busy", 0, 0, 0, "@slow @scripting", "request_policy:all_shards response_policy:one_succeeded", "Kill the function currently in execution.", "7.0.0", "scripting", "O(1)", nil, nil},
	"function|list":                 {-2, "noscript", 0, 0, 0, "@slow @scripting", "nondeterministic_output_order", "List information about all the functions", "7.0.0", "scripting", "O(N) where N is the number of functions", nil, nil},
	"function|load":                 {-3, "write denyoom noscript", 0, 0, 0, "@write @slow @scripting", "request_policy:all_shards response_policy:all_succeeded", "Create a function with the given arguments (name, code, description)", "7.0.0", "scripting", "O(1) (considering compilation time is redundant)", nil, nil},
	"function|restore":              {-3, "write denyoom noscript", 0, 0, 0, "@write @slow @scripting", "request_policy:all_shards response_policy:all_succeeded", "Restore all the functions on the given payload", "7.0.0", "scripting", "O(N) where N is the number of functions on the payload", nil, nil},
	"function|stats":                {2, "noscript allow_busy", 0, 0, 0, "@slow @scripting", "nondeterministic_output request_policy:all_shards response_policy:special", "Return information about the function currently running (name, description, duration)", "7.0.0", "scripting", "O(1)", nil, nil},
	"geoadd":                        {-5, "write denyoom", 1, 1, 1, "@write @geo @slow", "", "Add one or more geospatial items in the geospatial index represented using a sorted set", "3.2.0", "geo", "O(log(N)) for each item added, where N is the number of elements in the sorted set.", []keySpec{{"", "RW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"geodist":                       {-4, "readonly", 1, 1, 1, "@read @geo @slow", "", "Returns the distance between two members of a geospatial index", "3.2.0", "geo", "O(log(N))", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"geohash":                       {-2, "readonly", 1, 1, 1, "@read @geo @slow", "", "Returns members of a geospatial index as standard geohash strings", "3.2.0", "geo", "O(log(N)) for each member requested, where N is the number of elements in the sorted set.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"geopos":                        {-2, "readonly", 1, 1, 1, "@read @geo @slow", "", "Returns longitude and latitude of members of a geospatial index", "3.2.0", "geo", "O(N) where N is the number of members requested.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"georadius":                     {-6, "write denyoom movablekeys", 1, 1, 1, "@write @geo @slow", "", "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point", "3.2.0", "geo", "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}, {"", "OW update", 'k', 6, "STORE", 'r', 0, 1, 0}, {"", "OW update", 'k', 6, "STOREDIST", 'r', 0, 1, 0}}, nil},
	"georadius_ro":                  {-6, "readonly", 1, 1, 1, "@read @geo @slow", "", "A read-only variant for GEORADIUS", "3.2.10", "geo", "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"georadiusbymember":             {-5, "write denyoom movablekeys", 1, 1, 1, "@write @geo @slow", "", "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member", "3.2.0", "geo", "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}, {"", "OW update", 'k', 5, "STORE", 'r', 0, 1, 0}, {"", "OW update", 'k', 5, "STOREDIST", 'r', 0, 1, 0}}, nil},
	"georadiusbymember_ro":          {-5, "readonly", 1, 1, 1, "@read @geo @slow", "", "A read-only variant for GEORADIUSBYMEMBER", "3.2.10", "geo", "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"geosearch":                     {-7, "readonly", 1, 1, 1, "@read @geo @slow", "", "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.", "6.2.0", "geo", "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"geosearchstore":                {-8, "write denyoom", 1, 2, 1, "@write @geo @slow", "", "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.", "6.2.0", "geo", "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape", []keySpec{{"", "OW update", 'i', 1, "", 'r', 0, 1, 0}, {"", "RO access", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"get":                           {2, "readonly fast", 1, 1, 1, "@read @string @fast", "", "Get the value of a key", "1.0.0", "string", "O(1)", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"getbit":                        {3, "readonly fast", 1, 1, 1, "@read @bitmap @fast", "", "Returns the bit value at offset in the string value stored at key", "2.2.0", "bitmap", "O(1)", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"getdel":                        {2, "write fast", 1, 1, 1, "@write @string @fast", "", "Get the value of a key and delete the key", "6.2.0", "string", "O(1)", []keySpec{{"", "RW access delete", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"getex":                         {-2, "write fast", 1, 1, 1, "@write @string @fast", "", "Get the value of a key and optionally set its expiration", "6.2.0", "string", "O(1)", []keySpec{{"RW and UPDATE because it changes the TTL", "RW access update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"getrange":                      {4, "readonly", 1, 1, 1, "@read @string @slow", "", "Get a substring of the string stored at a key", "2.4.0", "string", "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"getset":                        {3, "write denyoom fast", 1, 1, 1, "@write @string @fast", "", "Set the string value of a key and return its old value", "1.0.0", "string", "O(1)", []keySpec{{"", "RW access update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"hdel":                          {-3, "write fast", 1, 1, 1, "@write @hash @fast", "", "Delete one or more hash fields", "2.0.0", "hash", "O(N) where N is the number of fields to be removed.", []keySpec{{"", "RW delete", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"hello":                         {-1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, "@fast @connection", "", "Handshake with Redis", "6.0.0", "connection", "O(1)", nil, nil},
	"hexists":                       {3, "readonly fast", 1, 1, 1, "@read @hash @fast", "", "Determine if a hash field exists", "2.0.0", "hash", "O(1)", []keySpec{{"", "RO", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"hget":                          {3, "readonly fast", 1, 1, 1, "@read @hash @fast", "", "Get the value of a hash field", "2.0.0", "hash", "O(1)", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"hgetall":                       {2, "readonly", 1, 1, 1, "@read @hash @slow", "nondeterministic_output_order", "Get all the fields and values in a hash", "2.0.0", "hash", "O(N) where N is the size of the hash.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"hincrby":                       {4, "write denyoom fast", 1, 1, 1, "@write @hash @fast", "", "Increment the integer value of a hash field by the given number", "2.0.0", "hash", "O(1)", []keySpec{{"", "RW access update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"hincrbyfloat":                  {4, "write denyoom fast", 1, 1, 1, "@write @hash @fast", "", "Increment the float value of a hash field by the given amount", "2.6.0", "hash", "O(1)", []keySpec{{"", "RW access update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"hkeys":                         {2, "readonly", 1, 1, 1, "@read @hash @slow", "nondeterministic_output_order", "Get all the fields in a hash", "2.0.0", "hash", "O(N) where N is the size of the hash.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"hlen":                          {2, "readonly fast", 1, 1, 1, "@read @hash @fast", "", "Get the number of fields in a hash", "2.0.0", "hash", "O(1)", []keySpec{{"", "RO", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"hmget":                         {-3, "readonly fast", 1, 1, 1, "@read @hash @fast", "", "Get the values of all the given hash fields", "2.0.0", "hash", "O(N) where N is the number of fields being requested.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"hmset":                         {-4, "write denyoom fast", 1, 1, 1, "@write @hash @fast", "", "Set multiple hash fields to multiple values", "2.0.0", "hash", "O(N) where N is the number of fields being set.", []keySpec{{"", "RW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"hrandfield":                    {-2, "readonly", 1, 1, 1, "@read @hash @slow", "nondeterministic_output", "Get one or multiple random fields from a hash", "6.2.0", "hash", "O(N) where N is the number of fields returned", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"hscan":                         {-3, "readonly", 1, 1, 1, "@read @hash @slow", "nondeterministic_output", "Incrementally iterate hash fields and associated values", "2.8.0", "hash", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"hset":                          {-4, "write denyoom fast", 1, 1, 1, "@write @hash @fast", "", "Set the string value of a hash field", "2.0.0", "hash", "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.", []keySpec{{"", "RW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"hsetnx":                        {4, "write denyoom fast", 1, 1, 1, "@write @hash @fast", "", "Set the value of a hash field, only if the field does not exist", "2.0.0", "hash", "O(1)", []keySpec{{"", "RW insert", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"hstrlen":                       {3, "readonly fast", 1, 1, 1, "@read @hash @fast", "", "Get the length of the value of a hash field", "3.2.0", "hash", "O(1)", []keySpec{{"", "RO", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"hvals":                         {2, "readonly", 1, 1, 1, "@read @hash @slow", "nondeterministic_output_order", "Get all the values in a hash", "2.0.0", "hash", "O(N) where N is the size of the hash.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"incr":                          {2, "write denyoom fast", 1, 1, 1, "@write @string @fast", "", "Increment the integer value of a key by one", "1.0.0", "string", "O(1)", []keySpec{{"", "RW access update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"incrby":                        {3, "write denyoom fast", 1, 1, 1, "@write @string @fast", "", "Increment the integer value of a key by the given amount", "1.0.0", "string", "O(1)", []keySpec{{"", "RW access update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"incrbyfloat":                   {3, "write denyoom fast", 1, 1, 1, "@write @string @fast", "", "Increment the float value of a key by the given amount", "2.6.0", "string", "O(1)", []keySpec{{"", "RW access update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"info":                          {-1, "loading stale", 0, 0, 0, "@slow @dangerous", "nondeterministic_output request_policy:all_shards response_policy:special", "Get information and statistics about the server", "1.0.0", "server", "O(1)", nil, nil},
	"keys":                          {2, "readonly", 0, 0, 0, "@keyspace @read @slow @dangerous", "request_policy:all_shards nondeterministic_output_order", "Find all keys matching the given pattern", "1.0.0", "generic", "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.", nil, nil},
	"lastsave":                      {1, "loading stale fast", 0, 0, 0, "@admin @fast @dangerous", "nondeterministic_output", "Get the UNIX time stamp of the last successful save to disk", "1.0.0", "server", "O(1)", nil, nil},
	"latency":                       {-2, "", 0, 0, 0, "@slow", "", "A container for latency diagnostics commands", "2.8.13", "server", "Depends on subcommand.", nil, []string{"histogram", "reset", "graph", "help", "latest", "doctor", "history"}},
	"latency|doctor":                {2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "nondeterministic_output request_policy:all_nodes response_policy:special", "Return a human readable latency analysis report.", "2.8.13", "server", "O(1)", nil, nil},
	"latency|graph":                 {3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "nondeterministic_output request_policy:all_nodes response_policy:special", "Return a latency graph for the event.", "2.8.13", "server", "O(1)", nil, nil},
	"latency|help":                  {2, "loading stale", 0, 0, 0, "@slow", "", "Show helpful text about the different subcommands.", "2.8.13", "server", "O(1)", nil, nil},
	"latency|histogram":             {-2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "nondeterministic_output request_policy:all_nodes response_policy:special", "Return the cumulative distribution of latencies of a subset of commands or all.", "7.0.0", "server", "O(N) where N is the number of commands with latency information being retrieved.", nil, nil},
	"latency|history":               {3, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "nondeterministic_output request_policy:all_nodes response_policy:special", "Return timestamp-latency samples for the event.", "2.8.13", "server", "O(1)", nil, nil},
	"latency|latest":                {2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "nondeterministic_output request_policy:all_nodes response_policy:special", "Return the latest latency samples for all events.", "2.8.13", "server", "O(1)", nil, nil},
	"latency|reset":                 {-2, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "request_policy:all_nodes response_policy:all_succeeded", "Reset latency data for one or more events.", "2.8.13", "server", "O(1)", nil, nil},
	"lcs":                           {-3, "readonly", 1, 2, 1, "@read @string @slow", "", "Find longest common substring", "7.0.0", "string", "O(N*M) where N and M are the lengths of s1 and s2, respectively", []keySpec{{"", "RO access", 'i', 1, "", 'r', 1, 1, 0}}, nil},
	"lindex":                        {3, "readonly", 1, 1, 1, "@read @list @slow", "", "Get an element from a list by its index", "1.0.0", "list", "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"linsert":                       {5, "write denyoom", 1, 1, 1, "@write @list @slow", "", "Insert an element before or after another element in a list", "2.2.0", "list", "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).", []keySpec{{"", "RW insert", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"llen":                          {2, "readonly fast", 1, 1, 1, "@read @list @fast", "", "Get the length of a list", "1.0.0", "list", "O(1)", []keySpec{{"", "RO", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"lmove":                         {5, "write denyoom", 1, 2, 1, "@write @list @slow", "", "Pop an element from a list, push it to another list and return it", "6.2.0", "list", "O(1)", []keySpec{{"", "RW access delete", 'i', 1, "", 'r', 0, 1, 0}, {"", "RW insert", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"lmpop":                         {-4, "write movablekeys", 0, 0, 0, "@write @list @slow", "", "Pop elements from a list", "7.0.0", "list", "O(N+M) where N is the number of provided keys and M is the number of elements returned.", []keySpec{{"", "RW access delete", 'i', 1, "", 'n', 0, 1, 1}}, nil},
	"lolwut":                        {-1, "readonly fast", 0, 0, 0, "@read @fast", "", "Display some computer art and the Redis version", "5.0.0", "server", "", nil, nil},
	"lpop":                          {-2, "write fast", 1, 1, 1, "@write @list @fast", "", "Remove and get the first elements in a list", "1.0.0", "list", "O(N) where N is the number of elements returned", []keySpec{{"", "RW access delete", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"lpos":                          {-3, "readonly", 1, 1, 1, "@read @list @slow", "", "Return the index of matching elements on a list", "6.0.6", "list", "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"lpush":                         {-3, "write denyoom fast", 1, 1, 1, "@write @list @fast", "", "Prepend one or multiple elements to a list", "1.0.0", "list", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", []keySpec{{"", "RW insert", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"lpushx":                        {-3, "write denyoom fast", 1, 1, 1, "@write @list @fast", "", "Prepend an element to a list, only if the list exists", "2.2.0", "list", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", []keySpec{{"", "RW insert", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"lrange":                        {4, "readonly", 1, 1, 1, "@read @list @slow", "", "Get a range of elements from a list", "1.0.0", "list", "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"lrem":                          {4, "write", 1, 1, 1, "@write @list @slow", "", "Remove elements from a list", "1.0.0", "list", "O(N+M) where N is the length of the list and M is the number of elements removed.", []keySpec{{"", "RW delete", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"lset":                          {4, "write denyoom", 1, 1, 1, "@write @list @slow", "", "Set the value of an element in a list by its index", "1.0.0", "list", "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).", []keySpec{{"", "RW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"ltrim":                         {4, "write", 1, 1, 1, "@write @list @slow", "", "Trim a list to the specified range", "1.0.0", "list", "O(N) where N is the number of elements to be removed by the operation.", []keySpec{{"", "RW delete", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"memory":                        {-2, "", 0, 0, 0, "@slow", "", "A container for memory diagnostics commands", "4.0.0", "server", "Depends on subcommand.", nil, []string{"help", "stats", "purge", "usage", "doctor", "malloc-stats"}},
	"memory|doctor":                 {2, "", 0, 0, 0, "@slow", "nondeterministic_output request_policy:all_shards response_policy:special", "Outputs memory problems report", "4.0.0", "server", "O(1)", nil, nil},
	"memory|help":                   {2, "loading stale", 0, 0, 0, "@slow", "", "Show helpful text about the different subcommands", "4.0.0", "server", "O(1)", nil, nil},
	"memory|malloc-stats":           {2, "", 0, 0, 0, "@slow", "nondeterministic_output request_policy:all_shards response_policy:special", "Show allocator internal stats", "4.0.0", "server", "Depends on how much memory is allocated, could be slow", nil, nil},
	"memory|purge":                  {2, "", 0, 0, 0, "@slow", "request_policy:all_shards response_policy:all_succeeded", "Ask the allocator to release memory", "4.0.0", "server", "Depends on how much memory is allocated, could be slow", nil, nil},
	"memory|stats":                  {2, "", 0, 0, 0, "@slow", "nondeterministic_output request_policy:all_shards response_policy:special", "Show memory usage details", "4.0.0", "server", "O(1)", nil, nil},
	"memory|usage":                  {-3, "readonly", 2, 2, 1, "@read @slow", "", "Estimate the memory usage of a key", "4.0.0", "server", "O(N) where N is the number of samples.", []keySpec{{"", "RO", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"mget":                          {-2, "readonly fast", 1, -1, 1, "@read @string @fast", "request_policy:multi_shard", "Get the values of all the given keys", "1.0.0", "string", "O(N) where N is the number of keys to retrieve.", []keySpec{{"", "RO access", 'i', 1, "", 'r', -1, 1, 0}}, nil},
	"migrate":                       {-6, "write movablekeys", 3, 3, 1, "@keyspace @write @slow @dangerous", "nondeterministic_output", "Atomically transfer a key from a Redis instance to another one.", "2.6.0", "generic", "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed.", []keySpec{{"", "RW access delete", 'i', 3, "", 'r', 0, 1, 0}, {"", "RW access delete incomplete", 'k', -2, "KEYS", 'r', -1, 1, 0}}, nil},
	"module":                        {-2, "", 0, 0, 0, "@slow", "", "A container for module commands", "4.0.0", "server", "Depends on subcommand.", nil, []string{"load", "help", "loadex", "list", "unload"}},
	"module|help":                   {2, "loading stale", 0, 0, 0, "@slow", "", "Show helpful text about the different subcommands", "5.0.0", "server", "O(1)", nil, nil},
	"module|list":                   {2, "admin noscript", 0, 0, 0, "@admin @slow @dangerous", "nondeterministic_output_order", "List all modules loaded by the server", "4.0.0", "server", "O(N) where N is the number of loaded modules.", nil, nil},
	"module|load":                   {-3, "admin noscript no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Load a module", "4.0.0", "server", "O(1)", nil, nil},
	"module|loadex":                 {-3, "admin noscript no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Load a module with extended parameters", "7.0.0", "server", "O(1)", nil, nil},
	"module|unload":                 {3, "admin noscript no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Unload a module", "4.0.0", "server", "O(1)", nil, nil},
	"monitor":                       {1, "admin noscript loading stale", 0, 0, 0, "@admin @slow @dangerous", "", "Listen for all requests received by the server in real time", "1.0.0", "server", "", nil, nil},
	"move":                          {3, "write fast", 1, 1, 1, "@keyspace @write @fast", "", "Move a key to another database", "1.0.0", "generic", "O(1)", []keySpec{{"", "RW access update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"mset":                          {-3, "write denyoom", 1, -1, 2, "@write @string @slow", "request_policy:multi_shard response_policy:all_succeeded", "Set multiple keys to multiple values", "1.0.1", "string", "O(N) where N is the number of keys to set.", []keySpec{{"", "OW update", 'i', 1, "", 'r', -1, 2, 0}}, nil},
	"msetnx":                        {-3, "write denyoom", 1, -1, 2, "@write @string @slow", "request_policy:multi_shard response_policy:agg_min", "Set multiple keys to multiple values, only if none of the keys exist", "1.0.1", "string", "O(N) where N is the number of keys to set.", []keySpec{{"", "OW insert", 'i', 1, "", 'r', -1, 2, 0}}, nil},
	"multi":                         {1, "noscript loading stale fast allow_busy", 0, 0, 0, "@fast @transaction", "", "Mark the start of a transaction block", "1.2.0", "transactions", "O(1)", nil, nil},
	"object":                        {-2, "", 0, 0, 0, "@slow", "", "A container for object introspection commands", "2.2.3", "generic", "Depends on subcommand.", nil, []string{"help", "freq", "encoding", "idletime", "refcount"}},
	"object|encoding":               {3, "readonly", 2, 2, 1, "@keyspace @read @slow", "nondeterministic_output", "Inspect the internal encoding of a Redis object", "2.2.3", "generic", "O(1)", []keySpec{{"", "RO", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"object|freq":                   {3, "readonly", 2, 2, 1, "@keyspace @read @slow", "nondeterministic_output", "Get the logarithmic access frequency counter of a Redis object", "4.0.0", "generic", "O(1)", []keySpec{{"", "RO", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"object|help":                   {2, "loading stale", 0, 0, 0, "@keyspace @slow", "", "Show helpful text about the different subcommands", "6.2.0", "generic", "O(1)", nil, nil},
	"object|idletime":               {3, "readonly", 2, 2, 1, "@keyspace @read @slow", "nondeterministic_output", "Get the time since a Redis object was last accessed", "2.2.3", "generic", "O(1)", []keySpec{{"", "RO", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"object|refcount":               {3, "readonly", 2, 2, 1, "@keyspace @read @slow", "nondeterministic_output", "Get the number of references to the value of the key", "2.2.3", "generic", "O(1)", []keySpec{{"", "RO", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"persist":                       {2, "write fast", 1, 1, 1, "@keyspace @write @fast", "", "Remove the expiration from a key", "2.2.0", "generic", "O(1)", []keySpec{{"", "RW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"pexpire":                       {-3, "write fast", 1, 1, 1, "@keyspace @write @fast", "", "Set a key's time to live in milliseconds", "2.6.0", "generic", "O(1)", []keySpec{{"", "RW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"pexpireat":                     {-3, "write fast", 1, 1, 1, "@keyspace @write @fast", "", "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0", "generic", "O(1)", []keySpec{{"", "RW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"pexpiretime":                   {2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", "", "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0", "generic", "O(1)", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"pfadd":                         {-2, "write denyoom fast", 1, 1, 1, "@write @hyperloglog @fast", "", "Adds the specified elements to the specified HyperLogLog.", "2.8.9", "hyperloglog", "O(1) to add every element.", []keySpec{{"", "RW insert", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"pfcount":                       {-2, "readonly", 1, -1, 1, "@read @hyperloglog @slow", "", "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).", "2.8.9", "hyperloglog", "O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.", []keySpec{{"RW because it may change the internal representation of the key, and propagate to replicas", "RW access", 'i', 1, "", 'r', -1, 1, 0}}, nil},
	"pfdebug":                       {3, "write denyoom admin", 2, 2, 1, "@write @hyperloglog @admin @slow @dangerous", "", "Internal commands for debugging HyperLogLog values", "2.8.9", "hyperloglog", "N/A", []keySpec{{"", "RW access", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"pfmerge":                       {-2, "write denyoom", 1, -1, 1, "@write @hyperloglog @slow", "", "Merge N different HyperLogLogs into a single one.", "2.8.9", "hyperloglog", "O(N) to merge N HyperLogLogs, but with high constant times.", []keySpec{{"", "RW access insert", 'i', 1, "", 'r', 0, 1, 0}, {"", "RO access", 'i', 2, "", 'r', -1, 1, 0}}, nil},
	"pfselftest":                    {1, "admin", 0, 0, 0, "@hyperloglog @admin @slow @dangerous", "", "An internal command for testing HyperLogLog values", "2.8.9", "hyperloglog", "N/A", nil, nil},
	"ping":                          {-1, "fast", 0, 0, 0, "@fast @connection", "request_policy:all_shards response_policy:all_succeeded", "Ping the server", "1.0.0", "connection", "O(1)", nil, nil},
	"psetex":                        {4, "write denyoom", 1, 1, 1, "@write @string @slow", "", "Set the value and expiration in milliseconds of a key", "2.6.0", "string", "O(1)", []keySpec{{"", "OW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"psubscribe":                    {-2, "pubsub noscript loading stale", 0, 0, 0, "@pubsub @slow", "", "Listen for messages published to channels matching the given patterns", "2.0.0", "pubsub", "O(N) where N is the number of patterns the client is already subscribed to.", nil, nil},
	"psync":                         {-3, "admin noscript no_async_loading no_multi", 0, 0, 0, "@admin @slow @dangerous", "", "Internal command used for replication", "2.8.0", "server", "", nil, nil},
	"pttl":                          {2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", "nondeterministic_output", "Get the time to live for a key in milliseconds", "2.6.0", "generic", "O(1)", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"publish":                       {3, "pubsub loading stale fast", 0, 0, 0, "@pubsub @fast", "", "Post a message to a channel", "2.0.0", "pubsub", "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).", nil, nil},
	"pubsub":                        {-2, "", 0, 0, 0, "@slow", "", "A container for Pub/Sub commands", "2.8.0", "pubsub", "Depends on subcommand.", nil, []string{"help", "channels", "shardchannels", "numpat", "numsub", "shardnumsub"}},
	"pubsub|channels":               {-2, "pubsub loading stale", 0, 0, 0, "@pubsub @slow", "", "List active channels", "2.8.0", "pubsub", "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)", nil, nil},
	"pubsub|help":                   {2, "loading stale", 0, 0, 0, "@slow", "", "Show helpful text about the different subcommands", "6.2.0", "pubsub", "O(1)", nil, nil},
	"pubsub|numpat":                 {2, "pubsub loading stale", 0, 0, 0, "@pubsub @slow", "", "Get the count of unique patterns pattern subscriptions", "2.8.0", "pubsub", "O(1)", nil, nil},
	"pubsub|numsub":                 {-2, "pubsub loading stale", 0, 0, 0, "@pubsub @slow", "", "Get the count of subscribers for channels", "2.8.0", "pubsub", "O(N) for the NUMSUB subcommand, where N is the number of requested channels", nil, nil},
	"pubsub|shardchannels":          {-2, "pubsub loading stale", 0, 0, 0, "@pubsub @slow", "", "List active shard channels", "7.0.0", "pubsub", "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).", nil, nil},
	"pubsub|shardnumsub":            {-2, "pubsub loading stale", 0, 0, 0, "@pubsub @slow", "", "Get the count of subscribers for shard channels", "7.0.0", "pubsub", "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels", nil, nil},
	"punsubscribe":                  {-1, "pubsub noscript loading stale", 0, 0, 0, "@pubsub @slow", "", "Stop listening for messages posted to channels matching the given patterns", "2.0.0", "pubsub", "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).", nil, nil},
	"quit":                          {-1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, "@fast @connection", "", "Close the connection", "1.0.0", "connection", "O(1)", nil, nil},
	"randomkey":                     {1, "readonly", 0, 0, 0, "@keyspace @read @slow", "request_policy:all_shards nondeterministic_output", "Return a random key from the keyspace", "1.0.0", "generic", "O(1)", nil, nil},
	"readonly":                      {1, "loading stale fast", 0, 0, 0, "@fast @connection", "", "Enables read queries for a connection to a cluster replica node", "3.0.0", "cluster", "O(1)", nil, nil},
	"readwrite":                     {1, "loading stale fast", 0, 0, 0, "@fast @connection", "", "Disables read queries for a connection to a cluster replica node", "3.0.0", "cluster", "O(1)", nil, nil},
	"rename":                        {3, "write", 1, 2, 1, "@keyspace @write @slow", "", "Rename a key", "1.0.0", "generic", "O(1)", []keySpec{{"", "RW access delete", 'i', 1, "", 'r', 0, 1, 0}, {"", "OW update", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"renamenx":                      {3, "write fast", 1, 2, 1, "@keyspace @write @fast", "", "Rename a key, only if the new key does not exist", "1.0.0", "generic", "O(1)", []keySpec{{"", "RW access delete", 'i', 1, "", 'r', 0, 1, 0}, {"", "OW insert", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"replconf":                      {-1, "admin noscript loading stale allow_busy", 0, 0, 0, "@admin @slow @dangerous", "", "An internal command for configuring the replication stream", "3.0.0", "server", "O(1)", nil, nil},
	"replicaof":                     {3, "admin noscript stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Make the server a replica of another instance, or promote it as master.", "5.0.0", "server", "O(1)", nil, nil},
	"reset":                         {1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, "@fast @connection", "", "Reset the connection", "6.2.0", "connection", "O(1)", nil, nil},
	"restore":                       {-4, "write denyoom", 1, 1, 1, "@keyspace @write @slow @dangerous", "", "Create a key using the provided serialized value, previously obtained using DUMP.", "2.6.0", "generic", "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).", []keySpec{{"", "OW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"restore-asking":                {-4, "write denyoom asking", 1, 1, 1, "@keyspace @write @slow @dangerous", "", "An internal command for migrating keys in a cluster", "3.0.0", "server", "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).", []keySpec{{"", "OW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"role":                          {1, "noscript loading stale fast", 0, 0, 0, "@admin @fast @dangerous", "", "Return the role of the instance in the context of replication", "2.8.12", "server", "O(1)", nil, nil},
	"rpop":                          {-2, "write fast", 1, 1, 1, "@write @list @fast", "", "Remove and get the last elements in a list", "1.0.0", "list", "O(N) where N is the number of elements returned", []keySpec{{"", "RW access delete", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"rpoplpush":                     {3, "write denyoom", 1, 2, 1, "@write @list @slow", "", "Remove the last element in a list, prepend it to another list and return it", "1.2.0", "list", "O(1)", []keySpec{{"", "RW access delete", 'i', 1, "", 'r', 0, 1, 0}, {"", "RW insert", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"rpush":                         {-3, "write denyoom fast", 1, 1, 1, "@write @list @fast", "", "Append one or multiple elements to a list", "1.0.0", "list", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", []keySpec{{"", "RW insert", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"rpushx":                        {-3, "write denyoom fast", 1, 1, 1, "@write @list @fast", "", "Append an element to a list, only if the list exists", "2.2.0", "list", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", []keySpec{{"", "RW insert", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"sadd":                          {-3, "write denyoom fast", 1, 1, 1, "@write @set @fast", "", "Add one or more members to a set", "1.0.0", "set", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", []keySpec{{"", "RW insert", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"save":                          {1, "admin noscript no_async_loading no_multi", 0, 0, 0, "@admin @slow @dangerous", "", "Synchronously save the dataset to disk", "1.0.0", "server", "O(N) where N is the total number of keys in all databases", nil, nil},
	"scan":                          {-2, "readonly", 0, 0, 0, "@keyspace @read @slow", "nondeterministic_output request_policy:special", "Incrementally iterate the keys space", "2.8.0", "generic", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.", nil, nil},
	"scard":                         {2, "readonly fast", 1, 1, 1, "@read @set @fast", "", "Get the number of members in a set", "1.0.0", "set", "O(1)", []keySpec{{"", "RO", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"script":                        {-2, "", 0, 0, 0, "@slow", "", "A container for Lua scripts management commands", "2.6.0", "scripting", "Depends on subcommand.", nil, []string{"exists", "debug", "load", "help", "kill", "flush"}},
	"script|debug":                  {3, "noscript", 0, 0, 0, "@slow @scripting", "", "Set the debug mode for executed scripts.", "3.2.0", "scripting", "O(1)", nil, nil},
	"script|exists":                 {-3, "noscript", 0, 0, 0, "@slow @scripting", "request_policy:all_shards response_policy:agg_logical_and", "Check existence of scripts in the script cache.", "2.6.0", "scripting", "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).", nil, nil},
	"script|flush":                  {-2, "noscript", 0, 0, 0, "@slow @scripting", "request_policy:all_nodes response_policy:all_succeeded", "Remove all the scripts from the script cache.", "2.6.0", "scripting", "O(N) with N being the number of scripts in cache", nil, nil},
	"script|help":                   {2, "loading stale", 0, 0, 0, "@slow @scripting", "", "Show helpful text about the different subcommands", "5.0.0", "scripting", "O(1)", nil, nil},
	"script|kill":                   {2, "noscript allow_busy", 0, 0, 0, "@slow @scripting", "request_policy:all_shards response_policy:one_succeeded", "Kill the script currently in execution.", "2.6.0", "scripting", "O(1)", nil, nil},
	"script|load":                   {3, "noscript stale", 0, 0, 0, "@slow @scripting", "request_policy:all_nodes response_policy:all_succeeded", "Load the specified Lua script into the script cache.", "2.6.0", "scripting", "O(N) with N being the length in bytes of the script body.", nil, nil},
	"sdiff":                         {-2, "readonly", 1, -1, 1, "@read @set @slow", "nondeterministic_output_order", "Subtract multiple sets", "1.0.0", "set", "O(N) where N is the total number of elements in all given sets.", []keySpec{{"", "RO access", 'i', 1, "", 'r', -1, 1, 0}}, nil},
	"sdiffstore":                    {-3, "write denyoom", 1, -1, 1, "@write @set @slow", "", "Subtract multiple sets and store the resulting set in a key", "1.0.0", "set", "O(N) where N is the total number of elements in all given sets.", []keySpec{{"", "OW update", 'i', 1, "", 'r', 0, 1, 0}, {"", "RO access", 'i', 2, "", 'r', -1, 1, 0}}, nil},
	"select":                        {2, "loading stale fast", 0, 0, 0, "@fast @connection", "", "Change the selected database for the current connection", "1.0.0", "connection", "O(1)", nil, nil},
	"set":                           {-3, "write denyoom", 1, 1, 1, "@write @string @slow", "", "Set the string value of a key", "1.0.0", "string", "O(1)", []keySpec{{"RW and ACCESS due to the optional `GET` argument", "RW access update variable_flags", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"setbit":                        {4, "write denyoom", 1, 1, 1, "@write @bitmap @slow", "", "Sets or clears the bit at offset in the string value stored at key", "2.2.0", "bitmap", "O(1)", []keySpec{{"", "RW access update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"setex":                         {4, "write denyoom", 1, 1, 1, "@write @string @slow", "", "Set the value and expiration of a key", "2.0.0", "string", "O(1)", []keySpec{{"", "OW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"setnx":                         {3, "write denyoom fast", 1, 1, 1, "@write @string @fast", "", "Set the value of a key, only if the key does not exist", "1.0.0", "string", "O(1)", []keySpec{{"", "OW insert", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"setrange":                      {4, "write denyoom", 1, 1, 1, "@write @string @slow", "", "Overwrite part of a string at key starting at the specified offset", "2.2.0", "string", "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.", []keySpec{{"", "RW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"shutdown":                      {-1, "admin noscript loading stale no_multi allow_busy", 0, 0, 0, "@admin @slow @dangerous", "", "Synchronously save the dataset to disk and then shut down the server", "1.0.0", "server", "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)", nil, nil},
	"sinter":                        {-2, "readonly", 1, -1, 1, "@read @set @slow", "nondeterministic_output_order", "Intersect multiple sets", "1.0.0", "set", "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", []keySpec{{"", "RO access", 'i', 1, "", 'r', -1, 1, 0}}, nil},
	"sintercard":                    {-3, "readonly movablekeys", 0, 0, 0, "@read @set @slow", "", "Intersect multiple sets and return the cardinality of the result", "7.0.0", "set", "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", []keySpec{{"", "RO access", 'i', 1, "", 'n', 0, 1, 1}}, nil},
	"sinterstore":                   {-3, "write denyoom", 1, -1, 1, "@write @set @slow", "", "Intersect multiple sets and store the resulting set in a key", "1.0.0", "set", "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", []keySpec{{"", "RW update", 'i', 1, "", 'r', 0, 1, 0}, {"", "RO access", 'i', 2, "", 'r', -1, 1, 0}}, nil},
	"sismember":                     {3, "readonly fast", 1, 1, 1, "@read @set @fast", "", "Determine if a given value is a member of a set", "1.0.0", "set", "O(1)", []keySpec{{"", "RO", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"slaveof":                       {3, "admin noscript stale no_async_loading", 0, 0, 0, "@admin @slow @dangerous", "", "Make the server a replica of another instance, or promote it as master.", "1.0.0", "server", "O(1)", nil, nil},
	"slowlog":                       {-2, "", 0, 0, 0, "@slow", "", "A container for slow log commands", "2.2.12", "server", "Depends on subcommand.", nil, []string{"reset", "help", "get", "len"}},
	"slowlog|get":                   {-2, "admin loading stale", 0, 0, 0, "@admin @slow @dangerous", "request_policy:all_nodes nondeterministic_output", "Get the slow log's entries", "2.2.12", "server", "O(N) where N is the number of entries returned", nil, nil},
	"slowlog|help":                  {2, "loading stale", 0, 0, 0, "@slow", "", "Show helpful text about the different subcommands", "6.2.0", "server", "O(1)", nil, nil},
	"slowlog|len":                   {2, "admin loading stale", 0, 0, 0, "@admin @slow @dangerous", "request_policy:all_nodes response_policy:agg_sum nondeterministic_output", "Get the slow log's length", "2.2.12", "server", "O(1)", nil, nil},
	"slowlog|reset":                 {2, "admin loading stale", 0, 0, 0, "@admin @slow @dangerous", "request_policy:all_nodes response_policy:all_succeeded", "Clear all entries from the slow log", "2.2.12", "server", "O(N) where N is the number of entries in the slowlog", nil, nil},
	"smembers":                      {2, "readonly", 1, 1, 1, "@read @set @slow", "nondeterministic_output_order", "Get all the members in a set", "1.0.0", "set", "O(N) where N is the set cardinality.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"smismember":                    {-3, "readonly fast", 1, 1, 1, "@read @set @fast", "", "Returns the membership associated with the given elements for a set", "6.2.0", "set", "O(N) where N is the number of elements being checked for membership", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"smove":                         {4, "write fast", 1, 2, 1, "@write @set @fast", "", "Move a member from one set to another", "1.0.0", "set", "O(1)", []keySpec{{"", "RW access delete", 'i', 1, "", 'r', 0, 1, 0}, {"", "RW insert", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"sort":                          {-2, "write denyoom movablekeys", 1, 1, 1, "@write @set @sortedset @list @slow @dangerous", "", "Sort the elements in a list, set or sorted set", "1.0.0", "generic", "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}, {"For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort", "RO access", 'u', 0, "", 'u', 0, 0, 0}, {"For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array", "OW update", 'u', 0, "", 'u', 0, 0, 0}}, nil},
	"sort_ro":                       {-2, "readonly movablekeys", 1, 1, 1, "@read @set @sortedset @list @slow @dangerous", "", "Sort the elements in a list, set or sorted set. Read-only variant of SORT.", "7.0.0", "generic", "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}, {"For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort", "RO access", 'u', 0, "", 'u', 0, 0, 0}}, nil},
	"spop":                          {-2, "write fast", 1, 1, 1, "@write @set @fast", "nondeterministic_output", "Remove and return one or multiple random members from a set", "1.0.0", "set", "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.", []keySpec{{"", "RW access delete", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"spublish":                      {3, "pubsub loading stale fast", 1, 1, 1, "@pubsub @fast", "", "Post a message to a shard channel", "7.0.0", "pubsub", "O(N) where N is the number of clients subscribed to the receiving shard channel.", []keySpec{{"", "not_key", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"srandmember":                   {-2, "readonly", 1, 1, 1, "@read @set @slow", "nondeterministic_output", "Get one or multiple random members from a set", "1.0.0", "set", "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"srem":                          {-3, "write fast", 1, 1, 1, "@write @set @fast", "", "Remove one or more members from a set", "1.0.0", "set", "O(N) where N is the number of members to be removed.", []keySpec{{"", "RW delete", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"sscan":                         {-3, "readonly", 1, 1, 1, "@read @set @slow", "nondeterministic_output", "Incrementally iterate Set elements", "2.8.0", "set", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"ssubscribe":                    {-2, "pubsub noscript loading stale", 1, -1, 1, "@pubsub @slow", "", "Listen for messages published to the given shard channels", "7.0.0", "pubsub", "O(N) where N is the number of shard channels to subscribe to.", []keySpec{{"", "not_key", 'i', 1, "", 'r', -1, 1, 0}}, nil},
	"strlen":                        {2, "readonly fast", 1, 1, 1, "@read @string @fast", "", "Get the length of the value stored in a key", "2.2.0", "string", "O(1)", []keySpec{{"", "RO", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"subscribe":                     {-2, "pubsub noscript loading stale", 0, 0, 0, "@pubsub @slow", "", "Listen for messages published to the given channels", "2.0.0", "pubsub", "O(N) where N is the number of channels to subscribe to.", nil, nil},
	"substr":                        {4, "readonly", 1, 1, 1, "@read @string @slow", "", "Get a substring of the string stored at a key", "1.0.0", "string", "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"sunion":                        {-2, "readonly", 1, -1, 1, "@read @set @slow", "nondeterministic_output_order", "Add multiple sets", "1.0.0", "set", "O(N) where N is the total number of elements in all given sets.", []keySpec{{"", "RO access", 'i', 1, "", 'r', -1, 1, 0}}, nil},
	"sunionstore":                   {-3, "write denyoom", 1, -1, 1, "@write @set @slow", "", "Add multiple sets and store the resulting set in a key", "1.0.0", "set", "O(N) where N is the total number of elements in all given sets.", []keySpec{{"", "OW update", 'i', 1, "", 'r', 0, 1, 0}, {"", "RO access", 'i', 2, "", 'r', -1, 1, 0}}, nil},
	"sunsubscribe":                  {-1, "pubsub noscript loading stale", 1, -1, 1, "@pubsub @slow", "", "Stop listening for messages posted to the given shard channels", "7.0.0", "pubsub", "O(N) where N is the number of clients already subscribed to a shard channel.", []keySpec{{"", "not_key", 'i', 1, "", 'r', -1, 1, 0}}, nil},
	"swapdb":                        {3, "write fast", 0, 0, 0, "@keyspace @write @fast @dangerous", "", "Swaps two Redis databases", "4.0.0", "server", "O(N) where N is the count of clients watching or blocking on keys from both databases.", nil, nil},
	"sync":                          {1, "admin noscript no_async_loading no_multi", 0, 0, 0, "@admin @slow @dangerous", "", "Internal command used for replication", "1.0.0", "server", "", nil, nil},
	"time":                          {1, "loading stale fast", 0, 0, 0, "@fast", "nondeterministic_output", "Return the current server time", "2.6.0", "server", "O(1)", nil, nil},
	"touch":                         {-2, "readonly fast", 1, -1, 1, "@keyspace @read @fast", "request_policy:multi_shard response_policy:agg_sum", "Alters the last access time of a key(s). Returns the number of existing keys specified.", "3.2.1", "generic", "O(N) where N is the number of keys that will be touched.", []keySpec{{"", "RO", 'i', 1, "", 'r', -1, 1, 0}}, nil},
	"ttl":                           {2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", "nondeterministic_output", "Get the time to live for a key in seconds", "1.0.0", "generic", "O(1)", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"type":                          {2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", "", "Determine the type stored at key", "1.0.0", "generic", "O(1)", []keySpec{{"", "RO", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"unlink":                        {-2, "write fast", 1, -1, 1, "@keyspace @write @fast", "request_policy:multi_shard response_policy:agg_sum", "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.", "4.0.0", "generic", "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.", []keySpec{{"", "RM delete", 'i', 1, "", 'r', -1, 1, 0}}, nil},
	"unsubscribe":                   {-1, "pubsub noscript loading stale", 0, 0, 0, "@pubsub @slow", "", "Stop listening for messages posted to the given channels", "2.0.0", "pubsub", "O(N) where N is the number of clients already subscribed to a channel.", nil, nil},
	"unwatch":                       {1, "noscript loading stale fast allow_busy", 0, 0, 0, "@fast @transaction", "", "Forget about all watched keys", "2.2.0", "transactions", "O(1)", nil, nil},
	"wait":                          {3, "noscript", 0, 0, 0, "@slow @connection", "request_policy:all_shards response_policy:agg_min", "Wait for the synchronous replication of all the write commands sent in the context of the current connection", "3.0.0", "generic", "O(1)", nil, nil},
	"watch":                         {-2, "noscript loading stale fast allow_busy", 1, -1, 1, "@fast @transaction", "", "Watch the given keys to determine execution of the MULTI/EXEC block", "2.2.0", "transactions", "O(1) for every key.", []keySpec{{"", "RO", 'i', 1, "", 'r', -1, 1, 0}}, nil},
	"xack":                          {-4, "write fast", 1, 1, 1, "@write @stream @fast", "", "Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.", "5.0.0", "stream", "O(1) for each message ID processed.", []keySpec{{"", "RW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"xadd":                          {-5, "write denyoom fast", 1, 1, 1, "@write @stream @fast", "nondeterministic_output", "Appends a new entry to a stream", "5.0.0", "stream", "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.", []keySpec{{"UPDATE instead of INSERT because of the optional trimming feature", "RW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"xautoclaim":                    {-6, "write fast", 1, 1, 1, "@write @stream @fast", "nondeterministic_output", "Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.", "6.2.0", "stream", "O(1) if COUNT is small.", []keySpec{{"", "RW delete", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"xclaim":                        {-6, "write fast", 1, 1, 1, "@write @stream @fast", "nondeterministic_output", "Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.", "5.0.0", "stream", "O(log N) with N being the number of messages in the PEL of the consumer group.", []keySpec{{"", "RW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"xdel":                          {-3, "write fast", 1, 1, 1, "@write @stream @fast", "", "Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.", "5.0.0", "stream", "O(1) for each single item to delete in the stream, regardless of the stream size.", []keySpec{{"", "RW delete", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"xgroup":                        {-2, "", 0, 0, 0, "@slow", "", "A container for consumer groups commands", "5.0.0", "stream", "Depends on subcommand.", nil, []string{"create", "destroy", "delconsumer", "help", "createconsumer", "setid"}},
	"xgroup|create":                 {-5, "write denyoom", 2, 2, 1, "@write @stream @slow", "", "Create a consumer group.", "5.0.0", "stream", "O(1)", []keySpec{{"", "RW insert", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"xgroup|createconsumer":         {5, "write denyoom", 2, 2, 1, "@write @stream @slow", "", "Create a consumer in a consumer group.", "6.2.0", "stream", "O(1)", []keySpec{{"", "RW insert", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"xgroup|delconsumer":            {5, "write", 2, 2, 1, "@write @stream @slow", "", "Delete a consumer from a consumer group.", "5.0.0", "stream", "O(1)", []keySpec{{"", "RW delete", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"xgroup|destroy":                {4, "write", 2, 2, 1, "@write @stream @slow", "", "Destroy a consumer group.", "5.0.0", "stream", "O(N) where N is the number of entries in the group's pending entries list (PEL).", []keySpec{{"", "RW delete", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"xgroup|help":                   {2, "loading stale", 0, 0, 0, "@stream @slow", "", "Show helpful text about the different subcommands", "5.0.0", "stream", "O(1)", nil, nil},
	"xgroup|setid":                  {-5, "write", 2, 2, 1, "@write @stream @slow", "", "Set a consumer group to an arbitrary last delivered ID value.", "5.0.0", "stream", "O(1)", []keySpec{{"", "RW update", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"xinfo":                         {-2, "", 0, 0, 0, "@slow", "", "A container for stream introspection commands", "5.0.0", "stream", "Depends on subcommand.", nil, []string{"help", "consumers", "stream", "groups"}},
	"xinfo|consumers":               {4, "readonly", 2, 2, 1, "@read @stream @slow", "nondeterministic_output", "List the consumers in a consumer group", "5.0.0", "stream", "O(1)", []keySpec{{"", "RO access", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"xinfo|groups":                  {3, "readonly", 2, 2, 1, "@read @stream @slow", "", "List the consumer groups of a stream", "5.0.0", "stream", "O(1)", []keySpec{{"", "RO access", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"xinfo|help":                    {2, "loading stale", 0, 0, 0, "@stream @slow", "", "Show helpful text about the different subcommands", "5.0.0", "stream", "O(1)", nil, nil},
	"xinfo|stream":                  {-3, "readonly", 2, 2, 1, "@read @stream @slow", "", "Get information about a stream", "5.0.0", "stream", "O(1)", []keySpec{{"", "RO access", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"xlen":                          {2, "readonly fast", 1, 1, 1, "@read @stream @fast", "", "Return the number of entries in a stream", "5.0.0", "stream", "O(1)", []keySpec{{"", "RO", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"xpending":                      {-3, "readonly", 1, 1, 1, "@read @stream @slow", "nondeterministic_output", "Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.", "5.0.0", "stream", "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"xrange":                        {-4, "readonly", 1, 1, 1, "@read @stream @slow", "", "Return a range of elements in a stream, with IDs matching the specified IDs interval", "5.0.0", "stream", "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"xread":                         {-4, "readonly blocking movablekeys", 0, 0, 0, "@read @stream @slow @blocking", "", "Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.", "5.0.0", "stream", "For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.", []keySpec{{"", "RO access", 'k', 1, "STREAMS", 'r', -1, 1, 2}}, nil},
	"xreadgroup":                    {-7, "write blocking movablekeys", 0, 0, 0, "@write @stream @slow @blocking", "", "Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.", "5.0.0", "stream", "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.", []keySpec{{"", "RO access", 'k', 4, "STREAMS", 'r', -1, 1, 2}}, nil},
	"xrevrange":                     {-4, "readonly", 1, 1, 1, "@read @stream @slow", "", "Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE", "5.0.0", "stream", "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"xsetid":                        {-3, "write denyoom fast", 1, 1, 1, "@write @stream @fast", "", "An internal command for replicating stream values", "5.0.0", "stream", "O(1)", []keySpec{{"", "RW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"xtrim":                         {-4, "write", 1, 1, 1, "@write @stream @slow", "nondeterministic_output", "Trims the stream to (approximately if '~' is passed) a certain size", "5.0.0", "stream", "O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.", []keySpec{{"", "RW delete", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zadd":                          {-4, "write denyoom fast", 1, 1, 1, "@write @sortedset @fast", "", "Add one or more members to a sorted set, or update its score if it already exists", "1.2.0", "sorted-set", "O(log(N)) for each item added, where N is the number of elements in the sorted set.", []keySpec{{"", "RW update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zcard":                         {2, "readonly fast", 1, 1, 1, "@read @sortedset @fast", "", "Get the number of members in a sorted set", "1.2.0", "sorted-set", "O(1)", []keySpec{{"", "RO", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zcount":                        {4, "readonly fast", 1, 1, 1, "@read @sortedset @fast", "", "Count the members in a sorted set with scores within the given values", "2.0.0", "sorted-set", "O(log(N)) with N being the number of elements in the sorted set.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zdiff":                         {-3, "readonly movablekeys", 0, 0, 0, "@read @sortedset @slow", "", "Subtract multiple sorted sets", "6.2.0", "sorted-set", "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.", []keySpec{{"", "RO access", 'i', 1, "", 'n', 0, 1, 1}}, nil},
	"zdiffstore":                    {-4, "write denyoom movablekeys", 1, 1, 1, "@write @sortedset @slow", "", "Subtract multiple sorted sets and store the resulting sorted set in a new key", "6.2.0", "sorted-set", "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.", []keySpec{{"", "OW update", 'i', 1, "", 'r', 0, 1, 0}, {"", "RO access", 'i', 2, "", 'n', 0, 1, 1}}, nil},
	"zincrby":                       {4, "write denyoom fast", 1, 1, 1, "@write @sortedset @fast", "", "Increment the score of a member in a sorted set", "1.2.0", "sorted-set", "O(log(N)) where N is the number of elements in the sorted set.", []keySpec{{"", "RW access update", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zinter":                        {-3, "readonly movablekeys", 0, 0, 0, "@read @sortedset @slow", "", "Intersect multiple sorted sets", "6.2.0", "sorted-set", "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.", []keySpec{{"", "RO access", 'i', 1, "", 'n', 0, 1, 1}}, nil},
	"zintercard":                    {-3, "readonly movablekeys", 0, 0, 0, "@read @sortedset @slow", "", "Intersect multiple sorted sets and return the cardinality of the result", "7.0.0", "sorted-set", "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.", []keySpec{{"", "RO access", 'i', 1, "", 'n', 0, 1, 1}}, nil},
	"zinterstore":                   {-4, "write denyoom movablekeys", 1, 1, 1, "@write @sortedset @slow", "", "Intersect multiple sorted sets and store the resulting sorted set in a new key", "2.0.0", "sorted-set", "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.", []keySpec{{"", "OW update", 'i', 1, "", 'r', 0, 1, 0}, {"", "RO access", 'i', 2, "", 'n', 0, 1, 1}}, nil},
	"zlexcount":                     {4, "readonly fast", 1, 1, 1, "@read @sortedset @fast", "", "Count the number of members in a sorted set between a given lexicographical range", "2.8.9", "sorted-set", "O(log(N)) with N being the number of elements in the sorted set.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zmpop":                         {-4, "write movablekeys", 0, 0, 0, "@write @sortedset @slow", "", "Remove and return members with scores in a sorted set", "7.0.0", "sorted-set", "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", []keySpec{{"", "RW access delete", 'i', 1, "", 'n', 0, 1, 1}}, nil},
	"zmscore":                       {-3, "readonly fast", 1, 1, 1, "@read @sortedset @fast", "", "Get the score associated with the given members in a sorted set", "6.2.0", "sorted-set", "O(N) where N is the number of members being requested.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zpopmax":                       {-2, "write fast", 1, 1, 1, "@write @sortedset @fast", "", "Remove and return members with the highest scores in a sorted set", "5.0.0", "sorted-set", "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.", []keySpec{{"", "RW access delete", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zpopmin":                       {-2, "write fast", 1, 1, 1, "@write @sortedset @fast", "", "Remove and return members with the lowest scores in a sorted set", "5.0.0", "sorted-set", "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.", []keySpec{{"", "RW access delete", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zrandmember":                   {-2, "readonly", 1, 1, 1, "@read @sortedset @slow", "nondeterministic_output", "Get one or multiple random elements from a sorted set", "6.2.0", "sorted-set", "O(N) where N is the number of elements returned", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zrange":                        {-4, "readonly", 1, 1, 1, "@read @sortedset @slow", "", "Return a range of members in a sorted set", "1.2.0", "sorted-set", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zrangebylex":                   {-4, "readonly", 1, 1, 1, "@read @sortedset @slow", "", "Return a range of members in a sorted set, by lexicographical range", "2.8.9", "sorted-set", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zrangebyscore":                 {-4, "readonly", 1, 1, 1, "@read @sortedset @slow", "", "Return a range of members in a sorted set, by score", "1.0.5", "sorted-set", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zrangestore":                   {-5, "write denyoom", 1, 2, 1, "@write @sortedset @slow", "", "Store a range of members from sorted set into another key", "6.2.0", "sorted-set", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.", []keySpec{{"", "OW update", 'i', 1, "", 'r', 0, 1, 0}, {"", "RO access", 'i', 2, "", 'r', 0, 1, 0}}, nil},
	"zrank":                         {3, "readonly fast", 1, 1, 1, "@read @sortedset @fast", "", "Determine the index of a member in a sorted set", "2.0.0", "sorted-set", "O(log(N))", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zrem":                          {-3, "write fast", 1, 1, 1, "@write @sortedset @fast", "", "Remove one or more members from a sorted set", "1.2.0", "sorted-set", "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.", []keySpec{{"", "RW delete", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zremrangebylex":                {4, "write", 1, 1, 1, "@write @sortedset @slow", "", "Remove all members in a sorted set between the given lexicographical range", "2.8.9", "sorted-set", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", []keySpec{{"", "RW delete", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zremrangebyrank":               {4, "write", 1, 1, 1, "@write @sortedset @slow", "", "Remove all members in a sorted set within the given indexes", "2.0.0", "sorted-set", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", []keySpec{{"", "RW delete", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zremrangebyscore":              {4, "write", 1, 1, 1, "@write @sortedset @slow", "", "Remove all members in a sorted set within the given scores", "1.2.0", "sorted-set", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", []keySpec{{"", "RW delete", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zrevrange":                     {-4, "readonly", 1, 1, 1, "@read @sortedset @slow", "", "Return a range of members in a sorted set, by index, with scores ordered from high to low", "1.2.0", "sorted-set", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zrevrangebylex":                {-4, "readonly", 1, 1, 1, "@read @sortedset @slow", "", "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.", "2.8.9", "sorted-set", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zrevrangebyscore":              {-4, "readonly", 1, 1, 1, "@read @sortedset @slow", "", "Return a range of members in a sorted set, by score, with scores ordered from high to low", "2.2.0", "sorted-set", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zrevrank":                      {3, "readonly fast", 1, 1, 1, "@read @sortedset @fast", "", "Determine the index of a member in a sorted set, with scores ordered from high to low", "2.0.0", "sorted-set", "O(log(N))", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zscan":                         {-3, "readonly", 1, 1, 1, "@read @sortedset @slow", "nondeterministic_output", "Incrementally iterate sorted sets elements and associated scores", "2.8.0", "sorted-set", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zscore":                        {3, "readonly fast", 1, 1, 1, "@read @sortedset @fast", "", "Get the score associated with the given member in a sorted set", "1.2.0", "sorted-set", "O(1)", []keySpec{{"", "RO access", 'i', 1, "", 'r', 0, 1, 0}}, nil},
	"zunion":                        {-3, "readonly movablekeys", 0, 0, 0, "@read @sortedset @slow", "", "Add multiple sorted sets", "6.2.0", "sorted-set", "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", []keySpec{{"", "RO access", 'i', 1, "", 'n', 0, 1, 1}}, nil},
	"zunionstore":                   {-4, "write denyoom movablekeys", 1, 1, 1, "@write @sortedset @slow", "", "Add multiple sorted sets and store the resulting sorted set in a new key", "2.0.0", "sorted-set", "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", []keySpec{{"", "OW update", 'i', 1, "", 'r', 0, 1, 0}, {"", "RO access", 'i', 2, "", 'n', 0, 1, 1}}, nil},
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func okErr(ok bool) string {
	if ok {
		return "ok"
	}
	return "err"
}
