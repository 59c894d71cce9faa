package workload

import (
	"strconv"
	"time"

	"opdis/model"
	"opdis/sim/simclient"
	"opdis/wire"
)

// The WAIT rule of runs with forced failovers (DESIGN §7): a master that
// dies or is cut off is replaced by its most advanced replica, and the
// writes it acknowledged that no replica got are gone. So a reply counts
// only once a WAIT sent right after it on the same connection says every
// replica acknowledged the offset the command left (writes and reads
// alike: the node sets that offset after every command, as Redis does) —
// or, where power losses may take what the replicas had not fsynced, a
// WAITAOF says the master and every replica fsynced it. Otherwise a
// write's outcome is unknown and a read is dropped. The operation's
// return time is the confirmation's: only then does the client know.

// confirm sends the WAIT that decides whether in's reply out counts.
func (c *client) confirm(g *Group, conn *simclient.Client, in model.Input, out model.Output, call int64, done func(ok bool)) {
	w := c.w
	c.busy = true
	finished := false
	timer := w.loop.After(w.cfg.WaitTimeout+w.cfg.Timeout, "client.timeout", func() {
		if !finished {
			w.Stats.Timeouts++
			conn.Close() // fails the WAIT with ErrClosed
		}
	})
	ms := max(1, w.cfg.WaitTimeout.Milliseconds()) // WAIT … 0 would block forever
	conn.Do(func(v wire.Value, err error) {
		if finished {
			return
		}
		finished = true
		c.busy = false
		timer.Stop()
		if err == nil && w.confirmed(v) {
			w.Stats.OK++
			w.hist.Add(c.id, in, out, call, w.hist.Stamp(int64(w.loop.Now())))
			done(true)
			return
		}
		w.Stats.Unconfirmed++
		switch {
		case err != nil:
			c.lastErr = "WAIT: " + err.Error()
		case v.Kind == wire.Error:
			c.lastErr = "WAIT: " + v.Str
		default:
			c.lastErr = "WAIT: " + v.String() + " for " + strconv.Itoa(w.cfg.WaitReplicas) + " replicas"
		}
		if in.ReadOnly() {
			// It told nothing certain and changed nothing.
			w.Stats.Dropped++
			if err != nil && c.conn == conn {
				conn.Close()
				c.conn = nil
			}
			done(false)
			return
		}
		c.unknown(g, conn, in, call)
		done(false)
	}, w.waitCommand(ms)...)
}

// waitCommand is the confirming command: WAIT, or WAITAOF (local fsync
// too).
func (w *Workload) waitCommand(ms int64) []string {
	n, t := strconv.Itoa(w.cfg.WaitReplicas), strconv.FormatInt(ms, 10)
	if w.cfg.WaitAOF {
		return []string{"WAITAOF", "1", n, t}
	}
	return []string{"WAIT", n, t}
}

// confirmed reports whether the WAIT or WAITAOF reply v covers every
// replica (and, for WAITAOF, the master's own AOF).
func (w *Workload) confirmed(v wire.Value) bool {
	want := int64(w.cfg.WaitReplicas)
	if !w.cfg.WaitAOF {
		return v.Kind == wire.Integer && v.Int >= want
	}
	return v.Kind == wire.Array && len(v.Elems) == 2 && v.Elems[0].Kind == wire.Integer && v.Elems[0].Int >= 1 &&
		v.Elems[1].Kind == wire.Integer && v.Elems[1].Int >= want
}

// WaitTimeoutFor is the timeout of the confirming WAIT for clients with
// request timeout t; a WAITAOF (aof) waits for the replicas' next
// everysec fsync.
func WaitTimeoutFor(t time.Duration, aof bool) time.Duration {
	if aof {
		return max(t/2, 2500*time.Millisecond)
	}
	return t / 2
}
