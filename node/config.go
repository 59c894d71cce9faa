package node

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Config is the node's configuration. Every field is reachable by its
// redis.conf name through the param table below, which CONFIG GET/SET, the
// server's command line and config file all share.
type Config struct {
	Port             int64
	Bind             string
	Dir              string
	Daemonize        bool
	Save             string
	RequirePass      string
	ProtectedMode    bool
	MaxClients       int64
	ProtoMaxBulkLen  int64
	Hz               int64
	LogLevel         string
	LogFile          string
	EnableDebugCmd   string
	Databases        int64
	Timeout          int64
	TCPKeepalive     int64
	AppendOnly       bool
	AppendFsync      string
	DBFilename       string
	PidFile          string
	MaxMemory        int64
	MaxMemoryPolicy  string
	NotifyKeyspace   string
	SlowlogSlower    int64
	SlowlogMaxLen    int64
	ListMaxLPSize    int64
	ListCompress     int64
	HashMaxLPEntries int64
	HashMaxLPValue   int64
	SetMaxIntset     int64
	ZSetMaxLPEntries int64
	ZSetMaxLPValue   int64
	ReplicaReadOnly  bool
	LazyfreeUserDel  bool
	TCPBacklog       int64
	ActiveExpire     bool // not a Redis option: tests switch active expiry off

	LatencyTracking    bool   // latency-tracking: per-command latency histograms
	LatencyPercentiles string // latency-tracking-info-percentiles, as set (CONFIG GET shows it normalized)

	// Persistence (DESIGN §3, §4; opdis and ApsaraCache options).
	ServerID              int64 // server-id: the replication group's id in every entry
	AOFMaxSize            int64 // aof-max-size: split the live AOF file at this size
	AOFKeepSize           int64 // aof-keep-size: purge old AOF files beyond this total
	AutoPurgeAOF          bool  // auto-purge-aof
	AOFLoadTruncated      bool  // aof-load-truncated: repair a torn tail at start
	AutoSnapshotSize      int64 // auto-snapshot-aof-size: snapshot after this many AOF bytes (0: never)
	RDBCompression        bool  // rdbcompression (accepted; snapshots are written uncompressed)
	RDBChecksum           bool  // rdbchecksum
	StopWritesOnBgsaveErr bool  // stop-writes-on-bgsave-error

	// Oplog consumers and AOF psync (DESIGN §5, §6; ApsaraCache's options).
	AOFPsyncState        bool  // aof-psync-state: serve AOFCONTINUE
	OpgetMaxCount        int64 // opget-max-count: COUNT at most (below 10 counts as 10)
	OpgetMasterMinSlaves int64 // opget-master-min-slaves: OPGET on a master needs this many acknowledging replicas (0: none)
	OpdelSourceTimeout   int64 // opdel-source-timeout: seconds an OPDEL source lives without an update (0: for ever)

	// Replication (DESIGN §5), Redis's options.
	ReplBacklogSize       int64
	ReplBacklogTTL        int64
	ReplPingPeriod        int64 // repl-ping-replica-period
	ReplTimeout           int64
	ReplDisklessSync      bool
	ReplDisklessSyncDelay int64
	MasterAuth            string
	MasterUser            string
	ReplicaPriority       int64
	ReplicaAnnounceIP     string
	ReplicaAnnouncePort   int64
	ReplicaAnnounced      bool
	MinReplicasToWrite    int64
	MinReplicasMaxLag     int64
	ReplicaServeStale     bool
	ReplicaOf             string // "host port" while a replica (replicaof)
	// client-output-buffer-limit, normalized to Redis's CONFIG GET form
	// ("normal 0 0 0 slave 268435456 67108864 60 pubsub …"); the node
	// enforces the replica class (repl_master.go).
	ClientOutputBufferLimit string
}

// DefaultConfig is what a bare start uses: Redis 7.0's defaults, except
// that opdis binds loopback and keeps data in ./data.
func DefaultConfig() Config {
	return Config{
		Port: 6379, Bind: "127.0.0.1", Dir: "./data", ProtectedMode: true,
		Save: "3600 1 300 100 60 10000", MaxClients: 10000, ProtoMaxBulkLen: 512 << 20,
		Hz: 10, LogLevel: "notice", EnableDebugCmd: "no", Databases: 16, TCPKeepalive: 300,
		AppendFsync: "everysec", DBFilename: "dump.rdb", MaxMemoryPolicy: "noeviction",
		SlowlogSlower: 10000, SlowlogMaxLen: 128, ListMaxLPSize: -2, HashMaxLPEntries: 512,
		HashMaxLPValue: 64, SetMaxIntset: 512, ZSetMaxLPEntries: 128, ZSetMaxLPValue: 64,
		ReplicaReadOnly: true, TCPBacklog: 511, ActiveExpire: true,
		LatencyTracking: true, LatencyPercentiles: "50 99 99.9",
		ServerID: 12345678, AOFMaxSize: 100 << 20, AOFKeepSize: 5 << 30, AutoPurgeAOF: true,
		AOFLoadTruncated: true, AutoSnapshotSize: 512 << 20, RDBCompression: true, RDBChecksum: true,
		StopWritesOnBgsaveErr: true,
		AOFPsyncState:         true, OpgetMaxCount: 10000, OpgetMasterMinSlaves: 1, OpdelSourceTimeout: 21600,
		ReplBacklogSize: 1 << 20, ReplBacklogTTL: 3600, ReplPingPeriod: 10, ReplTimeout: 60,
		ReplDisklessSync: true, ReplDisklessSyncDelay: 5, ReplicaPriority: 100, ReplicaAnnounced: true,
		MinReplicasMaxLag: 10, ReplicaServeStale: true,
		ClientOutputBufferLimit: "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
	}
}

type paramKind int

const (
	kindString paramKind = iota
	kindBool
	kindInt
	kindMemory
	kindEnum
)

// param describes one configuration option.
type param struct {
	name      string
	alias     string
	kind      paramKind
	immutable bool
	protected bool // refused by CONFIG SET unless enable-protected-configs (never, here)
	min, max  int64
	enum      []string
	str       func(c *Config) *string
	boolean   func(c *Config) *bool
	integer   func(c *Config) *int64
	// merge, for a string option with a syntax of its own, checks a new
	// value and combines it with the current one.
	merge func(cur, value string) (string, error)
	// show, when set, is how CONFIG GET shows the string value.
	show func(value string) string
}

func strParam(name string, f func(*Config) *string) *param {
	return &param{name: name, kind: kindString, str: f}
}
func boolParam(name string, f func(*Config) *bool) *param {
	return &param{name: name, kind: kindBool, boolean: f}
}
func intParam(name string, min, max int64, f func(*Config) *int64) *param {
	return &param{name: name, kind: kindInt, min: min, max: max, integer: f}
}
func memParam(name string, f func(*Config) *int64) *param {
	return &param{name: name, kind: kindMemory, min: 0, max: 1<<63 - 1, integer: f}
}
func enumParam(name string, values []string, f func(*Config) *string) *param {
	return &param{name: name, kind: kindEnum, enum: values, str: f}
}
func (p *param) fixed() *param           { p.immutable = true; return p }
func (p *param) atLeast(v int64) *param  { p.min = v; return p }
func (p *param) guarded() *param         { p.protected = true; return p }
func (p *param) aka(alias string) *param { p.alias = alias; return p }
func (p *param) parsed(merge func(cur, value string) (string, error)) *param {
	p.merge = merge
	return p
}
func (p *param) shown(show func(string) string) *param { p.show = show; return p }

const maxInt = 1<<63 - 1

// params is sorted by name so CONFIG GET with a pattern replies in a stable order.
var params = sortParams([]*param{
	intParam("port", 0, 65535, func(c *Config) *int64 { return &c.Port }),
	strParam("bind", func(c *Config) *string { return &c.Bind }),
	strParam("dir", func(c *Config) *string { return &c.Dir }).guarded(),
	boolParam("daemonize", func(c *Config) *bool { return &c.Daemonize }).fixed(),
	strParam("save", func(c *Config) *string { return &c.Save }),
	strParam("requirepass", func(c *Config) *string { return &c.RequirePass }),
	boolParam("protected-mode", func(c *Config) *bool { return &c.ProtectedMode }),
	intParam("maxclients", 1, 1<<32-1, func(c *Config) *int64 { return &c.MaxClients }),
	memParam("proto-max-bulk-len", func(c *Config) *int64 { return &c.ProtoMaxBulkLen }).atLeast(1 << 20),
	intParam("hz", 0, 1<<31-1, func(c *Config) *int64 { return &c.Hz }),
	enumParam("loglevel", []string{"debug", "verbose", "notice", "warning"}, func(c *Config) *string { return &c.LogLevel }),
	strParam("logfile", func(c *Config) *string { return &c.LogFile }).fixed(),
	enumParam("enable-debug-command", []string{"no", "yes", "local"}, func(c *Config) *string { return &c.EnableDebugCmd }).fixed(),
	intParam("databases", 1, 1<<31-1, func(c *Config) *int64 { return &c.Databases }).fixed(),
	intParam("timeout", 0, 1<<31-1, func(c *Config) *int64 { return &c.Timeout }),
	intParam("tcp-keepalive", 0, 1<<31-1, func(c *Config) *int64 { return &c.TCPKeepalive }),
	intParam("tcp-backlog", 0, maxInt, func(c *Config) *int64 { return &c.TCPBacklog }).fixed(),
	boolParam("appendonly", func(c *Config) *bool { return &c.AppendOnly }),
	enumParam("appendfsync", []string{"everysec", "always", "no"}, func(c *Config) *string { return &c.AppendFsync }),
	strParam("dbfilename", func(c *Config) *string { return &c.DBFilename }).guarded(),
	strParam("pidfile", func(c *Config) *string { return &c.PidFile }).fixed(),
	memParam("maxmemory", func(c *Config) *int64 { return &c.MaxMemory }),
	enumParam("maxmemory-policy", []string{"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"}, func(c *Config) *string { return &c.MaxMemoryPolicy }),
	strParam("notify-keyspace-events", func(c *Config) *string { return &c.NotifyKeyspace }),
	intParam("slowlog-log-slower-than", -1, maxInt, func(c *Config) *int64 { return &c.SlowlogSlower }),
	intParam("slowlog-max-len", 0, maxInt, func(c *Config) *int64 { return &c.SlowlogMaxLen }),
	intParam("list-max-listpack-size", -1<<31, 1<<31-1, func(c *Config) *int64 { return &c.ListMaxLPSize }).aka("list-max-ziplist-size"),
	intParam("list-compress-depth", 0, maxInt, func(c *Config) *int64 { return &c.ListCompress }),
	intParam("hash-max-listpack-entries", 0, maxInt, func(c *Config) *int64 { return &c.HashMaxLPEntries }).aka("hash-max-ziplist-entries"),
	intParam("hash-max-listpack-value", 0, maxInt, func(c *Config) *int64 { return &c.HashMaxLPValue }).aka("hash-max-ziplist-value"),
	intParam("set-max-intset-entries", 0, maxInt, func(c *Config) *int64 { return &c.SetMaxIntset }),
	intParam("zset-max-listpack-entries", 0, maxInt, func(c *Config) *int64 { return &c.ZSetMaxLPEntries }).aka("zset-max-ziplist-entries"),
	intParam("zset-max-listpack-value", 0, maxInt, func(c *Config) *int64 { return &c.ZSetMaxLPValue }).aka("zset-max-ziplist-value"),
	boolParam("replica-read-only", func(c *Config) *bool { return &c.ReplicaReadOnly }).aka("slave-read-only"),
	boolParam("lazyfree-lazy-user-del", func(c *Config) *bool { return &c.LazyfreeUserDel }),
	intParam("server-id", 0, maxInt, func(c *Config) *int64 { return &c.ServerID }),
	memParam("aof-max-size", func(c *Config) *int64 { return &c.AOFMaxSize }).atLeast(1),
	memParam("aof-keep-size", func(c *Config) *int64 { return &c.AOFKeepSize }),
	boolParam("auto-purge-aof", func(c *Config) *bool { return &c.AutoPurgeAOF }),
	boolParam("aof-load-truncated", func(c *Config) *bool { return &c.AOFLoadTruncated }),
	memParam("auto-snapshot-aof-size", func(c *Config) *int64 { return &c.AutoSnapshotSize }),
	boolParam("rdbcompression", func(c *Config) *bool { return &c.RDBCompression }),
	boolParam("rdbchecksum", func(c *Config) *bool { return &c.RDBChecksum }).fixed(),
	boolParam("stop-writes-on-bgsave-error", func(c *Config) *bool { return &c.StopWritesOnBgsaveErr }),
	boolParam("aof-psync-state", func(c *Config) *bool { return &c.AOFPsyncState }),
	intParam("opget-max-count", 0, maxInt, func(c *Config) *int64 { return &c.OpgetMaxCount }),
	intParam("opget-master-min-slaves", 0, maxInt, func(c *Config) *int64 { return &c.OpgetMasterMinSlaves }),
	intParam("opdel-source-timeout", 0, maxInt, func(c *Config) *int64 { return &c.OpdelSourceTimeout }),
	memParam("repl-backlog-size", func(c *Config) *int64 { return &c.ReplBacklogSize }).atLeast(1),
	intParam("repl-backlog-ttl", 0, maxInt, func(c *Config) *int64 { return &c.ReplBacklogTTL }),
	intParam("repl-ping-replica-period", 1, maxInt, func(c *Config) *int64 { return &c.ReplPingPeriod }).aka("repl-ping-slave-period"),
	intParam("repl-timeout", 1, maxInt, func(c *Config) *int64 { return &c.ReplTimeout }),
	boolParam("repl-diskless-sync", func(c *Config) *bool { return &c.ReplDisklessSync }),
	intParam("repl-diskless-sync-delay", 0, maxInt, func(c *Config) *int64 { return &c.ReplDisklessSyncDelay }),
	strParam("masterauth", func(c *Config) *string { return &c.MasterAuth }),
	strParam("masteruser", func(c *Config) *string { return &c.MasterUser }),
	intParam("replica-priority", 0, maxInt, func(c *Config) *int64 { return &c.ReplicaPriority }).aka("slave-priority"),
	strParam("replica-announce-ip", func(c *Config) *string { return &c.ReplicaAnnounceIP }).aka("slave-announce-ip"),
	intParam("replica-announce-port", 0, 65535, func(c *Config) *int64 { return &c.ReplicaAnnouncePort }).aka("slave-announce-port"),
	boolParam("replica-announced", func(c *Config) *bool { return &c.ReplicaAnnounced }),
	intParam("min-replicas-to-write", 0, maxInt, func(c *Config) *int64 { return &c.MinReplicasToWrite }).aka("min-slaves-to-write"),
	intParam("min-replicas-max-lag", 0, maxInt, func(c *Config) *int64 { return &c.MinReplicasMaxLag }).aka("min-slaves-max-lag"),
	strParam("replicaof", func(c *Config) *string { return &c.ReplicaOf }).aka("slaveof").fixed(),
	boolParam("replica-serve-stale-data", func(c *Config) *bool { return &c.ReplicaServeStale }).aka("slave-serve-stale-data"),
	strParam("client-output-buffer-limit", func(c *Config) *string { return &c.ClientOutputBufferLimit }).parsed(mergeOutputBufferLimits),
	boolParam("latency-tracking", func(c *Config) *bool { return &c.LatencyTracking }),
	strParam("latency-tracking-info-percentiles", func(c *Config) *string { return &c.LatencyPercentiles }).parsed(mergePercentiles).shown(showPercentiles),
})

func sortParams(ps []*param) []*param {
	sort.Slice(ps, func(i, j int) bool { return ps[i].name < ps[j].name })
	return ps
}

func findParam(name string) *param {
	name = strings.ToLower(name)
	for _, p := range params {
		if p.name == name || p.alias == name {
			return p
		}
	}
	return nil
}

// ConfigError is a rejected configuration value; Msg is the reason Redis
// would give after the option's name.
type ConfigError struct{ Name, Msg string }

func (e *ConfigError) Error() string { return e.Name + ": " + e.Msg }

// ErrUnknownParam is returned by Set for a name that is not an option.
var ErrUnknownParam = fmt.Errorf("unknown option")

// Set parses value into the option called name. startup is true when
// the value comes from the command line or config file, where immutable
// options may still be set.
func (c *Config) Set(name, value string, startup bool) error {
	p := findParam(name)
	if p == nil {
		return ErrUnknownParam
	}
	if p.immutable && !startup {
		return &ConfigError{p.name, "can't set immutable config"}
	}
	if p.protected && !startup {
		return &ConfigError{p.name, "can't set protected config"}
	}
	switch p.kind {
	case kindString:
		if p.merge != nil {
			v, err := p.merge(*p.str(c), value)
			if err != nil {
				return &ConfigError{p.name, err.Error()}
			}
			value = v
		}
		*p.str(c) = value
	case kindEnum:
		v := strings.ToLower(value)
		for _, e := range p.enum {
			if e == v {
				*p.str(c) = v
				return nil
			}
		}
		return &ConfigError{p.name, "argument(s) must be one of the following: " + strings.Join(p.enum, ", ")}
	case kindBool:
		switch strings.ToLower(value) {
		case "yes":
			*p.boolean(c) = true
		case "no":
			*p.boolean(c) = false
		default:
			return &ConfigError{p.name, "argument must be 'yes' or 'no'"}
		}
	case kindInt, kindMemory:
		var v int64
		var ok bool
		if p.kind == kindMemory {
			v, ok = ParseMemory(value)
			if !ok {
				return &ConfigError{p.name, "argument must be a memory value"}
			}
		} else {
			v, ok = parseConfigInt(value)
			if !ok {
				return &ConfigError{p.name, "argument couldn't be parsed into an integer"}
			}
		}
		if v < p.min || v > p.max {
			return &ConfigError{p.name, fmt.Sprintf("argument must be between %d and %d inclusive", p.min, p.max)}
		}
		if p.name == "hz" { // Redis accepts any int and clamps to 1..500
			v = min(max(v, 1), 500)
		}
		*p.integer(c) = v
	}
	return nil
}

// Get returns the option's value as CONFIG GET shows it.
func (c *Config) Get(name string) (string, bool) {
	p := findParam(name)
	if p == nil {
		return "", false
	}
	return p.get(c), true
}

func (p *param) get(c *Config) string {
	switch p.kind {
	case kindBool:
		if *p.boolean(c) {
			return "yes"
		}
		return "no"
	case kindInt, kindMemory:
		return strconv.FormatInt(*p.integer(c), 10)
	default:
		if p.show != nil {
			return p.show(*p.str(c))
		}
		return *p.str(c)
	}
}

// Match returns name/value pairs of every option whose name (or alias)
// matches the glob pattern, sorted by name.
func (c *Config) Match(pattern string) [][2]string {
	var out [][2]string
	for _, p := range params {
		if GlobMatch([]byte(pattern), []byte(p.name), true) {
			out = append(out, [2]string{p.name, p.get(c)})
		} else if p.alias != "" && GlobMatch([]byte(pattern), []byte(p.alias), true) {
			out = append(out, [2]string{p.alias, p.get(c)})
		}
	}
	return out
}

func parseConfigInt(s string) (int64, bool) {
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

// ParseMemory parses "100", "1k", "1kb", "5mb", "1gb" as Redis's memtoull:
// k=1000, kb=1024, m=1000², mb=1024², g=1000³, gb=1024³.
func ParseMemory(s string) (int64, bool) {
	ls := strings.ToLower(s)
	mul := int64(1)
	for _, u := range []struct {
		suf string
		mul int64
	}{{"kb", 1024}, {"mb", 1 << 20}, {"gb", 1 << 30}, {"k", 1000}, {"m", 1e6}, {"g", 1e9}, {"b", 1}} {
		if strings.HasSuffix(ls, u.suf) {
			ls, mul = strings.TrimSuffix(ls, u.suf), u.mul
			break
		}
	}
	v, err := strconv.ParseInt(ls, 10, 64)
	if err != nil || v < 0 || (v > 0 && mul > (1<<63-1)/v) {
		return 0, false
	}
	return v * mul, true
}

// OutputBufferLimit is one client class's client-output-buffer-limit: a
// client whose pending output reaches Hard bytes, or stays at or above Soft
// bytes for more than SoftSeconds, is disconnected. 0 disables a limit.
type OutputBufferLimit struct{ Hard, Soft, SoftSeconds int64 }

// outputBufferClasses are the classes in CONFIG GET order, with the name
// CONFIG GET shows ("slave") and the one it also accepts.
var outputBufferClasses = [3][2]string{{"normal", "normal"}, {"slave", "replica"}, {"pubsub", "pubsub"}}

// parseOutputBufferLimits reads `<class> <hard> <soft> <soft seconds> …`
// into the current limits cur: the classes named change, the others stay.
func parseOutputBufferLimits(cur [3]OutputBufferLimit, v string) ([3]OutputBufferLimit, error) {
	f := strings.Fields(v)
	if len(f)%4 != 0 {
		return cur, fmt.Errorf("Wrong number of arguments in buffer limit configuration.")
	}
	for i := 0; i < len(f); i += 4 {
		class := -1
		for j, names := range outputBufferClasses {
			if strings.EqualFold(f[i], names[0]) || strings.EqualFold(f[i], names[1]) {
				class = j
			}
		}
		if class < 0 {
			return cur, fmt.Errorf("Invalid client class specified in buffer limit configuration.")
		}
		hard, ok1 := ParseMemory(f[i+1])
		soft, ok2 := ParseMemory(f[i+2])
		secs, err := strconv.ParseInt(f[i+3], 10, 64)
		if !ok1 || !ok2 || err != nil || secs < 0 {
			return cur, fmt.Errorf("Error in hard, soft or soft_seconds setting in buffer limit configuration.")
		}
		cur[class] = OutputBufferLimit{hard, soft, secs}
	}
	return cur, nil
}

// mergeOutputBufferLimits applies a CONFIG SET (or config file) value to
// the current one and writes the result in CONFIG GET's form.
func mergeOutputBufferLimits(cur, value string) (string, error) {
	lims, _ := parseOutputBufferLimits([3]OutputBufferLimit{}, cur)
	lims, err := parseOutputBufferLimits(lims, value)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for j, l := range lims {
		if j > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s %d %d %d", outputBufferClasses[j][0], l.Hard, l.Soft, l.SoftSeconds)
	}
	return b.String(), nil
}
