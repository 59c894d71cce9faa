package node

// The replica side of replication (DESIGN §5): REPLICAOF, the link to the
// master, loading the full sync, applying the stream, ACKs.

// masterLink is this node's connection to its master.
type masterLink struct {
	c *Client
}

func (n *Node) replicaDialed(id int64, err error) {}

// infoReplicaLink renders the replica's master_* fields.
func (n *Node) infoReplicaLink(kv func(string, any)) {
	kv("master_host", n.repl.masterHost)
	kv("master_port", n.repl.masterPort)
}

// roleReplica is ROLE on a replica: ["slave", host, port, state, offset].
func (n *Node) roleReplica(c *Client) {
	c.addArray(5)
	c.addBulkStr("slave")
	c.addBulkStr(n.repl.masterHost)
	c.addInt(int64(n.repl.masterPort))
	c.addBulkStr("connect")
	c.addInt(-1)
}
