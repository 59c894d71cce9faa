// Package wire owns the bytes on the wire: RESP2 command parsing (multibulk
// and inline, over partial input, with exact byte counts and Redis's
// protocol errors) and RESP2 reply encoding and decoding.
//
// It is pure: no I/O, no clock, no goroutines. Later it also owns the oplog
// entry codec and the RDB codec.
package wire
