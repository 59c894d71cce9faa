package node

// The master side of replication (DESIGN §5): REPLCONF, PSYNC and SYNC,
// full syncs, the live stream to replicas, WAIT.

// replicaSend queues stream bytes for replica c.
func (n *Node) replicaSend(c *Client, b []byte) {
	c.out = append(c.out, b...)
	n.markPending(c)
}

// infoReplicas renders connected_slaves and the slaveN lines.
func (n *Node) infoReplicas(kv func(string, any)) {
	kv("connected_slaves", len(n.repl.replicas))
}

// roleMaster is ROLE on a master: ["master", offset, [[ip, port, offset]…]].
func (n *Node) roleMaster(c *Client) {
	c.addArray(3)
	c.addBulkStr("master")
	c.addInt(n.repl.ids.MasterReplOffset)
	c.addArray(0)
}
