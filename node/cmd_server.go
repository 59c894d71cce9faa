package node

func serverCommands() []*Command { return nil }
