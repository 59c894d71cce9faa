package sim

import (
	"fmt"
	"strconv"

	"opdis/sim/rng"
)

// The options that make AOF psync common (issue 6): a replica cut off or
// down for seconds misses more than a tiny backlog holds, and resumes from
// the master's AOF (AOFCONTINUE) — raced, while it streams, by a purge, a
// split, a failover, a kill or a reset (PsyncRace). See psync_check.go.

// drawPsync draws the AOF psync options from their own stream, so the
// other options of a seed stay what they were. In about half the
// replicated runs the backlog is the least Redis allows, AOF files are
// tiny and replicas go away for seconds.
func (o *Options) drawPsync() {
	r := rng.New(o.Seed).Stream("swarm-psync")
	o.AOFPsyncOff = r.IntN(10) == 0
	if o.Nodes > 1 && !o.Replicas && r.IntN(3) == 0 {
		// Purges stay as drawn: a consumer registers with OPDEL where a
		// new session would resume (oplogsync.Keep), so no purge takes an
		// entry it still needs; one that came too late (a purge before
		// its first registration) is counted as a gap (Groups2Stats).
		o.Groups2, o.Fsync = true, "always"
	}
	if !(o.Replicas || o.Groups2) || r.IntN(2) == 0 {
		return
	}
	o.ReplBacklog = 16 << 10
	o.AOFMaxSize = 64 << r.IntN(8) // 64 B … 8 KiB: splits during every stream
	o.ReplOutage = float64(1+r.IntN(100)) / 100 * 0.6
	o.PsyncRace = float64(r.IntN(101)) / 100
}

func boolOpt(name, help string, f func(o *Options) *bool) option {
	return option{name: name, help: help,
		get: func(o *Options) string { return strconv.FormatBool(*f(o)) },
		set: func(o *Options, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("want true or false")
			}
			*f(o) = b
			return nil
		}}
}

func init() {
	options = append(options,
		boolOpt("aof-psync-off", "aof-psync-state no: replicas past the backlog resync fully", func(o *Options) *bool { return &o.AOFPsyncOff }),
		option{name: "groups2", help: "two replication groups (n1… and the rest) synced both ways by OPGET/OPAPPLY consumers (sets replicas=false, fsync=always)",
			get: func(o *Options) string { return strconv.FormatBool(o.Groups2) },
			set: func(o *Options, v string) error {
				b, err := strconv.ParseBool(v)
				if err != nil {
					return fmt.Errorf("want true or false")
				}
				o.Groups2 = b
				if b {
					o.Replicas, o.Fsync = false, "always"
				}
				return nil
			}},
		rateOpt("repl-outage", "replica outages of seconds per second: cut from the other nodes, killed or powered off (with replicas)", func(o *Options) *float64 { return &o.ReplOutage }),
		option{name: "psync-race", help: "probability that an AOF continue is raced by a purge, split, failover, kill or reset",
			get: func(o *Options) string { return strconv.FormatFloat(o.PsyncRace, 'g', 4, 64) },
			set: func(o *Options, v string) error {
				x, err := strconv.ParseFloat(v, 64)
				if err != nil || x < 0 || x > 1 {
					return fmt.Errorf("want a probability in 0..1")
				}
				o.PsyncRace = x
				return nil
			}},
	)
}
