// Package workload is the simulator's clients: they send the checked
// commands (model: GET, SET, SET … GET, INCR, APPEND, DEL, MSET and
// MULTI/EXEC inside one hash-tag key group) with unique values, and record
// what they saw in a porcupine history.
//
// The keyspace is split into shards, each with its own key groups and its
// own clients (at most 8, so at most 8 clients ever touch a key); Addr
// says where a shard's clients connect, and is asked again at every
// reconnection. Until replication, every node is the master of one shard;
// with it, a single shard follows whichever node is master. A request that times out or whose
// connection breaks has an unknown outcome: it stays open forever in the
// history and the client continues under a new id. A group that collects
// MaxUnknown open writes is retired and replaced by a fresh one, which
// keeps porcupine's search small. A reply that proves the command did not
// run (MISCONF, EXECABORT, LOADING, a refused connection) drops the
// operation.
//
// At the end, Final sends one last transaction to every group ever used
// (read every key, then write one): the liveness check, and the reads that
// reveal any acknowledged write a node lost.
package workload

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"opdis/model"
	"opdis/sim/loop"
	"opdis/sim/simclient"
	"opdis/sim/simnet"
	"opdis/wire"
)

// Config shapes the workload.
type Config struct {
	Shards          int
	Addr            func(shard int) string // where the shard's clients connect now; "" drops requests
	ClientsPerShard int                    // 1..8
	Groups          int                    // active key groups per shard
	Keys            int                    // keys per group, 1..3
	Think           time.Duration          // mean pause between a client's operations
	Timeout         time.Duration          // a request unanswered this long is abandoned
	MaxUnknown      int                    // open unknown writes per group before it is retired
	MultiPct        int                    // share of MULTI/EXEC transactions, percent
	MSetPct         int                    // share of MSET, percent
	// WaitReplicas, when set, is the WAIT rule of forced-failover runs
	// (DESIGN §7, confirm.go): a reply counts only once a following
	// WAIT <WaitReplicas> <WaitTimeout> on the same connection returned
	// all of them.
	WaitReplicas int
	WaitTimeout  time.Duration
	// WaitAOF confirms with WAITAOF 1 <WaitReplicas> instead: the write
	// must be fsynced on the master and every replica (power losses
	// under appendfsync everysec).
	WaitAOF bool
}

// Stats count what the clients did.
type Stats struct {
	Sent, OK, Unknown, Dropped, Timeouts, Retired int
	FinalRetries                                  int
	Unconfirmed                                   int // replies a WAIT did not confirm (WaitReplicas)
}

// Group is a key group: keys sharing a hash tag, in one shard.
type Group struct {
	Name    string
	Shard   int
	Keys    []string
	unknown int
	retired bool
	final   bool   // its final transaction completed
	LastErr string // why its latest final attempt failed
}

// Workload is the set of clients.
type Workload struct {
	loop    *loop.Loop
	net     *simnet.Net
	rnd     *rand.Rand
	cfg     Config
	hist    model.History
	groups  []*Group   // every group ever used, in creation order
	active  [][]*Group // per shard
	clients []*client
	nextG   []int
	stopped bool
	Stats   Stats
}

// New creates the clients; Start sets them going.
func New(l *loop.Loop, net *simnet.Net, rnd *rand.Rand, cfg Config) *Workload {
	w := &Workload{loop: l, net: net, rnd: rnd, cfg: cfg, active: make([][]*Group, cfg.Shards), nextG: make([]int, cfg.Shards)}
	for sh := 0; sh < cfg.Shards; sh++ {
		for g := 0; g < cfg.Groups; g++ {
			w.active[sh] = append(w.active[sh], w.newGroup(sh))
		}
		for i := 0; i < cfg.ClientsPerShard; i++ {
			idx := len(w.clients)
			w.clients = append(w.clients, &client{w: w, host: "c" + strconv.Itoa(idx+1), shard: sh, id: w.hist.NewClient()})
		}
	}
	return w
}

func (w *Workload) newGroup(shard int) *Group {
	w.nextG[shard]++
	g := &Group{Name: fmt.Sprintf("s%dg%d", shard+1, w.nextG[shard]), Shard: shard}
	for k := 0; k < w.cfg.Keys; k++ {
		g.Keys = append(g.Keys, "{"+g.Name+"}"+string(rune('a'+k)))
	}
	w.groups = append(w.groups, g)
	return g
}

// Start sets every client going, each after a random pause.
func (w *Workload) Start() {
	for _, c := range w.clients {
		w.loop.After(w.think(), "client.start", c.next)
	}
}

// Stop makes clients finish their current request and send no more.
func (w *Workload) Stop() { w.stopped = true }

// Idle reports whether no client has a request outstanding.
func (w *Workload) Idle() bool {
	for _, c := range w.clients {
		if c.busy {
			return false
		}
	}
	return true
}

// History is the recorded history.
func (w *Workload) History() *model.History { return &w.hist }

// Groups returns every group used, in creation order.
func (w *Workload) Groups() []*Group { return w.groups }

// Hosts are the client host names (for network faults).
func (w *Workload) Hosts() []string {
	hs := make([]string, len(w.clients))
	for i, c := range w.clients {
		hs[i] = c.host
	}
	return hs
}

// HostsOf are the hosts of a shard's clients.
func (w *Workload) HostsOf(shard int) []string {
	var hs []string
	for _, c := range w.clients {
		if c.shard == shard {
			hs = append(hs, c.host)
		}
	}
	return hs
}

// Restore records that the shard's node restarted with vals in memory,
// for every group of the shard (fsync policies that may lose acknowledged
// writes).
func (w *Workload) Restore(shard int, vals map[string]string) {
	at := w.hist.Stamp(int64(w.loop.Now()))
	for _, g := range w.groups {
		if g.Shard == shard {
			w.hist.Add(w.hist.NewClient(), model.RestoreOf(g.Keys, vals), model.Replied(), at, at)
		}
	}
}

func (w *Workload) think() time.Duration {
	return time.Duration(w.rnd.ExpFloat64() * float64(w.cfg.Think))
}

// client is one connection's worth of sequential requests.
type client struct {
	w       *Workload
	host    string
	shard   int
	id      int // history client id
	conn    *simclient.Client
	busy    bool
	seq     int
	lastErr string // why the latest request failed ("" if it did not)
}

func (c *client) next() {
	w := c.w
	if w.stopped {
		if c.conn != nil {
			c.conn.Close()
			c.conn = nil
		}
		return
	}
	g := w.active[c.shard][w.rnd.IntN(len(w.active[c.shard]))]
	c.do(g, w.input(c, g), func(ok bool) {
		pause := w.think()
		if !ok {
			pause += time.Duration(10+w.rnd.IntN(90)) * time.Millisecond
		}
		w.loop.After(pause, "client.think", c.next)
	})
}

// do sends in and records its outcome; done learns whether the outcome
// is known.
func (c *client) do(g *Group, in model.Input, done func(ok bool)) {
	w := c.w
	addr := w.cfg.Addr(c.shard)
	if addr == "" {
		// No master for now (a failover is in progress): the request is
		// not sent, a definite failure.
		w.Stats.Dropped++
		c.lastErr = "no master"
		done(false)
		return
	}
	if c.conn != nil && c.conn.Endpoint().RemoteAddr() != addr {
		c.conn.Close() // the shard has a new master: follow it
		c.conn = nil
	}
	if c.conn == nil || c.conn.Err() != nil {
		conn, err := simclient.Dial(w.net, c.host, addr)
		if err != nil {
			panic(err) // only a malformed address fails at once
		}
		c.conn = conn
	}
	conn := c.conn
	c.busy = true
	w.Stats.Sent++
	call := w.hist.Stamp(int64(w.loop.Now()))
	finished := false
	timer := w.loop.After(w.cfg.Timeout, "client.timeout", func() {
		if !finished {
			w.Stats.Timeouts++
			conn.Close() // fails the request with ErrClosed
		}
	})
	send(conn, in, func(out model.Output, err error) {
		if finished {
			return
		}
		finished = true
		c.busy = false
		timer.Stop()
		c.lastErr = ""
		if err != nil {
			c.lastErr = err.Error()
		} else if notRun(out) {
			c.lastErr = out.Replies[0].Str
		}
		switch {
		case err == nil && notRun(out):
			w.Stats.Dropped++
			done(false)
		case err == nil && w.cfg.WaitReplicas > 0:
			c.confirm(g, conn, in, out, call, done)
		case err == nil:
			w.Stats.OK++
			w.hist.Add(c.id, in, out, call, w.hist.Stamp(int64(w.loop.Now())))
			done(true)
		case errors.Is(err, simnet.ErrRefused):
			w.Stats.Dropped++ // the bytes never reached a node
			c.conn = nil
			done(false)
		default:
			c.unknown(g, conn, in, call)
			done(false)
		}
	})
}

// unknown records that in, sent at call on conn, has an unknown outcome:
// it stays open forever and the client goes on under a new id on a new
// connection.
func (c *client) unknown(g *Group, conn *simclient.Client, in model.Input, call int64) {
	w := c.w
	w.Stats.Unknown++
	c.id = w.hist.AddUnknown(c.id, in, call)
	if !in.ReadOnly() {
		g.unknown++
		if g.unknown >= w.cfg.MaxUnknown && !g.retired {
			w.retire(g)
		}
	}
	if c.conn == conn {
		conn.Close()
		c.conn = nil
	}
}

// retire replaces g by a fresh group.
func (w *Workload) retire(g *Group) {
	g.retired = true
	w.Stats.Retired++
	if w.stopped {
		return // no new group now: Final covers the groups that exist
	}
	act := w.active[g.Shard]
	for i, x := range act {
		if x == g {
			act[i] = w.newGroup(g.Shard)
		}
	}
}

// notRun reports a reply that proves the command did not run.
func notRun(out model.Output) bool {
	if len(out.Replies) != 1 || out.Replies[0].Kind != model.Err {
		return false
	}
	s := out.Replies[0].Str
	for _, p := range []string{"MISCONF ", "EXECABORT ", "LOADING ", "READONLY ", "NOREPLICAS ", "OOM "} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// input draws the next operation on g. Values are unique in the run:
// the client's host and sequence number.
func (w *Workload) input(c *client, g *Group) model.Input {
	c.seq++
	val := c.host + "." + strconv.Itoa(c.seq)
	key := g.Keys[w.rnd.IntN(len(g.Keys))]
	r := w.rnd.IntN(100)
	switch {
	case r < w.cfg.MultiPct:
		n := 1 + w.rnd.IntN(3)
		cmds := make([]model.Cmd, n)
		for i := range cmds {
			cmds[i] = w.cmd(g.Keys[w.rnd.IntN(len(g.Keys))], val+"."+strconv.Itoa(i))
		}
		return model.MultiOf(cmds...)
	case r < w.cfg.MultiPct+w.cfg.MSetPct && len(g.Keys) > 1:
		var kv []string
		for i, k := range g.Keys {
			kv = append(kv, k, val+"."+strconv.Itoa(i))
		}
		return model.MSetOf(kv...)
	}
	return model.Input{Kind: model.Single, Cmds: []model.Cmd{w.cmd(key, val)}}
}

func (w *Workload) cmd(key, val string) model.Cmd {
	switch r := w.rnd.IntN(100); {
	case r < 25:
		return model.Cmd{Op: model.Get, Key: key}
	case r < 40:
		return model.Cmd{Op: model.Set, Key: key, Arg: val}
	case r < 55:
		return model.Cmd{Op: model.SetGet, Key: key, Arg: val}
	case r < 72:
		return model.Cmd{Op: model.Incr, Key: key}
	case r < 92:
		return model.Cmd{Op: model.Append, Key: key, Arg: "," + val}
	default:
		return model.Cmd{Op: model.Del, Key: key}
	}
}

// send sends an input (MULTI/EXEC for a transaction) and reports its
// output, or the error that made it unknown.
func send(c *simclient.Client, in model.Input, done func(model.Output, error)) {
	switch in.Kind {
	case model.MSet:
		args := []string{"MSET"}
		for _, cmd := range in.Cmds {
			args = append(args, cmd.Key, cmd.Arg)
		}
		c.Do(func(v wire.Value, err error) { done(model.Replied(toReply(v)), err) }, args...)
	case model.Multi:
		var queueErr string // why a command was not queued (it makes EXEC abort)
		onQueued := func(v wire.Value, err error) {
			if err == nil && v.Kind == wire.Error && queueErr == "" {
				queueErr = v.Str
			}
		}
		c.Do(onQueued, "MULTI")
		for _, cmd := range in.Cmds {
			c.Do(onQueued, cmd.Args()...)
		}
		c.Do(func(v wire.Value, err error) {
			if err == nil && v.Kind != wire.Array {
				r := toReply(v) // EXECABORT, or an error before EXEC ran
				if queueErr != "" {
					r.Str += " (" + queueErr + ")"
				}
				done(model.Replied(r), nil)
				return
			}
			var out model.Output
			for _, e := range v.Elems {
				out.Replies = append(out.Replies, toReply(e))
			}
			done(out, err)
		}, "EXEC")
	default:
		c.Do(func(v wire.Value, err error) { done(model.Replied(toReply(v)), err) }, in.Cmds[0].Args()...)
	}
}

func toReply(v wire.Value) model.Reply {
	switch {
	case v.Null:
		return model.Reply{Kind: model.Nil}
	case v.Kind == wire.Simple && v.Str == "OK":
		return model.Reply{Kind: model.OK}
	case v.Kind == wire.Bulk:
		return model.Reply{Kind: model.Bulk, Str: v.Str}
	case v.Kind == wire.Integer:
		return model.Reply{Kind: model.Int, Int: v.Int}
	default:
		return model.Reply{Kind: model.Err, Str: v.Str}
	}
}

// Final sends, for every group ever used, a transaction that reads all
// its keys and then writes one, through a fresh client per shard, retrying
// (under new client ids) until it is answered. Done reports when every
// group's transaction has completed; Unfinished lists those that have not.
func (w *Workload) Final() {
	for sh := 0; sh < w.cfg.Shards; sh++ {
		var gs []*Group
		for _, g := range w.groups {
			if g.Shard == sh {
				gs = append(gs, g)
			}
		}
		if w.cfg.WaitReplicas > 0 {
			// Each confirmation may wait for the replicas' next fsync:
			// one client per group, so the groups wait side by side.
			for i, g := range gs {
				c := &client{w: w, host: "final" + strconv.Itoa(sh+1) + "." + strconv.Itoa(i+1), shard: sh, id: w.hist.NewClient()}
				w.clients = append(w.clients, c)
				c.final([]*Group{g})
			}
			continue
		}
		c := &client{w: w, host: "final" + strconv.Itoa(sh+1), shard: sh, id: w.hist.NewClient()}
		w.clients = append(w.clients, c)
		c.final(gs)
	}
}

func (c *client) final(gs []*Group) {
	if len(gs) == 0 {
		return
	}
	w := c.w
	g := gs[0]
	var cmds []model.Cmd
	for _, k := range g.Keys {
		cmds = append(cmds, model.Cmd{Op: model.Get, Key: k})
	}
	cmds = append(cmds, model.Cmd{Op: model.Append, Key: g.Keys[0], Arg: ",final"})
	c.do(g, model.MultiOf(cmds...), func(ok bool) {
		g.LastErr = c.lastErr
		if ok {
			g.final = true
			c.final(gs[1:])
			return
		}
		w.Stats.FinalRetries++
		w.loop.After(50*time.Millisecond, "final.retry", func() { c.final(gs) })
	})
}

// Unfinished lists the groups whose final transaction has not completed.
func (w *Workload) Unfinished() []*Group {
	var out []*Group
	for _, g := range w.groups {
		if !g.final {
			out = append(out, g)
		}
	}
	return out
}
