//go:build !simbugs

package node

// bug reports whether the simulator asks for a deliberate fault at site
// (Env.Bug). Production builds compile it to false, so no fault can be
// injected into them; the simbugs build tag (bugs_simbugs.go) turns the
// hook on for the tests that prove the simulator's checks can fail.
func (n *Node) bug(site string) bool { return false }
