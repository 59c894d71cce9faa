// Package difftest is the differential test of opdis against a real
// redis-server 7.0.15: random command sequences (pgregory.net/rapid) are
// sent to both servers over raw RESP connections and every reply is
// compared (github.com/google/go-cmp). A failure stops the sequence with
// the command, both replies and the whole sequence so far, and rapid
// shrinks it to a minimal reproduction.
//
// The package holds only tests. Run it with
//
//	go test ./difftest                                 # default budget (part of make test)
//	DIFFTEST_CHECKS=5000 go test -timeout 2h ./difftest  # long mode (make difftest)
//
// Environment:
//
//	DIFFTEST_CHECKS  rapid checks (sequences) per suite (default 100; -rapid.checks wins)
//	DIFFTEST_STEPS   average steps per sequence (default 50; -rapid.steps wins)
//	DIFFTEST_OPDIS   "redis" to run redis-vs-redis, or the path of a prebuilt
//	                 server binary; by default ./cmd/opdis-server is built, and
//	                 a second redis-server is used only while that package is
//	                 absent from the tree
//	DIFFTEST_REDIS   the reference redis-server binary (default: redis-server on PATH)
//	DIFFTEST_STATS   print, per command, how many were sent, failed, were empty
//	DIFFTEST_LOG     print every sequence
//
// Each sequence uses fresh connections on both servers: A (the main client,
// MULTI/EXEC/WATCH), B (a second client: touches watched keys, takes the
// commands whose replies cannot sit inside EXEC while A is in MULTI), C (a
// client blocked while B pushes, then the keyspace dump) and S (subscriber).
// It starts with FLUSHALL and ends by comparing databases 0-2 key by key
// (TYPE, value, PTTL, OBJECT ENCODING).
//
// Comparison rules, where exact byte equality is impossible:
//   - unordered replies are compared sorted: KEYS, SMEMBERS, SINTER/SUNION/
//     SDIFF, HKEYS, HVALS, HGETALL (as pairs), PUBSUB CHANNELS, the messages a
//     PUBLISH delivers, the replies of an argument-less (P)UNSUBSCRIBE;
//   - SCAN/SSCAN/HSCAN/ZSCAN run a whole iteration on each server and compare
//     the sets of elements (cursors and pages are server-specific);
//   - SRANDMEMBER, SPOP, HRANDFIELD, ZRANDMEMBER, RANDOMKEY: the source is
//     read first, then only type, count, distinctness and membership are
//     checked; after SPOP a key that differs is deleted on both servers;
//   - TTL/PTTL/EXPIRETIME/PEXPIRETIME within 2 s; TIME and CLIENT ID by shape;
//   - lex ranges (ZRANGEBYLEX & co.) on a skiplist whose members have
//     different scores by reply type only: Redis's own answer depends on the
//     random skiplist levels; a key such a command wrote is deleted on both.
//
// Generated inputs avoid what is timing dependent in Redis itself: TTLs are
// large (nothing expires during a test) and all distinct (NX/XX/GT/LT agree
// although the servers' clocks differ by a few ms); SET EXAT/PXAT never get
// a past time (Redis keeps such a key until expiry removes it); blocking
// commands use a 10 ms timeout, and a client is parked for B to serve only
// when none of its keys exists.
package difftest
