package node

import "opdis/node/dict"

// Pub/Sub: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB.
//
// Delivery order is deterministic: a channel's subscribers in subscription
// order, then every matching pattern in the order the pattern was first
// subscribed (Redis walks a dict there, whose order is arbitrary), each
// pattern's subscribers in subscription order.

// pubsub is the node's channel registry.
type pubsub struct {
	seed     uint64
	channels *dict.Dict[[]*Client] // channel → subscribers, in subscription order

	patterns []*patternSubs          // in order of first subscription
	patIndex map[string]*patternSubs //det:ok lookups only; patterns is the ordered view
}

// patternSubs is one pattern and its subscribers, in subscription order.
type patternSubs struct {
	pattern string
	glob    []byte // pattern, for GlobMatch
	clients []*Client
}

func (p *pubsub) init(seed uint64) {
	p.seed = seed
	p.channels = dict.New[[]*Client](seed)
	p.patIndex = make(map[string]*patternSubs)
}

// clientPubsub is one client's subscriptions.
type clientPubsub struct {
	channels []string        // in subscription order
	chanSet  map[string]bool //det:ok lookups only
	patterns []string        // in subscription order
	patSet   map[string]bool //det:ok lookups only
}

// subscriptions returns how many channels and patterns c is subscribed to.
func (c *Client) subscriptions() int { return len(c.psState.channels) + len(c.psState.patterns) }

// pubsubUnsubscribeAll drops every subscription of c without replying
// (the client is going away).
func (n *Node) pubsubUnsubscribeAll(c *Client) {
	for len(c.psState.channels) > 0 {
		n.unsubscribeChannel(c, c.psState.channels[0], false)
	}
	for len(c.psState.patterns) > 0 {
		n.unsubscribePattern(c, c.psState.patterns[0], false)
	}
}

func pubsubCommands() []*Command {
	return []*Command{
		{Name: "subscribe", Arity: -2, Flags: FlagPubsub | FlagNoScript | FlagLoading | FlagStale | FlagOKInSubscribe, Fn: subscribeCmd},
		{Name: "unsubscribe", Arity: -1, Flags: FlagPubsub | FlagNoScript | FlagLoading | FlagStale | FlagOKInSubscribe, Fn: unsubscribeCmd},
		{Name: "psubscribe", Arity: -2, Flags: FlagPubsub | FlagNoScript | FlagLoading | FlagStale | FlagOKInSubscribe, Fn: psubscribeCmd},
		{Name: "punsubscribe", Arity: -1, Flags: FlagPubsub | FlagNoScript | FlagLoading | FlagStale | FlagOKInSubscribe, Fn: punsubscribeCmd},
		{Name: "publish", Arity: 3, Flags: FlagPubsub | FlagLoading | FlagStale | FlagFast, Fn: publishCmd},
		{Name: "pubsub", Arity: -2, Fn: pubsubCmd},
	}
}

// pubsubSubcommands are PUBSUB's subcommands (Redis 7.0 arities and flags).
func pubsubSubcommands() []*subcommand {
	return []*subcommand{
		{name: "channels", arity: -2, flags: FlagPubsub | FlagLoading | FlagStale, fn: pubsubChannelsCmd},
		{name: "help", arity: 2, flags: FlagLoading | FlagStale, fn: pubsubHelpCmd},
		{name: "numpat", arity: 2, flags: FlagPubsub | FlagLoading | FlagStale, fn: pubsubNumpatCmd},
		{name: "numsub", arity: -2, flags: FlagPubsub | FlagLoading | FlagStale, fn: pubsubNumsubCmd},
		{name: "shardchannels", arity: -2, flags: FlagPubsub | FlagLoading | FlagStale, fn: pubsubShardChannelsCmd},
		{name: "shardnumsub", arity: -2, flags: FlagPubsub | FlagLoading | FlagStale, fn: pubsubShardNumsubCmd},
	}
}

// subscribeChannel adds c to channel and reports whether it was new.
func (n *Node) subscribeChannel(c *Client, channel string) bool {
	ps := &c.psState
	if ps.chanSet[channel] {
		return false
	}
	if ps.chanSet == nil {
		ps.chanSet = make(map[string]bool)
	}
	ps.chanSet[channel] = true
	ps.channels = append(ps.channels, channel)
	subs, _ := n.pubsub.channels.Get(channel)
	n.pubsub.channels.SetOwned(channel, append(subs, c)) // channel is its own string
	return true
}

// unsubscribeChannel removes c from channel, replying when notify.
func (n *Node) unsubscribeChannel(c *Client, channel string, notify bool) bool {
	ps := &c.psState
	found := ps.chanSet[channel]
	if found {
		delete(ps.chanSet, channel)
		ps.channels = removeString(ps.channels, channel)
		subs, _ := n.pubsub.channels.Get(channel)
		subs = removeClient(subs, c)
		if len(subs) == 0 {
			n.pubsub.channels.Delete(channel)
		} else {
			n.pubsub.channels.Set(channel, subs)
		}
	}
	if notify {
		c.addArray(3)
		c.addBulkStr("unsubscribe")
		c.addBulkStr(channel)
		c.addInt(int64(c.subscriptions()))
	}
	return found
}

func (n *Node) subscribePattern(c *Client, pattern string) bool {
	ps := &c.psState
	if ps.patSet[pattern] {
		return false
	}
	if ps.patSet == nil {
		ps.patSet = make(map[string]bool)
	}
	ps.patSet[pattern] = true
	ps.patterns = append(ps.patterns, pattern)
	p := n.pubsub.patIndex[pattern]
	if p == nil {
		p = &patternSubs{pattern: pattern, glob: []byte(pattern)}
		n.pubsub.patIndex[pattern] = p
		n.pubsub.patterns = append(n.pubsub.patterns, p)
	}
	p.clients = append(p.clients, c)
	return true
}

func (n *Node) unsubscribePattern(c *Client, pattern string, notify bool) bool {
	ps := &c.psState
	found := ps.patSet[pattern]
	if found {
		delete(ps.patSet, pattern)
		ps.patterns = removeString(ps.patterns, pattern)
		if p := n.pubsub.patIndex[pattern]; p != nil {
			p.clients = removeClient(p.clients, c)
			if len(p.clients) == 0 {
				delete(n.pubsub.patIndex, pattern)
				for i, q := range n.pubsub.patterns {
					if q == p {
						n.pubsub.patterns = append(n.pubsub.patterns[:i], n.pubsub.patterns[i+1:]...)
						break
					}
				}
			}
		}
	}
	if notify {
		c.addArray(3)
		c.addBulkStr("punsubscribe")
		c.addBulkStr(pattern)
		c.addInt(int64(c.subscriptions()))
	}
	return found
}

// publish delivers message to every subscriber of channel and every
// client with a matching pattern, and returns how many received it.
func (n *Node) publish(channel, message []byte) int64 {
	var receivers int64
	subs, _ := n.pubsub.channels.Get(str(channel))
	for _, s := range subs {
		receivers++
		if s.closing {
			continue // dropped (output limit, CLIENT KILL): it gets nothing more
		}
		s.addArray(3)
		s.addBulkStr("message")
		s.addBulk(channel)
		s.addBulk(message)
		n.markPending(s)
		n.checkOutputLimit(s)
	}
	for _, p := range n.pubsub.patterns {
		if !GlobMatch(p.glob, channel, false) {
			continue
		}
		for _, s := range p.clients {
			receivers++
			if s.closing {
				continue
			}
			s.addArray(4)
			s.addBulkStr("pmessage")
			s.addBulkStr(p.pattern)
			s.addBulk(channel)
			s.addBulk(message)
			n.markPending(s)
			n.checkOutputLimit(s)
		}
	}
	return receivers
}

// PubsubCounts returns the number of channels with subscribers and of
// distinct patterns (INFO pubsub_channels, pubsub_patterns).
func (n *Node) PubsubCounts() (channels, patterns int) {
	return n.pubsub.channels.Len(), len(n.pubsub.patterns)
}

func subscribeCmd(n *Node, c *Client, args [][]byte) {
	for _, ch := range args[1:] {
		n.subscribeChannel(c, string(ch))
		c.addArray(3)
		c.addBulkStr("subscribe")
		c.addBulk(ch)
		c.addInt(int64(c.subscriptions()))
	}
}

func unsubscribeCmd(n *Node, c *Client, args [][]byte) {
	if len(args) == 1 {
		if len(c.psState.channels) == 0 {
			c.addArray(3)
			c.addBulkStr("unsubscribe")
			c.addNull()
			c.addInt(int64(c.subscriptions()))
			return
		}
		for len(c.psState.channels) > 0 {
			n.unsubscribeChannel(c, c.psState.channels[0], true)
		}
		return
	}
	for _, ch := range args[1:] {
		n.unsubscribeChannel(c, string(ch), true)
	}
}

func psubscribeCmd(n *Node, c *Client, args [][]byte) {
	for _, p := range args[1:] {
		n.subscribePattern(c, string(p))
		c.addArray(3)
		c.addBulkStr("psubscribe")
		c.addBulk(p)
		c.addInt(int64(c.subscriptions()))
	}
}

func punsubscribeCmd(n *Node, c *Client, args [][]byte) {
	if len(args) == 1 {
		if len(c.psState.patterns) == 0 {
			c.addArray(3)
			c.addBulkStr("punsubscribe")
			c.addNull()
			c.addInt(int64(c.subscriptions()))
			return
		}
		for len(c.psState.patterns) > 0 {
			n.unsubscribePattern(c, c.psState.patterns[0], true)
		}
		return
	}
	for _, p := range args[1:] {
		n.unsubscribePattern(c, string(p), true)
	}
}

func publishCmd(n *Node, c *Client, args [][]byte) {
	c.addInt(n.publish(args[1], args[2]))
}

func pubsubCmd(n *Node, c *Client, args [][]byte) {
	n.runSubcommand(c, args)
}

func pubsubChannelsCmd(n *Node, c *Client, args [][]byte) {
	if len(args) > 3 {
		subcommandSyntaxError(c, args)
		return
	}
	var out []string
	n.pubsub.channels.Range(func(ch string, _ []*Client) bool {
		if len(args) == 2 || GlobMatch(args[2], []byte(ch), false) {
			out = append(out, ch)
		}
		return true
	})
	c.addStrings(out)
}

func pubsubNumsubCmd(n *Node, c *Client, args [][]byte) {
	c.addArray(2 * (len(args) - 2))
	for _, ch := range args[2:] {
		subs, _ := n.pubsub.channels.Get(str(ch))
		c.addBulk(ch)
		c.addInt(int64(len(subs)))
	}
}

func pubsubNumpatCmd(n *Node, c *Client, args [][]byte) {
	c.addInt(int64(len(n.pubsub.patterns)))
}

// Shard channels (SSUBSCRIBE) are a cluster feature: there are never any.
func pubsubShardChannelsCmd(n *Node, c *Client, args [][]byte) {
	if len(args) > 3 {
		subcommandSyntaxError(c, args)
		return
	}
	c.addArray(0)
}

func pubsubShardNumsubCmd(n *Node, c *Client, args [][]byte) {
	c.addArray(2 * (len(args) - 2))
	for _, ch := range args[2:] {
		c.addBulk(ch)
		c.addInt(0)
	}
}

func pubsubHelpCmd(n *Node, c *Client, args [][]byte) {
	addHelp(c, "PUBSUB",
		"CHANNELS [<pattern>]",
		"    Return the currently active channels matching a <pattern> (default: '*').",
		"NUMPAT",
		"    Return number of subscriptions to patterns.",
		"NUMSUB [<channel> ...]",
		"    Return the number of subscribers for the specified channels, excluding",
		"    pattern subscriptions(default: no channels).",
		"SHARDCHANNELS [<pattern>]",
		"    Return the currently active shard level channels matching a <pattern> (default: '*').",
		"SHARDNUMSUB [<shardchannel> ...]",
		"    Return the number of subscribers for the specified shard level channel(s)",
	)
}

func removeString(list []string, s string) []string {
	for i, x := range list {
		if x == s {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}
