package node

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"opdis/aofbinlog"
	"opdis/psync"
)

// The master side of replication (DESIGN §5): REPLCONF, PSYNC and SYNC,
// full syncs from point-in-time snapshots, the live stream, keep-alives,
// timeouts and output limits, WAIT and min-replicas-to-write.
//
// A replica reads the stream through a psync.Reader on the backlog from
// the moment it has a place in it: a partial resync opens the reader at
// the offset the replica asked for, a full sync at the snapshot's offset
// + 1. What is written while the RDB is produced and sent therefore waits
// in the backlog's chunks, with no copy, and client-output-buffer-limit
// measures it as Redis 7.0 does (a replica's share of the replication
// buffer). TakeOutput hands a replica at most replChunk bytes of the
// backlog or of an RDB file per call and lists it in Pending again while
// more is due, so a replica far behind never makes the node copy a large
// buffer at once.
//
// Full syncs: a diskless one ($EOF:<mark>, for replicas that announced
// capa eof while repl-diskless-sync is on) streams the snapshot's bytes
// to the replicas as they are encoded and writes no file; a disk-based one
// ($<len>) is an ordinary snapshot to the data directory (it also serves
// as the node's latest save, as Redis's BGSAVE for replication does) whose
// file is then sent, or, with no data directory, the same snapshot kept in
// memory. A replica arriving while a snapshot runs joins it when it can
// start from the snapshot's point (see canJoin), else waits for the next.
//
// Only opdis replicas (REPLCONF capa opinfo) are served: the stream is
// oplog entries (DESIGN §3), which a redis-server replica cannot apply.

const (
	replChunk = 256 << 10 // backlog or RDB file bytes handed out per TakeOutput

	errOpdisOnly   = "ERR opdis serves opdis replicas only (REPLCONF capa opinfo); a redis-server replica of an opdis master is not supported yet"
	errNoReplicas  = "NOREPLICAS Not enough good replicas to write."
	errWaitReplica = "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated."
)

// masterState is the master side's share of replState.
type masterState struct {
	// announced holds what clients that are not replicas (yet) said with
	// REPLCONF, by client id; PSYNC or SYNC moves it into Client.replica.
	announced map[int64]*replicaInfo //det:ok lookups only
	waits     []*replWait            // clients parked in WAIT, in block order
	lastPing  time.Duration          // the last stream PING
	lastBeat  time.Duration          // the last once-a-second pass
	getAckEnd int64                  // master_repl_offset+1 right after the last GETACK; 0 none
	idleNoted bool                   // NoReplicas was told of the current stretch without replicas
}

// replicaMaster is what the master keeps about one replica beyond
// replicaInfo: how its sync goes.
type replicaMaster struct {
	req        psync.Request // its PSYNC, for the +FULLRESYNC line
	preSync    bool          // legacy SYNC: no +FULLRESYNC line, no ACKs
	since      time.Duration // when it asked for a full sync
	snap       *snapshot     // the snapshot making its RDB; nil while it waits for one
	startOnAck bool          // diskless: the stream starts with its first ACK
	bulk       bulkRDB       // disk-based: the RDB being sent
	aof        *aofStream    // an AOF continue in progress (aofpsync.go)
	lastTaken  time.Duration // the last TakeOutput: a full sync's progress
}

// bulkRDB is a disk-based transfer's source: the snapshot file, or the
// snapshot in memory when there is no data directory.
type bulkRDB struct {
	file      aofbinlog.File
	mem       []byte
	off, size int64
}

// fullSync is a snapshot's replicas.
type fullSync struct {
	diskless bool
	mark     []byte    // diskless: the end mark, 40 random hex digits
	replicas []*Client // attached, in order
	inMemory bool      // disk-based with no data directory: mem is the RDB
	mem      []byte
}

// syncPoint is where the replication stream stood when a snapshot began:
// a replica that loads it continues the stream from offset+1. It names a
// stream only when there was a backlog (valid); without one the offset
// does not advance.
type syncPoint struct {
	valid     bool
	replID    string
	offset    int64
	nextOpID  int64
	lastEpoch int64
	applied   []psync.Applied // the applied-opid pairs (OPAPPLY)
}

// replWait is a client parked in WAIT.
type replWait struct {
	c        *Client
	bs       *blockState // the block it is parked with (unblocked elsewhere when it changes)
	offset   int64
	want     int64
	deadline time.Duration // monotonic; 0 waits forever
	aof      *aofWait      // WAITAOF (waitaof.go); nil for WAIT
}

func replicationCommands() []*Command {
	return []*Command{
		{Name: "replconf", Arity: -1, Flags: FlagAdmin | FlagNoScript | FlagLoading | FlagStale, Fn: replconfCmd},
		{Name: "psync", Arity: -3, Flags: FlagAdmin | FlagNoScript | FlagNoMulti, Fn: psyncCmd},
		{Name: "sync", Arity: 1, Flags: FlagAdmin | FlagNoScript | FlagNoMulti, Fn: syncCmd},
		{Name: "wait", Arity: 3, Flags: FlagNoScript, Fn: waitCmd},
		{Name: "failover", Arity: -1, Flags: FlagAdmin | FlagNoScript | FlagStale, Fn: failoverCmd},
	}
}

// ---- REPLCONF, PSYNC, SYNC ----

// replconfCmd is REPLCONF: what a replica says about itself before PSYNC
// (listening-port, ip-address, capa), and its ACKs after. ACK, ACK-OPID
// and GETACK are never answered; an ACK from a client that is not a
// replica is ignored, as Redis does. (A master's GETACK reaches a replica
// through its link, repl_replica.go, not here.)
func replconfCmd(n *Node, c *Client, args [][]byte) {
	r, err := psync.ParseReplconf(args)
	if r.HasListeningPort || r.HasIPAddress || r.Capa != 0 {
		// Options before a bad one apply, as in Redis.
		info := c.replica
		if info == nil {
			info = n.announced(c)
		}
		if r.HasListeningPort {
			info.listenPort = r.ListeningPort
		}
		if r.HasIPAddress {
			info.announceIP = r.IPAddress
		}
		info.capa |= r.Capa
	}
	if err != nil {
		if re, ok := err.(*psync.ReplyError); ok {
			c.addError(re.Msg)
		} else {
			c.addError("ERR " + err.Error())
		}
		return
	}
	if c.replica != nil {
		switch {
		case r.Ack && r.AckValid:
			n.replicaAcked(c, r.AckOffset)
			if r.Fack && c.replica.state != replicaSendAOF {
				c.replica.fackOffset = max(c.replica.fackOffset, r.FackOffset)
			}
		case r.AckOpID && r.OpIDValid:
			c.replica.ackOpID = max(c.replica.ackOpID, r.NextOpID)
		}
	}
	if !r.NoReply() {
		c.addOK()
	}
}

// announced returns the REPLCONF record of c, a client not yet a replica.
func (n *Node) announced(c *Client) *replicaInfo {
	m := &n.repl.m
	if m.announced == nil {
		m.announced = make(map[int64]*replicaInfo)
	}
	info := m.announced[c.ID]
	if info == nil {
		info = &replicaInfo{}
		m.announced[c.ID] = info
	}
	return info
}

// replicaAcked applies REPLCONF ACK <offset>: the replica applied the
// stream up to offset. The first ACK after a diskless transfer starts the
// stream. (replicaCommand then answers the WAITs it satisfied.)
func (n *Node) replicaAcked(c *Client, offset int64) {
	r := c.replica
	r.ackTime = n.monotonic()
	if r.state == replicaSendAOF {
		return // its offset means nothing until syncreploffset realigns it
	}
	r.ackOffset = max(r.ackOffset, offset)
	if r.m.startOnAck && r.state == replicaOnline {
		r.m.startOnAck = false
		n.markPending(c)
	}
}

func psyncCmd(n *Node, c *Client, args [][]byte) {
	if c.replica != nil {
		return // already a replica: ignored, as Redis does
	}
	capa := n.announcedCapa(c)
	if n.bug("ignore-epoch") {
		args = n.forgeEpoch(args)
	}
	m := n.psyncMaster(c)
	d := psync.Decide(args, capa, m)
	if d.Kind == psync.KindPromote {
		// A FAILOVER: our master hands over. Promote (REPLICAOF NO ONE),
		// then serve it as any replica of this history: +CONTINUE.
		n.logf(LogNotice, "Failover request received for replid %s.", cString(args[1]))
		n.becomeMaster()
		m = n.psyncMaster(c)
		m.Promoted = true
		d = psync.Decide(args, capa, m)
	}
	if (d.Kind == psync.KindContinue || d.Kind == psync.KindAOFContinue) && n.bug("needless-fullsync") {
		d = psync.Decision{Kind: psync.KindFullResync, Request: d.Request, Reply: m.FullResyncReply(d.Request), Reason: "simbug needless-fullsync"}
	}
	n.serveSync(c, d, capa, false)
}

// syncCmd is the legacy SYNC: a full sync with no +FULLRESYNC line. The
// decision is a PSYNC ? -1's, which runs Redis's checks in Redis's order.
func syncCmd(n *Node, c *Client, args [][]byte) {
	if c.replica != nil {
		return
	}
	capa := n.announcedCapa(c)
	d := psync.Decide([][]byte{[]byte("psync"), []byte("?"), []byte("-1")}, capa, n.psyncMaster(c))
	n.serveSync(c, d, capa, true)
}

func (n *Node) announcedCapa(c *Client) psync.Capa {
	if info := n.repl.m.announced[c.ID]; info != nil {
		return info.capa
	}
	return 0
}

// psyncMaster is what psync.Decide reads of this node for c's request.
func (n *Node) psyncMaster(c *Client) *psync.Master {
	// A replica still AOF-psyncing from its own master has offsets that
	// are not its master's yet: its replicas wait, as while its link is
	// down (ApsaraCache serves them a full sync flagged aof_psyncing).
	aofPsyncing := n.repl.link != nil && n.repl.link.aofReplID != ""
	m := &psync.Master{
		State:         n.repl.ids,
		IsReplica:     n.isReplica(),
		FailingOver:   n.failingOver(),
		LinkUp:        n.repl.link != nil && n.repl.link.streaming && !aofPsyncing,
		PendingOutput: len(c.out) > 0,
		ServerID:      n.cfg.ServerID,
		NextOpID:      n.op.nextOpID,
		LastEpoch:     n.op.lastEpoch,
		Applied:       n.appliedPairs(),
		AOFPsyncing:   aofPsyncing,
	}
	if n.aofPsyncAvailable() {
		m.AOF = aofHistory{n.aof.log}
	}
	return m
}

// serveSync carries out the decision on c's PSYNC or SYNC (pre).
func (n *Node) serveSync(c *Client, d psync.Decision, capa psync.Capa, pre bool) {
	switch d.Kind {
	case psync.KindRefuse:
		n.logf(LogNotice, "Replica %s asks for synchronization, refused: %s", n.replicaName(c), d.Reason)
		n.psyncEvent(PsyncEvent{Replica: n.replicaName(c), Request: d.Request, Sync: pre, Kind: d.Kind.String(), Reason: d.Reason})
		c.addError(d.Reason)
		return
	}
	name := n.replicaName(c)
	if capa&psync.CapaOpinfo == 0 {
		n.logf(LogWarning, "Replica %s is not an opdis replica (no REPLCONF capa opinfo): it cannot apply an oplog stream, refusing to sync it", name)
		c.addError(errOpdisOnly)
		return
	}
	n.logf(LogNotice, "Replica %s asks for synchronization", name)
	n.psyncEvent(PsyncEvent{Replica: name, Request: d.Request, Sync: pre, Kind: d.Kind.String(), Reason: d.Reason})
	n.addReplica(c, pre)
	r := c.replica
	switch d.Kind {
	case psync.KindContinue:
		r.state = replicaOnline
		r.reader = d.Reader
		r.ackTime = n.monotonic()
		c.addRaw(d.Reply)
		n.repl.syncPartialOK++
		n.logf(LogNotice, "Partial resynchronization request from %s accepted. Sending %d bytes of backlog starting from offset %d.",
			name, d.Reader.Pending(), d.Request.Offset)
		return // the backlog follows through TakeOutput
	case psync.KindAOFContinue:
		n.serveAOFContinue(c, d) // the entries follow through TakeOutput
		return
	case psync.KindFullResync:
	default:
		n.logf(LogWarning, "Unexpected PSYNC decision %s for %s: full resync instead", d.Kind, name)
	}
	if d.Request.ReplID == "?" {
		n.logf(LogNotice, "Full resync requested by replica %s", name)
	} else {
		n.repl.syncPartialErr++
		n.logf(LogNotice, "Partial resynchronization not accepted: %s", d.Reason)
	}
	n.repl.syncFull++
	if n.repl.ids.Backlog == nil {
		// A backlog created from scratch has no past: a new id, no replid2
		// (so the reply Decide built is rebuilt when the snapshot starts).
		if !n.isReplica() {
			n.repl.ids.ChangeReplID(n.env.Rand)
			n.repl.ids.ClearReplID2()
		}
		n.repl.ids.CreateBacklog()
		n.logf(LogNotice, "Replication backlog created, my new replication IDs are '%s' and '%s'", n.repl.ids.ReplID, n.repl.ids.ReplID2)
	}
	r.state = replicaWaitBgsave
	r.m.req = d.Request
	r.m.since = n.monotonic()
	if s := n.snap; s != nil {
		if n.canJoin(s, c) {
			n.attachFullSync(c, s)
			n.logf(LogNotice, "Waiting for end of BGSAVE for SYNC")
		} else {
			n.logf(LogNotice, "Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC")
		}
		return
	}
	if n.cfg.ReplDisklessSync && capa&psync.CapaEOF != 0 && n.cfg.ReplDisklessSyncDelay > 0 {
		n.logf(LogNotice, "Delay next BGSAVE for diskless SYNC")
	}
	n.startFullSyncs(false)
}

// addReplica makes c a replica.
func (n *Node) addReplica(c *Client, pre bool) {
	info := n.repl.m.announced[c.ID]
	delete(n.repl.m.announced, c.ID)
	if info == nil {
		info = &replicaInfo{}
	}
	// Nothing acknowledged yet. Offset 0 is a real one: a master with no
	// backlog since its start logs writes at offset 0, and a replica that
	// has not acked since it came online (an AOF continue handed off, a
	// full sync sent) may hold none of them, so WAIT, WAITAOF and FAILOVER
	// must not count it until its first ACK.
	info.ackOffset, info.fackOffset = -1, -1
	info.m.preSync = pre
	c.replica = info
	n.repl.replicas = append(n.repl.replicas, c)
	n.repl.m.idleNoted = false
}

// replicaName names a replica in log lines as Redis does: ip:port, with
// the announced address and listening port when it gave them.
func (n *Node) replicaName(c *Client) string {
	info := c.replica
	if info == nil {
		info = n.repl.m.announced[c.ID]
	}
	ip := peerIP(c.Addr)
	if info != nil && info.announceIP != "" {
		ip = info.announceIP
	}
	if info == nil || info.listenPort == 0 {
		return ip + ":<unknown-replica-port>"
	}
	return formatAddr(ip, info.listenPort)
}

func formatAddr(ip string, port int64) string {
	if strings.Contains(ip, ":") {
		return "[" + ip + "]:" + strconv.FormatInt(port, 10)
	}
	return ip + ":" + strconv.FormatInt(port, 10)
}

// peerIP is the address part of a peer address "ip:port" ("[ip6]:port").
func peerIP(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		addr = addr[:i]
	}
	return strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]")
}

// replicaCommand runs a command a replica sent on its link; call hands
// every one of them here. Only REPLCONF ACK, ACK-OPID and GETACK run
// (they are never answered), after which the WAITs an ACK satisfied are
// answered, outside any command. A repeated PSYNC or SYNC is ignored, as
// Redis does. Anything else would put a reply into the stream: the
// replica is disconnected without running it (Redis 7.0 runs it first,
// then disconnects: "Replica generated a reply").
func (n *Node) replicaCommand(c *Client, args [][]byte) {
	switch {
	case eq(args[0], "replconf"):
		if r, err := psync.ParseReplconf(args); err == nil && r.NoReply() {
			n.exec(c, n.lookupCommand(args[0]), args)
			n.serveWaits(false)
			return
		}
	case eq(args[0], "psync") || eq(args[0], "sync"):
		return
	}
	n.dropReplica(c, "Replica "+n.replicaName(c)+" sent '"+strings.ToLower(string(cString(args[0])))+
		"' on the replication link, which would generate a reply: disconnecting it")
}

// ---- Full syncs ----

// currentSyncPoint is the stream position a snapshot starting now has.
func (n *Node) currentSyncPoint() syncPoint {
	ids := n.repl.ids
	return syncPoint{valid: ids.Backlog != nil, replID: ids.ReplID, offset: ids.MasterReplOffset,
		nextOpID: n.op.nextOpID, lastEpoch: n.op.lastEpoch, applied: n.appliedPairs()}
}

// canJoin reports whether replica c can take its RDB from snapshot s,
// which began earlier: the stream since s's point must still be in the
// backlog under the same history, and c must be able to get all of the
// RDB — any file snapshot (its file is sent once complete), or a diskless
// one that has not handed out a byte yet and c reads $EOF transfers.
func (n *Node) canJoin(s *snapshot, c *Client) bool {
	p, b := s.point, n.repl.ids.Backlog
	if !p.valid || p.replID != n.repl.ids.ReplID || b == nil || !b.Holds(p.offset+1) {
		return false
	}
	if f := s.full; f != nil && f.diskless {
		return c.replica.capa&psync.CapaEOF != 0 && s.emitted == 0
	}
	return s.toFile || (s.full != nil && s.full.inMemory)
}

// startFullSyncs starts a snapshot for the replicas waiting for one, when
// none is running: at once for a disk-based sync; for a diskless one after
// repl-diskless-sync-delay (unless now), so that more replicas can share
// it. Diskless needs every one of them to read $EOF transfers.
func (n *Node) startFullSyncs(now bool) {
	if n.snap != nil {
		return
	}
	var waiting []*Client
	diskless := n.cfg.ReplDisklessSync
	var longest time.Duration
	t := n.monotonic()
	for _, c := range n.repl.replicas {
		if r := c.replica; !c.closing && r.state == replicaWaitBgsave && r.m.snap == nil {
			waiting = append(waiting, c)
			diskless = diskless && r.capa&psync.CapaEOF != 0
			longest = max(longest, t-r.m.since)
		}
	}
	if len(waiting) == 0 {
		return
	}
	if diskless && !now && longest < time.Duration(n.cfg.ReplDisklessSyncDelay)*time.Second {
		return
	}
	toFile := !diskless && n.env.FS != nil
	s, err := n.beginSnapshot(toFile, false)
	if err != nil {
		n.logf(LogWarning, "BGSAVE for replication failed: %v", err)
		for _, c := range waiting {
			c.addError("ERR BGSAVE failed, replication can't continue")
			c.closeAfterReply()
			n.markPending(c)
		}
		return
	}
	s.full = &fullSync{diskless: diskless, inMemory: !diskless && !toFile}
	target := "disk"
	switch {
	case diskless:
		s.full.mark = []byte(psync.NewReplID(n.env.Rand))
		target = "replicas sockets"
	case !toFile:
		target = "memory"
	}
	n.logf(LogNotice, "Starting BGSAVE for SYNC with target: %s", target)
	for _, c := range waiting {
		n.attachFullSync(c, s)
	}
}

// attachFullSync makes snapshot s produce c's RDB: c gets +FULLRESYNC
// with s's point (and, diskless, the $EOF header), and a reader on the
// backlog right after that point, where the stream it must apply after
// the RDB accumulates meanwhile.
func (n *Node) attachFullSync(c *Client, s *snapshot) {
	r := c.replica
	rd, err := n.repl.ids.Backlog.NewReader(s.point.offset + 1)
	if err != nil {
		n.dropReplica(c, "Can't start a full sync for replica "+n.replicaName(c)+": "+err.Error())
		return
	}
	if s.full == nil {
		s.full = &fullSync{} // a BGSAVE's file, joined by a disk-based sync
	}
	r.reader = rd
	r.m.snap = s
	r.m.lastTaken = n.monotonic()
	if !r.m.preSync {
		c.addRaw(fullResyncLine(s.point, r.m.req))
	}
	if s.full.diskless {
		c.addRaw(append(append([]byte("$EOF:"), s.full.mark...), "\r\n"...))
	}
	s.full.replicas = append(s.full.replicas, c)
	n.markPending(c)
}

// fullResyncLine is the +FULLRESYNC reply for a replica that loads a
// snapshot taken at p: what Master.FullResyncReply answers at that point.
func fullResyncLine(p syncPoint, req psync.Request) []byte {
	var info *psync.FullResyncInfo
	if req.Opdis {
		info = &psync.FullResyncInfo{NextOpID: p.nextOpID, LastEpoch: p.lastEpoch, Applied: p.applied}
	}
	return psync.AppendFullResync(nil, p.replID, p.offset, info)
}

// fullSyncEmit hands snapshot bytes to its replicas: diskless ones get
// them at once, an in-memory disk-based sync keeps them.
func (n *Node) fullSyncEmit(s *snapshot, p []byte) {
	f := s.full
	switch {
	case f == nil:
	case f.diskless:
		for _, c := range f.replicas {
			if !c.closing {
				c.out = append(c.out, p...)
				n.markPending(c)
			}
		}
	case f.inMemory:
		f.mem = append(f.mem, p...)
	}
}

// fullSyncThrottled reports that a diskless transfer must wait: a replica
// has not taken snapSinkMax bytes it already got.
func (n *Node) fullSyncThrottled(s *snapshot) bool {
	if f := s.full; f != nil && f.diskless {
		for _, c := range f.replicas {
			if !c.closing && len(c.out) >= snapSinkMax {
				return true
			}
		}
	}
	return false
}

// fullSyncDone ends the transfers of a completed snapshot: diskless
// replicas get the end mark and are online (the stream starts with their
// first ACK, as Redis's repl_start_cmd_stream_on_ack), disk-based ones
// start receiving the file. Replicas that waited for the next snapshot
// get one now.
func (n *Node) fullSyncDone(s *snapshot) {
	if f := s.full; f != nil {
		for _, c := range f.replicas {
			if c.closing {
				continue
			}
			r := c.replica
			r.m.snap = nil
			if f.diskless {
				c.addRaw(f.mark)
				n.replicaOnline(c)
				r.m.startOnAck = !r.m.preSync
				n.logf(LogNotice, "Streamed RDB transfer with replica %s succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming", n.replicaName(c))
			} else if err := n.openBulk(c, s); err != nil {
				n.dropReplica(c, "SYNC failed for replica "+n.replicaName(c)+": "+err.Error())
				continue
			}
			n.markPending(c)
		}
		f.mem = nil
	}
	n.startFullSyncs(true)
}

// openBulk starts a disk-based transfer of snapshot s to c: `$<len>\r\n`,
// then the file (or the in-memory RDB) through TakeOutput.
func (n *Node) openBulk(c *Client, s *snapshot) error {
	r := c.replica
	b := bulkRDB{mem: s.full.mem, size: int64(len(s.full.mem))}
	if s.toFile {
		f, err := n.env.FS.Open(s.name)
		if err != nil {
			return err
		}
		size, err := f.Size()
		if err != nil {
			f.Close()
			return err
		}
		b = bulkRDB{file: f, size: size}
	}
	r.m.bulk = b
	r.state = replicaSendBulk
	c.addRaw([]byte("$" + strconv.FormatInt(b.size, 10) + "\r\n"))
	return nil
}

// fullSyncFailed drops the replicas of a failed snapshot.
func (n *Node) fullSyncFailed(s *snapshot, err error) {
	if f := s.full; f != nil {
		for _, c := range slices.Clone(f.replicas) {
			n.dropReplica(c, "SYNC failed for replica "+n.replicaName(c)+". BGSAVE returned an error: "+err.Error())
		}
		f.replicas, f.mem = nil, nil
	}
}

// replicaOnline puts c online; its lag counts from now.
func (n *Node) replicaOnline(c *Client) {
	c.replica.state = replicaOnline
	c.replica.ackTime = n.monotonic()
}

// ---- The stream ----

// replicaSend is told that stream bytes were fed (replFeed): c's reader
// sees them in the backlog. It enforces the output limit and, for a
// streaming replica, asks the server to take c's output.
func (n *Node) replicaSend(c *Client, _ []byte) {
	r := c.replica
	if r.reader == nil || c.closing {
		return // waiting for its snapshot to start: it will begin from there
	}
	if n.replicaOverLimit(c) {
		n.dropReplica(c, "Client "+n.clientDescription(c)+" scheduled to be closed ASAP for overcoming of output buffer limits.")
		return
	}
	if r.state == replicaOnline && !r.m.startOnAck {
		n.markPending(c)
	}
}

// replicaTakeOutput appends to dst what replica c is due after its queued
// output (TakeOutput): the next chunk of its RDB file, or of the stream
// from the backlog. It lists c in Pending again while more is due.
func (n *Node) replicaTakeOutput(c *Client, dst []byte) []byte {
	r := c.replica
	r.m.lastTaken = n.monotonic()
	start := len(dst)
	if r.state == replicaSendAOF {
		dst = n.aofStreamNext(c, dst, start) // the backlog follows once it hands off
	}
	switch {
	case r.state == replicaSendBulk:
		dst = n.bulkNext(c, dst)
	case n.replicaStreaming(c):
		for len(dst)-start < replChunk {
			p := r.reader.Next(replChunk - (len(dst) - start))
			if p == nil {
				break
			}
			dst = append(dst, p...)
		}
	}
	n.stats.NetOutputBytes += int64(len(dst) - start)
	if !c.closing && (r.state == replicaSendBulk || r.state == replicaSendAOF || n.replicaStreaming(c) && r.reader.Pending() > 0) {
		n.markPending(c)
	}
	return dst
}

// replicaStreaming reports that c gets the stream now.
func (n *Node) replicaStreaming(c *Client) bool {
	r := c.replica
	return r.state == replicaOnline && !r.m.startOnAck && r.reader != nil
}

// bulkNext appends the next chunk of a disk-based transfer; after the
// last one the replica is online and the stream follows at once.
func (n *Node) bulkNext(c *Client, dst []byte) []byte {
	r := c.replica
	b := &r.m.bulk
	k := int(min(replChunk, b.size-b.off))
	if b.file != nil {
		dst = slices.Grow(dst, k)
		got, err := b.file.ReadAt(dst[len(dst):len(dst)+k], b.off)
		if got < k {
			n.dropReplica(c, "SYNC failed for replica "+n.replicaName(c)+": reading the RDB file: "+errString(err))
			return dst
		}
		dst = dst[:len(dst)+k]
	} else {
		dst = append(dst, b.mem[b.off:b.off+int64(k)]...)
	}
	b.off += int64(k)
	if b.off == b.size {
		n.closeBulk(r)
		n.replicaOnline(c)
		n.logf(LogNotice, "Synchronization with replica %s succeeded", n.replicaName(c))
	}
	return dst
}

func (n *Node) closeBulk(r *replicaInfo) {
	if r.m.bulk.file != nil {
		r.m.bulk.file.Close()
	}
	r.m.bulk = bulkRDB{}
}

func errString(err error) string {
	if err == nil {
		return "short read"
	}
	return err.Error()
}

// replicaPending is c's output not yet taken, for the output limit: the
// stream in the backlog after its reader, and its queued output once it
// streams (RDB bytes do not count, as in Redis).
func (n *Node) replicaPending(c *Client) int64 {
	r := c.replica
	var p int64
	if r.reader != nil {
		p = r.reader.Pending()
	}
	if r.state == replicaOnline {
		p += int64(len(c.out))
	}
	return p
}

// replicaOverLimit is Redis's checkClientOutputBufferLimits for a
// replica: its hard limit is never below repl-backlog-size, whose bytes a
// replica shares.
func (n *Node) replicaOverLimit(c *Client) bool {
	lim := n.outputLimits()[classReplica]
	if lim.Hard > 0 {
		lim.Hard = max(lim.Hard, n.repl.ids.BacklogSize())
	}
	return n.overOutputLimit(c, lim, n.replicaPending(c))
}

// clientDescription is the start of a CLIENT LIST line, for log lines.
func (n *Node) clientDescription(c *Client) string {
	d := "id=" + strconv.FormatInt(c.ID, 10) + " addr=" + c.Addr + " laddr=" + c.LAddr + " name=" + c.Name
	switch {
	case c.replica != nil:
		return d + " flags=S (replica " + n.replicaName(c) + ")"
	case c.subscriptions() > 0:
		return d + " flags=P"
	}
	return d + " flags=N"
}

// dropReplica disconnects replica c at once: what it has not taken is
// discarded, and the server closes the connection when it takes the
// (empty) output. It stays listed until then (freeClient).
func (n *Node) dropReplica(c *Client, why string) {
	if c.closing {
		return
	}
	n.logf(LogWarning, "%s", why)
	if r := c.replica; r != nil {
		r.reader = nil
		n.closeBulk(r)
		n.closeAOFStream(r)
	}
	n.drop(c)
}

// replicaFreed forgets a client that is gone: its REPLCONF record, its
// WAIT, and if it was a replica its place in the list and in a snapshot.
// A diskless snapshot whose last replica left is abandoned.
func (n *Node) replicaFreed(c *Client) {
	delete(n.repl.m.announced, c.ID)
	for i, w := range n.repl.m.waits {
		if w.c == c {
			n.repl.m.waits = slices.Delete(n.repl.m.waits, i, i+1)
			break
		}
	}
	r := c.replica
	if r == nil {
		return
	}
	if i := slices.Index(n.repl.replicas, c); i >= 0 {
		n.repl.replicas = slices.Delete(n.repl.replicas, i, i+1)
	}
	if s := r.m.snap; s != nil && s.full != nil {
		f := s.full
		if i := slices.Index(f.replicas, c); i >= 0 {
			f.replicas = slices.Delete(f.replicas, i, i+1)
		}
		if f.diskless && len(f.replicas) == 0 && n.snap == s {
			n.snapDrop(s)
			n.logf(LogWarning, "Diskless rdb transfer, last replica dropped, abandoning the snapshot.")
		}
	}
	n.closeBulk(r)
	n.closeAOFStream(r)
	r.reader = nil
	n.logf(LogNotice, "Connection with replica %s lost.", n.replicaName(c))
	if len(n.repl.replicas) == 0 {
		n.repl.ids.NoReplicas(n.monotonic())
		n.repl.m.idleNoted = true
	}
}

// ---- Cron ----

// replMasterTick is the master side's time-driven work: WAIT timeouts and
// full syncs due on every tick; once a second (replicationCron) the
// stream PING, the keep-alive newlines, replica timeouts and the backlog
// TTL.
func (n *Node) replMasterTick(now time.Duration) {
	if len(n.repl.m.waits) > 0 {
		n.serveWaits(true)
	}
	n.failoverTick(now)
	n.startFullSyncs(false)
	if now-n.repl.m.lastBeat < time.Second {
		return
	}
	n.repl.m.lastBeat = now
	m := &n.repl.m
	if !n.isReplica() && !n.failingOver() && len(n.repl.replicas) > 0 && now-m.lastPing >= time.Duration(n.cfg.ReplPingPeriod)*time.Second {
		// A chained replica forwards its master's PINGs instead.
		m.lastPing = now
		n.replFeed([]byte(psync.StreamPing))
	}
	timeout := time.Duration(n.cfg.ReplTimeout) * time.Second
	for _, c := range n.repl.replicas {
		r := c.replica
		switch {
		case c.closing:
		case r.state == replicaWaitBgsave && (r.m.snap == nil || !r.m.snap.full.diskless):
			// Waiting for +FULLRESYNC or for the file: a newline a
			// second keeps the link alive.
			c.addRaw([]byte(psync.Newline))
			n.markPending(c)
		case r.state == replicaOnline && !r.m.preSync && now-n.replicaAckTime(c) > timeout:
			n.dropReplica(c, "Disconnecting timedout replica (streaming sync): "+n.replicaName(c))
		case (r.state == replicaSendBulk || r.m.snap != nil) && now-r.m.lastTaken > timeout && (len(c.out) > 0 || r.state == replicaSendBulk):
			n.dropReplica(c, "Disconnecting timedout replica (full sync): "+n.replicaName(c))
		case r.state == replicaSendAOF && now-r.m.lastTaken > timeout:
			n.dropReplica(c, "Disconnecting timedout replica (AOF psync): "+n.replicaName(c))
		}
	}
	if n.isReplica() {
		m.idleNoted = false // a promotion starts the TTL afresh
	} else if len(n.repl.replicas) == 0 {
		if !m.idleNoted {
			n.repl.ids.NoReplicas(now)
			m.idleNoted = true
		}
		if n.repl.ids.ExpireBacklog(now, time.Duration(n.cfg.ReplBacklogTTL)*time.Second, true, 0, n.env.Rand) {
			n.logf(LogNotice, "Replication backlog freed after %d seconds without connected replicas.", n.cfg.ReplBacklogTTL)
		}
	}
}

// replicaAckTime is when c last showed it is alive: an ACK, or any bytes
// (a replica loading a large RDB sends newlines, which Redis also counts).
func (n *Node) replicaAckTime(c *Client) time.Duration {
	return max(c.replica.ackTime, c.lastInteraction)
}

// ---- WAIT and min-replicas-to-write ----

// parseMsTimeout reads a millisecond timeout argument (WAIT, WAITAOF,
// CLIENT PAUSE), replying Redis's error when it is not one.
func parseMsTimeout(c *Client, arg []byte) (int64, bool) {
	ms, ok := parseInt(arg)
	if !ok {
		c.addError("ERR timeout is not an integer or out of range")
		return 0, false
	}
	if ms < 0 {
		c.addError(errNegTimeout)
		return 0, false
	}
	return ms, true
}

// waitCmd is WAIT numreplicas timeout: the number of replicas that
// acknowledged this client's last write, once numreplicas did or the
// timeout (ms, 0 forever) passed. Inside a transaction it answers at once.
func waitCmd(n *Node, c *Client, args [][]byte) {
	if n.isReplica() {
		c.addError(errWaitReplica)
		return
	}
	want, ok := parseInt(args[1])
	if !ok {
		c.addError(errNotInt)
		return
	}
	ms, ok := parseMsTimeout(c, args[2])
	if !ok {
		return
	}
	acked := n.countAcked(c.woff, false)
	if n.bug("wait-lies") {
		acked = max(acked, want)
	}
	if acked >= want || !c.canBlock() {
		c.addInt(acked)
		return
	}
	n.parkWait(&replWait{c: c, offset: c.woff, want: want}, ms)
}

// parkWait parks w's client (WAIT, WAITAOF) until it is served or ms (0:
// forever) pass, and asks the replicas for acks.
func (n *Node) parkWait(w *replWait, ms int64) {
	if ms > 0 {
		w.deadline = n.monotonic() + time.Duration(min(ms, 100*365*24*3600*1000))*time.Millisecond
	}
	n.block(w.c, nil, 0) // parked with no keys; the deadline is kept in w
	w.bs = w.c.blockedOn
	n.repl.m.waits = append(n.repl.m.waits, w)
	n.requestAcks()
}

// countAcked is how many online replicas acknowledged offset: received
// it, or (fsynced) hold it fsynced in their AOF.
func (n *Node) countAcked(offset int64, fsynced bool) int64 {
	var k int64
	for _, c := range n.repl.replicas {
		r := c.replica
		acked := r.ackOffset
		if fsynced {
			acked = r.fackOffset
		}
		if !c.closing && r.state == replicaOnline && acked >= offset {
			k++
		}
	}
	return k
}

// requestAcks sends REPLCONF GETACK * into the stream unless one is
// already its last frame (WAITs in a row share one, as in Redis).
func (n *Node) requestAcks() {
	ids := n.repl.ids
	if n.writesPaused() {
		return // the offset stands still during a pause; the periodic ACKs answer (as Redis)
	}
	if ids.Backlog == nil || len(n.repl.replicas) == 0 || n.repl.m.getAckEnd == ids.MasterReplOffset+1 {
		return
	}
	n.replFeed([]byte(psync.GetAck))
	n.repl.m.getAckEnd = ids.MasterReplOffset + 1
}

// serveWaits answers the WAITs that enough replicas acknowledged and,
// with timeouts, those whose time is up (with the count so far).
func (n *Node) serveWaits(timeouts bool) {
	m := &n.repl.m
	var done []*replWait
	var counts []int64
	keep := m.waits[:0]
	now := n.monotonic()
	for _, w := range m.waits {
		if w.c.blockedOn != w.bs {
			continue // unblocked elsewhere (CLIENT UNBLOCK, a role change)
		}
		if w.aof != nil {
			if n.aofWaitDone(w) || timeouts && w.deadline != 0 && w.deadline <= now {
				done, counts = append(done, w), append(counts, 0)
				continue
			}
			keep = append(keep, w)
			continue
		}
		acked := n.countAcked(w.offset, false)
		if acked >= w.want || timeouts && w.deadline != 0 && w.deadline <= now {
			done, counts = append(done, w), append(counts, acked)
			continue
		}
		keep = append(keep, w)
	}
	clear(m.waits[len(keep):])
	m.waits = keep
	for i, w := range done {
		n.unblock(w.c)
		if n.cfg.LatencyTracking && (w.aof != nil && n.aofWaitDone(w) || w.aof == nil && counts[i] >= w.want) {
			// Answered by the acks (not its timeout): the latency sample
			// Redis 7.0's updateStatsOnUnblock takes.
			w.bs.cmd.recordLatency(w.bs.usec)
		}
		if w.aof != nil {
			n.replyAOFWait(w)
			n.markPending(w.c)
			n.resume(w.c)
			continue
		}
		w.c.addInt(counts[i])
		n.markPending(w.c)
		n.resume(w.c)
	}
}

// minReplicasDenied is the -NOREPLICAS check of a write command (or an
// EXEC with writes queued): with min-replicas-to-write and
// min-replicas-max-lag set, a master needs that many replicas online whose
// last ACK is at most that many seconds old.
func (n *Node) minReplicasDenied(c *Client, cmd *Command) bool {
	if n.cfg.MinReplicasToWrite == 0 || n.cfg.MinReplicasMaxLag == 0 || n.isReplica() {
		return false
	}
	write := cmd.Flags&FlagWrite != 0
	if cmd.Name == "exec" && c.multi != nil {
		for _, q := range c.multi.commands {
			write = write || q.cmd.Flags&FlagWrite != 0
		}
	}
	return write && n.goodReplicas() < n.cfg.MinReplicasToWrite
}

// goodReplicas counts replicas online with a recent enough ACK.
func (n *Node) goodReplicas() int64 {
	now := n.monotonic()
	var good int64
	for _, c := range n.repl.replicas {
		if r := c.replica; !c.closing && r.state == replicaOnline && int64((now-n.replicaAckTime(c))/time.Second) <= n.cfg.MinReplicasMaxLag {
			good++
		}
	}
	return good
}

// ---- INFO, ROLE ----

// infoReplicas renders connected_slaves, min_slaves_good_slaves and the
// slaveN lines, as Redis 7.0.
func (n *Node) infoReplicas(kv func(string, any)) {
	kv("connected_slaves", len(n.repl.replicas))
	if n.cfg.MinReplicasToWrite > 0 && n.cfg.MinReplicasMaxLag > 0 {
		kv("min_slaves_good_slaves", n.goodReplicas())
	}
	now := n.monotonic()
	for i, c := range n.repl.replicas {
		r := c.replica
		var lag int64
		if r.state == replicaOnline {
			lag = int64((now - n.replicaAckTime(c)) / time.Second)
		}
		kv("slave"+strconv.Itoa(i), "ip="+n.replicaIP(c)+",port="+strconv.FormatInt(r.listenPort, 10)+
			",state="+r.state.String()+",offset="+strconv.FormatInt(max(0, r.ackOffset), 10)+",lag="+strconv.FormatInt(lag, 10))
	}
}

// replicaIP is the address a replica is known by: the one it announced,
// else its connection's.
func (n *Node) replicaIP(c *Client) string {
	if ip := c.replica.announceIP; ip != "" {
		return ip
	}
	return peerIP(c.Addr)
}

// roleMaster is ROLE on a master: ["master", offset, [[ip, port, offset]…]]
// with the online replicas.
func (n *Node) roleMaster(c *Client) {
	var online []*Client
	for _, rc := range n.repl.replicas {
		if rc.replica.state == replicaOnline {
			online = append(online, rc)
		}
	}
	c.addArray(3)
	c.addBulkStr("master")
	c.addInt(n.repl.ids.MasterReplOffset)
	c.addArray(len(online))
	for _, rc := range online {
		c.addArray(3)
		c.addBulkStr(n.replicaIP(rc))
		c.addBulkInt(rc.replica.listenPort)
		c.addBulkInt(max(0, rc.replica.ackOffset))
	}
}
