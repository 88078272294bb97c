package lint

import (
	"go/ast"
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestNoIgnoredErrors fails on an error discarded with the blank identifier (`_ = f()`,
// `x, _ := g()` where the discarded value is an error) in the application's code, tests
// aside. An error is handled, returned or logged; where dropping one is right — a write
// to a client that has gone, a clean-up after a failure already reported — the line says
// why in a comment, and the comment is what this check accepts.
func TestNoIgnoredErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and type-checks every package")
	}
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo,
		Dir:  filepath.Join("..", "..", ".."),
	}
	pkgs, err := packages.Load(cfg, "./app/...", "./views/...", ".")
	if err != nil {
		t.Fatal(err)
	}
	errType := types.Universe.Lookup("error").Type()
	var found []string
	for _, pkg := range pkgs {
		for _, e := range pkg.Errors {
			t.Fatalf("%s: %v", pkg.PkgPath, e)
		}
		for i, file := range pkg.Syntax {
			name := pkg.CompiledGoFiles[i]
			// Tests and the packages that only serve tests (apptest, cachetest, …) are
			// left out: a test that drops an error fails on what follows anyway.
			if strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, "_templ.go") || strings.HasSuffix(pkg.Name, "test") {
				continue
			}
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(src), "\n")
			ast.Inspect(file, func(n ast.Node) bool {
				as, ok := n.(*ast.AssignStmt)
				if !ok {
					return true
				}
				for j, lhs := range as.Lhs {
					id, ok := lhs.(*ast.Ident)
					if !ok || id.Name != "_" {
						continue
					}
					typ := discardedType(pkg.TypesInfo, as, j)
					if typ == nil || !types.Identical(typ, errType) {
						continue
					}
					pos := pkg.Fset.Position(as.Pos())
					if line := lines[pos.Line-1]; strings.Contains(line, "//") {
						continue // the reason is written next to it
					}
					found = append(found, pos.Filename+":"+itoa(pos.Line)+": "+strings.TrimSpace(lines[pos.Line-1]))
				}
				return true
			})
		}
	}
	for _, f := range found {
		t.Errorf("ignored error: %s", f)
	}
}

// discardedType is the type of the value assigned to the j-th left-hand side.
func discardedType(info *types.Info, as *ast.AssignStmt, j int) types.Type {
	if len(as.Rhs) == len(as.Lhs) {
		return info.TypeOf(as.Rhs[j])
	}
	if len(as.Rhs) == 1 {
		if tuple, ok := info.TypeOf(as.Rhs[0]).(*types.Tuple); ok && j < tuple.Len() {
			return tuple.At(j).Type()
		}
	}
	return nil
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		if n /= 10; n == 0 {
			return string(b[i:])
		}
	}
}
