//go:build !linux

package main

import "errors"

// errNoEventLoop: this platform has no event loop; goroutines serve.
var errNoEventLoop = errors.New("no event loop on this platform")

type eventLoop struct{ byID map[int64]struct{} }

func newEventLoop(*server) (*eventLoop, error) { return nil, errNoEventLoop }
func (*eventLoop) run()                        {}
func (*eventLoop) stop()                       {}
func (*eventLoop) wake()                       {}
