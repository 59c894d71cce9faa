package node

import (
	"fmt"
	"strings"
	"time"

	"opdis/psync"
)

// Flags describe a command, as COMMAND INFO shows them.
type Flags uint32

const (
	FlagWrite Flags = 1 << iota
	FlagReadonly
	FlagDenyOOM
	FlagAdmin
	FlagPubsub
	FlagNoScript
	FlagBlocking
	FlagLoading
	FlagStale
	FlagSkipMonitor
	FlagFast
	FlagNoAuth
	FlagMayReplicate
	FlagNoMulti // refused inside MULTI (e.g. WATCH is handled by its own check)
	FlagOKInSubscribe
	FlagMovableKeys
	FlagSkipSlowlog
)

var flagNames = []string{"write", "readonly", "denyoom", "admin", "pubsub", "noscript",
	"blocking", "loading", "stale", "skip_monitor", "fast", "no_auth", "may_replicate",
	"no_multi", "", "movablekeys", "skip_slowlog"} // "": FlagOKInSubscribe is opdis-internal

// FlagNames returns the COMMAND INFO names of f, in a fixed order.
func (f Flags) Names() []string {
	var out []string
	for i, name := range flagNames {
		if f&(1<<i) != 0 && name != "" {
			out = append(out, name)
		}
	}
	return out
}

// Handler runs one command. args[0] is the command name as sent.
type Handler func(n *Node, c *Client, args [][]byte)

// Command is one entry of the command table.
type Command struct {
	Name     string // lower case
	Arity    int    // > 0 exact, < 0 at least -Arity
	Flags    Flags
	FirstKey int
	LastKey  int
	Step     int
	Fn       Handler

	container bool // has subcommands (CONFIG GET…), checked at dispatch

	// stats for INFO commandstats and latencystats
	Calls, Usec, RejectedCalls, FailedCalls int64
	latency                                 *latencyHist // nil until it first runs (latency.go)
}

// commandTable gathers every family's commands. Each family lives in its
// own file and returns fresh Command values, so every Node has its own stats.
func commandTable() []*Command {
	var all []*Command
	for _, family := range [][]*Command{
		connectionCommands(),
		keyCommands(),
		stringCommands(),
		hashCommands(),
		listCommands(),
		setCommands(),
		zsetCommands(),
		transactionCommands(),
		pubsubCommands(),
		serverCommands(),
		oplogCommands(),
		opapplyCommands(),
		opgetCommands(),
		replicationCommands(),
	} {
		all = append(all, family...)
	}
	return all
}

// lookupCommand finds a command by name, case-insensitively, without allocating.
func (n *Node) lookupCommand(name []byte) *Command {
	var buf [32]byte
	if len(name) > len(buf) {
		return n.commands[strings.ToLower(string(name))]
	}
	for i, ch := range name {
		buf[i] = lower(ch)
	}
	return n.commands[string(buf[:len(name)])]
}

// call checks and runs one command from c, as Redis's processCommand.
func (n *Node) call(c *Client, args [][]byte) {
	if c.replica != nil {
		n.replicaCommand(c, args) // a replica's link carries ACKs only
		return
	}
	if c.opapply != nil {
		n.opapplyCall(c, args) // entries: their origin decides (opapply.go)
		return
	}
	n.dispatch(c, args)
}

// dispatch checks and runs one command.
func (n *Node) dispatch(c *Client, args [][]byte) {
	cmd := n.lookupCommand(args[0])
	if cmd == nil {
		n.rejectCommand(c, nil, unknownCommandError(args))
		return
	}
	if (cmd.Arity > 0 && len(args) != cmd.Arity) || len(args) < -cmd.Arity {
		n.rejectCommand(c, cmd, fmt.Sprintf("ERR wrong number of arguments for '%s' command", cmd.Name))
		return
	}
	stat := cmd // what a rejection counts on: the subcommand when there is one, as Redis's c->cmd
	if cmd.container && len(args) >= 2 {
		if ct := n.container(cmd.Name); ct != nil {
			sub := ct.find(args[1])
			if sub == nil {
				// Redis found no command: nothing counts the rejection.
				n.rejectCommand(c, nil, fmt.Sprintf("ERR unknown subcommand '%.128s'. Try %s HELP.", cString(args[1]), strings.ToUpper(cmd.Name)))
				return
			}
			if (sub.Arity > 0 && len(args) != sub.Arity) || len(args) < -sub.Arity {
				n.rejectCommand(c, sub, fmt.Sprintf("ERR wrong number of arguments for '%s' command", sub.Name))
				return
			}
			stat = sub
		}
	}
	if cmd.Name == "debug" && !n.debugAllowed(c) {
		n.rejectCommand(c, stat, "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "+
			"you can run it from a local connection, otherwise you need to set this option in the "+
			"configuration file, and then restart the server.")
		return
	}
	if !c.authenticated && cmd.Flags&FlagNoAuth == 0 {
		n.rejectCommand(c, stat, errNoAuth)
		return
	}
	if c.multi != nil && cmd.Flags&FlagNoMulti != 0 {
		n.rejectCommand(c, stat, "ERR Command not allowed inside a transaction")
		return
	}
	if c.subscriptions() > 0 && c.resp == 2 && cmd.Flags&FlagOKInSubscribe == 0 {
		n.rejectCommand(c, stat, fmt.Sprintf("ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", stat.Name))
		return
	}
	if n.isReplica() && n.cfg.ReplicaReadOnly && c.master == nil && runFlags(c, cmd)&FlagWrite != 0 {
		n.rejectCommand(c, stat, "READONLY You can't write against a read only replica.")
		return
	}
	if cmd.Flags&FlagWrite != 0 && (n.aofErr() != nil || !n.saves.lastOK) {
		if msg := n.writesDeniedByDisk(); msg != "" {
			n.rejectCommand(c, stat, msg)
			return
		}
	}
	if n.minReplicasDenied(c, cmd) {
		n.rejectCommand(c, stat, errNoReplicas)
		return
	}
	if n.mustPostpone(c, cmd) {
		n.postpone(c, cmd, args) // runs when the write pause ends (pause.go)
		return
	}
	if c.multi != nil && !isMultiControl(cmd.Name) {
		c.multi.queue(cmd, args)
		c.addSimple("QUEUED")
		return
	}
	n.exec(c, cmd, args)
}

// exec runs a command that passed the checks and keeps its stats, where
// Redis's call() does: after the command ran, so that a rejected command
// is not counted and INFO does not count itself. A command fails when an
// error reply was written (to any client) while it ran; errorStart is
// Redis's static prev_err_count, so an EXEC does not fail for the errors
// of the commands it ran.
func (n *Node) exec(c *Client, cmd *Command, args [][]byte) {
	c.lastCmd = cmd.Name
	c.curArgs = args
	rerun := c.blockedOn != nil // a parked command served: counted when it parked
	start := n.commandStart()
	if n.snap != nil {
		n.snapBeforeCommand(c, cmd, args)
	}
	n.errorStart = n.stats.TotalErrorReplies
	n.callDepth++
	cmd.Fn(n, c, args)
	n.callDepth--
	if n.callDepth == 0 {
		if len(n.op.cmds) > 0 {
			n.flushOplog() // what the command changed becomes one entry
			c.wopid = n.op.nextOpID - 1
		}
		c.woff = n.clientOffset()
	}
	us := int64((n.commandEnd() - start) / time.Microsecond)
	cmd.Usec += us
	if n.stats.TotalErrorReplies > n.errorStart { // (CONFIG RESETSTAT may have zeroed it)
		cmd.FailedCalls++
	}
	n.errorStart = n.stats.TotalErrorReplies
	if bs := c.blockedOn; bs != nil {
		// Parked, or run again for a key that got data: the latency
		// sample is taken when it is answered, as Redis's
		// updateStatsOnUnblock (a timeout takes none).
		if rerun && !bs.reblocked && n.cfg.LatencyTracking {
			cmd.recordLatency(bs.usec + us)
		}
		if !rerun {
			bs.usec = us
			cmd.Calls++
			n.stats.Commands++
		}
		return
	}
	cmd.Calls++
	n.stats.Commands++
	if n.cfg.LatencyTracking {
		cmd.recordLatency(us)
	}
}

// runFlags are the flags of what cmd runs: its own, and for an EXEC those
// of every queued command too (Redis's is_write_command and
// is_may_replicate_command: a transaction begun on a master that became a
// replica, by REPLICAOF or FAILOVER, is refused whole; one with writes
// waits out a write pause).
func runFlags(c *Client, cmd *Command) Flags {
	f := cmd.Flags
	if cmd.Name == "exec" && c.multi != nil {
		for _, q := range c.multi.commands {
			f |= q.cmd.Flags
		}
	}
	return f
}

// rejectCommand replies an error for a command that never ran and, inside
// MULTI, dooms the transaction (EXECABORT).
func (n *Node) rejectCommand(c *Client, cmd *Command, msg string) {
	if c.multi != nil {
		c.multi.aborted = true
	}
	switch {
	case cmd == nil:
	case cmd.container: // called bare: INFO shows the container's own line
		n.container(cmd.Name).direct.RejectedCalls++
	default:
		cmd.RejectedCalls++
	}
	if cmd != nil && cmd.Name == "exec" {
		// Redis's execCommandAbort: a refused EXEC ends the transaction.
		// The reason keeps its code except ERR (NOREPLICAS, NOAUTH …).
		c.multi = nil
		n.unwatchAll(c)
		c.addError("EXECABORT Transaction discarded because of: " + strings.TrimPrefix(msg, "ERR "))
		return
	}
	c.addError(msg)
}

func unknownCommandError(args [][]byte) string {
	var rest []byte
	for _, a := range args[1:] {
		if len(rest) >= 128 {
			break
		}
		a = cString(a) // Redis formats with %s: an argument ends at a NUL
		a = a[:min(len(a), 128-len(rest))]
		rest = append(append(append(rest, '\''), a...), '\'', ' ')
	}
	name := cString(args[0])
	name = name[:min(len(name), 128)]
	return fmt.Sprintf("ERR unknown command '%s', with args beginning with: %s", name, rest)
}

// unknownSubcommand is the error for a container command's bad subcommand.
func unknownSubcommand(c *Client, args [][]byte) {
	c.addError(fmt.Sprintf("ERR unknown subcommand '%.128s'. Try %s HELP.", args[1], strings.ToUpper(string(args[0]))))
}

// wrongArity is the error for a wrong argument count found by a handler
// (subcommands: name is e.g. "config|get").
func wrongArity(c *Client, name string) {
	c.addError(fmt.Sprintf("ERR wrong number of arguments for '%s' command", name))
}

// clientOffset is the replication offset a client's WAIT waits for after
// its command: set after every command, reads included, as Redis's
// processCommand does, so a WAIT after a read covers the state it saw. A
// GETACK a WAIT just fed is left out: Redis sends it only in beforeSleep,
// after the commands pipelined behind the WAIT.
func (n *Node) clientOffset() int64 {
	off := n.repl.ids.MasterReplOffset
	if n.repl.m.getAckEnd == off+1 {
		off -= int64(len(psync.GetAck))
	}
	return off
}
