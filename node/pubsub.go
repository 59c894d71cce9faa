package node

// pubsub is the node's channel registry. (stub: the pub/sub issue fills it)
type pubsub struct{}

func (p *pubsub) init(seed uint64) {}

// clientPubsub is one client's subscriptions.
type clientPubsub struct{}

// subscriptions returns how many channels and patterns c is subscribed to.
func (c *Client) subscriptions() int { return 0 }

func (n *Node) pubsubUnsubscribeAll(c *Client) {}

func pubsubCommands() []*Command { return nil }
