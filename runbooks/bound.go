package runbooks

import (
	"errors"
	"fmt"
	"strconv"
	"text/template"
	"text/template/parse"
)

// Catalog templates come from catalogs the pull request may have written
// (an in-repo catalog in the checkout), so their cost is bounded: at load
// time (checkBounded) against the constructs that loop or recurse without
// bound, at run time by the body cap that aborts execution (limitWriter)
// and by bounded functions (replace, printf). Issue 8 item 8.

const (
	// maxRangeLiteral bounds {{range N}} over a number written in the body.
	maxRangeLiteral = 1000
	// maxRangeDepth bounds nested ranges (each over finding data).
	maxRangeDepth = 2
	// maxFuncResult bounds the string one function call returns.
	maxFuncResult = 1 << 20
	// maxVerbWidth bounds a printf width or precision.
	maxVerbWidth = 1000
)

var errFuncResult = fmt.Errorf("function result over %d bytes", maxFuncResult)

// lineFields are the integer fields a range could count up to (MaxLine).
var lineFields = map[string]bool{"Line": true, "Column": true, "EndLine": true, "EndColumn": true}

// checkBounded rejects a body whose execution time or memory has no bound
// set by the finding's data: {{define}}/{{template}} (recursion), a range
// over a large literal or over a line number, ranges nested deeper than
// maxRangeDepth, and assigning a variable inside a range (string doubling).
func checkBounded(t *template.Template) error {
	if len(t.Templates()) > 1 {
		return errors.New("{{define}} and {{block}} are not allowed in catalog bodies (recursion has no bound)")
	}
	if t.Tree == nil || t.Tree.Root == nil {
		return nil
	}
	return walkBounded(t.Tree.Root, 0)
}

func walkBounded(n parse.Node, depth int) error {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := walkBounded(c, depth); err != nil {
				return err
			}
		}
	case *parse.TemplateNode:
		return fmt.Errorf("{{template %q}} is not allowed in catalog bodies (recursion has no bound)", n.Name)
	case *parse.ActionNode:
		return checkPipe(n.Pipe, depth)
	case *parse.IfNode:
		return walkBranch(&n.BranchNode, depth)
	case *parse.WithNode:
		return walkBranch(&n.BranchNode, depth)
	case *parse.RangeNode:
		if depth+1 > maxRangeDepth {
			return fmt.Errorf("ranges nested deeper than %d are not allowed in catalog bodies", maxRangeDepth)
		}
		if err := checkRangeOver(n.Pipe); err != nil {
			return err
		}
		if err := checkPipe(n.Pipe, depth); err != nil {
			return err
		}
		if err := walkBounded(n.List, depth+1); err != nil {
			return err
		}
		return walkBounded(n.ElseList, depth)
	}
	return nil
}

func walkBranch(b *parse.BranchNode, depth int) error {
	if err := checkPipe(b.Pipe, depth); err != nil {
		return err
	}
	if err := walkBounded(b.List, depth); err != nil {
		return err
	}
	return walkBounded(b.ElseList, depth)
}

// checkPipe rejects assigning (=, not :=) to a variable inside a range: the
// only way a body can grow a value from one iteration to the next.
func checkPipe(p *parse.PipeNode, depth int) error {
	if p == nil {
		return nil
	}
	if p.IsAssign && depth > 0 {
		return errors.New("assigning a variable inside {{range}} is not allowed in catalog bodies (it can grow without bound)")
	}
	return nil
}

// checkRangeOver rejects {{range N}} with N over maxRangeLiteral and a
// range over a line or column number.
func checkRangeOver(p *parse.PipeNode) error {
	if p == nil || len(p.Cmds) == 0 {
		return nil
	}
	last := p.Cmds[len(p.Cmds)-1]
	if len(last.Args) != 1 {
		return nil
	}
	switch a := last.Args[0].(type) {
	case *parse.NumberNode:
		if !a.IsInt || a.Int64 > maxRangeLiteral {
			return fmt.Errorf("{{range %s}}: ranges over a number are limited to %d", a.Text, maxRangeLiteral)
		}
	case *parse.FieldNode:
		if len(a.Ident) > 0 && lineFields[a.Ident[len(a.Ident)-1]] {
			return fmt.Errorf("{{range .%s}}: a range over a line or column number is not allowed", a.Ident[len(a.Ident)-1])
		}
	}
	return nil
}

// boundedSprintf is fmt.Sprintf with widths and precisions of at most
// maxVerbWidth and no '*' (a width taken from an argument).
func boundedSprintf(format string, args ...any) (string, error) {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(format) {
			c := format[j]
			switch {
			case c == '*':
				return "", errors.New("printf: '*' widths are not allowed in catalog bodies")
			case c >= '0' && c <= '9':
				k := j
				for k < len(format) && format[k] >= '0' && format[k] <= '9' {
					k++
				}
				if n, err := strconv.Atoi(format[j:k]); err != nil || n > maxVerbWidth {
					return "", fmt.Errorf("printf: width or precision %s over %d", format[j:k], maxVerbWidth)
				}
				j = k
				continue
			case c == '.' || c == '-' || c == '+' || c == '#' || c == ' ' || c == '[' || c == ']':
			default:
				j = len(format) // the verb: this directive is done
				continue
			}
			j++
		}
	}
	out := fmt.Sprintf(format, args...)
	if len(out) > maxFuncResult {
		return "", errFuncResult
	}
	return out, nil
}
