// Command opdis-sync keeps two opdis replication groups in step (DESIGN
// §6): it tails the oplog of one group with OPGET and applies it to the
// other with OPAPPLY, and with -both does the same the other way at once,
// so two datacenters can each take writes.
//
//	opdis-sync -from HOST:PORT -to HOST:PORT [-both] [-name NAME] [-poll 100ms]
//
// The groups must have different server-ids. Only a group's own writes
// are copied (OPGET … MATCHID <its server-id>), and the destination
// answers +IGNORED to anything that came from itself or that it already
// applied, so nothing loops. The tool keeps no state: it resumes from the
// destination's applied op id for the source (INFO oplog), so a restart
// loses and repeats nothing, and it registers that op id on the source
// with OPDEL <name>@<destination> so the AOF files it still needs are not
// purged. Entries the source purged before the link first registered (a
// history older than the link, a registration expired after
// opdel-source-timeout) cannot be copied: the link logs such a GAP,
// counts it, and goes on from the source's oldest entry; unless the
// destination was seeded with the source's dataset, it needs that copy.
// Point -from at a replica of the source group to spare its master, or at
// the master (which then hands out only entries its replicas
// acknowledged, per opget-master-min-slaves).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr))
}

func run(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("opdis-sync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "source group `address` (host:port)")
	to := fs.String("to", "", "destination group `address` (host:port)")
	both := fs.Bool("both", false, "also copy from -to into -from")
	name := fs.String("name", "opdis-sync", "OPDEL source `name` on the source (the destination's address is appended)")
	poll := fs.Duration("poll", 100*time.Millisecond, "wait between OPGETs when there is nothing new")
	count := fs.Int("count", 1000, "entries per OPGET at most")
	password := fs.String("auth", "", "`password` for AUTH on both sides")
	timeout := fs.Duration("timeout", 10*time.Second, "connect and I/O timeout")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *from == "" || *to == "" || fs.NArg() > 0 || *count < 1 || *poll <= 0 {
		fmt.Fprintln(stderr, "usage: opdis-sync -from HOST:PORT -to HOST:PORT [-both] [-name NAME] [-poll DURATION] [-count N] [-auth PASSWORD]")
		return 2
	}
	logger := log.New(stderr, "opdis-sync ", log.LstdFlags)
	links := []*link{{from: *from, to: *to}}
	if *both {
		links = append(links, &link{from: *to, to: *from})
	}
	var wg sync.WaitGroup
	for _, l := range links {
		l.name, l.password, l.poll, l.count, l.timeout, l.log = *name+"@"+l.to, *password, *poll, *count, *timeout, logger
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.run(ctx)
		}()
	}
	wg.Wait()
	for _, l := range links {
		logger.Printf("%s -> %s: %d entries copied, %d gaps", l.from, l.to, l.copied, l.gaps)
	}
	return 0
}
