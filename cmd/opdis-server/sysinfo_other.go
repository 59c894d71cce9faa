//go:build !linux

package main

import (
	"runtime"
	"time"
)

func osName() string                        { return runtime.GOOS + " " + runtime.GOARCH }
func processCPU() (sys, user time.Duration) { return 0, 0 }
func totalMemory() int64                    { return 0 }
func processRSS() int64                     { return 0 }
