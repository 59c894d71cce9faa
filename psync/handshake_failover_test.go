package psync_test

import (
	"strings"
	"testing"

	"opdis/psync"
)

// A handshake for a FAILOVER sends `PSYNC <replid> <offset+1> FAILOVER`,
// in the opdis form too (FAILOVER at argv[3], where Redis looks for it).
func TestHandshakeFailoverPSYNC(t *testing.T) {
	id := strings.Repeat("ab", 20)
	for _, opdis := range []bool{false, true} {
		cfg := psync.Config{ListeningPort: 6390, ReplID: id, ReplOffset: 99, Failover: true}
		if opdis {
			cfg.Opdis = &psync.OpdisPSYNC{NextOpID: 7, ServerID: 1, LastEpoch: 3}
		}
		h := psync.NewHandshake(cfg)
		h.Connected()
		var psyncArgs [][]byte
		for round := 0; round < 10 && psyncArgs == nil; round++ {
			var reply []byte
			for _, args := range commandsIn(t, h.Output()) {
				switch strings.ToUpper(string(args[0])) {
				case "PING":
					reply = append(reply, "+PONG\r\n"...)
				case "REPLCONF":
					reply = append(reply, "+OK\r\n"...)
				case "PSYNC":
					psyncArgs = args
				}
			}
			h.Feed(reply)
		}
		if len(psyncArgs) < 4 || string(psyncArgs[3]) != "FAILOVER" {
			t.Fatalf("opdis %v: PSYNC %q", opdis, psyncArgs)
		}
		req, err := psync.ParsePSYNC(psyncArgs)
		if err != nil || !req.Failover || req.ReplID != id || req.Offset != 100 || req.Opdis != opdis {
			t.Fatalf("opdis %v: %+v %v", opdis, req, err)
		}
	}
}
