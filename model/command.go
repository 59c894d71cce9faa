// Package model is the sequential specification of the commands the
// simulator checks (DESIGN §7, C1): SET, GET, INCR, APPEND, DEL and
// SET … GET on one key, and MSET and MULTI/EXEC of those over the keys of
// one hash-tag group, with Redis 7.0's replies.
//
// The same semantics serve two users: porcupine models (Model, which
// partitions a history by key group and treats unknown outcomes the
// porcupine way) and Keyspace, a plain map a run's datasets are compared
// against.
package model

import (
	"strconv"
	"strings"
)

// Op is a checked command.
type Op uint8

const (
	Get    Op = iota + 1 // GET key
	Set                  // SET key value
	SetGet               // SET key value GET
	Incr                 // INCR key
	Append               // APPEND key value
	Del                  // DEL key
)

var opNames = [...]string{Get: "GET", Set: "SET", SetGet: "SET", Incr: "INCR", Append: "APPEND", Del: "DEL"}

func (o Op) String() string {
	if int(o) < len(opNames) && opNames[o] != "" {
		return opNames[o]
	}
	return "op" + strconv.Itoa(int(o))
}

// Cmd is one single-key command.
type Cmd struct {
	Op  Op
	Key string
	Arg string // the value of SET, SET … GET and APPEND
}

// Args is the command as sent to a server.
func (c Cmd) Args() []string {
	switch c.Op {
	case Set, Append:
		return []string{c.Op.String(), c.Key, c.Arg}
	case SetGet:
		return []string{"SET", c.Key, c.Arg, "GET"}
	default:
		return []string{c.Op.String(), c.Key}
	}
}

func (c Cmd) String() string {
	switch c.Op {
	case Set, Append:
		return c.Op.String() + " " + c.Key + " " + strconv.Quote(c.Arg)
	case SetGet:
		return "SET " + c.Key + " " + strconv.Quote(c.Arg) + " GET"
	default:
		return c.Op.String() + " " + c.Key
	}
}

// Kind says how an Input's commands were sent.
type Kind uint8

const (
	Single Kind = iota // one command
	MSet               // MSET k1 v1 k2 v2 …: every Cmd is a Set; one OK
	Multi              // MULTI, the commands, EXEC: one reply per command
	// Restore is not a command: it sets a key group to what a node loaded
	// after a crash (Set for each key present, Del for each absent one),
	// where the fsync policy allows acknowledged writes to be lost. It has
	// no replies; see RestoreOf.
	Restore
)

// Input is one operation of a history: what a client sent.
type Input struct {
	Kind Kind
	Cmds []Cmd
}

// One is a single command.
func One(op Op, key, arg string) Input { return Input{Kind: Single, Cmds: []Cmd{{op, key, arg}}} }

// MSetOf is MSET with alternating keys and values.
func MSetOf(kv ...string) Input {
	if len(kv) == 0 || len(kv)%2 != 0 {
		panic("model: MSetOf needs key/value pairs")
	}
	in := Input{Kind: MSet}
	for i := 0; i < len(kv); i += 2 {
		in.Cmds = append(in.Cmds, Cmd{Set, kv[i], kv[i+1]})
	}
	return in
}

// MultiOf is a MULTI/EXEC transaction.
func MultiOf(cmds ...Cmd) Input { return Input{Kind: Multi, Cmds: cmds} }

// RestoreOf is the Restore of keys (sorted, one group) to the values in
// vals; a key missing from vals is absent.
func RestoreOf(keys []string, vals map[string]string) Input {
	in := Input{Kind: Restore}
	for _, k := range keys {
		if v, ok := vals[k]; ok {
			in.Cmds = append(in.Cmds, Cmd{Set, k, v})
		} else {
			in.Cmds = append(in.Cmds, Cmd{Op: Del, Key: k})
		}
	}
	return in
}

// Keys are the keys the input touches, in command order (repeats kept).
func (in Input) Keys() []string {
	keys := make([]string, len(in.Cmds))
	for i, c := range in.Cmds {
		keys[i] = c.Key
	}
	return keys
}

// ReadOnly reports whether the input changes nothing (only GETs).
func (in Input) ReadOnly() bool {
	for _, c := range in.Cmds {
		if c.Op != Get {
			return false
		}
	}
	return in.Kind != MSet
}

func (in Input) String() string {
	switch in.Kind {
	case MSet:
		var b strings.Builder
		b.WriteString("MSET")
		for _, c := range in.Cmds {
			b.WriteString(" " + c.Key + " " + strconv.Quote(c.Arg))
		}
		return b.String()
	case Multi, Restore:
		parts := make([]string, len(in.Cmds))
		for i, c := range in.Cmds {
			parts[i] = c.String()
		}
		if in.Kind == Restore {
			return "RESTORE[" + strings.Join(parts, "; ") + "]"
		}
		return "MULTI[" + strings.Join(parts, "; ") + "]"
	}
	if len(in.Cmds) != 1 {
		return "?"
	}
	return in.Cmds[0].String()
}

// ReplyKind is the shape of a reply.
type ReplyKind uint8

const (
	OK   ReplyKind = iota + 1 // +OK
	Nil                       // null bulk
	Bulk                      // a bulk string
	Int                       // an integer
	Err                       // an error, with its full text
)

// Reply is one command's reply.
type Reply struct {
	Kind ReplyKind
	Str  string // Bulk, Err
	Int  int64  // Int
}

func (r Reply) String() string {
	switch r.Kind {
	case OK:
		return "OK"
	case Nil:
		return "nil"
	case Bulk:
		return strconv.Quote(r.Str)
	case Int:
		return strconv.FormatInt(r.Int, 10)
	case Err:
		return "(error) " + r.Str
	}
	return "?"
}

// Output is what the client got back. An unknown outcome (timeout, reset
// after sending) matches any result; record it with Return = Infinity.
type Output struct {
	Unknown bool
	// Replies has one reply for Single and MSet, one per command for
	// Multi (EXEC's array).
	Replies []Reply
}

// Unknown is the output of an operation whose outcome was not seen.
var Unknown = Output{Unknown: true}

// Replied is a definite output.
func Replied(rs ...Reply) Output { return Output{Replies: rs} }

func (o Output) String() string {
	if o.Unknown {
		return "?"
	}
	if len(o.Replies) == 1 {
		return o.Replies[0].String()
	}
	parts := make([]string, len(o.Replies))
	for i, r := range o.Replies {
		parts[i] = r.String()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// Redis 7.0's error texts for the checked commands.
const (
	ErrNotInt   = "ERR value is not an integer or out of range"
	ErrOverflow = "ERR increment or decrement would overflow"
)

// store is the keyspace a command runs against: the porcupine state's
// scratch copy, or the reference Keyspace.
type store interface {
	get(key string) (string, bool)
	set(key, val string)
	del(key string) bool
}

// exec runs one command: Redis 7.0's behaviour for string values.
func exec(s store, c Cmd) Reply {
	switch c.Op {
	case Get:
		if v, ok := s.get(c.Key); ok {
			return Reply{Kind: Bulk, Str: v}
		}
		return Reply{Kind: Nil}
	case Set:
		s.set(c.Key, c.Arg)
		return Reply{Kind: OK}
	case SetGet:
		old, ok := s.get(c.Key)
		s.set(c.Key, c.Arg)
		if ok {
			return Reply{Kind: Bulk, Str: old}
		}
		return Reply{Kind: Nil}
	case Incr:
		var n int64
		if v, ok := s.get(c.Key); ok {
			if n, ok = parseInt(v); !ok {
				return Reply{Kind: Err, Str: ErrNotInt}
			}
		}
		if n == 1<<63-1 {
			return Reply{Kind: Err, Str: ErrOverflow}
		}
		n++
		s.set(c.Key, strconv.FormatInt(n, 10))
		return Reply{Kind: Int, Int: n}
	case Append:
		v, _ := s.get(c.Key)
		v += c.Arg
		s.set(c.Key, v)
		return Reply{Kind: Int, Int: int64(len(v))}
	case Del:
		if s.del(c.Key) {
			return Reply{Kind: Int, Int: 1}
		}
		return Reply{Kind: Int, Int: 0}
	}
	panic("model: unknown op " + c.Op.String())
}

// apply runs an input and returns its output.
func apply(s store, in Input) Output {
	switch in.Kind {
	case MSet:
		for _, c := range in.Cmds {
			s.set(c.Key, c.Arg)
		}
		return Output{Replies: []Reply{{Kind: OK}}}
	case Multi:
		rs := make([]Reply, len(in.Cmds))
		for i, c := range in.Cmds {
			rs[i] = exec(s, c)
		}
		return Output{Replies: rs}
	case Restore:
		for _, c := range in.Cmds {
			exec(s, c)
		}
		return Output{}
	}
	if len(in.Cmds) != 1 {
		panic("model: a Single input needs exactly one command")
	}
	return Output{Replies: []Reply{exec(s, in.Cmds[0])}}
}

// parseInt is Redis's string2ll: optional '-', no '+', spaces or leading
// zeros, no overflow.
func parseInt(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 20 || s[0] == '+' || (len(s) > 1 && s[0] == '0') ||
		(len(s) > 1 && s[0] == '-' && s[1] == '0') {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// Group is the key group a key belongs to: its hash tag (the text between
// the first '{' and the next '}', if not empty), as Redis Cluster uses,
// or else the key itself.
func Group(key string) string {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			return key[i+1 : i+1+j]
		}
	}
	return key
}
