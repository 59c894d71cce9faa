package node

import (
	"fmt"
	"opdis/wire"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Server commands: INFO, CONFIG, CLIENT, COMMAND, TIME, LASTSAVE, SHUTDOWN,
// DEBUG, SLOWLOG, LATENCY, MEMORY, ROLE.

func serverCommands() []*Command {
	return []*Command{
		{Name: "info", Arity: -1, Flags: FlagLoading | FlagStale, Fn: infoCmd},
		{Name: "config", Arity: -2, Fn: containerCmd},
		{Name: "client", Arity: -2, Fn: containerCmd},
		{Name: "command", Arity: -1, Flags: FlagLoading | FlagStale, Fn: commandCmd},
		{Name: "time", Arity: 1, Flags: FlagLoading | FlagStale | FlagFast, Fn: timeCmd},
		{Name: "lastsave", Arity: 1, Flags: FlagLoading | FlagStale | FlagFast, Fn: lastsaveCmd},
		{Name: "save", Arity: 1, Flags: FlagAdmin | FlagNoScript | FlagNoMulti, Fn: saveCmd},
		{Name: "bgsave", Arity: -1, Flags: FlagAdmin | FlagNoScript, Fn: bgsaveCmd},
		{Name: "bgrewriteaof", Arity: 1, Flags: FlagAdmin | FlagNoScript, Fn: bgrewriteaofCmd},
		{Name: "shutdown", Arity: -1, Flags: FlagAdmin | FlagNoScript | FlagLoading | FlagStale | FlagNoMulti, Fn: shutdownCmd},
		{Name: "debug", Arity: -2, Flags: FlagAdmin | FlagNoScript | FlagLoading | FlagStale, Fn: debugCmd},
		{Name: "slowlog", Arity: -2, Fn: containerCmd},
		{Name: "latency", Arity: -2, Fn: containerCmd},
		{Name: "memory", Arity: -2, Fn: containerCmd},
		{Name: "replicaof", Arity: 3, Flags: FlagAdmin | FlagNoScript | FlagStale, Fn: replicaofCmd},
		{Name: "slaveof", Arity: 3, Flags: FlagAdmin | FlagNoScript | FlagStale, Fn: replicaofCmd},
		{Name: "role", Arity: 1, Flags: FlagNoScript | FlagLoading | FlagStale | FlagFast, Fn: roleCmd},
	}
}

// ---------------------------------------------------------------------------
// Container commands (CONFIG GET, CLIENT LIST…): Redis 7.0 gives every
// subcommand its own arity, flags and INFO commandstats line.

// subcommand describes one subcommand of a container command.
type subcommand struct {
	name              string // lower case, without the container's name
	arity             int    // counts the container's name: CONFIG GET x is 3
	flags             Flags
	first, last, step int
	fn                Handler
}

// container is a node's view of one container command: its subcommands as
// Commands named "parent|sub" (they keep their own stats) and the stats of
// the container called bare (only COMMAND allows that).
type container struct {
	name   string
	subs   []*Command
	direct *Command
}

// containerDefs lists the containers this file family implements. It is a
// function, not a table, so that handlers may refer to it.
func containerDefs() map[string][]*subcommand {
	return map[string][]*subcommand{
		"pubsub":  pubsubSubcommands(),
		"config":  configSubcommands(),
		"client":  clientSubcommands(),
		"command": commandSubcommands(),
		"slowlog": slowlogSubcommands(),
		"latency": latencySubcommands(),
		"memory":  memorySubcommands(),
		"object":  objectSubcommands(),
	}
}

// container returns the named container, or nil.
func (n *Node) container(name string) *container {
	if n.containers == nil {
		n.containers = make(map[string]*container)
		for parent, defs := range containerDefs() { //det:ok builds a lookup table
			ct := &container{name: parent, direct: &Command{Name: parent}}
			for _, d := range defs {
				ct.subs = append(ct.subs, &Command{Name: parent + "|" + d.name, Arity: d.arity,
					Flags: d.flags, FirstKey: d.first, LastKey: d.last, Step: d.step, Fn: d.fn})
			}
			n.containers[parent] = ct
		}
		n.containers["command"].direct.Fn = commandAllCmd
	}
	return n.containers[name]
}

// find returns the subcommand named name (any case), or nil.
func (ct *container) find(name []byte) *Command {
	for _, s := range ct.subs {
		if eq(name, s.Name[len(ct.name)+1:]) {
			return s
		}
	}
	return nil
}

func containerCmd(n *Node, c *Client, args [][]byte) { n.runSubcommand(c, args) }

// runSubcommand dispatches a container command to its subcommand, with
// Redis's unknown-subcommand and arity errors.
func (n *Node) runSubcommand(c *Client, args [][]byte) {
	ct := n.container(strings.ToLower(string(args[0])))
	sub := ct.find(args[1])
	if sub == nil {
		unknownSubcommand(c, args)
		return
	}
	if (sub.Arity > 0 && len(args) != sub.Arity) || len(args) < -sub.Arity {
		sub.RejectedCalls++
		wrongArity(c, sub.Name)
		return
	}
	n.execSub(c, sub, args)
}

// execSub runs a subcommand (or a bare container) and keeps its stats, as
// exec does.
func (n *Node) execSub(c *Client, sub *Command, args [][]byte) {
	c.lastCmd = sub.Name
	n.errorStart = n.stats.TotalErrorReplies
	start := n.monotonic()
	sub.Fn(n, c, args)
	us := int64((n.monotonic() - start) / time.Microsecond)
	sub.Calls++
	sub.Usec += us
	if n.stats.TotalErrorReplies > n.errorStart {
		sub.FailedCalls++
	}
	n.errorStart = n.stats.TotalErrorReplies
	if n.cfg.LatencyTracking {
		sub.recordLatency(us)
	}
}

// subcommandSyntaxError is Redis's addReplySubcommandSyntaxError.
func subcommandSyntaxError(c *Client, args [][]byte) {
	c.addError(fmt.Sprintf("ERR unknown subcommand or wrong number of arguments for '%.128s'. Try %s HELP.",
		args[1], strings.ToUpper(string(args[0]))))
}

// addHelp replies a container's HELP text as Redis's addReplyHelp does.
func addHelp(c *Client, name string, lines ...string) {
	c.addArray(len(lines) + 3)
	c.addSimple(name + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		c.addSimple(l)
	}
	c.addSimple("HELP")
	c.addSimple("    Prints this help.")
}

// ---------------------------------------------------------------------------
// CONFIG

func configSubcommands() []*subcommand {
	const adm = FlagAdmin | FlagNoScript | FlagLoading | FlagStale
	return []*subcommand{
		{name: "get", arity: -3, flags: adm, fn: configGetCmd},
		{name: "help", arity: 2, flags: FlagLoading | FlagStale, fn: configHelpCmd},
		{name: "resetstat", arity: 2, flags: adm, fn: configResetStatCmd},
		{name: "rewrite", arity: 2, flags: adm, fn: configRewriteCmd},
		{name: "set", arity: -4, flags: adm, fn: configSetCmd},
	}
}

// configGetCmd is CONFIG GET pattern [pattern …]. A name without glob
// characters is echoed as typed; names are reported once each (an alias
// and its option are distinct names, as in Redis).
func configGetCmd(n *Node, c *Client, args [][]byte) {
	var out []string
	seen := make(map[string]bool)
	for _, a := range args[2:] {
		pat := string(a)
		if !strings.ContainsAny(pat, "[*?") {
			key := strings.ToLower(pat)
			if p := findParam(pat); p != nil && !seen[key] {
				seen[key] = true
				out = append(out, pat, p.get(&n.cfg))
			}
			continue
		}
		for _, p := range params {
			for _, name := range [2]string{p.name, p.alias} {
				if name == "" || seen[name] || !GlobMatch(a, []byte(name), true) {
					continue
				}
				seen[name] = true
				out = append(out, name, p.get(&n.cfg))
			}
		}
	}
	c.addStrings(out)
}

// configSetCmd is CONFIG SET name value [name value …]: every name is
// checked first; values are then applied in order and all rolled back if
// one is rejected, as Redis 7.0 does.
func configSetCmd(n *Node, c *Client, args [][]byte) {
	if len(args)%2 != 0 {
		c.addError(errSyntax)
		return
	}
	type change struct {
		p            *param
		typed, value string
	}
	var changes []change
	var unknown, errArg, errStr string
	invalid := false
	for i := 2; i < len(args); i += 2 {
		typed := string(args[i])
		p := findParam(typed)
		if p == nil {
			if !invalid {
				unknown, invalid = typed, true
			}
			continue
		}
		if invalid {
			continue
		}
		if p.immutable {
			errStr, errArg, invalid = "can't set immutable config", typed, true
			continue
		}
		if p.protected {
			errStr, errArg, invalid = "can't set protected config", typed, true
			continue
		}
		for _, ch := range changes {
			// An option and its alias are distinct names here, as in Redis 7.0.
			if strings.EqualFold(ch.typed, typed) {
				errStr, errArg, invalid = "duplicate parameter", typed, true
				break
			}
		}
		changes = append(changes, change{p, typed, string(args[i+1])})
	}
	if unknown != "" {
		c.addError("ERR Unknown option or number of arguments for CONFIG SET - '" + unknown + "'")
		return
	}
	if invalid {
		c.addError(fmt.Sprintf("ERR CONFIG SET failed (possibly related to argument '%s') - %s", errArg, errStr))
		return
	}
	old := make([]string, len(changes))
	for i, ch := range changes {
		old[i] = ch.p.get(&n.cfg)
		if err := n.cfg.Set(ch.p.name, ch.value, false); err != nil {
			for j := i - 1; j >= 0; j-- {
				n.cfg.Set(changes[j].p.name, old[j], true)
			}
			msg := err.Error()
			if ce, ok := err.(*ConfigError); ok {
				msg = ce.Msg
			}
			c.addError(fmt.Sprintf("ERR CONFIG SET failed (possibly related to argument '%s') - %s",
				strings.ToLower(ch.typed), msg))
			return
		}
	}
	for i, ch := range changes {
		if err := n.configChanged(ch.p.name); err != nil {
			n.cfg.Set(ch.p.name, old[i], true)
			c.addError(fmt.Sprintf("ERR CONFIG SET failed (possibly related to argument '%s') - %v", strings.ToLower(ch.typed), err))
			return
		}
	}
	c.addOK()
}

// configChanged applies the side effects of a changed option.
func (n *Node) configChanged(name string) error {
	switch name {
	case "appendonly":
		return n.setAppendOnly(n.cfg.AppendOnly)
	case "appendfsync":
		n.aof.policy = n.aofPolicy()
		if n.aof.log != nil {
			return n.aof.log.SetFsync(n.aof.policy)
		}
	case "repl-backlog-size":
		n.repl.ids.SetBacklogSize(n.cfg.ReplBacklogSize)
	case "client-output-buffer-limit":
		n.outputLimits()
	case "requirepass":
		if n.cfg.RequirePass == "" {
			// The default user is "nopass" again: everyone may run commands.
			for _, c := range n.clientList {
				c.authenticated = true
			}
		}
	}
	return nil
}

func configResetStatCmd(n *Node, c *Client, args [][]byte) {
	n.ResetStats()
	c.addOK()
}

// ResetStats clears the counters INFO reports (CONFIG RESETSTAT).
func (n *Node) ResetStats() {
	n.stats = Stats{}
	for _, cmd := range n.commands { //det:ok resets every entry
		cmd.Calls, cmd.Usec, cmd.RejectedCalls, cmd.FailedCalls, cmd.latency = 0, 0, 0, 0, nil
	}
	n.container("")                   // make sure the containers exist
	for _, ct := range n.containers { //det:ok resets every entry
		for _, s := range append(ct.subs, ct.direct) {
			s.Calls, s.Usec, s.RejectedCalls, s.FailedCalls, s.latency = 0, 0, 0, 0, nil
		}
	}
	n.opsSample = opsSample{at: n.monotonic()}
}

func configRewriteCmd(n *Node, c *Client, args [][]byte) {
	if n.server.ConfigFile == "" {
		c.addError("ERR The server is running without a config file")
		return
	}
	if n.RewriteConfig == nil {
		c.addError("ERR Rewriting config file: Operation not supported")
		return
	}
	if err := n.RewriteConfig(); err != nil {
		c.addError("ERR Rewriting config file: " + err.Error())
		return
	}
	c.addOK()
}

func configHelpCmd(n *Node, c *Client, args [][]byte) {
	addHelp(c, "CONFIG",
		"GET <pattern>",
		"    Return parameters matching the glob-like <pattern> and their values.",
		"SET <directive> <value>",
		"    Set the configuration <directive> to <value>.",
		"RESETSTAT",
		"    Reset statistics reported by the INFO command.",
		"REWRITE",
		"    Rewrite the configuration file.",
	)
}

// RewriteConfigText returns the config file text old rewritten with the
// current configuration, as Redis's CONFIG REWRITE: lines of options are
// updated in place (extra lines of the same option are blanked), options
// that differ from their default and are not in the file are appended after
// a "# Generated by CONFIG REWRITE" line, comments and unknown lines stay.
func (n *Node) RewriteConfigText(old string) string {
	const signature = "# Generated by CONFIG REWRITE"
	lines := strings.Split(strings.TrimRight(old, "\n"), "\n")
	if old == "" {
		lines = nil
	}
	def := DefaultConfig()
	byOption := make(map[string][]int) // option name → line numbers
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || t[0] == '#' {
			continue
		}
		name := strings.ToLower(strings.Fields(t)[0])
		if p := findParam(name); p != nil {
			byOption[p.name] = append(byOption[p.name], i)
		}
	}
	hasTail := false
	for _, l := range lines {
		if l == signature {
			hasTail = true
		}
	}
	drop := make(map[int]bool)
	var tail []string
	for _, p := range params {
		cur := p.get(&n.cfg)
		isDefault := cur == p.get(&def)
		newLines := configLines(p, cur)
		at := byOption[p.name]
		if len(at) == 0 && isDefault {
			continue
		}
		for i, l := range newLines {
			if i < len(at) {
				lines[at[i]] = l
			} else {
				tail = append(tail, l)
			}
		}
		for i := len(newLines); i < len(at); i++ {
			drop[at[i]] = true
		}
	}
	var out []string
	for i, l := range lines {
		if drop[i] {
			l = "" // Redis blanks the extra lines of an option
		}
		out = append(out, l)
	}
	if len(tail) > 0 {
		if !hasTail {
			out = append(out, "", signature)
		}
		out = append(out, tail...)
	}
	return strings.Join(out, "\n") + "\n"
}

// configLines formats an option as config file lines.
func configLines(p *param, value string) []string {
	if p.name == "replicaof" && value != "" {
		return []string{"replicaof " + value}
	}
	if p.name == "save" {
		f := strings.Fields(value)
		if len(f) == 0 {
			return []string{`save ""`}
		}
		var out []string
		for i := 0; i+1 < len(f); i += 2 {
			out = append(out, "save "+f[i]+" "+f[i+1])
		}
		return out
	}
	switch p.kind {
	case kindString:
		return []string{p.name + " " + wire.Repr(value)}
	case kindMemory:
		if v, err := strconv.ParseInt(value, 10, 64); err == nil && v != 0 {
			for _, u := range []struct {
				suffix string
				size   int64
			}{{"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10}} {
				if v%u.size == 0 {
					return []string{p.name + " " + strconv.FormatInt(v/u.size, 10) + u.suffix}
				}
			}
		}
	}
	return []string{p.name + " " + value}
}

// ---------------------------------------------------------------------------
// CLIENT

func clientSubcommands() []*subcommand {
	const adm = FlagAdmin | FlagNoScript | FlagLoading | FlagStale
	const std = FlagNoScript | FlagLoading | FlagStale
	return []*subcommand{
		{name: "caching", arity: 3, flags: std, fn: clientCachingCmd},
		{name: "getname", arity: 2, flags: std, fn: clientGetnameCmd},
		{name: "getredir", arity: 2, flags: std, fn: clientGetredirCmd},
		{name: "help", arity: 2, flags: FlagLoading | FlagStale, fn: clientHelpCmd},
		{name: "id", arity: 2, flags: std, fn: clientIDCmd},
		{name: "info", arity: 2, flags: std, fn: clientInfoCmd},
		{name: "kill", arity: -3, flags: adm, fn: clientKillCmd},
		{name: "list", arity: -2, flags: adm, fn: clientListCmd},
		{name: "no-evict", arity: 3, flags: adm, fn: clientNoEvictCmd},
		{name: "pause", arity: -3, flags: adm, fn: clientPauseCmd},
		{name: "reply", arity: 3, flags: std, fn: clientReplyCmd},
		{name: "setname", arity: 3, flags: std, fn: clientSetnameCmd},
		{name: "tracking", arity: -3, flags: std, fn: clientTrackingCmd},
		{name: "trackinginfo", arity: 2, flags: std, fn: clientTrackingInfoCmd},
		{name: "unblock", arity: -3, flags: adm, fn: clientUnblockCmd},
		{name: "unpause", arity: 2, flags: adm, fn: clientUnpauseCmd},
	}
}

func clientIDCmd(n *Node, c *Client, args [][]byte) { c.addInt(c.ID) }

func clientSetnameCmd(n *Node, c *Client, args [][]byte) {
	if setClientName(c, args[2]) {
		c.addOK()
	}
}

func clientGetnameCmd(n *Node, c *Client, args [][]byte) {
	if c.Name == "" {
		c.addNull()
		return
	}
	c.addBulkStr(c.Name)
}

// clientType is Redis's getClientType name: master (this node's link to
// its master), replica, pubsub or normal.
func clientType(c *Client) string {
	switch {
	case c.master != nil:
		return "master"
	case c.replica != nil:
		return "replica"
	case c.subscriptions() > 0:
		return "pubsub"
	}
	return "normal"
}

// parseClientType maps a CLIENT LIST/KILL TYPE argument to clientType's names.
func parseClientType(b []byte) (string, bool) {
	switch {
	case eq(b, "normal"):
		return "normal", true
	case eq(b, "slave"), eq(b, "replica"):
		return "replica", true
	case eq(b, "pubsub"):
		return "pubsub", true
	case eq(b, "master"):
		return "master", true
	}
	return "", false
}

func clientListCmd(n *Node, c *Client, args [][]byte) {
	var b strings.Builder
	switch {
	case len(args) == 4 && eq(args[2], "type"):
		t, ok := parseClientType(args[3])
		if !ok {
			c.addError("ERR Unknown client type '" + string(args[3]) + "'")
			return
		}
		for _, cl := range n.clientList {
			if clientType(cl) == t {
				n.appendClientInfo(&b, cl, c)
				b.WriteByte('\n')
			}
		}
	case len(args) > 3 && eq(args[2], "id"):
		var ids []int64
		for _, a := range args[3:] {
			id, ok := parseInt(a)
			if !ok {
				c.addError("ERR Invalid client ID")
				return
			}
			ids = append(ids, id)
		}
		for _, id := range ids {
			if cl := n.clients[id]; cl != nil {
				n.appendClientInfo(&b, cl, c)
				b.WriteByte('\n')
			}
		}
	case len(args) != 2:
		c.addError(errSyntax)
		return
	default:
		for _, cl := range n.clientList {
			n.appendClientInfo(&b, cl, c)
			b.WriteByte('\n')
		}
	}
	c.addBulkStr(b.String())
}

func clientInfoCmd(n *Node, c *Client, args [][]byte) {
	var b strings.Builder
	n.appendClientInfo(&b, c, c)
	b.WriteByte('\n')
	c.addBulkStr(b.String())
}

// appendClientInfo writes one CLIENT LIST line (Redis 7.0 fields) for cl;
// self is the client running the command (its argv is still live).
func (n *Node) appendClientInfo(b *strings.Builder, cl, self *Client) {
	now := n.monotonic()
	flags := ""
	if cl.subscriptions() > 0 {
		flags += "P"
	}
	if cl.replica != nil {
		flags += "S"
	}
	if cl.master != nil {
		flags += "M"
	}
	if cl.multi != nil {
		flags += "x"
	}
	if cl.blockedOn != nil {
		flags += "b"
	}
	if cl.dirtyCAS {
		flags += "d"
	}
	if cl.closing {
		flags += "c"
	}
	if strings.HasPrefix(cl.Addr, "/") {
		flags += "U"
	}
	if cl.noEvict {
		flags += "e"
	}
	if flags == "" {
		flags = "N"
	}
	multi := -1
	multiMem := 0
	if cl.multi != nil {
		multi = len(cl.multi.commands)
		for _, q := range cl.multi.commands {
			multiMem += argvLen(q.args) + 16*len(q.args) + 24
		}
	}
	argvMem := 0
	if cl == self || cl.blockedOn != nil {
		argvMem = argvLen(cl.curArgs)
	}
	qbufFree := cap(cl.in) - len(cl.in)
	obl := len(cl.out)
	events := "r"
	if obl > 0 {
		events = "rw"
	}
	cmd := cl.lastCmd
	if cmd == "" {
		cmd = "NULL"
	}
	totMem := 20480 + 1024 + cap(cl.in) + argvMem + multiMem + cap(cl.out)
	fmt.Fprintf(b, "id=%d addr=%s laddr=%s fd=%d name=%s age=%d idle=%d flags=%s db=%d sub=%d psub=%d ssub=0 "+
		"multi=%d qbuf=%d qbuf-free=%d argv-mem=%d multi-mem=%d rbs=16384 rbp=16384 obl=%d oll=0 omem=0 "+
		"tot-mem=%d events=%s cmd=%s user=default redir=-1 resp=%d",
		cl.ID, cl.Addr, cl.LAddr, -1, cl.Name, int64((now-cl.created)/time.Second),
		int64((now-cl.lastInteraction)/time.Second), flags, cl.db.id, len(cl.psState.channels),
		len(cl.psState.patterns), multi, len(cl.in), qbufFree, argvMem, multiMem, obl, totMem, events, cmd, cl.resp)
}

func argvLen(args [][]byte) int {
	t := 0
	for _, a := range args {
		t += len(a)
	}
	return t
}

// clientKillCmd is CLIENT KILL addr (old form: OK or "No such client") or
// CLIENT KILL [ID id] [TYPE t] [ADDR a] [LADDR a] [USER u] [SKIPME yes|no]
// (replies the number killed). Other clients are dropped at once; the
// caller itself is closed after its reply.
func clientKillCmd(n *Node, c *Client, args [][]byte) {
	var addr, laddr, typ, user string
	var id int64
	skipme := true
	if len(args) == 3 {
		addr = string(args[2])
		skipme = false
	} else if len(args)%2 == 0 {
		for i := 2; i < len(args); i += 2 {
			opt, val := args[i], args[i+1]
			switch {
			case eq(opt, "id"):
				v, ok := parseInt(val)
				if !ok || v < 1 {
					c.addError("ERR client-id should be greater than 0")
					return
				}
				id = v
			case eq(opt, "type"):
				t, ok := parseClientType(val)
				if !ok {
					c.addError("ERR Unknown client type '" + string(val) + "'")
					return
				}
				typ = t
			case eq(opt, "addr"):
				addr = string(val)
			case eq(opt, "laddr"):
				laddr = string(val)
			case eq(opt, "user"):
				if string(val) != "default" {
					c.addError("ERR No such user '" + string(val) + "'")
					return
				}
				user = "default"
			case eq(opt, "skipme"):
				switch {
				case eq(val, "yes"):
					skipme = true
				case eq(val, "no"):
					skipme = false
				default:
					c.addError(errSyntax)
					return
				}
			default:
				c.addError(errSyntax)
				return
			}
		}
	} else {
		c.addError(errSyntax)
		return
	}
	_ = user // every client is the default user
	killed := 0
	self := false
	for _, cl := range append([]*Client(nil), n.clientList...) {
		if (addr != "" && cl.Addr != addr) || (laddr != "" && cl.LAddr != laddr) ||
			(typ != "" && clientType(cl) != typ) || (id != 0 && cl.ID != id) || (cl == c && skipme) {
			continue
		}
		if cl == c {
			self = true
		} else {
			n.killClient(cl)
		}
		killed++
	}
	if len(args) == 3 {
		if killed == 0 {
			c.addError("ERR No such client")
		} else {
			c.addOK()
		}
	} else {
		c.addInt(int64(killed))
	}
	if self {
		c.closeAfterReply()
	}
}

// killClient drops another client at once, as Redis's freeClient: its
// unsent output is lost and the server is told (Pending) to close it.
func (n *Node) killClient(cl *Client) {
	n.pendAgain(cl)
	n.freeClient(cl)
}

func clientUnblockCmd(n *Node, c *Client, args [][]byte) {
	if len(args) > 4 {
		subcommandSyntaxError(c, args)
		return
	}
	withError := false
	if len(args) == 4 {
		switch {
		case eq(args[3], "timeout"):
		case eq(args[3], "error"):
			withError = true
		default:
			c.addError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
			return
		}
	}
	id, ok := parseInt(args[2])
	if !ok {
		c.addError(errNotInt)
		return
	}
	target := n.clients[id]
	if target == nil || target.blockedOn == nil || target.blockedOn.postponed {
		c.addInt(0)
		return
	}
	bs := target.blockedOn
	n.unblock(target)
	if withError {
		target.addError("UNBLOCKED client unblocked via CLIENT UNBLOCK")
	} else {
		target.addNullArray()
	}
	// Redis 7.0's updateStatsOnUnblock: the parked command's latency
	// sample, and a failed call whichever the reason.
	bs.cmd.FailedCalls++
	if n.cfg.LatencyTracking {
		bs.cmd.recordLatency(bs.usec)
	}
	n.markPending(target)
	n.resume(target)
	c.addInt(1)
}

// clientPauseCmd validates CLIENT PAUSE timeout [WRITE|ALL]. Pausing is
// not implemented: the node never delays commands, it only replies OK.
func clientPauseCmd(n *Node, c *Client, args [][]byte) {
	if len(args) > 4 {
		subcommandSyntaxError(c, args)
		return
	}
	if len(args) == 4 && !eq(args[3], "write") && !eq(args[3], "all") {
		c.addError("ERR CLIENT PAUSE mode must be WRITE or ALL")
		return
	}
	_, ok := parseMsTimeout(c, args[2])
	if !ok {
		return
	}
	c.addOK()
}

func clientUnpauseCmd(n *Node, c *Client, args [][]byte) { c.addOK() }

func clientNoEvictCmd(n *Node, c *Client, args [][]byte) {
	switch {
	case eq(args[2], "on"):
		c.noEvict = true
	case eq(args[2], "off"):
		c.noEvict = false
	default:
		c.addError(errSyntax)
		return
	}
	c.addOK()
}

// clientReplyCmd accepts CLIENT REPLY ON. OFF and SKIP (which need the
// dispatcher to drop replies) are refused rather than silently ignored.
func clientReplyCmd(n *Node, c *Client, args [][]byte) {
	switch {
	case eq(args[2], "on"):
		c.addOK()
	case eq(args[2], "off"), eq(args[2], "skip"):
		c.addError("ERR CLIENT REPLY OFF and SKIP are not supported by opdis")
	default:
		c.addError(errSyntax)
	}
}

// Client-side caching (tracking) is not implemented: tracking is always off.
func clientTrackingCmd(n *Node, c *Client, args [][]byte) {
	switch {
	case eq(args[2], "off"):
		c.addOK()
	case eq(args[2], "on"):
		c.addError("ERR CLIENT TRACKING is not supported by opdis")
	default:
		c.addError(errSyntax)
	}
}

func clientCachingCmd(n *Node, c *Client, args [][]byte) {
	c.addError("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")
}

func clientGetredirCmd(n *Node, c *Client, args [][]byte) { c.addInt(-1) }

func clientTrackingInfoCmd(n *Node, c *Client, args [][]byte) {
	c.addArray(6)
	c.addBulkStr("flags")
	c.addStrings([]string{"off"})
	c.addBulkStr("redirect")
	c.addInt(-1)
	c.addBulkStr("prefixes")
	c.addArray(0)
}

func clientHelpCmd(n *Node, c *Client, args [][]byte) {
	addHelp(c, "CLIENT",
		"CACHING (YES|NO)",
		"    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
		"GETREDIR",
		"    Return the client ID we are redirecting to when tracking is enabled.",
		"GETNAME",
		"    Return the name of the current connection.",
		"ID",
		"    Return the ID of the current connection.",
		"INFO",
		"    Return information about the current client connection.",
		"KILL <ip:port>",
		"    Kill connection made from <ip:port>.",
		"KILL <option> <value> [<option> <value> [...]]",
		"    Kill connections. Options are:",
		"    * ADDR (<ip:port>|<unixsocket>:0)",
		"      Kill connections made from the specified address",
		"    * LADDR (<ip:port>|<unixsocket>:0)",
		"      Kill connections made to specified local address",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"      Kill connections by type.",
		"    * USER <username>",
		"      Kill connections authenticated by <username>.",
		"    * SKIPME (YES|NO)",
		"      Skip killing current connection (default: yes).",
		"LIST [options ...]",
		"    Return information about client connections. Options:",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"      Return clients of specified type.",
		"UNPAUSE",
		"    Stop the current client pause, resuming traffic.",
		"PAUSE <timeout> [WRITE|ALL]",
		"    Suspend all, or just write, clients for <timeout> milliseconds.",
		"REPLY (ON|OFF|SKIP)",
		"    Control the replies sent to the current connection.",
		"SETNAME <name>",
		"    Assign the name <name> to the current connection.",
		"UNBLOCK <clientid> [TIMEOUT|ERROR]",
		"    Unblock the specified blocked client.",
		"TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
		"         [OPTIN] [OPTOUT] [NOLOOP]",
		"    Control server assisted client side caching.",
		"TRACKINGINFO",
		"    Report tracking status for the current connection.",
		"NO-EVICT (ON|OFF)",
		"    Protect current client connection from eviction.",
	)
}

// ---------------------------------------------------------------------------
// COMMAND

func commandSubcommands() []*subcommand {
	const f = FlagLoading | FlagStale
	return []*subcommand{
		{name: "count", arity: 2, flags: f, fn: commandCountCmd},
		{name: "docs", arity: -2, flags: f, fn: commandDocsCmd},
		{name: "getkeys", arity: -4, flags: f, fn: commandGetkeysCmd},
		{name: "getkeysandflags", arity: -4, flags: f, fn: commandGetkeysAndFlagsCmd},
		{name: "help", arity: 2, flags: f, fn: commandHelpCmd},
		{name: "info", arity: -2, flags: f, fn: commandInfoCmd},
		{name: "list", arity: -2, flags: f, fn: commandListCmd},
	}
}

func commandCmd(n *Node, c *Client, args [][]byte) {
	if len(args) == 1 {
		n.execSub(c, n.container("command").direct, args)
		return
	}
	n.runSubcommand(c, args)
}

// commandAllCmd is COMMAND without arguments: every command's info.
func commandAllCmd(n *Node, c *Client, args [][]byte) {
	names := n.commandNames()
	c.addArray(len(names))
	for _, name := range names {
		n.addCommandInfo(c, n.commands[name])
	}
}

// commandNames returns the top-level command names, sorted.
func (n *Node) commandNames() []string {
	names := make([]string, 0, len(n.commands))
	for name := range n.commands { //det:ok sorted below
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func commandCountCmd(n *Node, c *Client, args [][]byte) { c.addInt(int64(len(n.commands))) }

// subcommandsOf returns the subcommands of a top-level command: this
// family's containers from their tables, other families' from Redis's
// metadata (commandMeta).
func (n *Node) subcommandsOf(cmd *Command) []*Command {
	if ct := n.container(cmd.Name); ct != nil {
		return ct.subs
	}
	m := commandMeta[cmd.Name]
	if m == nil {
		return nil
	}
	var out []*Command
	for _, s := range m.subs {
		full := cmd.Name + "|" + s
		sm := commandMeta[full]
		out = append(out, &Command{Name: full, Arity: sm.arity, FirstKey: sm.first, LastKey: sm.last, Step: sm.step,
			Flags: parseFlagNames(sm.flags)})
	}
	return out
}

// lookupCommandName finds "name" or "container|sub" (any case).
func (n *Node) lookupCommandName(name string) *Command {
	name = strings.ToLower(name)
	parent, sub, ok := strings.Cut(name, "|")
	cmd := n.commands[parent]
	if cmd == nil || !ok {
		return cmd
	}
	for _, s := range n.subcommandsOf(cmd) {
		if s.Name == parent+"|"+sub {
			return s
		}
	}
	return nil
}

// redisFlagOrder is the order COMMAND INFO lists flags in.
var redisFlagOrder = []string{"write", "readonly", "denyoom", "module", "admin", "pubsub", "noscript",
	"blocking", "loading", "stale", "skip_monitor", "skip_slowlog", "asking", "fast", "no_auth",
	"may_replicate", "sentinel", "only_sentinel", "no_mandatory_keys", "protected", "no_async_loading",
	"no_multi", "movablekeys", "allow_busy"}

// commandFlagNames returns the flags COMMAND INFO shows: the table's flags
// plus the ones Flags cannot express (allow_busy, skip_slowlog…), taken
// from Redis's metadata.
func commandFlagNames(cmd *Command) []string {
	have := make(map[string]bool)
	for _, f := range cmd.Flags.Names() {
		have[f] = true
	}
	if m := commandMeta[cmd.Name]; m != nil {
		for _, f := range strings.Fields(m.flags) {
			switch f {
			case "allow_busy", "skip_slowlog", "asking", "no_mandatory_keys", "no_async_loading", "protected",
				"module", "sentinel", "only_sentinel":
				have[f] = true
			}
		}
	}
	out := []string{}
	for _, f := range redisFlagOrder {
		if have[f] {
			out = append(out, f)
		}
	}
	return out
}

func parseFlagNames(s string) Flags {
	var f Flags
	for _, name := range strings.Fields(s) {
		for i, fn := range flagNames {
			if fn == name && name != "" {
				f |= 1 << i
			}
		}
	}
	return f
}

// addCommandInfo replies Redis 7.0's COMMAND INFO entry for cmd: name,
// arity, flags, first key, last key, step, ACL categories, tips, key specs
// and subcommands.
func (n *Node) addCommandInfo(c *Client, cmd *Command) {
	c.addArray(10)
	c.addBulkStr(cmd.Name)
	c.addInt(int64(cmd.Arity))
	flags := commandFlagNames(cmd)
	c.addArray(len(flags))
	for _, f := range flags {
		c.addSimple(f)
	}
	c.addInt(int64(cmd.FirstKey))
	c.addInt(int64(cmd.LastKey))
	c.addInt(int64(cmd.Step))
	var cats, tips []string
	if m := commandMeta[cmd.Name]; m != nil {
		cats, tips = strings.Fields(m.cats), strings.Fields(m.tips)
	}
	c.addArray(len(cats))
	for _, s := range cats {
		c.addSimple(s)
	}
	c.addStrings(tips)
	specs := keySpecsOf(cmd)
	c.addArray(len(specs))
	for _, s := range specs {
		addKeySpec(c, s)
	}
	if strings.Contains(cmd.Name, "|") {
		c.addArray(0)
		return
	}
	subs := n.subcommandsOf(cmd)
	c.addArray(len(subs))
	for _, s := range subs {
		n.addCommandInfo(c, s)
	}
}

// addKeySpec replies one key spec as COMMAND INFO shows it.
func addKeySpec(c *Client, s keySpec) {
	n := 6
	if s.notes != "" {
		n = 8
		c.addArray(n)
		c.addBulkStr("notes")
		c.addBulkStr(s.notes)
	} else {
		c.addArray(n)
	}
	c.addBulkStr("flags")
	flags := strings.Fields(s.flags)
	c.addArray(len(flags))
	for _, f := range flags {
		c.addSimple(f)
	}
	c.addBulkStr("begin_search")
	c.addArray(4)
	c.addBulkStr("type")
	switch s.bsType {
	case 'i':
		c.addBulkStr("index")
		c.addBulkStr("spec")
		c.addArray(2)
		c.addBulkStr("index")
		c.addInt(int64(s.bsPos))
	case 'k':
		c.addBulkStr("keyword")
		c.addBulkStr("spec")
		c.addArray(4)
		c.addBulkStr("keyword")
		c.addBulkStr(s.bsKeyword)
		c.addBulkStr("startfrom")
		c.addInt(int64(s.bsPos))
	default:
		c.addBulkStr("unknown")
		c.addBulkStr("spec")
		c.addArray(0)
	}
	c.addBulkStr("find_keys")
	c.addArray(4)
	c.addBulkStr("type")
	switch s.fkType {
	case 'r':
		c.addBulkStr("range")
		c.addBulkStr("spec")
		c.addArray(6)
		c.addBulkStr("lastkey")
		c.addInt(int64(s.a))
		c.addBulkStr("keystep")
		c.addInt(int64(s.b))
		c.addBulkStr("limit")
		c.addInt(int64(s.c))
	case 'n':
		c.addBulkStr("keynum")
		c.addBulkStr("spec")
		c.addArray(6)
		c.addBulkStr("keynumidx")
		c.addInt(int64(s.a))
		c.addBulkStr("firstkey")
		c.addInt(int64(s.b))
		c.addBulkStr("keystep")
		c.addInt(int64(s.c))
	default:
		c.addBulkStr("unknown")
		c.addBulkStr("spec")
		c.addArray(0)
	}
}

func commandInfoCmd(n *Node, c *Client, args [][]byte) {
	if len(args) == 2 {
		commandAllCmd(n, c, args)
		return
	}
	c.addArray(len(args) - 2)
	for _, a := range args[2:] {
		if cmd := n.lookupCommandName(string(a)); cmd != nil {
			n.addCommandInfo(c, cmd)
		} else {
			c.addNull()
		}
	}
}

// commandDocsCmd is COMMAND DOCS: summary, since, group and complexity from
// Redis's metadata (no argument trees), with subcommands for containers.
func commandDocsCmd(n *Node, c *Client, args [][]byte) {
	var cmds []*Command
	if len(args) == 2 {
		for _, name := range n.commandNames() {
			cmds = append(cmds, n.commands[name])
		}
	} else {
		for _, a := range args[2:] {
			if cmd := n.lookupCommandName(string(a)); cmd != nil {
				cmds = append(cmds, cmd)
			}
		}
	}
	c.addArray(2 * len(cmds))
	for _, cmd := range cmds {
		c.addBulkStr(cmd.Name)
		n.addCommandDocs(c, cmd)
	}
}

func (n *Node) addCommandDocs(c *Client, cmd *Command) {
	m := commandMeta[cmd.Name]
	if m == nil {
		m = &cmdMeta{}
	}
	var subs []*Command
	if !strings.Contains(cmd.Name, "|") {
		subs = n.subcommandsOf(cmd)
	}
	fields := 8
	if len(subs) > 0 {
		fields += 2
	}
	c.addArray(fields)
	c.addBulkStr("summary")
	c.addBulkStr(m.summary)
	c.addBulkStr("since")
	c.addBulkStr(m.since)
	c.addBulkStr("group")
	c.addBulkStr(m.group)
	c.addBulkStr("complexity")
	c.addBulkStr(m.complexity)
	if len(subs) > 0 {
		c.addBulkStr("subcommands")
		c.addArray(2 * len(subs))
		for _, s := range subs {
			c.addBulkStr(s.Name)
			n.addCommandDocs(c, s)
		}
	}
}

// commandListCmd is COMMAND LIST [FILTERBY MODULE m | ACLCAT cat | PATTERN p].
func commandListCmd(n *Node, c *Client, args [][]byte) {
	var filter func(cmd *Command) bool
	switch {
	case len(args) == 2:
	case len(args) == 5 && eq(args[2], "filterby"):
		val := args[4]
		switch {
		case eq(args[3], "module"):
			filter = func(*Command) bool { return false }
		case eq(args[3], "aclcat"):
			want := "@" + strings.ToLower(string(val))
			filter = func(cmd *Command) bool {
				m := commandMeta[cmd.Name]
				return m != nil && containsField(m.cats, want)
			}
		case eq(args[3], "pattern"):
			filter = func(cmd *Command) bool { return GlobMatch(val, []byte(cmd.Name), true) }
		default:
			c.addError(errSyntax)
			return
		}
	default:
		c.addError(errSyntax)
		return
	}
	var out []string
	for _, name := range n.commandNames() {
		cmd := n.commands[name]
		if filter == nil || filter(cmd) {
			out = append(out, name)
		}
		for _, s := range n.subcommandsOf(cmd) {
			if filter == nil || filter(s) {
				out = append(out, s.Name)
			}
		}
	}
	c.addStrings(out)
}

func containsField(list, word string) bool {
	for _, f := range strings.Fields(list) {
		if f == word {
			return true
		}
	}
	return false
}

// commandGetkeysCmd is COMMAND GETKEYS command [arg …] and, when
// withFlags, COMMAND GETKEYSANDFLAGS.
func commandGetkeysCmd(n *Node, c *Client, args [][]byte) { n.getkeys(c, args, false) }

func commandGetkeysAndFlagsCmd(n *Node, c *Client, args [][]byte) { n.getkeys(c, args, true) }

func (n *Node) getkeys(c *Client, args [][]byte, withFlags bool) {
	cmdArgs := args[2:]
	cmd := n.commands[strings.ToLower(string(cmdArgs[0]))]
	if cmd != nil {
		if subs := n.subcommandsOf(cmd); len(subs) > 0 && len(cmdArgs) >= 2 {
			cmd = nil
			for _, s := range subs {
				if eq(cmdArgs[1], s.Name[strings.IndexByte(s.Name, '|')+1:]) {
					cmd = s
				}
			}
		}
	}
	if cmd == nil {
		c.addError("ERR Invalid command specified")
		return
	}
	if !commandHasKeys(cmd) {
		c.addError("ERR The command has no key arguments")
		return
	}
	if (cmd.Arity > 0 && cmd.Arity != len(cmdArgs)) || len(cmdArgs) < -cmd.Arity {
		c.addError("ERR Invalid number of arguments specified for command")
		return
	}
	keys := commandKeys(cmd, cmdArgs)
	if len(keys) == 0 && !noMandatoryKeys(cmd) {
		c.addError("ERR Invalid arguments specified for command")
		return
	}
	c.addArray(len(keys))
	for _, k := range keys {
		if !withFlags {
			c.addBulk(cmdArgs[k.pos])
			continue
		}
		c.addArray(2)
		c.addBulk(cmdArgs[k.pos])
		flags := strings.Fields(k.flags)
		c.addArray(len(flags))
		for _, f := range flags {
			c.addSimple(f)
		}
	}
}

func noMandatoryKeys(cmd *Command) bool {
	m := commandMeta[cmd.Name]
	return m != nil && containsField(m.flags, "no_mandatory_keys")
}

// keyRef is a key's position in a command's arguments and its key-spec
// flags ("RW access delete").
type keyRef struct {
	pos   int
	flags string
}

// keySpecsOf returns Redis's key specs for cmd; commands Redis does not
// know get one spec from the table's first/last/step.
func keySpecsOf(cmd *Command) []keySpec {
	if m := commandMeta[cmd.Name]; m != nil {
		return m.specs
	}
	if cmd.FirstKey > 0 {
		return []keySpec{{bsType: 'i', bsPos: cmd.FirstKey, fkType: 'r', a: cmd.LastKey - cmd.FirstKey, b: cmd.Step}}
	}
	return nil
}

// commandHasKeys is Redis's doesCommandHaveKeys.
func commandHasKeys(cmd *Command) bool {
	if keyProcs[cmd.Name] != nil {
		return true
	}
	for _, s := range keySpecsOf(cmd) {
		if !containsField(s.flags, "not_key") {
			return true
		}
	}
	return false
}

// commandKeys is Redis 7.0's getKeysFromCommandWithSpecs: the key specs
// when they are complete and their flags fixed, else the command's own
// key-finding procedure.
func commandKeys(cmd *Command, args [][]byte) []keyRef {
	specs := keySpecsOf(cmd)
	hasKeys, varFlags := false, false
	for _, s := range specs {
		hasKeys = hasKeys || !containsField(s.flags, "not_key")
		varFlags = varFlags || containsField(s.flags, "variable_flags")
	}
	if hasKeys && !varFlags {
		if keys, ok := keysFromSpecs(cmd, specs, args); ok {
			return keys
		}
	}
	if proc := keyProcs[cmd.Name]; proc != nil {
		return proc(args)
	}
	return nil
}

// keysFromSpecs is Redis's getKeysUsingKeySpecs; ok is false when a spec
// cannot be applied (unknown, incomplete, or out of range).
func keysFromSpecs(cmd *Command, specs []keySpec, args [][]byte) ([]keyRef, bool) {
	argc := len(args)
	var keys []keyRef
	for _, s := range specs {
		if containsField(s.flags, "not_key") {
			continue
		}
		first := 0
		switch s.bsType {
		case 'i':
			first = s.bsPos
		case 'k':
			start, end := s.bsPos, argc-1
			if s.bsPos <= 0 {
				start, end = argc+s.bsPos, 1
			}
			for i := start; i != end; {
				if i >= argc || i < 1 {
					break
				}
				if eq(args[i], strings.ToLower(s.bsKeyword)) {
					first = i + 1
					break
				}
				if start <= end {
					i++
				} else {
					i--
				}
			}
			if first == 0 {
				continue
			}
		default:
			return nil, false
		}
		var last, step int
		switch s.fkType {
		case 'r':
			step = s.b
			switch {
			case s.a >= 0:
				last = first + s.a
			case s.c == 0:
				last = argc + s.a
			default:
				last = first + ((argc-first)/s.c + s.a)
			}
		case 'n':
			step = s.c
			if first+s.a >= argc {
				return nil, false
			}
			num, ok := parseInt(args[first+s.a])
			if !ok || num < 0 || num > int64(argc) {
				return nil, false
			}
			first += s.b
			last = first + int(num) - 1
		default:
			return nil, false
		}
		if last >= argc || last < first || first >= argc {
			return nil, false
		}
		for i := first; i <= last; i += max(step, 1) {
			keys = append(keys, keyRef{i, s.flags})
		}
		if containsField(s.flags, "incomplete") {
			return nil, false
		}
	}
	return keys, true
}

// keyProcs are Redis 7.0's getkeys procedures, used when a command's key
// specs can't find its keys.
var keyProcs = map[string]func(args [][]byte) []keyRef{
	"zunionstore":       func(a [][]byte) []keyRef { return genericGetKeys(a, 1, 2, 3, 1) },
	"zinterstore":       func(a [][]byte) []keyRef { return genericGetKeys(a, 1, 2, 3, 1) },
	"zdiffstore":        func(a [][]byte) []keyRef { return genericGetKeys(a, 1, 2, 3, 1) },
	"zunion":            func(a [][]byte) []keyRef { return genericGetKeys(a, 0, 1, 2, 1) },
	"zinter":            func(a [][]byte) []keyRef { return genericGetKeys(a, 0, 1, 2, 1) },
	"zdiff":             func(a [][]byte) []keyRef { return genericGetKeys(a, 0, 1, 2, 1) },
	"zintercard":        func(a [][]byte) []keyRef { return genericGetKeys(a, 0, 1, 2, 1) },
	"sintercard":        func(a [][]byte) []keyRef { return genericGetKeys(a, 0, 1, 2, 1) },
	"lmpop":             func(a [][]byte) []keyRef { return genericGetKeys(a, 0, 1, 2, 1) },
	"zmpop":             func(a [][]byte) []keyRef { return genericGetKeys(a, 0, 1, 2, 1) },
	"blmpop":            func(a [][]byte) []keyRef { return genericGetKeys(a, 0, 2, 3, 1) },
	"bzmpop":            func(a [][]byte) []keyRef { return genericGetKeys(a, 0, 2, 3, 1) },
	"eval":              func(a [][]byte) []keyRef { return genericGetKeys(a, 0, 2, 3, 1) },
	"evalsha":           func(a [][]byte) []keyRef { return genericGetKeys(a, 0, 2, 3, 1) },
	"eval_ro":           func(a [][]byte) []keyRef { return genericGetKeys(a, 0, 2, 3, 1) },
	"evalsha_ro":        func(a [][]byte) []keyRef { return genericGetKeys(a, 0, 2, 3, 1) },
	"fcall":             func(a [][]byte) []keyRef { return genericGetKeys(a, 0, 2, 3, 1) },
	"fcall_ro":          func(a [][]byte) []keyRef { return genericGetKeys(a, 0, 2, 3, 1) },
	"sort":              sortGetKeys,
	"sort_ro":           func(a [][]byte) []keyRef { return []keyRef{{1, "RO access"}} },
	"migrate":           migrateGetKeys,
	"georadius":         georadiusGetKeys,
	"georadiusbymember": georadiusGetKeys,
	"xread":             xreadGetKeys,
	"xreadgroup":        xreadGetKeys,
	"set":               setGetKeys,
	"bitfield":          bitfieldGetKeys,
}

// atoi is C's atoi: leading spaces, a sign, then digits; 0 if none.
func atoi(b []byte) int64 {
	i := 0
	for i < len(b) && isSpaceByte(b[i]) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	var v int64
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9' && v < 1<<40; i++ {
		v = v*10 + int64(b[i]-'0')
	}
	if neg {
		return -v
	}
	return v
}

// genericGetKeys is Redis's helper for COMMAND [dest] numkeys key… forms.
func genericGetKeys(args [][]byte, storeOfs, countOfs, firstOfs, step int) []keyRef {
	num := atoi(args[countOfs])
	if num < 1 || num > int64((len(args)-firstOfs)/step) {
		return nil
	}
	var keys []keyRef
	for i := 0; i < int(num); i++ {
		keys = append(keys, keyRef{firstOfs + i*step, ""})
	}
	if storeOfs > 0 {
		keys = append(keys, keyRef{storeOfs, ""})
	}
	return keys
}

func sortGetKeys(args [][]byte) []keyRef {
	keys := []keyRef{{1, "RO access"}}
	store := 0
	for i := 2; i < len(args); i++ {
		switch {
		case eq(args[i], "limit"):
			i += 2
		case eq(args[i], "get"), eq(args[i], "by"):
			i++
		case eq(args[i], "store") && i+1 < len(args):
			store = i + 1
		}
	}
	if store > 0 {
		keys = append(keys, keyRef{store, "OW update"})
	}
	return keys
}

func migrateGetKeys(args [][]byte) []keyRef {
	first, num := 3, 1
	for i := 6; i < len(args); i++ {
		if eq(args[i], "keys") {
			if len(args[3]) > 0 {
				return nil // KEYS needs an empty key argument
			}
			first, num = i+1, len(args)-i-1
			break
		}
		switch {
		case eq(args[i], "auth"):
			i++
		case eq(args[i], "auth2"):
			i += 2
		}
	}
	var keys []keyRef
	for i := 0; i < num; i++ {
		keys = append(keys, keyRef{first + i, "RW access delete"})
	}
	return keys
}

func georadiusGetKeys(args [][]byte) []keyRef {
	stored := -1
	for i := 5; i < len(args); i++ {
		if (eq(args[i], "store") || eq(args[i], "storedist")) && i+1 < len(args) {
			stored = i + 1
			i++
		}
	}
	keys := []keyRef{{1, "RO access"}}
	if stored > 0 {
		keys = append(keys, keyRef{stored, "OW update"})
	}
	return keys
}

func xreadGetKeys(args [][]byte) []keyRef {
	streams := -1
loop:
	for i := 1; i < len(args); i++ {
		switch {
		case eq(args[i], "block"), eq(args[i], "count"):
			i++
		case eq(args[i], "group"):
			i += 2
		case eq(args[i], "noack"):
		case eq(args[i], "streams"):
			streams = i
			break loop
		default:
			break loop
		}
	}
	num := len(args) - streams - 1
	if streams == -1 || num == 0 || num%2 != 0 {
		return nil
	}
	var keys []keyRef
	for i := 0; i < num/2; i++ {
		keys = append(keys, keyRef{streams + 1 + i, ""})
	}
	return keys
}

func setGetKeys(args [][]byte) []keyRef {
	for _, a := range args[3:] {
		if eq(a, "get") {
			return []keyRef{{1, "RW access update"}}
		}
	}
	return []keyRef{{1, "OW update"}}
}

func bitfieldGetKeys(args [][]byte) []keyRef {
	readonly := true
	for i := 2; i < len(args); i++ {
		rem := len(args) - i - 1
		switch {
		case eq(args[i], "get") && rem >= 2:
			i += 2
			continue
		case (eq(args[i], "set") || eq(args[i], "incrby")) && rem >= 3:
			readonly = false
		case eq(args[i], "overflow") && rem >= 1:
			i++
			continue
		default:
			readonly = false
		}
		break
	}
	if readonly {
		return []keyRef{{1, "RO access"}}
	}
	return []keyRef{{1, "RW access update"}}
}

func commandHelpCmd(n *Node, c *Client, args [][]byte) {
	addHelp(c, "COMMAND",
		"(no subcommand)",
		"    Return details about all Redis commands.",
		"COUNT",
		"    Return the total number of commands in this Redis server.",
		"LIST",
		"    Return a list of all commands in this Redis server.",
		"INFO [<command-name> ...]",
		"    Return details about multiple Redis commands.",
		"    If no command names are given, documentation details for all",
		"    commands are returned.",
		"DOCS [<command-name> ...]",
		"    Return documentation details about multiple Redis commands.",
		"    If no command names are given, documentation details for all",
		"    commands are returned.",
		"GETKEYS <full-command>",
		"    Return the keys from a full Redis command.",
		"GETKEYSANDFLAGS <full-command>",
		"    Return the keys and the access flags from a full Redis command.",
	)
}

// ---------------------------------------------------------------------------
// TIME, LASTSAVE, ROLE, SHUTDOWN

func timeCmd(n *Node, c *Client, args [][]byte) {
	ns := n.env.Clock.UnixNano()
	c.addArray(2)
	c.addBulkInt(ns / 1e9)
	c.addBulkInt(ns % 1e9 / 1e3)
}

func lastsaveCmd(n *Node, c *Client, args [][]byte) { c.addInt(n.lastSave) }

func roleCmd(n *Node, c *Client, args [][]byte) {
	if n.isReplica() {
		n.roleReplica(c)
		return
	}
	n.roleMaster(c)
}

// SHUTDOWN modes (ShutdownSave).
const (
	shutdownSave   = 1
	shutdownNoSave = 2
)

// shutdownCmd is SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. It asks the
// server to exit (ShutdownRequested) and replies nothing: the connection
// just closes, as with Redis, and commands pipelined behind it never run. There is never a shutdown in progress to
// ABORT: opdis does not wait for replicas.
func shutdownCmd(n *Node, c *Client, args [][]byte) {
	save, nosave, abort, other := false, false, false, false
	for _, a := range args[1:] {
		switch {
		case eq(a, "nosave"):
			nosave = true
		case eq(a, "save"):
			save = true
		case eq(a, "now"), eq(a, "force"):
			other = true
		case eq(a, "abort"):
			abort = true
		default:
			c.addError(errSyntax)
			return
		}
	}
	if (abort && (save || nosave || other)) || (save && nosave) {
		c.addError(errSyntax)
		return
	}
	if abort {
		c.addError("ERR No shutdown in progress.")
		return
	}
	switch {
	case save:
		n.shutdownMode = shutdownSave
	case nosave:
		n.shutdownMode = shutdownNoSave
	default:
		n.shutdownMode = 0
	}
	n.shutdown = true
	c.closeAfterReply() // nothing more runs on this connection
}

// ShutdownSave reports whether the server should save a snapshot before
// exiting on SHUTDOWN: SAVE, or save points configured and no NOSAVE.
func (n *Node) ShutdownSave() bool {
	switch n.shutdownMode {
	case shutdownSave:
		return true
	case shutdownNoSave:
		return false
	}
	return strings.TrimSpace(n.cfg.Save) != ""
}

// ---------------------------------------------------------------------------
// DEBUG

// debugAllowed applies enable-debug-command: no, yes, or local (loopback
// and unix-socket connections only).
func (n *Node) debugAllowed(c *Client) bool {
	switch n.cfg.EnableDebugCmd {
	case "yes":
		return true
	case "local":
		a := c.Addr
		return strings.HasPrefix(a, "127.") || strings.HasPrefix(a, "[::1]") || strings.HasPrefix(a, "::1") ||
			strings.HasPrefix(a, "/") || a == ""
	}
	return false
}

func debugCmd(n *Node, c *Client, args [][]byte) {
	if !n.debugAllowed(c) {
		c.addError("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", " +
			"you can run it from a local connection, otherwise you need to set this option in the " +
			"configuration file, and then restart the server.")
		return
	}
	sub := args[1]
	switch {
	case eq(sub, "help") && len(args) == 2:
		debugHelp(c)
	case eq(sub, "sleep") && len(args) == 3:
		// The node cannot stop the world; DEBUG SLEEP returns at once.
		c.addOK()
	case eq(sub, "set-active-expire") && len(args) == 3:
		v, _ := strconv.Atoi(string(args[2]))
		n.cfg.ActiveExpire = v != 0
		c.addOK()
	case eq(sub, "populate") && len(args) >= 3 && len(args) <= 5:
		debugPopulate(n, c, args)
	case eq(sub, "error") && len(args) == 3:
		// Redis writes it as a raw reply: no error stats, no failed call.
		c.out = wire.AppendError(c.out, string(args[2]))
	case eq(sub, "log") && len(args) == 3:
		c.addOK()
	case eq(sub, "protocol") && len(args) == 3:
		debugProtocol(c, args[2])
	case eq(sub, "structsize") && len(args) == 2:
		c.addBulkStr("bits:64 robj:16 dictentry:24 sdshdr5:1 sdshdr8:3 sdshdr16:5 sdshdr32:9 sdshdr64:17 ")
	case (eq(sub, "quicklist-packed-threshold") || eq(sub, "set-skip-checksum-validation") ||
		eq(sub, "pause-cron") || eq(sub, "set-disable-deny-scripts")) && len(args) == 3,
		eq(sub, "replybuffer") && len(args) == 4:
		c.addOK()
	default:
		subcommandSyntaxError(c, args)
	}
}

// debugPopulate is DEBUG POPULATE count [prefix] [size]: keys prefix:N
// holding "value:N" (zero-padded or cut to size), skipping existing keys.
// As in Redis it is not propagated: a test and benchmark aid.
func debugPopulate(n *Node, c *Client, args [][]byte) {
	count, ok := parseInt(args[2])
	if !ok || count < 0 {
		c.addError("ERR value is out of range, must be positive")
		return
	}
	prefix := "key"
	if len(args) >= 4 {
		prefix = string(args[3])
	}
	size := int64(0)
	if len(args) == 5 {
		if size, ok = parseInt(args[4]); !ok || size < 0 {
			c.addError("ERR value is out of range, must be positive")
			return
		}
	}
	for j := int64(0); j < count; j++ {
		key := []byte(prefix + ":" + strconv.FormatInt(j, 10))
		if n.lookupNoTouch(c.db, key) != nil {
			continue
		}
		val := []byte("value:" + strconv.FormatInt(j, 10))
		if size > 0 {
			v := make([]byte, size)
			copy(v, val)
			val = v
		}
		n.addKey(c.db, key, newStringObject(val))
	}
	c.addOK()
}

func debugProtocol(c *Client, typ []byte) {
	switch {
	case eq(typ, "string"):
		c.addBulkStr("Hello World")
	case eq(typ, "integer"):
		c.addInt(12345)
	case eq(typ, "double"):
		c.addBulkStr("3.141")
	case eq(typ, "bignum"):
		c.addBulkStr("1234567999999999999999999999999999999")
	case eq(typ, "null"):
		c.addNull()
	case eq(typ, "array"), eq(typ, "set"):
		c.addArray(3)
		for i := int64(0); i < 3; i++ {
			c.addInt(i)
		}
	case eq(typ, "map"):
		c.addArray(6)
		for i := int64(0); i < 3; i++ {
			c.addInt(i)
			if i == 1 {
				c.addInt(1)
			} else {
				c.addInt(0)
			}
		}
	case eq(typ, "attrib"):
		c.addBulkStr("Some real reply following the attribute")
	case eq(typ, "push"):
		c.addError("ERR RESP2 is not supported by this command")
	case eq(typ, "verbatim"):
		c.addBulkStr("This is a verbatim\nstring")
	case eq(typ, "true"):
		c.addInt(1)
	case eq(typ, "false"):
		c.addInt(0)
	default:
		c.addError("ERR Wrong protocol type name. Please use one of the following: " +
			"string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false")
	}
}

func debugHelp(c *Client) {
	addHelp(c, "DEBUG",
		"AOF-FLUSH-SLEEP <microsec>",
		"    Server will sleep before flushing the AOF, this is used for testing.",
		"ASSERT",
		"    Crash by assertion failed.",
		"CHANGE-REPL-ID",
		"    Change the replication IDs of the instance.",
		"    Dangerous: should be used only for testing the replication subsystem.",
		"CONFIG-REWRITE-FORCE-ALL",
		"    Like CONFIG REWRITE but writes all configuration options, including",
		"    keywords not listed in original configuration file or default values.",
		"CRASH-AND-RECOVER [<milliseconds>]",
		"    Hard crash and restart after a <milliseconds> delay (default 0).",
		"DIGEST",
		"    Output a hex signature representing the current DB content.",
		"DIGEST-VALUE <key> [<key> ...]",
		"    Output a hex signature of the values of all the specified keys.",
		"ERROR <string>",
		"    Return a Redis protocol error with <string> as message. Useful for clients",
		"    unit tests to simulate Redis errors.",
		"LEAK <string>",
		"    Create a memory leak of the input string.",
		"LOG <message>",
		"    Write <message> to the server log.",
		"HTSTATS <dbid>",
		"    Return hash table statistics of the specified Redis database.",
		"HTSTATS-KEY <key>",
		"    Like HTSTATS but for the hash table stored at <key>'s value.",
		"LOADAOF",
		"    Flush the AOF buffers on disk and reload the AOF in memory.",
		"REPLICATE <string>",
		"    Replicates the provided string to replicas, allowing data divergence.",
		"MALLCTL <key> [<val>]",
		"    Get or set a malloc tuning integer.",
		"MALLCTL-STR <key> [<val>]",
		"    Get or set a malloc tuning string.",
		"OBJECT <key>",
		"    Show low level info about `key` and associated value.",
		"DROP-CLUSTER-PACKET-FILTER <packet-type>",
		"    Drop all packets that match the filtered type. Set to -1 allow all packets.",
		"OOM",
		"    Crash the server simulating an out-of-memory error.",
		"PANIC",
		"    Crash the server simulating a panic.",
		"POPULATE <count> [<prefix>] [<size>]",
		"    Create <count> string keys named key:<num>. If <prefix> is specified then",
		"    it is used instead of the 'key' prefix. These are not propagated to",
		"    replicas. Cluster slots are not respected so keys not belonging to the",
		"    current node can be created in cluster mode.",
		"PROTOCOL <type>",
		"    Reply with a test value of the specified type. <type> can be: string,",
		"    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
		"    true, false.",
		"RELOAD [option ...]",
		"    Save the RDB on disk and reload it back to memory. Valid <option> values:",
		"    * MERGE: conflicting keys will be loaded from RDB.",
		"    * NOFLUSH: the existing database will not be removed before load, but",
		"      conflicting keys will generate an exception and kill the server.",
		"    * NOSAVE: the database will be loaded from an existing RDB file.",
		"    Examples:",
		"    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
		"      the database.",
		"    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
		"      existing RDB file.",
		"    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
		"      file to the database.",
		"RESTART [<milliseconds>]",
		"    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
		"SDSLEN <key>",
		"    Show low level SDS string info representing `key` and value.",
		"SEGFAULT",
		"    Crash the server with sigsegv.",
		"SET-ACTIVE-EXPIRE <0|1>",
		"    Setting it to 0 disables expiring keys in background when they are not",
		"    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
		"    default.",
		"QUICKLIST-PACKED-THRESHOLD <size>",
		"    Sets the threshold for elements to be inserted as plain vs packed nodes",
		"    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
		"SET-SKIP-CHECKSUM-VALIDATION <0|1>",
		"    Enables or disables checksum checks for RDB files and RESTORE's payload.",
		"SLEEP <seconds>",
		"    Stop the server for <seconds>. Decimals allowed.",
		"STRINGMATCH-TEST",
		"    Run a fuzz tester against the stringmatchlen() function.",
		"STRUCTSIZE",
		"    Return the size of different Redis core C structures.",
		"LISTPACK <key>",
		"    Show low level info about the listpack encoding of <key>.",
		"QUICKLIST <key> [<0|1>]",
		"    Show low level info about the quicklist encoding of <key>.",
		"    The optional argument (0 by default) sets the level of detail",
		"CLIENT-EVICTION",
		"    Show low level client eviction pools info (maxmemory-clients).",
		"PAUSE-CRON <0|1>",
		"    Stop periodic cron job processing.",
		"REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
		"    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
		"    In case NEVER is provided the last observed peak will never be reset",
		"    In case RESET is provided the peak reset time will be restored to the default value",
		"REPLYBUFFER RESIZING <0|1>",
		"    Enable or disable the reply buffer resize cron job",
		"CLUSTERLINK KILL <to|from|all> <node-id>",
		"    Kills the link based on the direction to/from (both) with the provided node.",
	)
}

// ---------------------------------------------------------------------------
// SLOWLOG, LATENCY: opdis keeps no slow log and no latency-monitor events,
// so those are always empty; LATENCY HISTOGRAM reports the per-command
// histograms (latency.go).

func slowlogSubcommands() []*subcommand {
	const adm = FlagAdmin | FlagLoading | FlagStale
	return []*subcommand{
		{name: "get", arity: -2, flags: adm, fn: slowlogGetCmd},
		{name: "help", arity: 2, flags: FlagLoading | FlagStale, fn: slowlogHelpCmd},
		{name: "len", arity: 2, flags: adm, fn: func(n *Node, c *Client, args [][]byte) { c.addInt(0) }},
		{name: "reset", arity: 2, flags: adm, fn: func(n *Node, c *Client, args [][]byte) { c.addOK() }},
	}
}

func slowlogGetCmd(n *Node, c *Client, args [][]byte) {
	if len(args) > 3 {
		subcommandSyntaxError(c, args)
		return
	}
	if len(args) == 3 {
		if v, ok := parseInt(args[2]); !ok || v < -1 {
			c.addError("ERR count should be greater than or equal to -1")
			return
		}
	}
	c.addArray(0)
}

func slowlogHelpCmd(n *Node, c *Client, args [][]byte) {
	addHelp(c, "SLOWLOG",
		"GET [<count>]",
		"    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
		"    Entries are made of:",
		"    id, timestamp, time in microseconds, arguments array, client IP and port,",
		"    client name",
		"LEN",
		"    Return the length of the slowlog.",
		"RESET",
		"    Reset the slowlog.",
	)
}

func latencySubcommands() []*subcommand {
	const adm = FlagAdmin | FlagNoScript | FlagLoading | FlagStale
	return []*subcommand{
		{name: "doctor", arity: 2, flags: adm, fn: latencyDoctorCmd},
		{name: "graph", arity: 3, flags: adm, fn: func(n *Node, c *Client, args [][]byte) {
			c.addError("ERR No samples available for event '" + string(args[2]) + "'")
		}},
		{name: "help", arity: 2, flags: FlagLoading | FlagStale, fn: latencyHelpCmd},
		{name: "histogram", arity: -2, flags: adm, fn: latencyHistogramCmd},
		{name: "history", arity: 3, flags: adm, fn: func(n *Node, c *Client, args [][]byte) { c.addArray(0) }},
		{name: "latest", arity: 2, flags: adm, fn: func(n *Node, c *Client, args [][]byte) { c.addArray(0) }},
		{name: "reset", arity: -2, flags: adm, fn: func(n *Node, c *Client, args [][]byte) { c.addInt(0) }},
	}
}

func latencyDoctorCmd(n *Node, c *Client, args [][]byte) {
	c.addBulkStr("I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. " +
		"You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we " +
		"weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n")
}

func latencyHelpCmd(n *Node, c *Client, args [][]byte) {
	addHelp(c, "LATENCY",
		"DOCTOR",
		"    Return a human readable latency analysis report.",
		"GRAPH <event>",
		"    Return an ASCII latency graph for the <event> class.",
		"HISTORY <event>",
		"    Return time-latency samples for the <event> class.",
		"LATEST",
		"    Return the latest latency samples for all events.",
		"RESET [<event> ...]",
		"    Reset latency data of one or more <event> classes.",
		"    (default: reset all data for all event classes)",
		"HISTOGRAM [COMMAND ...]",
		"    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
		"    If no commands are specified then all histograms are replied.",
	)
}

// ---------------------------------------------------------------------------
// MEMORY

func memorySubcommands() []*subcommand {
	return []*subcommand{
		{name: "doctor", arity: 2, fn: memoryDoctorCmd},
		{name: "help", arity: 2, flags: FlagLoading | FlagStale, fn: memoryHelpCmd},
		{name: "malloc-stats", arity: 2, fn: func(n *Node, c *Client, args [][]byte) {
			c.addBulkStr("Stats not supported for the current allocator")
		}},
		{name: "purge", arity: 2, fn: func(n *Node, c *Client, args [][]byte) { c.addOK() }},
		{name: "stats", arity: 2, fn: memoryStatsCmd},
		{name: "usage", arity: -3, flags: FlagReadonly, first: 2, last: 2, step: 1, fn: memoryUsageCmd},
	}
}

// memoryUsageCmd is MEMORY USAGE key [SAMPLES count]: an estimate of the
// bytes the key and its value take (see objectMemory).
func memoryUsageCmd(n *Node, c *Client, args [][]byte) {
	for j := 3; j < len(args); j++ {
		if eq(args[j], "samples") && j+1 < len(args) {
			v, ok := parseInt(args[j+1])
			if !ok {
				c.addError(errNotInt)
				return
			}
			if v < 0 {
				c.addError(errSyntax)
				return
			}
			j++
		} else {
			c.addError(errSyntax)
			return
		}
	}
	o, ok := c.db.keys.Get(str(args[2]))
	if !ok {
		c.addNull()
		return
	}
	c.addInt(int64(keyMemory(args[2], o)))
}

// keyMemory estimates a key's memory as Redis 7.0 roughly accounts it: the
// dict entry, the key's sds, the object header and its payload.
func keyMemory(key []byte, o *Object) int {
	return 24 + allocSize(len(key)+4) + objectMemory(o)
}

// objectMemory estimates the bytes of a value: small encodings as packed
// arrays, large ones as tables with per-element overhead.
func objectMemory(o *Object) int {
	switch o.Type {
	case TypeString:
		if len(o.Str) <= 44 && !o.raw {
			return allocSize(16 + 4 + len(o.Str))
		}
		return 16 + allocSize(len(o.Str)+9)
	case TypeList:
		// List and ZSet have no element walk here: a flat estimate per element.
		return 16 + 40 + 16*o.List.Len()
	case TypeSet:
		size := 16 + 64
		o.Set.Range(func(k string, _ struct{}) bool {
			if o.big {
				size += 24 + allocSize(len(k)+4)
			} else {
				size += len(k) + 2
			}
			return true
		})
		return size
	case TypeZSet:
		if o.big {
			return 16 + 64 + 96*o.ZSet.Len()
		}
		return 16 + 64 + 20*o.ZSet.Len()
	default:
		size := 16 + 64
		o.Hash.Range(func(k string, v []byte) bool {
			if o.big {
				size += 24 + allocSize(len(k)+4) + allocSize(len(v)+4)
			} else {
				size += len(k) + len(v) + 4
			}
			return true
		})
		return size
	}
}

// allocSize rounds n up to a jemalloc-like size class.
func allocSize(n int) int {
	switch {
	case n <= 8:
		return 8
	case n <= 128:
		return (n + 15) &^ 15
	}
	size := 128
	for size < n {
		size += size / 4
	}
	return size
}

func memoryDoctorCmd(n *Node, c *Client, args [][]byte) {
	if n.usedMemory() < 5<<20 {
		c.addBulkStr("Hi Sam, this instance is empty or is using very little memory, my issues detector can't " +
			"be used in these conditions. Please, leave for your mission on Earth and fill it with some data. " +
			"The new Sam and I will be back to our programming as soon as I finished rebooting.\n")
		return
	}
	c.addBulkStr("Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs " +
		"on this base.\n")
}

func memoryStatsCmd(n *Node, c *Client, args [][]byte) {
	used := n.usedMemory()
	startup := int64(baseMemory)
	clients := int64(n.clientMemory())
	overhead := startup + clients
	dataset := max(used-overhead, 0)
	type field struct {
		name string
		v    int64
	}
	fields := []field{{"peak.allocated", used}, {"total.allocated", used}, {"startup.allocated", startup},
		{"replication.backlog", 0}, {"clients.slaves", 0}, {"clients.normal", clients}, {"cluster.links", 0},
		{"aof.buffer", 0}, {"lua.caches", 0}, {"functions.caches", 184}}
	var dbs []*DB
	for _, db := range n.dbs {
		if db.Len() > 0 {
			dbs = append(dbs, db)
		}
	}
	c.addArray(2 * (len(fields) + len(dbs) + 17))
	for _, f := range fields {
		c.addBulkStr(f.name)
		c.addInt(f.v)
	}
	for _, db := range dbs {
		c.addBulkStr("db." + strconv.Itoa(db.id))
		c.addArray(4)
		c.addBulkStr("overhead.hashtable.main")
		c.addInt(int64(db.Len()) * 32)
		c.addBulkStr("overhead.hashtable.expires")
		c.addInt(int64(db.Volatile()) * 32)
	}
	keys := int64(0)
	for _, db := range n.dbs {
		keys += int64(db.Len())
	}
	perKey := int64(0)
	if keys > 0 {
		perKey = dataset / keys
	}
	for _, f := range []field{{"overhead.total", overhead}, {"keys.count", keys}, {"keys.bytes-per-key", perKey},
		{"dataset.bytes", dataset}} {
		c.addBulkStr(f.name)
		c.addInt(f.v)
	}
	c.addBulkStr("dataset.percentage")
	c.addBulkStr(fmt.Sprintf("%.17g", percent(dataset, used-startup)))
	c.addBulkStr("peak.percentage")
	c.addBulkStr("100")
	for _, f := range []field{{"allocator.allocated", used}, {"allocator.active", used}, {"allocator.resident", used},
		{"allocator-fragmentation.ratio", 1}, {"allocator-fragmentation.bytes", 0}, {"allocator.rss-ratio", 1},
		{"allocator.rss-bytes", 0}, {"rss-overhead.ratio", 1}, {"rss-overhead.bytes", 0},
		{"fragmentation", 1}, {"fragmentation.bytes", 0}} {
		c.addBulkStr(f.name)
		c.addInt(f.v)
	}
}

func percent(a, b int64) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) * 100 / float64(b)
}

func memoryHelpCmd(n *Node, c *Client, args [][]byte) {
	addHelp(c, "MEMORY",
		"DOCTOR",
		"    Return memory problems reports.",
		"MALLOC-STATS",
		"    Return internal statistics report from the memory allocator.",
		"PURGE",
		"    Attempt to purge dirty pages for reclamation by the allocator.",
		"STATS",
		"    Return information about the memory usage of the server.",
		"USAGE <key> [SAMPLES <count>]",
		"    Return memory in bytes used by <key> and its value. Nested values are",
		"    sampled up to <count> times (default: 5, 0 means sample all).",
	)
}
