package node

import (
	"slices"
	"sort"
	"strings"
	"time"

	"opdis/wire"
)

// Node is one server. All methods must be called from one goroutine (or
// under one lock); none blocks.
type Node struct {
	cfg Config
	env Env

	dbs      []*DB
	commands map[string]*Command

	clients      map[int64]*Client //det:ok lookups only; clientList is the ordered view
	clientList   []*Client         // ordered by id
	nextClientID int64
	pending      []int64 // clients with output queued by another client's call
	inCall       *Client // the client whose input is being processed

	watched map[watchKey][]*Client
	blocked blocking
	pubsub  pubsub

	// OnPropagate, when set, receives every write in effect form, in order:
	// the database and the command that reproduces the change exactly.
	OnPropagate func(db int, args [][]byte)

	// OnLog, when set, receives the node's log lines (persistence events).
	OnLog func(level LogLevel, msg string)

	// RewriteConfig, set by the server binary, rewrites the config file
	// named by SetServerInfo in place for CONFIG REWRITE (see
	// RewriteConfigText); its error is reported to the client.
	RewriteConfig func() error

	server       ServerInfo            // what only the binary knows (info.go)
	containers   map[string]*container //det:ok lookups only; built on first use (cmd_server.go)
	opsSample    opsSample             // INFO instantaneous_* rates
	shutdownMode int                   // SHUTDOWN: 0 default, shutdownSave, shutdownNoSave

	callDepth int   // >0 while a command runs
	callMs    int64 // wall ms when the outermost running command first asked
	callMsSet bool
	clk       batchClock // clock reads shared by a pipeline's commands (clock.go)
	// prefetchSum keeps what prefetchKeys read, so the reads stay.
	prefetchSum uint64
	obuf        outputLimitState // client-output-buffer-limit (outlimit.go)
	// lruMs is the access time given to objects: refreshed by Tick, like
	// Redis's LRU clock (whose resolution is a second), so a lookup costs
	// no clock read.
	lruMs int64

	repl   replState  // replication (repl.go)
	pause  pauseState // write pauses (pause.go)
	fo     failover   // FAILOVER (failover.go)
	op     oplog      // op ids and the entry being gathered (oplog.go)
	aof    aofState   // the AOF binlog (aof.go)
	snap   *snapshot  // the snapshot in progress (snapshot.go)
	saves  saveState  // SAVE/BGSAVE history (snapshot.go)
	fatal  error      // unrecoverable: the server must exit (Fatal)
	loader *Client    // the fake client that replays entries (load.go)
	cons   consumers  // OPDEL registrations (opget.go)
	// inMasterStream is set while a redis-server master's command runs.
	inMasterStream bool

	stats Stats
	// errorStart is TotalErrorReplies when the running command started
	// (Redis's prev_err_count, shared by nested calls): more at its end
	// and it failed.
	errorStart int64
	start      time.Duration // monotonic time at New
	lastCron   time.Duration
	shutdown   bool
	dirty      int64 // changes since the last save
	lastSave   int64 // unix seconds
}

// Stats are the counters INFO reports.
type Stats struct {
	Connections       int64
	Commands          int64
	RejectedConns     int64
	ExpiredKeys       int64
	EvictedKeys       int64
	KeyspaceHits      int64
	KeyspaceMisses    int64
	NetInputBytes     int64
	NetOutputBytes    int64
	TotalErrorReplies int64
	// ErrorCodes counts error replies by code, the reply's first word
	// (INFO errorstats); nil until the first error.
	ErrorCodes map[string]int64 //det:ok INFO sorts the codes
}

// countError counts an error reply msg (given without its '-') as Redis's
// afterErrorReply: the code is what precedes the first space within the
// reply's first 32 bytes (the '-' included), ERR without one.
func (s *Stats) countError(msg string) {
	s.TotalErrorReplies++
	code := "ERR"
	if i := strings.IndexByte(msg[:min(len(msg), 31)], ' '); i >= 0 {
		code = msg[:i]
	}
	if s.ErrorCodes == nil {
		s.ErrorCodes = make(map[string]int64)
	}
	if _, ok := s.ErrorCodes[code]; !ok {
		code = strings.Clone(code) // not a view keeping msg alive
	}
	s.ErrorCodes[code]++
}

// New returns a node with an empty keyspace.
func New(cfg Config, env Env) *Node {
	n := &Node{
		cfg:      cfg,
		env:      env,
		clients:  make(map[int64]*Client),
		watched:  make(map[watchKey][]*Client),
		commands: make(map[string]*Command),
	}
	n.dbs = make([]*DB, cfg.Databases)
	for i := range n.dbs {
		n.dbs[i] = newDB(i, env.Rand.Uint64())
	}
	for _, cmd := range commandTable() {
		n.commands[cmd.Name] = cmd
	}
	for _, cmd := range n.commands { //det:ok marks each entry
		cmd.container = n.container(cmd.Name) != nil
	}
	n.pubsub.init(env.Rand.Uint64())
	n.repl = newReplState(env.Rand, cfg.ReplBacklogSize)
	n.op.nextOpID = 1
	n.op.epoch = int64(env.Rand.Uint64()>>1) | 1 // a new master's epoch: random, never 0
	n.saves.lastOK = true
	n.start = n.monotonic()
	n.lastCron = n.start
	n.lastSave = n.nowMs() / 1000
	n.lruMs = n.nowMs()
	n.outputLimits()
	return n
}

// Config returns the node's configuration.
func (n *Node) Config() *Config { return &n.cfg }

// ShutdownRequested reports whether SHUTDOWN asked the server to exit.
func (n *Node) ShutdownRequested() bool { return n.shutdown }

// Connect registers a new client connection and returns its id. addr and
// laddr are the peer and local addresses, shown by CLIENT LIST.
func (n *Node) Connect(addr, laddr string) int64 {
	n.nextClientID++
	c := newClient(n, n.nextClientID, addr, laddr)
	n.clients[c.ID] = c
	n.clientList = append(n.clientList, c)
	n.stats.Connections++
	return c.ID
}

// Feed hands bytes read from a connection to the node, which parses and
// runs every complete command in them.
func (n *Node) Feed(id int64, data []byte) {
	c := n.clients[id]
	if c == nil || c.closing {
		return
	}
	n.stats.NetInputBytes += int64(len(data))
	now := n.monotonic()
	c.lastInteraction = now
	if c.master != nil {
		n.masterFeed(c.master, data)
		return
	}
	if len(c.in) == 0 {
		// Fast path: parse straight from data and keep only the remainder.
		n.keepRest(c, n.processBufferAt(c, data, now))
		return
	}
	c.in = append(c.in, data...)
	n.keepRest(c, n.processBufferAt(c, c.in, now))
}

// keepRest makes rest, the unparsed tail of the input, the client's input
// buffer. When nothing was consumed rest already is the buffer: copying it
// onto itself on every read would make a large request quadratic.
func (n *Node) keepRest(c *Client, rest []byte) {
	if len(rest) > 0 && len(c.in) > 0 && &rest[0] == &c.in[0] {
		c.in = c.in[:len(rest)]
		return
	}
	c.in = append(c.in[:0], rest...)
}

// maxReusedArgv bounds the argv array a client keeps between commands.
const maxReusedArgv = 64

// processBuffer runs every complete command at the front of buf and
// returns what is left.
func (n *Node) processBuffer(c *Client, buf []byte) []byte {
	return n.processBufferAt(c, buf, n.monotonic())
}

// processBufferAt is processBuffer for a caller that just read the
// monotonic clock (now): the commands run as one batch (clock.go).
func (n *Node) processBufferAt(c *Client, buf []byte, now time.Duration) []byte {
	outer := n.beginBatch(now)
	defer n.endBatch(outer)
	lim := wire.Limits{MaxBulkLen: n.cfg.ProtoMaxBulkLen}
	ahead := 0 // commands prefetchKeys covered that have not run yet
	for len(buf) > 0 && !c.closing && c.blockedOn == nil {
		if ahead == 0 {
			ahead = max(1, n.prefetchKeys(c.db, buf))
		}
		ahead--
		args, used, err := wire.ParseCommandArgs(buf, lim, c.argv)
		if err != nil {
			c.addError("ERR " + err.Error())
			c.closeAfterReply()
			return nil
		}
		if used == 0 {
			break
		}
		buf = buf[used:]
		if args != nil {
			if cap(args) <= maxReusedArgv {
				c.argv = args[:0]
			}
			n.inCall = c
			n.call(c, args)
			if n.obuf.minNormal|n.obuf.minPubsub != 0 {
				n.checkOutputLimit(c)
			}
			n.handleReadyKeys()
			n.inCall = nil
		}
	}
	return buf
}

// Disconnect tells the node a connection is gone.
func (n *Node) Disconnect(id int64) {
	c := n.clients[id]
	if c == nil {
		return
	}
	n.freeClient(c)
}

func (n *Node) freeClient(c *Client) {
	if c.master != nil && n.repl.link == c.master {
		n.masterLinkLost()
	}
	n.replicaFreed(c)
	n.unwatchAll(c)
	n.unblock(c)
	n.pubsubUnsubscribeAll(c)
	delete(n.clients, c.ID)
	i := sort.Search(len(n.clientList), func(i int) bool { return n.clientList[i].ID >= c.ID })
	if i < len(n.clientList) && n.clientList[i] == c {
		n.clientList = append(n.clientList[:i], n.clientList[i+1:]...)
	}
	c.closing = true
}

// TakeOutput appends the client's queued output to dst and clears it.
// closeConn reports that the connection must be closed once dst is
// written (QUIT, a protocol error, CLIENT KILL); the node has then already
// forgotten the client.
func (n *Node) TakeOutput(id int64, dst []byte) (out []byte, closeConn bool) {
	n.aofBarrier() // no reply leaves before the writes it acknowledges are written (and, under always, fsynced)
	if n.fatal != nil {
		return dst, true // the writes may not be durable: acknowledge nothing
	}
	c := n.clients[id]
	if c == nil {
		return dst, true
	}
	dst = append(dst, c.out...)
	n.stats.NetOutputBytes += int64(len(c.out))
	c.out = c.out[:0]
	c.queued = false
	if c.closing {
		n.freeClient(c)
		return dst, true
	}
	if c.replica != nil {
		dst = n.replicaTakeOutput(c, dst) // the RDB file or backlog bytes due, a chunk at a time
	}
	return dst, false
}

// Dropped reports whether the node has dropped client id: killed it, or
// closed it for its output limit. What the client has not read is
// discarded, so the server should close the connection now, even while
// its socket is full; TakeOutput then forgets the client.
func (n *Node) Dropped(id int64) bool {
	c := n.clients[id]
	return c == nil || c.dropped
}

// Pending returns, in id order, the clients that got output (or must be
// closed) because of another client's command or a tick: woken blocked
// clients, pub/sub messages, CLIENT KILL. The caller should drain each with
// TakeOutput. The list is cleared.
func (n *Node) Pending() []int64 {
	p := n.pending
	if len(p) == 0 {
		return nil // the server asks before every wait: keep it free
	}
	n.pending = nil
	slices.Sort(p)
	return p
}

// drop closes c with its output discarded (Dropped) and tells the server
// even if c is already pending: a client whose socket is full stays
// pending, untaken, until it drains, and a dropped one must not wait.
func (n *Node) drop(c *Client) {
	c.out = c.out[:0]
	c.dropped = true
	c.closeAfterReply()
	n.pendAgain(c)
}

// pendAgain lists c as pending even if it is already (a client whose
// socket is full stays listed, untaken): the server must look at it now.
func (n *Node) pendAgain(c *Client) {
	c.queued = true
	n.pending = append(n.pending, c.ID)
}

// markPending records that c has output produced outside its own call.
func (n *Node) markPending(c *Client) {
	if c == n.inCall || c.queued {
		return
	}
	c.queued = true
	n.pending = append(n.pending, c.ID)
}

// Tick advances time-driven work: blocked-client timeouts every call, and
// the cron (active expiry, client timeouts) at hz.
func (n *Node) Tick() {
	n.lruMs = n.nowMs()
	n.outputLimits() // a Config changed other than by CONFIG SET
	now := n.monotonic()
	n.expireBlocked(now)
	n.snapStep()
	n.replMasterTick(now)
	period := time.Second / time.Duration(n.cfg.Hz)
	if now-n.lastCron >= period {
		n.lastCron = now
		n.cron(now)
	}
}

func (n *Node) cron(now time.Duration) {
	if n.cfg.ActiveExpire && !n.isReplica() && !n.writesPaused() { // a replica's keys expire by the master's DELs
		n.activeExpireCycle()
	}
	n.aofCron()
	n.saveCron()
	n.replicationCron()
	if n.cfg.Timeout > 0 {
		limit := time.Duration(n.cfg.Timeout) * time.Second
		for _, c := range append([]*Client(nil), n.clientList...) {
			if c.blockedOn == nil && c.subscriptions() == 0 && c.replica == nil && now-c.lastInteraction > limit {
				c.closeAfterReply()
				n.markPending(c)
			}
		}
	}
}

// DB returns database i, for tests and snapshots.
func (n *Node) DB(i int) *DB { return n.dbs[i] }
