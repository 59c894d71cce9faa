package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"opdis/node"
)

// Log levels, as redis.conf's loglevel.
const (
	levelDebug = iota
	levelVerbose
	levelNotice
	levelWarning
	levelNothing
)

var levelMarks = [...]byte{'.', '-', '*', '#'}

func parseLevel(s string) int {
	switch s {
	case "debug":
		return levelDebug
	case "verbose":
		return levelVerbose
	case "warning":
		return levelWarning
	case "nothing":
		return levelNothing
	}
	return levelNotice
}

// logger writes lines in Redis's format:
//
//	pid:M 24 Nov 2026 07:05:38.617 * Ready to accept connections tcp
type logger struct {
	mu    sync.Mutex
	w     io.Writer
	level atomic.Int32 // CONFIG SET loglevel changes it while running
	pid   int
	role  byte // 'C' while starting (config), 'M' once the server runs
}

func newLogger(w io.Writer, level string) *logger {
	l := &logger{w: w, pid: os.Getpid(), role: 'C'}
	l.setLevel(level)
	return l
}

func (l *logger) setLevel(level string) { l.level.Store(int32(parseLevel(level))) }

// openLog opens logfile for appending, or returns stdout when it is empty.
func openLog(logfile string) (io.Writer, error) {
	if logfile == "" {
		return os.Stdout, nil
	}
	return os.OpenFile(logfile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
}

func (l *logger) enabled(level int) bool {
	cur := int(l.level.Load())
	return level >= cur && cur != levelNothing
}

func (l *logger) logf(level int, format string, args ...any) {
	if !l.enabled(level) {
		return
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "%d:%c %s %c %s\n", l.pid, l.role, now.Format("02 Jan 2006 15:04:05.000"),
		levelMarks[level], fmt.Sprintf(format, args...))
}

func (l *logger) setRole(r byte) {
	l.mu.Lock()
	l.role = r
	l.mu.Unlock()
}

func (l *logger) debug(format string, args ...any)   { l.logf(levelDebug, format, args...) }
func (l *logger) verbose(format string, args ...any) { l.logf(levelVerbose, format, args...) }
func (l *logger) notice(format string, args ...any)  { l.logf(levelNotice, format, args...) }
func (l *logger) warning(format string, args ...any) { l.logf(levelWarning, format, args...) }

// logLevelOf maps the node's log levels to the logger's.
func logLevelOf(l node.LogLevel) int {
	switch l {
	case node.LogDebug:
		return levelDebug
	case node.LogVerbose:
		return levelVerbose
	case node.LogNotice:
		return levelNotice
	}
	return levelWarning
}
