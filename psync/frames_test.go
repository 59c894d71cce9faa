package psync_test

import (
	"testing"

	"opdis/psync"
)

// TestFrames pins the stream frames to the bytes measured from Redis
// 7.0.15 and ApsaraCache (reference §1.4, apsaracache §3.4), and checks
// the replica's acks parse back on the master's side.
func TestFrames(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{psync.GetAck, "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n"},
		{psync.StreamPing, "*1\r\n$4\r\nping\r\n"},
		{psync.ForceFullResync, "*1\r\n$15\r\nforcefullresync\r\n"},
		{string(psync.AppendSyncReplOffset(nil, 0)), "*2\r\n$14\r\nsyncreploffset\r\n$1\r\n0\r\n"},
		{string(psync.AppendAck(nil, 1087)), "*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$4\r\n1087\r\n"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if len(psync.GetAck) != 37 || len(psync.StreamPing) != 14 {
		t.Errorf("GETACK %d bytes, ping %d: they count towards offsets", len(psync.GetAck), len(psync.StreamPing))
	}
	r, err := psync.ParseReplconf(parseCommand(t, psync.AppendAckFack(nil, 500, 450)))
	if err != nil || !r.AckValid || r.AckOffset != 500 || !r.Fack || r.FackOffset != 450 {
		t.Errorf("ACK FACK: %+v %v", r, err)
	}
	r, err = psync.ParseReplconf(parseCommand(t, psync.AppendAckOpID(nil, 11437)))
	if err != nil || !r.AckOpID || !r.OpIDValid || r.NextOpID != 11437 || !r.NoReply() {
		t.Errorf("ACK-OPID: %+v %v", r, err)
	}
}
