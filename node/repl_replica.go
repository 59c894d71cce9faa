package node

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"

	"opdis/aofbinlog"
	"opdis/psync"
	"opdis/wire"
)

// The replica side of replication (DESIGN §5): REPLICAOF, the link to the
// master (psync.Handshake drives the protocol), loading a full sync into a
// fresh keyspace, applying the stream, ACKs.
//
// From an opdis master the stream is oplog entries: each is applied
// without being logged again and its exact bytes are appended to this
// node's AOF and backlog (so chained replicas get the same bytes), the op
// ids and epochs are the master's. From a real redis-server master the
// stream is plain commands: they run as the master's writes and this
// node logs entries with op ids of its own.

const replRetry = time.Second // between connection attempts

// masterLink is this node's connection to its master.
type masterLink struct {
	c         *Client
	hs        *psync.Handshake
	full      *psync.FullResync // the sync the RDB belongs to
	rdb       []byte            // the RDB being received
	stream    []byte            // stream bytes not yet a whole command
	streaming bool
	lastIO    time.Duration // the last byte from the master
	lastAck   time.Duration
	// aofReplID is the master's replid while an AOF continue runs (until
	// syncreploffset); "" otherwise.
	aofReplID string
}

// replicaofCmd is REPLICAOF host port | NO ONE (and SLAVEOF).
func replicaofCmd(n *Node, c *Client, args [][]byte) {
	if c.replica != nil {
		c.addError("ERR Command is not valid when client is a replica.")
		return
	}
	if n.failingOver() {
		c.addError("ERR REPLICAOF not allowed while failing over.")
		return
	}
	if eq(args[1], "no") && eq(args[2], "one") {
		if n.isReplica() {
			n.becomeMaster()
		}
		c.addOK()
		return
	}
	port, ok := parseInt(args[2])
	if !ok || port < 0 || port > 65535 {
		c.addError("ERR Invalid master port")
		return
	}
	host := string(args[1])
	if n.isReplica() && n.repl.masterHost == host && n.repl.masterPort == int(port) {
		c.addSimple("OK Already connected to specified master")
		return
	}
	if n.env.Dialer == nil {
		c.addError("ERR this node cannot connect to a master (no dialer)")
		return
	}
	n.becomeReplica(host, int(port))
	c.addOK()
}

// becomeReplica points this node at a master: a new AOF file (a role
// change), blocked clients released, its own replicas dropped (they must
// resync with the new history), and a connection attempt at once.
func (n *Node) becomeReplica(host string, port int) {
	wasMaster := !n.isReplica()
	n.dropMasterLink()
	n.repl.masterHost, n.repl.masterPort = host, port
	n.cfg.ReplicaOf = host + " " + strconv.Itoa(port)
	n.repl.nextTry = 0
	n.repl.downSince = -1 // never connected
	if wasMaster {
		n.unblockAll("UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)")
		n.dropReplicas()
	}
	if n.aofOn() {
		n.aofSplit(true)
	}
	// The connection is made by the next cron, as Redis's replicationCron
	// does (and never before the environment serves: Load calls this).
	n.logf(LogNotice, "Connecting to MASTER %s:%d", host, port)
}

// becomeMaster is REPLICAOF NO ONE: this node's history continues under a
// new replid (its replicas may PSYNC by the old one) and a new epoch, so
// entries it creates from now on are told apart from a deposed master's.
func (n *Node) becomeMaster() {
	n.dropMasterLink()
	n.repl.masterHost, n.repl.masterPort = "", 0
	n.cfg.ReplicaOf = ""
	n.repl.ids.ShiftReplID(n.env.Rand)
	if n.repl.ids.Backlog == nil {
		n.repl.ids.CreateBacklog()
	}
	n.op.epoch = int64(n.env.Rand.Uint64()>>1) | 1
	n.dropReplicas()
	if n.aofOn() {
		n.aofSplit(true)
	}
	n.logf(LogNotice, "MASTER MODE enabled (user request from '%s')", "replicaof no one")
}

// dropMasterLink closes the connection to the master, if any.
func (n *Node) dropMasterLink() {
	if l := n.repl.link; l != nil {
		n.repl.link = nil
		l.c.master = nil
		l.c.closeAfterReply()
		n.markPending(l.c)
	}
}

// replicationCron, from Tick: connect when it is time, time the link out,
// and ACK every second.
func (n *Node) replicationCron() {
	if !n.isReplica() {
		return
	}
	now := n.monotonic()
	l := n.repl.link
	if l == nil {
		if now >= n.repl.nextTry && n.env.Dialer != nil {
			n.repl.nextTry = now + replRetry
			n.dialMaster()
		}
		return
	}
	if now-l.lastIO > time.Duration(n.cfg.ReplTimeout)*time.Second {
		n.logf(LogWarning, "MASTER timeout: no data nor PING received...")
		n.masterLinkLost()
		return
	}
	if l.streaming && now-l.lastAck >= time.Second {
		n.sendAck(l)
	}
}

// dialMaster asks the environment for a connection to the master.
func (n *Node) dialMaster() {
	n.nextClientID++
	c := newClient(n, n.nextClientID, n.repl.masterHost+":"+strconv.Itoa(n.repl.masterPort), "")
	c.authenticated = true
	l := &masterLink{c: c, lastIO: n.monotonic()}
	c.master = l
	n.clients[c.ID] = c
	n.clientList = append(n.clientList, c)
	n.repl.link = l
	n.env.Dialer.Dial(c.ID, n.repl.masterHost, n.repl.masterPort)
}

// replicaDialed starts the handshake on the new connection, or schedules
// the next attempt.
func (n *Node) replicaDialed(id int64, err error) {
	l := n.repl.link
	if l == nil || l.c.ID != id {
		return
	}
	if err != nil {
		n.logf(LogWarning, "Error condition on socket for SYNC: %v", err)
		n.masterLinkLost()
		return
	}
	n.logf(LogNotice, "MASTER <-> REPLICA sync started")
	port := n.cfg.Port
	if n.cfg.ReplicaAnnouncePort != 0 {
		port = n.cfg.ReplicaAnnouncePort
	}
	cfg := psync.Config{
		ListeningPort: port, AnnounceIP: n.cfg.ReplicaAnnounceIP,
		MasterUser: n.cfg.MasterUser, MasterAuth: n.cfg.MasterAuth,
		ReplID: n.repl.ids.ReplID, ReplOffset: n.repl.ids.MasterReplOffset,
		Opdis:    &psync.OpdisPSYNC{NextOpID: n.op.nextOpID, ServerID: n.cfg.ServerID, LastEpoch: n.op.lastEpoch},
		Failover: n.fo.state == foInProgress,
	}
	if n.repl.forceFull {
		// A full resync is owed (the master asked, or a synced snapshot
		// could not be written): no history to offer, until one succeeds.
		cfg.ReplID, cfg.Opdis.LastEpoch = "", 0
	}
	l.hs = psync.NewHandshake(cfg)
	l.hs.Connected()
	l.lastIO = n.monotonic()
	n.linkOutput(l)
}

// linkOutput queues what the handshake wants to send.
func (n *Node) linkOutput(l *masterLink) {
	if out := l.hs.Output(); len(out) > 0 {
		l.c.out = append(l.c.out, out...)
		n.markPending(l.c)
	}
}

// masterLinkLost forgets the link; the cron reconnects.
func (n *Node) masterLinkLost() {
	if n.repl.link == nil {
		return
	}
	n.dropMasterLink()
	n.repl.downSince = n.monotonic()
	n.repl.nextTry = n.monotonic() + replRetry
}

// masterFeed handles bytes from the master.
func (n *Node) masterFeed(l *masterLink, data []byte) {
	l.lastIO = n.monotonic()
	if l.hs == nil {
		return
	}
	for _, ev := range l.hs.Feed(data) {
		if n.repl.link != l {
			return // the link was dropped while handling an event
		}
		switch e := ev.(type) {
		case psync.FullResync:
			l.full = &e
			n.logf(LogNotice, "Full resync from master: %s:%d", e.ReplID, e.Offset)
			n.failoverPSYNCDone(true)
		case psync.RDBStart:
			l.rdb = l.rdb[:0]
		case psync.RDBChunk:
			l.rdb = append(l.rdb, e.Data...)
		case psync.RDBDone:
			if err := n.loadFullSync(l); err != nil {
				n.logf(LogWarning, "Failed trying to load the MASTER synchronization DB from socket: %v", err)
				n.masterLinkLost()
				return
			}
		case psync.Continue:
			if n.repl.ids.Continued(e.ReplID) {
				n.dropReplicas()
			}
			n.logf(LogNotice, "MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.")
			n.linkUp(l)
			n.failoverPSYNCDone(true)
		case psync.AOFContinue:
			// The master streams entries from its AOF by op id, then
			// `syncreploffset` realigns the byte offsets. Until then the
			// offset counts AOF bytes, not the master's stream: this
			// history goes by a fresh id, so neither a reconnect nor a
			// restart offers the master's id with such an offset (it
			// resumes by op id again), and its own replicas, which would
			// get the same bytes, are dropped (and refused meanwhile).
			l.aofReplID = e.ReplID
			n.repl.ids.ChangeReplID(n.env.Rand)
			n.repl.ids.ClearReplID2()
			if n.repl.ids.Backlog == nil {
				n.repl.ids.CreateBacklog()
			}
			n.repl.masterOpdis = true
			n.dropReplicas()
			n.logf(LogNotice, "MASTER <-> REPLICA sync: Master accepted an AOF continue from op id %d.", n.op.nextOpID)
			n.linkUp(l)
		case psync.Stream:
			n.applyStream(l, e.Data)
		case psync.TryLater:
			n.logf(LogNotice, "Master is currently unable to PSYNC but should be in the future: %s", e.Reply)
			n.masterLinkLost()
			n.failoverPSYNCDone(false)
			return
		case psync.Failed:
			n.logf(LogWarning, "Replication with the master failed: %v", e.Err)
			n.masterLinkLost()
			var he *psync.HandshakeError
			if errors.As(e.Err, &he) && he.State == psync.StateReceivePSYNCReply {
				n.failoverPSYNCDone(false) // the PSYNC FAILOVER was refused; other failures retry, as Redis
			}
			return
		case psync.Warning:
			n.logf(LogNotice, "Master replied: %s", e.Msg)
		}
	}
	n.linkOutput(l)
}

// loadFullSync replaces the keyspace with the master's snapshot. The RDB
// is decoded into fresh databases first, so a bad transfer leaves the old
// dataset in place.
func (n *Node) loadFullSync(l *masterLink) error {
	if l.full == nil {
		return errors.New("RDB without +FULLRESYNC")
	}
	fresh := make([]*DB, len(n.dbs))
	for i := range fresh {
		fresh[i] = newDB(i, n.env.Rand.Uint64())
	}
	old := n.dbs
	n.dbs = fresh
	// The RDB's aux fields move the op id; until the sync is on disk, the
	// node's op state stays its own.
	prevNext, prevEpoch, prevApplied := n.op.nextOpID, n.op.lastEpoch, n.appliedPairs()
	restore := func() {
		n.op.nextOpID, n.op.lastEpoch = prevNext, prevEpoch
		n.setApplied(prevApplied)
	}
	n.op.applying = true // nothing expires while loading
	err := n.loadRDB(bytes.NewReader(l.rdb))
	n.op.applying = false
	n.dbs = old
	if err != nil {
		restore()
		return err
	}
	if n.op.onFullSync != nil {
		n.op.onFullSync(false)
	}
	// A snapshot in progress walks the dataset being replaced: drop it
	// (Redis kills its child before loading a sync).
	n.abortSnapshot("the dataset was replaced by a full sync from the master")
	f := l.full
	if f.Opdis != nil {
		n.op.nextOpID, n.op.lastEpoch = f.Opdis.NextOpID, f.Opdis.LastEpoch
		n.setApplied(f.Opdis.Applied)
	}
	// The synced dataset goes to disk first: if it cannot, the node keeps
	// the dataset, ids and history its disk holds (what a restart would
	// load), and the next attempt starts again.
	if n.aofOn() {
		if err := n.adoptSnapshot(l.rdb); err != nil {
			restore()
			return fmt.Errorf("writing the synced snapshot: %w", err)
		}
	}
	for i, db := range n.dbs {
		*db = *fresh[i] // clients keep their *DB
	}
	n.touchAll(-1)
	n.dirty++
	n.dropReplicas() // their backlog readers belong to the replaced history
	n.repl.ids.FullSynced(f.ReplID, f.Offset)
	n.repl.streamDB = 0  // the master SELECTs again after a full sync
	n.aof.fsyncedOff = 0 // a new offset space: FACK restarts from the next fsync
	n.repl.masterOpdis = f.Opdis != nil
	if n.op.onFullSync != nil {
		n.op.onFullSync(true)
	}
	n.repl.forceFull = false
	n.logf(LogNotice, "MASTER <-> REPLICA sync: Finished with success (%d keys)", n.saves.loadedKeys)
	l.rdb = nil
	n.linkUp(l)
	n.sendAck(l) // a diskless master starts the stream on the first ACK
	return nil
}

// adoptSnapshot makes a received RDB this node's snapshot: history was
// replaced, so the AOF restarts at a new file named by a new rdb.index and
// every older file goes (DESIGN §4: then the log accepts the master's op
// ids from here).
func (n *Node) adoptSnapshot(data []byte) error {
	l := n.aof.log
	if err := n.aofSplit(false); err != nil {
		return err
	}
	fs := n.env.FS
	name := fmt.Sprintf("%s-%d.rdb", trimRDB(n.cfg.DBFilename), n.op.nextOpID)
	f, err := fs.Create(snapTempName)
	if err != nil {
		return err
	}
	if _, err = f.Write(data); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = fs.Rename(snapTempName, name)
	}
	if err == nil {
		err = fs.SyncDir()
	}
	if err != nil {
		return err
	}
	live, _ := l.LiveFile()
	if err := l.WriteRDBIndex(aofbinlog.RDBIndex{RDB: name, AOF: live, NextOpID: n.op.nextOpID, LastEpoch: n.op.lastEpoch, Applied: n.appliedIndex()}); err != nil {
		return err
	}
	if old := n.saves.lastSnapshot; old != "" && old != name {
		fs.Remove(old)
	}
	n.saves.lastSnapshot = name
	if files := l.Files(); len(files) > 1 {
		gone, err := l.Purge(files[len(files)-2].Name, 0)
		n.logPurge(gone, err)
	}
	return nil
}

// linkUp starts the streaming phase. A redis-server master does not
// SELECT again after a partial resync: the stream goes on in the database
// it last selected (Redis's cached master keeps it, and so does
// repl.streamDB, across reconnects and clean restarts).
func (n *Node) linkUp(l *masterLink) {
	l.streaming = true
	l.stream = l.stream[:0]
	if n.repl.streamDB < 0 || n.repl.streamDB >= len(n.dbs) {
		n.repl.streamDB = 0
	}
}

// applyStream applies the master's stream: whole entries (or commands)
// as they complete; a partial one waits for more bytes.
func (n *Node) applyStream(l *masterLink, data []byte) {
	buf := data
	if len(l.stream) > 0 {
		l.stream = append(l.stream, data...)
		buf = l.stream
	}
	for len(buf) > 0 && n.repl.link == l {
		used, err := n.applyOne(l, buf)
		if err != nil {
			n.logf(LogWarning, "Protocol error from MASTER: %v", err)
			n.masterLinkLost()
			return
		}
		if used == 0 {
			break
		}
		buf = buf[used:]
	}
	if len(buf) == 0 {
		l.stream = l.stream[:0]
	} else if len(l.stream) == 0 || &buf[0] != &l.stream[0] {
		l.stream = append(l.stream[:0], buf...)
	}
}

// applyStreamEntry applies the oplog entry at the front of buf (an opdis
// master's stream) and says how many bytes it took (0: incomplete).
func (n *Node) applyStreamEntry(buf []byte) (int, error) {
	e, size, err := wire.ParseEntry(buf, false)
	if err != nil || size == 0 {
		return 0, err
	}
	if e.Partial() {
		return 0, fmt.Errorf("entry %d arrived incomplete", e.Header.OpID)
	}
	n.repl.masterOpdis = true // (a restart that resumed knows it only now)
	if err := n.applyEntry(e); err != nil {
		return 0, fmt.Errorf("entry %d: %w", e.Header.OpID, err)
	}
	raw := buf[:size]
	n.aofAppend(raw, e.Header)
	n.replFeedApplied(raw)
	if e.Header.OpID >= n.op.nextOpID {
		n.op.nextOpID = e.Header.OpID + 1
	}
	if e.Header.Version >= 2 {
		n.op.lastEpoch = e.Header.Epoch
	}
	if n.op.onEntry != nil {
		n.op.onEntry(raw, e.Header)
	}
	return size, nil
}

// applyOne applies the first whole unit of buf and says how many bytes
// it took (0: incomplete).
func (n *Node) applyOne(l *masterLink, buf []byte) (int, error) {
	if wire.StartsWithOpinfo(buf) { // an opdis master's entry: parse it once
		return n.applyStreamEntry(buf)
	}
	args, used, err := wire.ParseCommand(buf, wire.Limits{MaxBulkLen: 1 << 40})
	if err != nil || used == 0 {
		return 0, err
	}
	if args == nil {
		n.replFeedApplied(buf[:used])
		return used, nil
	}
	if wire.IsOpinfo(args) {
		return n.applyStreamEntry(buf)
	}
	switch {
	case eq(args[0], "ping"):
	case eq(args[0], "replconf") && len(args) >= 2 && eq(args[1], "getack"):
		n.replFeedApplied(buf[:used])
		n.sendAck(l)
		return used, nil
	case eq(args[0], "syncreploffset") && len(args) == 2:
		// The end of an AOF continue: from here the byte offset is the
		// master's. The frame itself is not counted.
		off, ok := parseInt(args[1])
		if !ok || off < 0 {
			return 0, fmt.Errorf("bad syncreploffset %q", args[1])
		}
		if l.aofReplID != "" {
			n.repl.ids.ReplID = l.aofReplID
			l.aofReplID = ""
		}
		n.repl.ids.SyncReplOffset(off)
		n.aof.fsyncedOff = 0 // a new offset space: FACK restarts from the next fsync
		n.dropReplicas()     // a backlog reader on the old backlog would stall
		return used, nil
	case eq(args[0], "forcefullresync"):
		n.logf(LogWarning, "The master asks for a full resync")
		n.repl.forceFull = true
		n.masterLinkLost()
		return used, nil
	case eq(args[0], "select") && len(args) == 2:
		if i, ok := parseInt(args[1]); ok && i >= 0 && int(i) < len(n.dbs) {
			n.repl.streamDB = int(i)
		}
	default:
		// A plain write: a redis-server master's stream. It runs as the
		// master's command and is logged with this node's own op ids.
		n.runMasterCommand(l, args)
	}
	n.replFeedApplied(buf[:used])
	return used, nil
}

// replFeedApplied advances the offset (and backlog, for chained replicas)
// by stream bytes this node applied.
func (n *Node) replFeedApplied(b []byte) {
	n.replFeed(b)
}

// runMasterCommand executes a command from a redis-server master.
func (n *Node) runMasterCommand(l *masterLink, args [][]byte) {
	cmd := n.lookupCommand(args[0])
	if cmd == nil {
		n.logf(LogWarning, "Unknown command '%s' from the master", wire.Repr(string(args[0])))
		return
	}
	c := l.c
	c.db = n.dbs[n.repl.streamDB] // the database a redis-server master SELECTed
	n.inMasterStream = true
	n.exec(c, cmd, args)
	n.inMasterStream = false
	n.repl.streamDB = c.db.id
	c.out = c.out[:0] // a replica never replies on the link
}

// sendAck reports the applied offset (and, for an opdis master, the next
// op id).
func (n *Node) sendAck(l *masterLink) {
	if l.aofReplID == "" { // while AOF-psyncing the offset is not the master's
		if n.aofOn() {
			l.c.out = psync.AppendAckFack(l.c.out, n.repl.ids.MasterReplOffset, n.fsyncedOffset())
		} else {
			l.c.out = psync.AppendAck(l.c.out, n.repl.ids.MasterReplOffset)
		}
	}
	if n.repl.masterOpdis {
		l.c.out = psync.AppendAckOpID(l.c.out, n.op.nextOpID)
	}
	l.lastAck = n.monotonic()
	n.markPending(l.c)
}

// infoReplicaLink renders the replica's master_* fields, as Redis 7.0.
func (n *Node) infoReplicaLink(kv func(string, any)) {
	l := n.repl.link
	up := l != nil && l.streaming
	kv("master_host", n.repl.masterHost)
	kv("master_port", n.repl.masterPort)
	kv("master_link_status", map[bool]string{true: "up", false: "down"}[up])
	lastIO := int64(-1)
	if l != nil {
		lastIO = int64((n.monotonic() - l.lastIO) / time.Second)
	}
	kv("master_last_io_seconds_ago", lastIO)
	kv("master_sync_in_progress", boolInt(l != nil && !l.streaming && l.hs != nil && l.hs.State() == psync.StateTransfer))
	kv("slave_read_repl_offset", n.repl.ids.MasterReplOffset)
	kv("slave_repl_offset", n.repl.ids.MasterReplOffset)
	if !up {
		since := int64(-1)
		if n.repl.downSince >= 0 {
			since = int64((n.monotonic() - n.repl.downSince) / time.Second)
		}
		kv("master_link_down_since_seconds", since)
	}
	kv("slave_priority", n.cfg.ReplicaPriority)
	kv("slave_read_only", boolInt(n.cfg.ReplicaReadOnly))
	kv("replica_announced", boolInt(n.cfg.ReplicaAnnounced))
}

// roleReplica is ROLE on a replica: ["slave", host, port, state, offset].
func (n *Node) roleReplica(c *Client) {
	state, offset := "connect", int64(-1)
	if l := n.repl.link; l != nil {
		switch {
		case l.streaming:
			state, offset = "connected", n.repl.ids.MasterReplOffset
		case l.hs != nil && l.hs.State() == psync.StateTransfer:
			state = "sync"
		case l.hs != nil:
			state = "handshake"
		default:
			state = "connecting"
		}
	}
	c.addArray(5)
	c.addBulkStr("slave")
	c.addBulkStr(n.repl.masterHost)
	c.addInt(int64(n.repl.masterPort))
	c.addBulkStr(state)
	c.addInt(offset)
}

func trimRDB(name string) string {
	if len(name) > 4 && name[len(name)-4:] == ".rdb" {
		return name[:len(name)-4]
	}
	return name
}
