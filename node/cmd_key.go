package node

func keyCommands() []*Command { return nil }
