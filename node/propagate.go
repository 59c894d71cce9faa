package node

// propagate records a write in effect form: the command that, applied to
// db on another node (a replica, the AOF at load), reproduces the change
// exactly. Handlers call it once per change, after changing the keyspace:
// relative expiry becomes absolute (SET … PXAT, PEXPIREAT), INCRBYFLOAT
// becomes SET, SPOP becomes SREM, a blocking pop becomes the plain pop.
func (n *Node) propagate(db *DB, args ...[]byte) {
	if n.OnPropagate != nil {
		n.OnPropagate(db.id, args)
	}
}

// propagateExpire records the deletion of an expired key as DEL.
func (n *Node) propagateExpire(db *DB, key string) {
	n.propagate(db, []byte("del"), []byte(key))
}
