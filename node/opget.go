package node

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"opdis/wire"
)

// Oplog consumers (DESIGN §6, ApsaraCache's OPGET and OPDEL): OPGET reads
// entries from the AOF by op id, as their exact bytes, never blocking; a
// consumer registers how far it got with OPDEL, which keeps the AOF files
// it still needs from being purged; INFO oplog shows the op ids, the
// applied-opid dictionary and the OPDEL sources.
//
// OPGET follows ApsaraCache's reply and options: `[next_opid, [entry…]]`
// with next_opid a bulk string, COUNT and the filters persisting on the
// connection, a kind given again replacing that kind's set, filtered-out
// entries counting toward COUNT, and on a master only entries every
// replica acknowledged (REPLCONF ACK-OPID) per opget-master-min-slaves.
// Departures, where the original is awkward for a tool:
//   - any start op id may be asked for (no "discontinuous opid" error):
//     each call finds it through the AOF's index (a binary search and a
//     short scan), and no file stays open between calls;
//   - on a master, a start op id the replicas have not all acknowledged
//     yet gets `[start, []]` (nothing yet), not an error;
//   - an op id no longer in the AOF is an error that keeps the connection
//     open;
//   - one reply carries at most opgetMaxBytes of entries (the node reads
//     them synchronously): the consumer goes on from next_opid.

const (
	opgetDefaultCount = 50      // REDIS_DEFAULT_RETURNED_OPLOG_COUNT
	opgetMinMaxCount  = 10      // opget-max-count below this counts as this
	opgetMaxBytes     = 8 << 20 // entry bytes per reply at most
)

// opgetState is an OPGET connection's options and position.
type opgetState struct {
	count int64
	dbs   []int64  // MATCHDB; nil: any
	keys  [][]byte // MATCHKEY; nil: any
	ids   []int64  // MATCHID; nil: any
}

// opdelSource is a consumer's registration: it may lose entries before
// opID (the file holding opID is kept).
type opdelSource struct {
	name    string
	opID    int64
	updated int64 // unix seconds
}

// consumers is the node's OPDEL registrations, by name.
type consumers struct {
	opdel []opdelSource // sorted by name
}

func opgetCommands() []*Command {
	return []*Command{
		{Name: "opget", Arity: -2, Flags: FlagAdmin | FlagNoScript | FlagLoading | FlagStale, Fn: opgetCmd},
		{Name: "opdel", Arity: 3, Flags: FlagAdmin | FlagNoScript | FlagLoading | FlagStale, Fn: opdelCmd},
	}
}

// opgetCmd is OPGET <start_opid> [COUNT n] [MATCHDB db]… [MATCHKEY glob]…
// [MATCHID server_id]….
func opgetCmd(n *Node, c *Client, args [][]byte) {
	l := n.aof.log
	if l == nil {
		c.addError("ERR redis aof is off")
		return
	}
	start, ok := parseInt(args[1])
	if !ok || start < 1 {
		c.addError("ERR opget invalid start opid")
		return
	}
	if start > n.op.nextOpID {
		c.addError(fmt.Sprintf("ERR opget client start opid is bigger than server next opid(%d)", n.op.nextOpID))
		return
	}
	st := c.opget
	if st == nil {
		st = &opgetState{count: opgetDefaultCount}
	}
	opts, err := n.parseOpgetOptions(*st, args[2:])
	if err != "" {
		c.addError(err)
		return
	}
	c.opget = &opts
	st = c.opget
	if start == n.op.nextOpID {
		opgetReply(c, start, nil)
		return
	}
	count := min(st.count, n.opgetMaxCount())
	if !n.isReplica() {
		count = min(count, max(n.opgetMaxCount()/10, 1))
		if k := n.cfg.OpgetMasterMinSlaves; k > 0 {
			acked, err := n.opgetAcked(k)
			if err != "" {
				c.addError(err)
				return
			}
			count = min(count, acked-start)
		}
	}
	if count <= 0 {
		opgetReply(c, start, nil)
		return
	}
	entries, next, err2 := n.opgetRead(c, st, start, count)
	if err2 != nil {
		c.addError(err2.Error())
		return
	}
	opgetReply(c, next, entries)
}

func opgetReply(c *Client, next int64, entries [][]byte) {
	c.addArray(2)
	c.addBulkStr(strconv.FormatInt(next, 10))
	c.addArray(len(entries))
	for _, e := range entries {
		c.addBulk(e)
	}
}

func (n *Node) opgetMaxCount() int64 { return max(n.cfg.OpgetMaxCount, opgetMinMaxCount) }

// parseOpgetOptions applies the options of one call to the connection's
// (a kind given again replaces that kind's set), or returns the error.
func (n *Node) parseOpgetOptions(st opgetState, args [][]byte) (opgetState, string) {
	var seenDB, seenKey, seenID, offDB, offKey, offID bool
	for i := 0; i < len(args); i++ {
		if i+1 >= len(args) {
			return st, errSyntax
		}
		v := args[i+1]
		switch {
		case eq(args[i], "count"):
			k, ok := parseInt(v)
			if !ok || k < 1 || k > n.opgetMaxCount() {
				return st, "ERR opget invalid COUNT value: " + string(v)
			}
			st.count = k
		case eq(args[i], "matchdb"):
			db, ok := parseInt(v)
			if !ok || db < -1 || db >= int64(len(n.dbs)) {
				return st, "ERR opget invalid MATCHDB value: " + string(v)
			}
			if !seenDB {
				seenDB, st.dbs = true, nil
			}
			offDB = offDB || db == -1
			if !offDB {
				st.dbs = append(st.dbs, db)
			}
		case eq(args[i], "matchkey"):
			if !seenKey {
				seenKey, st.keys = true, nil
			}
			offKey = offKey || string(v) == "*"
			if !offKey {
				st.keys = append(st.keys, slices.Clone(v))
			}
		case eq(args[i], "matchid"):
			id, ok := parseInt(v)
			if !ok || id < -1 {
				return st, "ERR opget invalid MATCHID value: " + string(v)
			}
			if !seenID {
				seenID, st.ids = true, nil
			}
			offID = offID || id == -1
			if !offID {
				st.ids = append(st.ids, id)
			}
		default:
			return st, errSyntax
		}
		i++
	}
	if offDB {
		st.dbs = nil
	}
	if offKey {
		st.keys = nil
	}
	if offID {
		st.ids = nil
	}
	return st, ""
}

// opgetAcked is the op id every replica has acknowledged up to (the least
// REPLCONF ACK-OPID), with at least k replicas.
func (n *Node) opgetAcked(k int64) (int64, string) {
	var least int64
	var who *Client
	count := int64(0)
	for _, c := range n.repl.replicas {
		if c.closing {
			continue
		}
		count++
		if a := c.replica.ackOpID; a > 1 && (who == nil || a < least) {
			least, who = a, c
		}
	}
	if count < k || who == nil {
		return 0, "ERR opget master has not enough online slave"
	}
	return least, ""
}

// opgetRead reads up to count entries from op id start: the ones that
// pass the connection's filters, and the op id after the last one looked
// at.
func (n *Node) opgetRead(c *Client, st *opgetState, start, count int64) ([][]byte, int64, error) {
	l := n.aof.log
	if err := l.Flush(); err != nil {
		n.aofFailed(err)
		return nil, 0, fmt.Errorf("ERR opget oplog read error: %v", err)
	}
	rd, err := l.NewReader(start)
	if err != nil {
		return nil, 0, fmt.Errorf("ERR opget find aof offset by opid for client(%s) failed: %v", c.Addr, err)
	}
	defer rd.Close()
	var out [][]byte
	size, examined, last := 0, int64(0), start-1
	for examined < count && size < opgetMaxBytes {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if len(out) > 0 {
				break // what was read is returned; the next call meets the error
			}
			return nil, 0, fmt.Errorf("ERR opget oplog read error, opid: %d: %v", last+1, err)
		}
		e := rec.Entry
		if len(e.Commands) == 0 || e.Header.OpID < start {
			continue // a lone header (its op id comes again)
		}
		examined++
		last = e.Header.OpID
		if st.match(e) {
			out = append(out, slices.Clone(rec.Raw))
			size += len(rec.Raw)
		}
	}
	return out, min(last+1, n.op.nextOpID), nil
}

// match applies the filters: server id, db (a transaction always
// passes), and key (the first argument of the entry's first command after
// MULTI).
func (st *opgetState) match(e wire.Entry) bool {
	h := e.Header
	if st.ids != nil && !slices.Contains(st.ids, h.ServerID) {
		return false
	}
	if st.dbs != nil && h.CmdNum != wire.CmdNumTransaction && !slices.Contains(st.dbs, int64(h.DB)) {
		return false
	}
	if st.keys == nil {
		return true
	}
	var key []byte
	for _, cmd := range e.Commands {
		if !eq(cmd[0], "multi") {
			if len(cmd) > 1 {
				key = cmd[1]
			}
			break
		}
	}
	if key == nil {
		return false
	}
	for _, p := range st.keys {
		if GlobMatch(p, key, false) {
			return true
		}
	}
	return false
}

// opdelCmd is OPDEL <source> <opid>: register (or, with -1, drop) a
// consumer that still needs the entries from opid on.
func opdelCmd(n *Node, c *Client, args [][]byte) {
	opid, ok := parseInt(args[2])
	if !ok {
		c.addError(errNotInt)
		return
	}
	name := string(args[1])
	if strings.ContainsAny(name, ",=") {
		c.addError("ERR ',' or '=' in opdel source name")
		return
	}
	i, found := slices.BinarySearchFunc(n.cons.opdel, name, func(s opdelSource, name string) int { return strings.Compare(s.name, name) })
	switch {
	case opid == -1:
		if !found {
			c.addOK()
			return
		}
		n.cons.opdel = slices.Delete(n.cons.opdel, i, i+1)
	case opid < 1:
		c.addError("ERR invalid opid")
		return
	case found:
		n.cons.opdel[i] = opdelSource{name: name, opID: opid, updated: n.nowMs() / 1000}
	default:
		n.cons.opdel = slices.Insert(n.cons.opdel, i, opdelSource{name: name, opID: opid, updated: n.nowMs() / 1000})
	}
	if err := n.saveOpdelSources(); err != nil {
		c.addError("ERR saving the opdel sources: " + err.Error())
		return
	}
	c.addOK()
}

// opdelGuard forgets the OPDEL sources older than opdel-source-timeout
// (0: they never expire) and returns the lowest op id the others still
// need (0: none), which purges keep.
func (n *Node) opdelGuard() int64 {
	if t := n.cfg.OpdelSourceTimeout; t > 0 {
		now := n.nowMs() / 1000
		before := len(n.cons.opdel)
		n.cons.opdel = slices.DeleteFunc(n.cons.opdel, func(s opdelSource) bool {
			if now-s.updated > t {
				n.logf(LogNotice, "OPDEL source %s expired (no update for %d seconds)", s.name, now-s.updated)
				return true
			}
			return false
		})
		if len(n.cons.opdel) != before {
			n.saveOpdelSources() // (logged on failure; the next change retries)
		}
	}
	var least int64
	for _, s := range n.cons.opdel {
		if least == 0 || s.opID < least {
			least = s.opID
		}
	}
	return least
}

// infoOplog renders INFO oplog.
func (n *Node) infoOplog(kv func(string, any)) {
	guard := n.opdelGuard()
	kv("current_opid", n.op.nextOpID-1)
	kv("next_opid", n.op.nextOpID)
	minValid := n.op.nextOpID // when the AOF holds no entry
	if l := n.aof.log; l != nil && l.LastOpID() > 0 {
		minValid = l.MinOpID()
	}
	kv("min_valid_opid", minValid)
	kv("aof_psync_streams", n.aofStreaming())
	pairs := n.appliedPairs()
	kv("opapply_source_count", len(pairs))
	for i, a := range pairs {
		kv("opapply_source_"+strconv.Itoa(i), fmt.Sprintf("server_id=%d,applied_opid=%d", a.ServerID, a.OpID))
	}
	kv("opdel_source_count", len(n.cons.opdel))
	for i, s := range n.cons.opdel {
		kv("opdel_source_"+strconv.Itoa(i), fmt.Sprintf("source_name=%s,to_del_opid=%d,last_update_time=%d", s.name, s.opID, s.updated))
	}
	kv("opdel_min_opid", guard)
}
