package sim

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"opdis/sim/rng"
)

// Options are one run's parameters. Draw derives them all from the seed
// (swarm testing: each run gets its own mix of sizes and fault rates);
// Set overrides one by name, as the command line does.
type Options struct {
	Seed uint64

	// Shape.
	Nodes          int
	ClientsPerNode int
	Groups         int // active key groups per node
	Keys           int // keys per group
	Ops            int // client operations aimed for over the fault phase
	Duration       time.Duration
	Liveness       time.Duration // after the heal, every group must answer within this
	MultiPct       int
	MSetPct        int

	// Node configuration.
	Fsync        string // always | everysec | no
	AOFMaxSize   int64
	AOFKeepSize  int64
	AutoSnapshot int64 // auto-snapshot-aof-size; 0 off

	// Network and timing.
	LatencyMin  time.Duration
	LatencyMean time.Duration
	MaxSegment  int
	FlushDelay  time.Duration
	Timeout     time.Duration

	// Fault rates, in events per simulated second of the fault phase.
	Kill, PowerLoss, MidOpCrash  float64
	RestartMax                   time.Duration
	Partition, Clog, Reset       float64
	DiskFault, ClockFault        float64
	Snapshot, AOFFlush, PurgeAOF float64

	// Replicas makes node 1 the master and every other node its replica
	// (one shard); ReplBacklog is their repl-backlog-size.
	Replicas    bool
	ReplBacklog int64
	// ReplDiskless and ReplSyncDelay are repl-diskless-sync and
	// repl-diskless-sync-delay (seconds; Redis's default 5 would leave
	// a full sync after the heal unfinished within Liveness).
	ReplDiskless  bool
	ReplSyncDelay int
	Failover      float64 // graceful failovers per second (with Replicas)
	// ForcedFailover is forced failovers per second (with Replicas): the
	// master is killed or cut off and its most advanced replica promoted
	// at once (forced.go). Such a run checks C1 under the WAIT rule.
	ForcedFailover float64
	// Chain is REPLICAOF changes per second (with Replicas) that make a
	// replica follow another replica, or the master again (chain.go).
	Chain float64
	// AOF psync (psync_options.go): aof-psync-state no, replica outages
	// per second, the chance a purge/split/failover/kill/reset races an
	// AOF continue.
	AOFPsyncOff bool
	ReplOutage  float64
	PsyncRace   float64
	Groups2     bool // two groups synced both ways (groups2.go)

	// HealRestart makes the heal restart every node that hit a disk
	// error: opdis refuses writes after an AOF write or fsync error until
	// the log is reopened (Redis retries and recovers by itself), so
	// without it such a node fails the liveness check.
	HealRestart bool

	// Bug enables a deliberate fault site in the node (simbugs builds
	// only), firing with probability BugRate each time it is reached.
	Bug     string
	BugRate float64

	overrides []string // "name=value" applied by Set, in order
}

// Draw returns the options for seed.
func Draw(seed uint64) Options {
	r := rng.New(seed).Stream("swarm")
	o := Options{Seed: seed, Ops: 1000, Duration: 10 * time.Second, Liveness: 10 * time.Second, HealRestart: true}
	o.Nodes = 1 + r.IntN(5)
	o.ClientsPerNode = 1 + r.IntN(8)
	o.Groups = 1 + r.IntN(6)
	o.Keys = 1 + r.IntN(3)
	o.MultiPct = r.IntN(21)
	o.MSetPct = r.IntN(16)
	switch x := r.IntN(20); {
	case x < 10:
		o.Fsync = "always"
	case x < 17:
		o.Fsync = "everysec"
	default:
		o.Fsync = "no"
	}
	o.AOFMaxSize = 64 << r.IntN(15) // 64 B … 1 MiB: tiny sizes split after every entry
	o.AOFKeepSize = 5 << 30
	if r.IntN(2) == 0 {
		o.AOFKeepSize = 256 << r.IntN(12)
	}
	if r.IntN(2) == 0 {
		o.AutoSnapshot = 512 << r.IntN(10)
	}
	o.LatencyMin = time.Duration(10+r.IntN(1000)) * time.Microsecond
	o.LatencyMean = time.Duration(r.IntN(5000)) * time.Microsecond
	if r.IntN(2) == 0 {
		o.MaxSegment = 1 + r.IntN(64)
	}
	if r.IntN(2) == 0 {
		o.FlushDelay = time.Duration(1+r.IntN(2000)) * time.Microsecond
	}
	o.Timeout = time.Duration(200+r.IntN(1800)) * time.Millisecond
	o.RestartMax = time.Duration(1+r.IntN(2000)) * time.Millisecond
	// Each fault kind is on in about half the runs (swarm testing: a run
	// with few kinds of faults reaches states a run with all of them
	// rarely does), at a rate drawn up to its maximum.
	rate := func(maxPerSec float64) float64 {
		if r.IntN(2) == 0 {
			return 0
		}
		return float64(r.IntN(101)) / 100 * maxPerSec
	}
	o.Kill = rate(0.3)
	o.PowerLoss = rate(0.3)
	o.MidOpCrash = rate(0.3)
	o.Partition = rate(0.5)
	o.Clog = rate(0.5)
	o.Reset = rate(0.5)
	o.DiskFault = rate(0.3)
	o.ClockFault = rate(0.2)
	o.Snapshot = rate(0.5)
	o.AOFFlush = rate(0.5)
	o.PurgeAOF = rate(0.3)
	o.Replicas = o.Nodes > 1 && r.IntN(2) == 0
	o.ReplBacklog = 16 << 10 << r.IntN(10) // 16 KiB (resyncs are mostly full) … 8 MiB
	o.ReplDiskless = r.IntN(2) == 0
	o.ReplSyncDelay = r.IntN(3)
	if o.Replicas {
		o.Failover = rate(0.5)
	}
	if o.Replicas { // drawn last: the draws above stay what they were
		o.ForcedFailover = rate(0.3)
		o.Chain = rate(0.5)
	}
	o.drawPsync()
	return o
}

// option is one named field, for Set and String.
type option struct {
	name, help string
	get        func(o *Options) string
	set        func(o *Options, v string) error
}

func intOpt(name, help string, lo, hi int, f func(o *Options) *int) option {
	return option{name: name, help: help,
		get: func(o *Options) string { return strconv.Itoa(*f(o)) },
		set: func(o *Options, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < lo || n > hi {
				return fmt.Errorf("want an integer in %d..%d", lo, hi)
			}
			*f(o) = n
			return nil
		}}
}

func sizeOpt(name, help string, lo int64, f func(o *Options) *int64) option {
	return option{name: name, help: help,
		get: func(o *Options) string { return formatSize(*f(o)) },
		set: func(o *Options, v string) error {
			n, err := parseSize(v)
			if err != nil || n < lo {
				return fmt.Errorf("want a size of at least %d bytes (like 64, 2kb, 1mb)", lo)
			}
			*f(o) = n
			return nil
		}}
}

func durOpt(name, help string, lo time.Duration, f func(o *Options) *time.Duration) option {
	return option{name: name, help: help,
		get: func(o *Options) string { return f(o).String() },
		set: func(o *Options, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < lo {
				return fmt.Errorf("want a duration of at least %v", lo)
			}
			*f(o) = d
			return nil
		}}
}

func rateOpt(name, help string, f func(o *Options) *float64) option {
	return option{name: name, help: help,
		get: func(o *Options) string { return strconv.FormatFloat(*f(o), 'g', 4, 64) },
		set: func(o *Options, v string) error {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil || x < 0 || x > 1000 {
				return fmt.Errorf("want a rate in 0..1000 per simulated second")
			}
			*f(o) = x
			return nil
		}}
}

var options = []option{
	intOpt("nodes", "number of nodes", 1, 5, func(o *Options) *int { return &o.Nodes }),
	intOpt("clients", "clients per node", 1, 8, func(o *Options) *int { return &o.ClientsPerNode }),
	intOpt("groups", "active key groups per node", 1, 64, func(o *Options) *int { return &o.Groups }),
	intOpt("keys", "keys per group", 1, 3, func(o *Options) *int { return &o.Keys }),
	intOpt("ops", "client operations over the fault phase", 0, 10_000_000, func(o *Options) *int { return &o.Ops }),
	durOpt("duration", "simulated length of the fault phase", time.Millisecond, func(o *Options) *time.Duration { return &o.Duration }),
	durOpt("liveness", "time after the heal for every group to answer", time.Millisecond, func(o *Options) *time.Duration { return &o.Liveness }),
	intOpt("multi", "MULTI/EXEC share, percent", 0, 100, func(o *Options) *int { return &o.MultiPct }),
	intOpt("mset", "MSET share, percent", 0, 100, func(o *Options) *int { return &o.MSetPct }),
	{name: "fsync", help: "appendfsync: always, everysec or no",
		get: func(o *Options) string { return o.Fsync },
		set: func(o *Options, v string) error {
			if v != "always" && v != "everysec" && v != "no" {
				return fmt.Errorf("want always, everysec or no")
			}
			o.Fsync = v
			o.Groups2 = o.Groups2 && v == "always" // see groups2Check
			return nil
		}},
	sizeOpt("aof-max-size", "split the AOF at this size", 1, func(o *Options) *int64 { return &o.AOFMaxSize }),
	sizeOpt("aof-keep-size", "purge old AOF files beyond this total", 0, func(o *Options) *int64 { return &o.AOFKeepSize }),
	sizeOpt("auto-snapshot", "snapshot after this many AOF bytes (0: never)", 0, func(o *Options) *int64 { return &o.AutoSnapshot }),
	durOpt("latency-min", "least one-way network latency", 0, func(o *Options) *time.Duration { return &o.LatencyMin }),
	durOpt("latency-mean", "mean extra latency (exponential)", 0, func(o *Options) *time.Duration { return &o.LatencyMean }),
	intOpt("max-segment", "network segment size (0: writes stay whole)", 0, 1<<30, func(o *Options) *int { return &o.MaxSegment }),
	durOpt("flush-delay", "time between a command running and its reply leaving", 0, func(o *Options) *time.Duration { return &o.FlushDelay }),
	durOpt("timeout", "client request timeout", time.Millisecond, func(o *Options) *time.Duration { return &o.Timeout }),
	rateOpt("kill", "process crashes per second", func(o *Options) *float64 { return &o.Kill }),
	rateOpt("power-loss", "power losses per second", func(o *Options) *float64 { return &o.PowerLoss }),
	rateOpt("midop-crash", "crashes in the middle of disk calls per second", func(o *Options) *float64 { return &o.MidOpCrash }),
	durOpt("restart-max", "longest delay before a crashed node restarts", 0, func(o *Options) *time.Duration { return &o.RestartMax }),
	rateOpt("partition", "network partitions per second", func(o *Options) *float64 { return &o.Partition }),
	rateOpt("clog", "link clogs per second", func(o *Options) *float64 { return &o.Clog }),
	rateOpt("reset", "connection resets per second", func(o *Options) *float64 { return &o.Reset }),
	rateOpt("disk-fault", "ENOSPC/EIO disk faults per second", func(o *Options) *float64 { return &o.DiskFault }),
	rateOpt("clock-fault", "wall-clock jumps and drift changes per second", func(o *Options) *float64 { return &o.ClockFault }),
	{name: "heal-restart", help: "the heal restarts nodes that hit a disk error (they refuse writes until restarted)",
		get: func(o *Options) string { return strconv.FormatBool(o.HealRestart) },
		set: func(o *Options, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("want true or false")
			}
			o.HealRestart = b
			return nil
		}},
	{name: "replicas", help: "node 1 is the master, the others replicate it",
		get: func(o *Options) string { return strconv.FormatBool(o.Replicas) },
		set: func(o *Options, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("want true or false")
			}
			o.Replicas = b
			o.Groups2 = o.Groups2 && !b
			return nil
		}},
	{name: "repl-diskless", help: "repl-diskless-sync: full syncs stream the snapshot",
		get: func(o *Options) string { return strconv.FormatBool(o.ReplDiskless) },
		set: func(o *Options, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("want true or false")
			}
			o.ReplDiskless = b
			return nil
		}},
	intOpt("repl-sync-delay", "repl-diskless-sync-delay, seconds", 0, 60, func(o *Options) *int { return &o.ReplSyncDelay }),
	rateOpt("failover", "graceful failovers per second (with replicas)", func(o *Options) *float64 { return &o.Failover }),
	rateOpt("chain", "REPLICAOF changes per second that chain a replica behind another (with replicas; not in forced runs)", func(o *Options) *float64 { return &o.Chain }),
	rateOpt("forced-failover", "forced failovers per second (with replicas): kill or cut off the master, promote its most advanced replica", func(o *Options) *float64 { return &o.ForcedFailover }),
	sizeOpt("repl-backlog", "repl-backlog-size (at least 16kb)", 16<<10, func(o *Options) *int64 { return &o.ReplBacklog }),
	rateOpt("snapshot", "BGSAVE per second", func(o *Options) *float64 { return &o.Snapshot }),
	rateOpt("aofflush", "AOFFLUSH per second", func(o *Options) *float64 { return &o.AOFFlush }),
	rateOpt("purge", "PURGEAOFTO per second", func(o *Options) *float64 { return &o.PurgeAOF }),
	{name: "bug", help: "deliberate node fault site (simbugs builds): ack-before-fsync, lose-aof-entry, lost-write, ignore-epoch, wait-lies",
		get: func(o *Options) string { return o.Bug },
		set: func(o *Options, v string) error {
			if v != "" && !BugsCompiled {
				return fmt.Errorf("the node's fault sites are compiled in only with the simbugs tag (go run -tags simbugs ./cmd/opdis-sim …)")
			}
			o.Bug = v
			return nil
		}},
	{name: "bug-rate", help: "probability the bug site fires when reached",
		get: func(o *Options) string { return strconv.FormatFloat(o.BugRate, 'g', 4, 64) },
		set: func(o *Options, v string) error {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil || x < 0 || x > 1 {
				return fmt.Errorf("want a probability in 0..1")
			}
			o.BugRate = x
			return nil
		}},
}

// OptionNames lists the names Set accepts, with their help, in order.
func OptionNames() [][2]string {
	out := make([][2]string, len(options))
	for i, op := range options {
		out[i] = [2]string{op.name, op.help}
	}
	return out
}

// Set overrides the option called name.
func (o *Options) Set(name, value string) error {
	for _, op := range options {
		if op.name == name {
			if err := op.set(o, value); err != nil {
				return fmt.Errorf("option %s=%q: %w", name, value, err)
			}
			o.overrides = append(o.overrides, name+"="+value)
			return nil
		}
	}
	return fmt.Errorf("no option %q", name)
}

// Apply applies overrides written as "name=value" (the form Overrides
// returns).
func (o *Options) Apply(overrides []string) error {
	for _, ov := range overrides {
		name, value, ok := strings.Cut(ov, "=")
		if !ok {
			return fmt.Errorf("override %q is not name=value", ov)
		}
		if err := o.Set(name, value); err != nil {
			return err
		}
	}
	return nil
}

// Overrides are the Set calls made so far, as "name=value".
func (o Options) Overrides() []string { return o.overrides }

// String lists every option as command-line flags.
func (o Options) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "-seed=%d", o.Seed)
	for _, op := range options {
		if (op.name == "bug" || op.name == "bug-rate") && o.Bug == "" {
			continue
		}
		fmt.Fprintf(&b, " -%s=%s", op.name, op.get(&o))
	}
	return b.String()
}

// Repro is the command that replays the run: the seed and the overrides.
func (o Options) Repro() string {
	var b strings.Builder
	b.WriteString("go run")
	if o.Bug != "" {
		b.WriteString(" -tags simbugs")
	}
	b.WriteString(" ./cmd/opdis-sim")
	fmt.Fprintf(&b, " -seed=%d", o.Seed)
	for _, ov := range o.overrides {
		name, value, _ := strings.Cut(ov, "=")
		fmt.Fprintf(&b, " -%s=%s", name, shellQuote(value))
	}
	return b.String()
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func parseSize(s string) (int64, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suf string
		m   int64
	}{{"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10}, {"b", 1}} {
		if strings.HasSuffix(s, u.suf) {
			s, mult = strings.TrimSuffix(s, u.suf), u.m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}

func formatSize(n int64) string {
	for _, u := range []struct {
		suf string
		m   int64
	}{{"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10}} {
		if n >= u.m && n%u.m == 0 {
			return strconv.FormatInt(n/u.m, 10) + u.suf
		}
	}
	return strconv.FormatInt(n, 10)
}

// think is the mean pause between a client's operations that spreads Ops
// over Duration.
func (o Options) think() time.Duration {
	clients := o.Nodes * o.ClientsPerNode
	if o.Ops <= 0 {
		return o.Duration * 2
	}
	return time.Duration(int64(o.Duration) * int64(clients) / int64(o.Ops))
}

// poisson draws the number of events of a Poisson process of rate
// perSec over d.
func poisson(r *rand.Rand, perSec float64, d time.Duration) int {
	mean := perSec * d.Seconds()
	if mean <= 0 {
		return 0
	}
	n := 0
	for t := r.ExpFloat64(); t < mean; t += r.ExpFloat64() {
		n++
	}
	return n
}
