package record

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Every action the code writes to the audit log has words on the family's
// "who has looked at our child's record" page (and in a subject access
// export): families are to see who looked and why in plain English, never a
// code. The actions are found in the source, as `Action:` in an audit.Event,
// given either as a string or through a helper's parameter (write(…,
// "advice.view", …)), so a new action without words fails here.
func TestEveryAuditActionHasWords(t *testing.T) {
	actions := auditActions(t, "..")
	if len(actions) < 40 { // the finder itself has gone wrong
		t.Fatalf("found only %d actions: %v", len(actions), actions)
	}
	for _, a := range actions {
		if strings.TrimSpace(actionWords[a]) == "" {
			t.Errorf("the audit action %q has no words for families (record/family.go, actionWords)", a)
		}
	}
	// Words for an action nothing writes are stale. (Should an action stop
	// being written while the log still holds it, its words must stay: then
	// list it here as one the log may hold.)
	for a := range actionWords {
		if !slices.Contains(actions, a) {
			t.Errorf("actionWords has words for %q, which nothing writes", a)
		}
	}
}

// auditActions reads the Go files under root (tests aside) and returns every
// audit action they write.
func auditActions(t *testing.T, root string) []string {
	t.Helper()
	type param struct {
		dir, fn string
		index   int
	}
	type call struct {
		dir    string
		callee string
		args   []ast.Expr
		encl   *ast.FuncDecl
		pos    token.Position
	}
	fset := token.NewFileSet()
	found := map[string]bool{}
	writers := map[param]bool{} // functions that pass a parameter on as the action
	var calls []call
	paramIndex := func(fn *ast.FuncDecl, name string) int {
		i := 0
		for _, f := range fn.Type.Params.List {
			for _, n := range f.Names {
				if n.Name == name {
					return i
				}
				i++
			}
		}
		return -1
	}
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CompositeLit:
					if !isAuditEvent(n.Type) {
						return true
					}
					for _, el := range n.Elts {
						kv, ok := el.(*ast.KeyValueExpr)
						if k, _ := kv.Key.(*ast.Ident); !ok || k == nil || k.Name != "Action" {
							continue
						}
						switch v := kv.Value.(type) {
						case *ast.BasicLit:
							s, _ := strconv.Unquote(v.Value)
							found[s] = true
						case *ast.Ident:
							if i := paramIndex(fn, v.Name); i >= 0 {
								writers[param{dir, fn.Name.Name, i}] = true
								continue
							}
							t.Errorf("%s: the action %s is neither a string nor a parameter: teach this test to read it", fset.Position(v.Pos()), v.Name)
						default:
							t.Errorf("%s: an action this test cannot read: teach it to", fset.Position(v.Pos()))
						}
					}
				case *ast.CallExpr:
					if id, ok := n.Fun.(*ast.Ident); ok {
						calls = append(calls, call{dir, id.Name, n.Args, fn, fset.Position(n.Pos())})
					}
				}
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Follow the parameters back to the strings the callers give, through
	// as many helpers as pass the action on.
	used := map[param]bool{}
	for changed := true; changed; {
		changed = false
		for _, c := range calls {
			for w := range writers {
				if w.dir != c.dir || w.fn != c.callee || w.index >= len(c.args) {
					continue
				}
				used[w] = true
				switch v := c.args[w.index].(type) {
				case *ast.BasicLit:
					s, _ := strconv.Unquote(v.Value)
					found[s] = true
				case *ast.Ident:
					if i := paramIndex(c.encl, v.Name); i >= 0 {
						p := param{c.dir, c.encl.Name.Name, i}
						if !writers[p] {
							writers[p], changed = true, true
						}
						continue
					}
					t.Errorf("%s: the action %s is neither a string nor a parameter: teach this test to read it", c.pos, v.Name)
				default:
					t.Errorf("%s: an action this test cannot read: teach it to", c.pos)
				}
			}
		}
	}
	for w := range writers {
		if !used[w] {
			t.Errorf("%s.%s passes its parameter %d on as an action, but this test finds no call to it: teach it how it is called", w.dir, w.fn, w.index)
		}
	}
	var out []string
	for a := range found {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// isAuditEvent says whether a composite literal's type is audit.Event.
func isAuditEvent(typ ast.Expr) bool {
	if sel, ok := typ.(*ast.SelectorExpr); ok {
		x, _ := sel.X.(*ast.Ident)
		return x != nil && x.Name == "audit" && sel.Sel.Name == "Event"
	}
	return false
}
