package sim

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"opdis/model"
	"opdis/sim/trace"
)

// TraceEvents is how many of the last events WriteArtifacts describes.
const TraceEvents = 200_000

// WriteArtifacts replays a run with full recording and writes what a
// person needs to understand it into dir (created):
//
//	README.txt      the failures, the options, the repro command
//	schedule.txt    the fault schedule; events.txt what happened to nodes
//	trace.txt       the last TraceEvents events, described
//	history.html    porcupine's visualization of the failing key groups
//	                (all groups when no group failed), faults annotated
//	history.jsonl   every operation, for re-checking with a newer checker
//	nodes/<n>/      each node's data directory as it ended; nodes/<n>.log
//
// It returns the replayed result (it should fail as the original did).
func WriteArtifacts(dir string, o Options, sched []Fault) (*Result, error) {
	tr := trace.New(trace.Options{Last: TraceEvents})
	res := Run(o, Config{Schedule: sched, Trace: tr, Logs: true, CheckTimeout: CheckTimeout})
	if err := os.MkdirAll(filepath.Join(dir, "nodes"), 0o755); err != nil {
		return res, err
	}
	var errs []error
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			errs = append(errs, err)
		}
	}

	var b strings.Builder
	if res.Failed() {
		fmt.Fprintf(&b, "FAILED (%d):\n", len(res.Failures))
		for _, f := range res.Failures {
			fmt.Fprintf(&b, "  %s\n", strings.ReplaceAll(f.String(), "\n", "\n    "))
		}
	} else {
		b.WriteString("passed (the replay did not fail)\n")
	}
	fmt.Fprintf(&b, "\nrepro:   %s\noptions: %s\n", o.Repro(), o)
	fmt.Fprintf(&b, "\nsimulated %v, %d events, trace sum %016x\nstats: %+v\n", res.SimTime, res.Events, res.TraceSum, res.Stats)
	if len(res.BadGroups) > 0 {
		fmt.Fprintf(&b, "\nnot linearizable: key groups %v (history.html)\n", res.BadGroups)
	}
	write("README.txt", []byte(b.String()))

	b.Reset()
	for _, f := range res.Schedule {
		fmt.Fprintln(&b, f)
	}
	write("schedule.txt", []byte(b.String()))

	b.Reset()
	if res.Cluster != nil {
		for _, e := range res.Cluster.Events() {
			fmt.Fprintf(&b, "@%v %s %s\n", e.At, e.Node, e.What)
		}
	}
	write("events.txt", []byte(b.String()))

	b.Reset()
	for _, e := range tr.Entries() {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	write("trace.txt", []byte(b.String()))

	write("history.jsonl", historyJSON(res.History))
	if err := writeVisualization(filepath.Join(dir, "history.html"), res); err != nil {
		errs = append(errs, err)
	}
	if res.Cluster != nil {
		for _, n := range res.Cluster.Nodes() {
			nd := filepath.Join(dir, "nodes", n.Name)
			if err := os.MkdirAll(nd, 0o755); err != nil {
				errs = append(errs, err)
				continue
			}
			names, _ := n.FS.List()
			for _, name := range names {
				data, err := n.FS.ReadFile(name)
				if err == nil {
					err = os.WriteFile(filepath.Join(nd, name), data, 0o644)
				}
				if err != nil {
					errs = append(errs, err)
				}
			}
			write(filepath.Join("nodes", n.Name+".log"), []byte(strings.Join(n.Logs(), "\n")+"\n"))
		}
	}
	if len(errs) > 0 {
		return res, fmt.Errorf("sim: writing artifacts to %s: %w", dir, errs[0])
	}
	return res, nil
}

// historyJSON is one line per operation.
func historyJSON(ops []porcupine.Operation) []byte {
	type line struct {
		Client int          `json:"client"`
		Call   int64        `json:"call"`
		Return int64        `json:"return"` // model.Infinity: unknown outcome
		Op     string       `json:"op"`
		Out    string       `json:"out"`
		Input  model.Input  `json:"input"`
		Output model.Output `json:"output"`
	}
	var out []byte
	for _, op := range ops {
		in, o := op.Input.(model.Input), op.Output.(model.Output)
		data, _ := json.Marshal(line{op.ClientId, op.Call, op.Return, in.String(), o.String(), in, o})
		out = append(append(out, data...), '\n')
	}
	return out
}

// writeVisualization draws the failing groups' histories (or all of
// them), with the crashes, restarts and faults as annotations.
func writeVisualization(path string, res *Result) error {
	ops := res.History
	if len(res.BadGroups) > 0 {
		ops = nil
		for _, op := range res.History {
			if slices.Contains(res.BadGroups, model.Group(op.Input.(model.Input).Cmds[0].Key)) {
				ops = append(ops, op)
			}
		}
	}
	_, info := model.Check(ops, CheckTimeout)
	var notes []porcupine.Annotation
	for _, f := range res.Schedule {
		if f.At >= res.Options.Duration {
			continue
		}
		end := f.At + f.Dur
		if f.Kind != Partition && f.Kind != Clog {
			end = f.At
		}
		notes = append(notes, porcupine.Annotation{Tag: "faults", Start: int64(f.At), End: int64(end),
			Description: f.Kind.String(), Details: f.String(), BackgroundColor: "#ffd8a8"})
	}
	if res.Cluster != nil {
		for _, e := range res.Cluster.Events() {
			notes = append(notes, porcupine.Annotation{Tag: e.Node, Start: int64(e.At), End: int64(e.At),
				Description: strings.SplitN(e.What, " ", 2)[0], Details: fmt.Sprintf("@%v %s", e.At, e.What), BackgroundColor: "#ffa8a8"})
		}
	}
	notes = append(notes, porcupine.Annotation{Tag: "faults", Start: int64(res.Options.Duration), End: int64(res.Options.Duration),
		Description: "heal", Details: fmt.Sprintf("@%v faults stop, every node restarts, every link heals", time.Duration(res.Options.Duration)), BackgroundColor: "#a8ffa8"})
	info.AddAnnotations(notes)
	return porcupine.VisualizePath(model.Model(), info, path)
}
