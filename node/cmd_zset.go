package node

func zsetCommands() []*Command { return nil }
