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
// alike: the node sets that offset after every command, as Redis does).
// Otherwise a write's outcome is unknown and a read is dropped. The
// operation's return time is the WAIT's reply: only then does the client
// know.

// confirm sends the WAIT that decides whether in's reply out counts.
func (c *client) confirm(g *Group, conn *simclient.Client, in model.Input, out model.Output, call int64, done func(ok bool)) {
	w := c.w
	c.busy = true
	finished := false
	timer := w.loop.After(w.cfg.Timeout, "client.timeout", func() {
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
		if err == nil && v.Kind == wire.Integer && v.Int >= int64(w.cfg.WaitReplicas) {
			w.Stats.OK++
			w.hist.Add(c.id, in, out, call, w.hist.Stamp(int64(w.loop.Now())))
			done(true)
			return
		}
		w.Stats.Unconfirmed++
		switch {
		case err != nil:
			c.lastErr = "WAIT: " + err.Error()
		case v.Kind == wire.Integer:
			c.lastErr = "WAIT: " + strconv.FormatInt(v.Int, 10) + " of " + strconv.Itoa(w.cfg.WaitReplicas) + " replicas"
		default:
			c.lastErr = "WAIT: " + v.Str
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
	}, "WAIT", strconv.Itoa(w.cfg.WaitReplicas), strconv.FormatInt(ms, 10))
}

// WaitTimeoutFor is a WAIT timeout that leaves a client with request
// timeout t time to hear the answer.
func WaitTimeoutFor(t time.Duration) time.Duration { return t / 2 }
