package node

import "fmt"

// LogLevel is a log line's severity, as redis.conf's loglevel.
type LogLevel int

const (
	LogDebug LogLevel = iota
	LogVerbose
	LogNotice
	LogWarning
)

// logf hands a log line to OnLog, which the server prints (and the
// simulator records).
func (n *Node) logf(level LogLevel, format string, args ...any) {
	if n.OnLog != nil {
		n.OnLog(level, fmt.Sprintf(format, args...))
	}
}
