package difftest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// server is one process under test.
type server struct {
	name string
	addr string
	cmd  *exec.Cmd
	log  string
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, valid after done
}

// freePort asks the kernel for a free loopback port.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("difftest: no free port: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

func redisBinary(t testing.TB) string {
	t.Helper()
	name := os.Getenv("DIFFTEST_REDIS")
	if name == "" {
		name = "redis-server"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("difftest: %s not found (%v).\n"+
			"The differential test needs a real redis-server 7.0.15: install Debian's redis-server package "+
			"(make test installs it), or point DIFFTEST_REDIS at the binary.", name, err)
	}
	return path
}

// startServer runs bin with args (plus the port flags) and waits until it
// answers PING. It retries on a fresh port if the process dies at start
// (the port was taken between freePort and bind).
func startServer(t testing.TB, name, bin string, args func(port int, dir string) []string) *server {
	t.Helper()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		dir := t.TempDir()
		port := freePort(t)
		logPath := filepath.Join(dir, name+".log")
		logf, err := os.Create(logPath)
		if err != nil {
			t.Fatalf("difftest: %v", err)
		}
		cmd := exec.Command(bin, args(port, dir)...)
		cmd.Dir = dir
		cmd.Stdout = logf
		cmd.Stderr = logf
		if err := cmd.Start(); err != nil {
			logf.Close()
			t.Fatalf("difftest: start %s (%s): %v", name, bin, err)
		}
		logf.Close()
		s := &server{name: name, addr: "127.0.0.1:" + strconv.Itoa(port), cmd: cmd, log: logPath, done: make(chan struct{})}
		go func() { s.err = cmd.Wait(); close(s.done) }()
		if err := s.waitReady(); err != nil {
			cmd.Process.Kill()
			<-s.done
			lastErr = fmt.Errorf("%s did not come up on %s: %v\n--- %s ---\n%s", name, s.addr, err, logPath, s.tail())
			continue
		}
		t.Cleanup(func() {
			cmd.Process.Kill() // by PID: only the process this test started
			<-s.done
		})
		t.Logf("difftest: %s (%s) pid %d on %s", name, bin, cmd.Process.Pid, s.addr)
		return s
	}
	t.Fatalf("difftest: %v", lastErr)
	return nil
}

func (s *server) waitReady() error {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if !s.alive() {
			return fmt.Errorf("process exited: %v", s.err)
		}
		c, err := dial(s.addr)
		if err == nil {
			v, err := c.do("PING")
			c.close()
			if err == nil && v.isSimple("PONG") {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return errors.New("timed out waiting for PING")
}

func (s *server) tail() string {
	b, _ := os.ReadFile(s.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// alive reports whether the process is still running (for failure messages).
func (s *server) alive() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

func startRedis(t testing.TB, name string) *server {
	t.Helper()
	bin := redisBinary(t)
	return startServer(t, name, bin, func(port int, dir string) []string {
		return []string{
			"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--enable-debug-command", "yes",
			"--dir", dir,
			// Blocking timeouts (0.01 s) are served by the event loop's
			// timer; a higher hz keeps them short. Replies are unaffected.
			"--hz", "100",
		}
	})
}

// moduleRoot finds the directory holding go.mod above the test's directory.
func moduleRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// opdisPresent reports whether cmd/opdis-server exists in this tree.
func opdisPresent() (string, bool) {
	root, ok := moduleRoot()
	if !ok {
		return "", false
	}
	files, _ := filepath.Glob(filepath.Join(root, "cmd", "opdis-server", "*.go"))
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") {
			return root, true
		}
	}
	return root, false
}

// startOpdis starts the server compared against redis: opdis when it exists
// (or DIFFTEST_OPDIS names a binary), otherwise a second redis-server.
// It returns the server and whether it really is opdis.
func startOpdis(t testing.TB) (*server, bool) {
	t.Helper()
	bin := os.Getenv("DIFFTEST_OPDIS")
	switch bin {
	case "redis":
		t.Logf("difftest: DIFFTEST_OPDIS=redis: comparing redis against a second redis-server")
		return startRedis(t, "redis2"), false
	case "":
		root, ok := opdisPresent()
		if !ok {
			t.Logf("difftest: cmd/opdis-server is not in this tree yet: comparing redis against a second redis-server")
			return startRedis(t, "redis2"), false
		}
		bin = filepath.Join(t.TempDir(), "opdis-server")
		build := exec.Command(goTool(), "build", "-o", bin, "./cmd/opdis-server")
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("difftest: go build ./cmd/opdis-server: %v\n%s", err, out)
		}
	}
	return startServer(t, "opdis", bin, func(port int, dir string) []string {
		return []string{
			"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--dir", dir, "--enable-debug-command", "yes",
		}
	}), true
}
