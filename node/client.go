package node

import (
	"strconv"
	"time"

	"opdis/wire"
)

// Client is one connection's state.
type Client struct {
	ID     int64
	Addr   string
	LAddr  string
	Name   string
	db     *DB
	in     []byte
	out    []byte
	queued bool // already listed in Node.pending

	authenticated   bool
	closing         bool
	created         time.Duration
	lastInteraction time.Duration
	lastCmd         string
	resp            int // protocol version (2)

	multi    *multiState // non-nil between MULTI and EXEC/DISCARD
	watching []watchKey
	dirtyCAS bool // a watched key changed: EXEC must fail

	blockedOn *blockState // non-nil while parked in a blocking command
	psState   clientPubsub

	// execDepth > 0 while the client's commands run inside EXEC; blocking
	// commands then answer at once instead of parking.
	execDepth int

	curArgs [][]byte // the command being run, for block
	// argv is the array the client's commands are parsed into, reused
	// from one command to the next; whoever keeps a command's args past
	// its call (MULTI's queue, a parked command) keeps a copy.
	argv [][]byte
	// stats is the node's: every error reply counts there, whoever wrote
	// it (Redis's afterErrorReply).
	stats *Stats

	softOver  bool          // pending output over the soft limit (outlimit.go) …
	softSince time.Duration // … since then
	dropped   bool          // closed with its output discarded (Node.Dropped)

	noEvict bool // CLIENT NO-EVICT ON (shown as flag e by CLIENT LIST)

	woff  int64 // master_repl_offset after this client's last command (WAIT), as Redis
	wopid int64 // the op id of this client's last write (WAITAOF's local fsync)

	replica *replicaInfo // non-nil once the client is a replica (repl.go)
	master  *masterLink  // non-nil for this node's link to its master

	opapply *opapplyState // non-nil once the client sent OPAPPLY (opapply.go)
	opget   *opgetState   // OPGET's options and position (opget.go)
}

func newClient(n *Node, id int64, addr, laddr string) *Client {
	return &Client{
		ID: id, Addr: addr, LAddr: laddr, db: n.dbs[0],
		authenticated: n.cfg.RequirePass == "",
		created:       n.monotonic(), lastInteraction: n.monotonic(),
		resp: 2, stats: &n.stats,
	}
}

// DB returns the index of the client's selected database.
func (c *Client) DBIndex() int { return c.db.id }

func (c *Client) closeAfterReply() { c.closing = true }

// Reply helpers. Errors are given without the leading '-': "ERR syntax error".

func (c *Client) addOK()              { c.out = wire.AppendOK(c.out) }
func (c *Client) addSimple(s string)  { c.out = wire.AppendSimple(c.out, s) }
func (c *Client) addInt(v int64)      { c.out = wire.AppendInt(c.out, v) }
func (c *Client) addBulk(b []byte)    { c.out = wire.AppendBulk(c.out, b) }
func (c *Client) addBulkStr(s string) { c.out = wire.AppendBulkString(c.out, s) }
func (c *Client) addNull()            { c.out = wire.AppendNull(c.out) }
func (c *Client) addNullArray()       { c.out = wire.AppendNullArray(c.out) }
func (c *Client) addArray(n int)      { c.out = wire.AppendArray(c.out, n) }
func (c *Client) addBulkInt(v int64)  { c.out = wire.AppendBulk(c.out, strconv.AppendInt(nil, v, 10)) }
func (c *Client) addRaw(b []byte)     { c.out = append(c.out, b...) }
func (c *Client) addError(msg string) {
	c.out = wire.AppendError(c.out, msg)
	if c.stats != nil {
		c.stats.countError(msg)
	}
}

// addBulkFloat replies a float the way Redis does for scores (%.17g).
func (c *Client) addBulkFloat(f float64) { c.addBulkStr(FormatFloat(f)) }

// addStrings replies an array of bulk strings.
func (c *Client) addStrings(ss []string) {
	c.addArray(len(ss))
	for _, s := range ss {
		c.addBulkStr(s)
	}
}

// Common errors, Redis 7.0 wording.
const (
	errWrongType     = "WRONGTYPE Operation against a key holding the wrong kind of value"
	errNotInt        = "ERR value is not an integer or out of range"
	errNotFloat      = "ERR value is not a valid float"
	errSyntax        = "ERR syntax error"
	errNoSuchKey     = "ERR no such key"
	errOverflow      = "ERR increment or decrement would overflow"
	errOutOfRange    = "ERR index out of range"
	errNoAuth        = "NOAUTH Authentication required."
	errDBIndex       = "ERR DB index is out of range"
	errTimeout       = "ERR timeout is not a float or out of range"
	errNegTimeout    = "ERR timeout is negative"
	errInvalidExpire = "ERR invalid expire time in '%s' command"
)
