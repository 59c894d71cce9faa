package node

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDeterminismRules enforces DESIGN §2 on the node-side packages: no
// os/net imports, no global math/rand, no real clock, no goroutines, no
// select, and no range over a map unless the line says //det:ok.
func TestDeterminismRules(t *testing.T) {
	var dirs []string
	for _, pkg := range []string{"../node", "../wire", "../psync", "../aofbinlog"} {
		filepath.WalkDir(pkg, func(path string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				if strings.HasSuffix(path, "osenv") || d.Name() == "testdata" {
					return filepath.SkipDir
				}
				dirs = append(dirs, path)
			}
			return nil
		})
	}
	if len(dirs) < 2 {
		t.Fatalf("found only %v", dirs)
	}
	files := 0
	for _, dir := range dirs {
		n, problems := checkDeterminism(t, dir)
		files += n
		for _, p := range problems {
			t.Error(p)
		}
	}
	if files < 10 {
		t.Fatalf("checked only %d files", files)
	}
}

// TestDeterminismCheckerCatches proves the checker finds each kind of break
// in the repository's testdata/detbad.
func TestDeterminismCheckerCatches(t *testing.T) {
	_, problems := checkDeterminism(t, "../testdata/detbad")
	all := strings.Join(problems, "\n")
	for _, want := range []string{`imports "os"`, `imports "math/rand"`, "go statement", "select statement", "time.Now", "range over a map"} {
		if !strings.Contains(all, want) {
			t.Errorf("checker missed %q; found:\n%s", want, all)
		}
	}
	if strings.Count(all, "range over a map") != 1 {
		t.Errorf("want exactly one map range flagged (the other is //det:ok):\n%s", all)
	}
}

func checkDeterminism(t *testing.T, dir string) (files int, problems []string) {
	bannedImports := map[string]bool{"os": true, "os/exec": true, "net": true, "math/rand": true,
		"math/rand/v2": true, "crypto/rand": true, "hash/maphash": true, "sync": true, "syscall": true}
	bannedTime := map[string]bool{"Now": true, "Since": true, "Until": true, "Sleep": true, "After": true,
		"AfterFunc": true, "NewTimer": true, "NewTicker": true, "Tick": true}
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	report := func(pos token.Pos, format string, args ...any) {
		problems = append(problems, fset.Position(pos).String()+": "+fmt.Sprintf(format, args...))
	}
	for _, pkg := range pkgs {
		for name, f := range pkg.Files {
			files++
			src, _ := os.ReadFile(name)
			lines := strings.Split(string(src), "\n")
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				if bannedImports[p] {
					report(imp.Pos(), "imports %q", p)
				}
			}
			mapVars := mapIdents(f)
			ast.Inspect(f, func(nd ast.Node) bool {
				switch x := nd.(type) {
				case *ast.GoStmt:
					report(x.Pos(), "go statement")
				case *ast.SelectStmt:
					report(x.Pos(), "select statement")
				case *ast.SelectorExpr:
					if id, ok := x.X.(*ast.Ident); ok && id.Name == "time" && bannedTime[x.Sel.Name] {
						report(x.Pos(), "time.%s", x.Sel.Name)
					}
				case *ast.RangeStmt:
					if isMapExpr(x.X, mapVars) && !strings.Contains(lines[fset.Position(x.Pos()).Line-1], "//det:ok") {
						report(x.Pos(), "range over a map without //det:ok")
					}
				}
				return true
			})
		}
	}
	return files, problems
}

// mapIdents collects names of struct fields and variables declared with a
// map type in f (a syntactic approximation that needs no type checker).
func mapIdents(f *ast.File) map[string]bool {
	names := map[string]bool{}
	ast.Inspect(f, func(nd ast.Node) bool {
		switch x := nd.(type) {
		case *ast.Field:
			if _, ok := x.Type.(*ast.MapType); ok {
				for _, id := range x.Names {
					names[id.Name] = true
				}
			}
		case *ast.ValueSpec:
			if _, ok := x.Type.(*ast.MapType); ok {
				for _, id := range x.Names {
					names[id.Name] = true
				}
			}
			for i, v := range x.Values {
				if isMapLiteral(v) && i < len(x.Names) {
					names[x.Names[i].Name] = true
				}
			}
		case *ast.AssignStmt:
			for i, v := range x.Rhs {
				if isMapLiteral(v) && i < len(x.Lhs) {
					if id, ok := x.Lhs[i].(*ast.Ident); ok {
						names[id.Name] = true
					}
				}
			}
		}
		return true
	})
	return names
}

func isMapLiteral(e ast.Expr) bool {
	switch v := e.(type) {
	case *ast.CompositeLit:
		_, ok := v.Type.(*ast.MapType)
		return ok
	case *ast.CallExpr:
		if id, ok := v.Fun.(*ast.Ident); ok && id.Name == "make" && len(v.Args) > 0 {
			_, ok := v.Args[0].(*ast.MapType)
			return ok
		}
	}
	return false
}

func isMapExpr(e ast.Expr, maps map[string]bool) bool {
	switch v := e.(type) {
	case *ast.Ident:
		return maps[v.Name]
	case *ast.SelectorExpr:
		return maps[v.Sel.Name]
	case *ast.IndexExpr:
		return false
	}
	return false
}
