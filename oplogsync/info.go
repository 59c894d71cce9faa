// Package oplogsync is what every OPGET/OPAPPLY consumer (DESIGN §6) —
// cmd/opdis-sync, the simulator's in-sim consumers — shares: what it reads
// of INFO oplog (the source's oldest valid op id and OPDEL registrations,
// the destination's applied op id per source server-id), where a session
// starts, and what it registers with OPDEL (position.go).
package oplogsync

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Info is what INFO oplog says.
type Info struct {
	NextOpID, MinValidOpID int64
	Applied                map[int64]int64  // server id → applied op id
	Registered             map[string]int64 // OPDEL source name → its op id
}

// ErrNoOplog: the server has no INFO oplog section.
var ErrNoOplog = errors.New("no INFO oplog section (not an opdis server?)")

// ParseInfo reads the fields a consumer needs from INFO oplog.
func ParseInfo(text string) (Info, error) {
	info := Info{Applied: map[int64]int64{}, Registered: map[string]int64{}}
	seen := false
	for _, line := range strings.Split(text, "\r\n") {
		k, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch {
		case k == "next_opid" || k == "min_valid_opid":
			x, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return info, fmt.Errorf("INFO oplog %s: %q is not an integer", k, val)
			}
			if k == "next_opid" {
				info.NextOpID, seen = x, true
			} else {
				info.MinValidOpID = x
			}
		case strings.HasPrefix(k, "opapply_source_") && k != "opapply_source_count":
			// server_id=<sid>,applied_opid=<opid>
			var sid, op int64
			for _, f := range strings.Split(val, ",") {
				name, num, _ := strings.Cut(f, "=")
				x, err := strconv.ParseInt(num, 10, 64)
				if err != nil {
					return info, fmt.Errorf("INFO oplog %s: %q is not server_id=<n>,applied_opid=<n>", k, val)
				}
				switch name {
				case "server_id":
					sid = x
				case "applied_opid":
					op = x
				}
			}
			info.Applied[sid] = op
		case strings.HasPrefix(k, "opdel_source_") && k != "opdel_source_count":
			// source_name=<name>,to_del_opid=<opid>,last_update_time=<t>
			// (a name holds no ',' or '=')
			var name string
			var op int64 = -1
			for _, f := range strings.Split(val, ",") {
				switch key, v, _ := strings.Cut(f, "="); key {
				case "source_name":
					name = v
				case "to_del_opid":
					x, err := strconv.ParseInt(v, 10, 64)
					if err != nil {
						return info, fmt.Errorf("INFO oplog %s: %q is not an op id", k, v)
					}
					op = x
				}
			}
			if name == "" || op < 0 {
				return info, fmt.Errorf("INFO oplog %s: %q is not source_name=<name>,to_del_opid=<n>,…", k, val)
			}
			info.Registered[name] = op
		}
	}
	if !seen {
		return info, ErrNoOplog
	}
	return info, nil
}
