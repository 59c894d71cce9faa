package node

func setCommands() []*Command { return nil }
