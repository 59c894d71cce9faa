package node

import "math"

// Connection commands: PING, ECHO, SELECT, QUIT, AUTH, HELLO, RESET.

func connectionCommands() []*Command {
	return []*Command{
		{Name: "ping", Arity: -1, Flags: FlagFast | FlagOKInSubscribe, Fn: pingCmd},
		{Name: "echo", Arity: 2, Flags: FlagLoading | FlagStale | FlagFast, Fn: echoCmd},
		{Name: "select", Arity: 2, Flags: FlagLoading | FlagStale | FlagFast, Fn: selectCmd},
		{Name: "quit", Arity: -1, Flags: FlagNoScript | FlagLoading | FlagStale | FlagFast | FlagNoAuth | FlagOKInSubscribe, Fn: quitCmd},
		{Name: "auth", Arity: -2, Flags: FlagNoScript | FlagLoading | FlagStale | FlagFast | FlagNoAuth, Fn: authCmd},
		{Name: "hello", Arity: -1, Flags: FlagNoScript | FlagLoading | FlagStale | FlagFast | FlagNoAuth, Fn: helloCmd},
		{Name: "reset", Arity: 1, Flags: FlagNoScript | FlagLoading | FlagStale | FlagFast | FlagNoAuth | FlagOKInSubscribe, Fn: resetCmd},
	}
}

// RedisVersion is the Redis version opdis claims compatibility with
// (INFO redis_version, HELLO).
const RedisVersion = "7.0.15"

func pingCmd(n *Node, c *Client, args [][]byte) {
	if len(args) > 2 {
		wrongArity(c, "ping")
		return
	}
	if c.subscriptions() > 0 && c.resp == 2 {
		c.addArray(2)
		c.addBulkStr("pong")
		if len(args) == 2 {
			c.addBulk(args[1])
		} else {
			c.addBulkStr("")
		}
		return
	}
	if len(args) == 2 {
		c.addBulk(args[1])
		return
	}
	c.addSimple("PONG")
}

func echoCmd(n *Node, c *Client, args [][]byte) { c.addBulk(args[1]) }

func selectCmd(n *Node, c *Client, args [][]byte) {
	id, ok := parseInt(args[1])
	if !ok {
		c.addError(errNotInt)
		return
	}
	if id < math.MinInt32 || id > math.MaxInt32 {
		c.addError("ERR value is out of range, value must between -2147483648 and 2147483647")
		return
	}
	if id < 0 || id >= int64(len(n.dbs)) {
		c.addError(errDBIndex)
		return
	}
	c.db = n.dbs[id]
	c.addOK()
}

func quitCmd(n *Node, c *Client, args [][]byte) {
	c.addOK()
	c.closeAfterReply()
}

const (
	errWrongPass  = "WRONGPASS invalid username-password pair or user is disabled."
	errAuthNoPass = "ERR AUTH <password> called without any password configured for the default user. " +
		"Are you sure your configuration is correct?"
)

// authenticate checks user/pass against the only user, "default", whose
// password is requirepass (none: any password works). On success the
// client is authenticated; a failure leaves its state unchanged.
func (n *Node) authenticate(c *Client, user, pass []byte) bool {
	if string(user) != "default" {
		return false
	}
	if n.cfg.RequirePass != "" && string(pass) != n.cfg.RequirePass {
		return false
	}
	c.authenticated = true
	return true
}

func authCmd(n *Node, c *Client, args [][]byte) {
	if len(args) > 3 {
		c.addError(errSyntax)
		return
	}
	user, pass := []byte("default"), args[1]
	if len(args) == 2 {
		if n.cfg.RequirePass == "" {
			c.addError(errAuthNoPass)
			return
		}
	} else {
		user, pass = args[1], args[2]
	}
	if !n.authenticate(c, user, pass) {
		c.addError(errWrongPass)
		return
	}
	c.addOK()
}

// helloCmd is HELLO [protover [AUTH user pass] [SETNAME name]]. opdis
// speaks RESP2 only, so protocol 3 is refused like an unknown version.
// Options apply in order, as in Redis 7.0: a later syntax error leaves an
// earlier SETNAME or AUTH in effect.
func helloCmd(n *Node, c *Client, args [][]byte) {
	if len(args) >= 2 {
		ver, ok := parseInt(args[1])
		if !ok {
			c.addError("ERR Protocol version is not an integer or out of range")
			return
		}
		if ver != 2 {
			c.addError("NOPROTO unsupported protocol version")
			return
		}
	}
	for j := 2; j < len(args); j++ {
		more := len(args) - 1 - j
		switch {
		case eq(args[j], "auth") && more >= 2:
			if !n.authenticate(c, args[j+1], args[j+2]) {
				c.addError(errWrongPass)
				return
			}
			j += 2
		case eq(args[j], "setname") && more >= 1:
			if !setClientName(c, args[j+1]) {
				return
			}
			j++
		default:
			c.addError("ERR Syntax error in HELLO option '" + string(args[j]) + "'")
			return
		}
	}
	if !c.authenticated {
		c.addError("NOAUTH HELLO must be called with the client already authenticated, otherwise the " +
			"HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP " +
			"protocol version at the same time")
		return
	}
	c.resp = 2
	c.addArray(14)
	c.addBulkStr("server")
	c.addBulkStr("redis")
	c.addBulkStr("version")
	c.addBulkStr(RedisVersion)
	c.addBulkStr("proto")
	c.addInt(2)
	c.addBulkStr("id")
	c.addInt(c.ID)
	c.addBulkStr("mode")
	c.addBulkStr("standalone")
	c.addBulkStr("role")
	c.addBulkStr(n.roleName())
	c.addBulkStr("modules")
	c.addArray(0)
}

// setClientName validates and sets c's name ("" clears it), replying the
// Redis error and returning false for a name with spaces or special
// characters.
func setClientName(c *Client, name []byte) bool {
	for _, ch := range name {
		if ch < '!' || ch > '~' {
			c.addError("ERR Client names cannot contain spaces, newlines or special characters.")
			return false
		}
	}
	c.Name = string(name)
	return true
}

// resetCmd is RESET: the connection goes back to its initial state.
func resetCmd(n *Node, c *Client, args [][]byte) {
	c.db = n.dbs[0]
	c.resp = 2
	c.authenticated = n.cfg.RequirePass == ""
	c.multi = nil
	n.unwatchAll(c)
	n.pubsubUnsubscribeAll(c)
	c.Name = ""
	c.noEvict = false
	c.addSimple("RESET")
}

// roleName is "master" (replication will add "slave").
