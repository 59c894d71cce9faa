package sim

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"opdis/oplogsync"
	"opdis/sim/simclient"
	"opdis/wire"
)

// consumer is cmd/opdis-sync's link inside the simulation: it copies one
// group's own writes into the other (OPGET … MATCHID <source server-id>
// on the source master, OPAPPLY on the destination master), registers with
// OPDEL where a new session would resume (oplogsync.Keep), keeps no
// position of its own (each session starts from the destination's applied
// op id, oplogsync.Start), and starts a new session a second after any
// failure: a broken connection, an error reply, a master restart, or no
// reply within consumerTimeout. A session that finds its start purged
// notes a gap and goes on from the source's oldest entry: before the
// consumer's first OPDEL got through, the one case the two-group check
// excuses; after it, a failure (the registration should have kept it).
type consumer struct {
	r        *runner
	host     string // its network host name (for partitions)
	from, to int    // source and destination groups
	sid      int64  // the source's server-id
	name     string // its OPDEL source name
	// all: OPGET without MATCHID, so the destination's loop prevention
	// sees (and must ignore) entries that came from itself.
	all bool

	src, dst, apply *simclient.Client
	session         int // callbacks of an older session are ignored
	pos, registered int64
	di              oplogsync.Info // the destination's latest INFO oplog
	busy            bool           // a request is outstanding
	since           time.Duration  // when it was sent
	caughtUp        bool           // the last OPGET found nothing new at the source's end

	// Stats.
	sessions, failures int
	copied             int64
	gaps               []oplogsync.Gap // before any registration: excused
	lateGaps           []string        // after one: failures
	everRegistered     bool            // an OPDEL of it succeeded
}

const (
	consumerCount   = 100 // entries per OPGET
	consumerPoll    = 100 * time.Millisecond
	consumerRetry   = time.Second
	consumerTimeout = 2 * time.Second
)

func newConsumer(r *runner, from, to int) *consumer {
	c := &consumer{r: r, host: fmt.Sprintf("sync%d%d", from+1, to+1), from: from, to: to, sid: groupServerID(from),
		all: r.psy.rand.IntN(2) == 0}
	c.name = c.host + "@" + c.masterAddr(to)
	return c
}

func (c *consumer) masterAddr(g int) string { return c.r.c.Node(c.r.o.groupMaster(g)).Addr }

// start opens a session: three connections, OPAPPLY, then where to start
// (the INFO oplog of both sides).
func (c *consumer) start() {
	c.session++
	c.sessions++
	c.caughtUp, c.registered = false, 0
	sess := c.session
	var err error
	dial := func(g int) *simclient.Client {
		if err != nil {
			return nil
		}
		var cl *simclient.Client
		cl, err = simclient.Dial(c.r.net, c.host, c.masterAddr(g))
		return cl
	}
	c.src, c.dst, c.apply = dial(c.from), dial(c.to), dial(c.to)
	if err != nil {
		c.fail(sess, err)
		return
	}
	c.watch(sess)
	c.do(sess, c.apply, func(wire.Value) {
		c.do(sess, c.dst, func(v wire.Value) {
			di, err := oplogsync.ParseInfo(v.Str)
			if err != nil {
				c.fail(sess, err)
				return
			}
			c.do(sess, c.src, func(v wire.Value) {
				si, err := oplogsync.ParseInfo(v.Str)
				if err != nil {
					c.fail(sess, err)
					return
				}
				var gap *oplogsync.Gap
				c.di = di
				c.pos, gap = oplogsync.Start(di, si, c.sid, c.name)
				if gap != nil {
					c.r.l.Trace().Record(c.r.l.Now(), "consumer.gap", int64(c.from), gap.From, []byte(gap.Error()))
					if c.everRegistered {
						c.lateGaps = append(c.lateGaps, fmt.Sprintf("@%v %s: %v (after its OPDEL registrations)", c.r.l.Now(), c.name, gap))
					} else {
						c.gaps = append(c.gaps, *gap)
					}
				}
				c.loop(sess)
			}, "INFO", "oplog")
		}, "INFO", "oplog")
	}, "OPAPPLY")
}

// do sends args on cl; ok runs with a non-error reply of this session.
func (c *consumer) do(sess int, cl *simclient.Client, ok func(wire.Value), args ...string) {
	c.busy, c.since = true, c.r.l.Now()
	cl.Do(func(v wire.Value, err error) {
		if sess != c.session {
			return
		}
		c.busy = false
		if err == nil && v.Kind == wire.Error {
			err = fmt.Errorf("%s: %s", args[0], v.Str)
		}
		if err != nil {
			c.fail(sess, err)
			return
		}
		ok(v)
	}, args...)
}

// loop registers where a new session would start, reads the next entries
// and applies them.
func (c *consumer) loop(sess int) {
	if keep := oplogsync.Keep(c.pos, c.di, c.sid); keep != c.registered {
		c.do(sess, c.src, func(wire.Value) { c.registered, c.everRegistered = keep, true; c.loop(sess) },
			"OPDEL", c.name, strconv.FormatInt(keep, 10))
		return
	}
	args := []string{"OPGET", strconv.FormatInt(c.pos, 10), "COUNT", strconv.Itoa(consumerCount)}
	if !c.all {
		args = append(args, "MATCHID", strconv.FormatInt(c.sid, 10))
	}
	c.do(sess, c.src, func(v wire.Value) {
		if v.Kind != wire.Array || len(v.Elems) != 2 || v.Elems[1].Kind != wire.Array {
			c.fail(sess, fmt.Errorf("OPGET reply %s", v))
			return
		}
		next, err := strconv.ParseInt(v.Elems[0].Str, 10, 64)
		if err != nil || next < c.pos {
			c.fail(sess, fmt.Errorf("OPGET next op id %q after %d", v.Elems[0].Str, c.pos))
			return
		}
		if len(v.Elems[1].Elems) == 0 {
			c.pos = next
			c.caughtUp = c.srcNext() == next
			c.r.l.After(consumerPoll, "consumer.poll", func() { c.loop(sess) })
			return
		}
		c.caughtUp = false
		c.applyEntries(sess, next, v.Elems[1].Elems)
	}, args...)
}

// srcNext is the source master's next op id (-1 while it is down).
func (c *consumer) srcNext() int64 {
	if nd := c.r.c.Node(c.r.o.groupMaster(c.from)).Node(); nd != nil {
		return nd.NextOpID()
	}
	return -1
}

// applyEntries sends the entries pipelined on the OPAPPLY connection, one
// reply per command and header, then reads where the destination got.
func (c *consumer) applyEntries(sess int, next int64, elems []wire.Value) {
	var raw []byte
	replies := 0
	last := int64(0)
	for _, el := range elems {
		e, n, err := wire.ParseEntry([]byte(el.Str), true)
		if err != nil || n != len(el.Str) || e.Partial() {
			c.fail(sess, fmt.Errorf("OPGET returned a malformed entry (%d of %d bytes parsed): %v", n, len(el.Str), err))
			return
		}
		raw = append(raw, el.Str...)
		replies += 1 + len(e.Commands)
		if e.Header.ServerID == c.sid {
			last = e.Header.OpID // the source's own: the destination notes it applied
		}
	}
	left := replies
	cbs := make([]simclient.Callback, replies)
	for i := range cbs {
		cbs[i] = func(_ wire.Value, err error) {
			if sess != c.session {
				return
			}
			if err != nil {
				c.fail(sess, err)
				return
			}
			// Error replies (READONLY …) are judged by the applied op id.
			if left--; left > 0 {
				return
			}
			c.busy = false
			c.do(sess, c.dst, func(v wire.Value) {
				info, err := oplogsync.ParseInfo(v.Str)
				if err != nil {
					c.fail(sess, err)
					return
				}
				c.di = info
				applied := info.Applied[c.sid]
				c.copied += int64(len(elems))
				if applied < last {
					// Something was refused: go on from what the destination has, later.
					c.pos = applied + 1
					c.r.l.After(consumerRetry, "consumer.retry", func() { c.loop(sess) })
					return
				}
				c.pos = next
				c.loop(sess)
			}, "INFO", "oplog")
		}
	}
	c.busy, c.since = true, c.r.l.Now()
	c.apply.Send(raw, cbs...)
}

// watch fails a session whose request got no reply within consumerTimeout
// (a partition that drops, a node that hangs).
func (c *consumer) watch(sess int) {
	c.r.l.After(consumerTimeout/4, "consumer.watch", func() {
		if sess != c.session {
			return
		}
		if c.busy && c.r.l.Now()-c.since > consumerTimeout {
			c.fail(sess, errors.New("no reply"))
			return
		}
		c.watch(sess)
	})
}

// fail ends the session and starts another a second later.
func (c *consumer) fail(sess int, err error) {
	if sess != c.session {
		return
	}
	c.session++
	c.failures++
	c.busy, c.caughtUp = false, false
	c.r.l.Trace().Record(c.r.l.Now(), "consumer.fail", int64(c.from), int64(c.failures), []byte(err.Error()))
	for _, cl := range []*simclient.Client{c.src, c.dst, c.apply} {
		if cl != nil {
			cl.Close()
		}
	}
	c.src, c.dst, c.apply = nil, nil, nil
	c.r.l.After(consumerRetry, "consumer.restart", c.start)
}
