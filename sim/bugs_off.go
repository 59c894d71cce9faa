//go:build !simbugs

package sim

// BugsCompiled reports whether the node's deliberate fault sites are
// compiled in (the simbugs build tag), so Options.Bug can take effect.
const BugsCompiled = false
