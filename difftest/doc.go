// Package difftest is the differential test of opdis against a real
// redis-server 7.0.15: random command sequences (pgregory.net/rapid) are
// sent to both servers and every reply is compared (github.com/google/go-cmp).
//
// The package holds only tests. Run it with
//
//	go test ./difftest                      # default budget, part of make test
//	DIFFTEST_CHECKS=5000 go test ./difftest  # long mode (make difftest)
//
// Environment:
//
//	DIFFTEST_CHECKS  rapid checks (sequences) per subtest (default 100)
//	DIFFTEST_STEPS   maximum commands per sequence (default 50)
//	DIFFTEST_OPDIS   "redis" to run redis-vs-redis, or the path of a prebuilt
//	                 opdis-server binary; by default ./cmd/opdis-server is built,
//	                 and redis-vs-redis is used only while that package is absent.
//	DIFFTEST_REDIS   redis-server binary (default: redis-server on PATH)
package difftest
