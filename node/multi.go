package node

import "slices"

// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.

// watchKey names a key in a database.
type watchKey struct {
	db  int
	key string
}

type queuedCommand struct {
	cmd  *Command
	args [][]byte
}

// multiState is a client's open transaction.
type multiState struct {
	commands []queuedCommand
	aborted  bool // a command was rejected while queueing: EXECABORT
}

func (m *multiState) queue(cmd *Command, args [][]byte) {
	m.commands = append(m.commands, queuedCommand{cmd, slices.Clone(args)}) // args is the client's reused argv
}

func isMultiControl(name string) bool {
	switch name {
	case "exec", "discard", "multi", "watch", "quit", "reset":
		return true
	}
	return false
}

func transactionCommands() []*Command {
	return []*Command{
		{Name: "multi", Arity: 1, Flags: FlagNoScript | FlagLoading | FlagStale | FlagFast | FlagOKInSubscribe, Fn: multiCmd},
		{Name: "exec", Arity: 1, Flags: FlagNoScript | FlagLoading | FlagStale | FlagSkipSlowlog, Fn: execCmd},
		{Name: "discard", Arity: 1, Flags: FlagNoScript | FlagLoading | FlagStale | FlagFast, Fn: discardCmd},
		{Name: "watch", Arity: -2, Flags: FlagNoScript | FlagLoading | FlagStale | FlagFast, FirstKey: 1, LastKey: -1, Step: 1, Fn: watchCmd},
		{Name: "unwatch", Arity: 1, Flags: FlagNoScript | FlagLoading | FlagStale | FlagFast, Fn: unwatchCmd},
	}
}

func multiCmd(n *Node, c *Client, args [][]byte) {
	if c.multi != nil {
		c.addError("ERR MULTI calls can not be nested")
		return
	}
	c.multi = &multiState{}
	c.addOK()
}

func discardCmd(n *Node, c *Client, args [][]byte) {
	if c.multi == nil {
		c.addError("ERR DISCARD without MULTI")
		return
	}
	c.multi = nil
	n.unwatchAll(c)
	c.addOK()
}

func execCmd(n *Node, c *Client, args [][]byte) {
	m := c.multi
	if m == nil {
		c.addError("ERR EXEC without MULTI")
		return
	}
	c.multi = nil
	if m.aborted {
		n.unwatchAll(c)
		c.addError("EXECABORT Transaction discarded because of previous errors.")
		return
	}
	if c.dirtyCAS {
		n.unwatchAll(c)
		c.addNullArray()
		return
	}
	n.unwatchAll(c)
	c.addArray(len(m.commands))
	c.execDepth++
	for _, q := range m.commands {
		n.exec(c, q.cmd, q.args)
	}
	c.execDepth--
}

func watchCmd(n *Node, c *Client, args [][]byte) {
	if c.multi != nil {
		c.addError("ERR WATCH inside MULTI is not allowed")
		return
	}
	for _, k := range args[1:] {
		wk := watchKey{c.db.id, string(k)}
		if containsWatch(c.watching, wk) {
			continue
		}
		c.watching = append(c.watching, wk)
		n.watched[wk] = append(n.watched[wk], c)
	}
	c.addOK()
}

func unwatchCmd(n *Node, c *Client, args [][]byte) {
	n.unwatchAll(c)
	c.addOK()
}

// unwatchAll forgets every key c watches and clears its dirty flag.
func (n *Node) unwatchAll(c *Client) {
	for _, wk := range c.watching {
		q := removeClient(n.watched[wk], c)
		if len(q) == 0 {
			delete(n.watched, wk)
		} else {
			n.watched[wk] = q
		}
	}
	c.watching = nil
	c.dirtyCAS = false
}

func containsWatch(list []watchKey, wk watchKey) bool {
	for _, x := range list {
		if x == wk {
			return true
		}
	}
	return false
}
