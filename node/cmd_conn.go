package node

func connectionCommands() []*Command { return nil }
