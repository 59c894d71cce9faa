package node

import "time"

// A clock read costs about as much as a GET (two vDSO calls for the wall
// clock), and Redis 7.0 reads it twice per command. The node reads less:
// the commands of one pipeline run as a batch, in which each command starts
// when the one before it ended (one monotonic read per command, for its
// commandstats time) and the wall clock is read once and kept while less
// than a millisecond (Redis's mstime resolution) has passed.
type batchClock struct {
	batch  bool          // processBuffer is running a client's commands
	mono   time.Duration // the latest monotonic read within the batch
	wallAt time.Duration // mono when callMs was read
}

func (n *Node) monotonic() time.Duration { return n.env.Clock.Monotonic() }

// nowMs is the wall time in ms. Inside a command (and a whole EXEC) it is
// the time the outermost command started, as Redis 7.0's cached mstime: a
// key cannot expire halfway through a command or a transaction.
func (n *Node) nowMs() int64 {
	if n.callDepth > 0 {
		if !n.callMsSet {
			n.callMs, n.callMsSet = n.env.Clock.UnixNano()/1e6, true
			n.clk.wallAt = n.clk.mono
		}
		return n.callMs
	}
	return n.env.Clock.UnixNano() / 1e6
}

// beginBatch starts a batch at monotonic time now, unless one is running
// (a blocked client resumed by a command of the batch); it returns
// whether one was.
func (n *Node) beginBatch(now time.Duration) (outer bool) {
	if n.clk.batch {
		return true
	}
	n.clk.batch, n.clk.mono = true, now
	if n.callDepth == 0 {
		n.callMsSet = false
	}
	return false
}

// endBatch ends the batch beginBatch started: the wall time read in it
// must not reach what runs later (a tick's expiries, a timeout).
func (n *Node) endBatch(outer bool) {
	if outer {
		return
	}
	n.clk.batch = false
	if n.callDepth == 0 {
		n.callMsSet = false
	}
}

// commandStart returns the start time of a command about to run and
// forgets a wall time too old to share.
func (n *Node) commandStart() time.Duration {
	if n.callDepth > 0 {
		return n.monotonic()
	}
	if !n.clk.batch {
		n.callMsSet = false
		return n.monotonic()
	}
	if n.clk.mono-n.clk.wallAt >= time.Millisecond {
		n.callMsSet = false
	}
	return n.clk.mono
}

// commandEnd returns the end time of a command that ran; the next command
// of the batch starts then.
func (n *Node) commandEnd() time.Duration {
	end := n.monotonic()
	if n.callDepth == 0 {
		n.clk.mono = end
		if !n.clk.batch {
			n.callMsSet = false
		}
	}
	return end
}

// entryMs is the wall time an oplog entry gets: that of the command that
// made it, or now.
func (n *Node) entryMs() int64 {
	if n.callMsSet {
		return n.callMs
	}
	ms := n.env.Clock.UnixNano() / 1e6
	if n.clk.batch {
		n.callMs, n.callMsSet, n.clk.wallAt = ms, true, n.clk.mono
	}
	return ms
}
