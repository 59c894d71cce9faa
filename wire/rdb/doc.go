// Package rdb owns the Redis RDB file format: an Encoder that writes
// version 10 files (Redis 7.0's, key by key, so snapshots and full syncs
// can be produced in bounded steps) and a Decoder that reads the files of
// every Redis up to 7.2 (versions 1 to 11) record by record.
//
// The Decoder understands every string, list, set, sorted set and hash
// encoding Redis has written: raw, integer and LZF strings; linked lists,
// ziplists, quicklists and quicklists of listpacks; plain sets, intsets
// and listpack sets; zsets with text or binary scores, as ziplists and as
// listpacks; plain hashes, zipmaps, ziplists and listpacks. All of them
// come out as one Value shape. It verifies the CRC-64 trailer, refuses
// structural corruption with an *Error naming the byte offset and key,
// never allocates more than a bounded amount ahead of the input it has
// actually read, and reports stream and module values as ErrUnsupported.
//
// Why not github.com/hdt3213/rdb v1.3.2 (whose decoder is otherwise good;
// it was evaluated for this package): its Decoder pushes objects into a
// callback from one Parse call, and turning that into the pull-style Next
// this package needs would take a goroutine, which the wire layer may not
// start; it reads the CRC-64 trailer but never verifies it; it sizes
// buffers straight from the lengths in the file (a corrupt 2^40 length
// allocates 2^40 bytes) and turns the resulting panics into "panic: …"
// errors; its errors name no offset or key (only a global read count is
// exposed); hashes come back as Go maps, losing file order; and its
// encoder writes version 11, which Redis 7.0 refuses. The format is small
// enough that owning it is cheaper than wrapping around all that.
//
// Byte formats follow Redis 7.0 (src/rdb.h, rdb.c, ziplist.c, listpack.c,
// intset.c, zipmap.c, lzf_*.c, crc64.c); see also the opdis reference
// notes (reference/redis-replication-and-peers.md §1.8).
package rdb
