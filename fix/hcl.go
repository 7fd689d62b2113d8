package fix

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/pmezard/go-difflib/difflib"
	"github.com/zclconf/go-cty/cty"

	translator "github.com/runbook-translator/runbook-translator"
	"github.com/runbook-translator/runbook-translator/locate"
	"github.com/runbook-translator/runbook-translator/messages"
	"github.com/runbook-translator/runbook-translator/runbooks"
)

// Terraform files are edited with hclwrite, which keeps every token it is
// not told to change (comments, spacing, ordering). Only the lines a fix
// adds or changes are then formatted (hclwrite.Format of the result, taken
// for those lines alone), so a new attribute is indented like its block
// without realigning the neighbours.

// computeHCL applies fx to the resource block of f in the .tf file src.
func computeHCL(src string, f *translator.Finding, fx runbooks.Fix) (string, error) {
	if _, diags := hclsyntax.ParseConfig([]byte(src), f.Path, hcl.Pos{Line: 1, Column: 1}); diags.HasErrors() {
		return "", notHereP("fixnote.hcl_parse", f.Path, diags.Error())
	}
	file, diags := hclwrite.ParseConfig([]byte(src), f.Path, hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		return "", notHereP("fixnote.hcl_parse", f.Path, diags.Error())
	}
	blk, err := tfBlock(src, file, f)
	if err != nil {
		return "", err
	}
	if l := blk.Labels(); len(l) > 0 {
		if err := forKind(fx, l[0]); err != nil {
			return "", err
		}
	}
	v := vars(src, f, nil)
	if l := blk.Labels(); len(l) == 2 && v["resource_prefix"] == "" {
		// a key prefix of the resource's own (an S3 bucket's access logs
		// in the organisation's shared log bucket)
		v["resource_prefix"] = l[1] + "/"
	}
	for _, ed := range fx.Edits {
		op, p := ed.Op()
		switch {
		case op == "document" || op == "rename" || ed.From != "":
			return "", notHereP("fixnote.hcl_k8s_edit", f.Path)
		}
		if _, isMap := ed.Value.(map[string]any); isMap {
			return "", notHereP("fixnote.hcl_k8s_mapping", f.Path)
		}
		if _, isList := ed.Value.([]any); isList {
			return "", notHereP("fixnote.hcl_k8s_list", f.Path)
		}
		fp, err := locate.ParseFieldPath(p)
		if err != nil {
			return "", err
		}
		var keys []string
		for _, st := range fp.Steps() {
			if st.Sel != nil {
				return "", notHereP("fixnote.hcl_selector", p)
			}
			keys = append(keys, st.Key)
		}
		body, inner := blk.Body(), ""
		if keys[0] == runbooks.FindingBlock {
			nb, err := findingBlock(src, blk, f)
			if err != nil {
				return "", err
			}
			body, inner, keys = nb.Body(), nb.Type(), keys[1:]
			if len(keys) == 0 {
				return "", notHereP("fixnote.hcl_block_path", p, runbooks.FindingBlock)
			}
		}
		if s, ok := ed.Value.(string); ok && runbooks.Placeholder(s) == "rule_summary" {
			sum, err := ruleSummary(blk, body, inner, keys)
			if err != nil {
				return "", err
			}
			v["rule_summary"] = sum
		}
		val, err := value(ed.Value, v)
		if err != nil {
			return "", err
		}
		if err := editHCL(body, keys, op, val); err != nil {
			return "", err
		}
	}
	out := string(file.Bytes())
	if out == src {
		return src, nil
	}
	out = formatChanged(src, keepSpacing(src, out))
	if _, diags := hclsyntax.ParseConfig([]byte(out), f.Path, hcl.Pos{Line: 1, Column: 1}); diags.HasErrors() {
		return "", messages.Errorf("fixerr.hcl_parse", f.Path, diags.Error())
	}
	return out, nil
}

// tfBlock finds the block of the finding's resource, else the top-level
// block that holds its line.
func tfBlock(src string, file *hclwrite.File, f *translator.Finding) (*hclwrite.Block, error) {
	if mode, typ, name, ok := locate.TerraformResource(f.Resource); ok {
		var hits []*hclwrite.Block
		for _, b := range file.Body().Blocks() {
			if l := b.Labels(); b.Type() == mode && len(l) == 2 && l[0] == typ && l[1] == name {
				hits = append(hits, b)
			}
		}
		if len(hits) == 1 {
			return hits[0], nil
		}
		return nil, notHereP("fixnote.hcl_no_block", f.Resource, f.Path)
	}
	if f.Line > 0 {
		syn, _ := hclsyntax.ParseConfig([]byte(src), f.Path, hcl.Pos{Line: 1, Column: 1})
		if body, ok := syn.Body.(*hclsyntax.Body); ok {
			for _, b := range body.Blocks {
				if r := b.Range(); f.Line >= r.Start.Line && f.Line <= r.End.Line {
					for _, wb := range file.Body().Blocks() {
						if wb.Type() == b.Type && equal(wb.Labels(), b.Labels) {
							return wb, nil
						}
					}
				}
			}
		}
	}
	return nil, notHereP("fixnote.hcl_no_resource", f.Resource, f.Line)
}

// pinnedBlock is the Extra key that names the nested block a $block path
// meant on the file as the finding found it ("ingress 0": the resource's
// first ingress block): a fix computed again on a file an earlier fix
// changed finds it there, whose lines have moved (PinBlock).
const pinnedBlock = "terraform_block"

// findingBlock is the nested block of the resource block blk whose lines
// hold the finding's line (an ingress or egress rule of an
// aws_security_group): the block a path "$block. ..." names. One that
// PinBlock pinned is taken by its type and place instead.
func findingBlock(src string, blk *hclwrite.Block, f *translator.Finding) (*hclwrite.Block, error) {
	typ, n := "", -1
	if pin := f.Extra[pinnedBlock]; pin != "" {
		t, i, ok := strings.Cut(pin, " ")
		k, err := strconv.Atoi(i)
		if !ok || err != nil {
			return nil, notHereP("fixnote.hcl_pin", pin)
		}
		typ, n = t, k
	} else {
		typ, n = blockAt(src, blk, f.Line)
	}
	if n < 0 {
		return nil, notHereP("fixnote.hcl_no_nested", f.Line, f.Path, strings.Join(append([]string{blk.Type()}, blk.Labels()...), "."), runbooks.FindingBlock)
	}
	for _, b := range blk.Body().Blocks() {
		if b.Type() != typ {
			continue
		}
		if n == 0 {
			return b, nil
		}
		n--
	}
	return nil, notHereP("fixnote.hcl_no_typed", strings.Join(blk.Labels(), "."), typ, runbooks.FindingBlock)
}

// blockAt returns the type of the nested block of blk whose lines hold
// line, and its place among the blocks of that type; -1 when no nested
// block holds it (the line is the resource's own, or outside it).
func blockAt(src string, blk *hclwrite.Block, line int) (string, int) {
	syn, _ := hclsyntax.ParseConfig([]byte(src), "", hcl.Pos{Line: 1, Column: 1})
	body, ok := syn.Body.(*hclsyntax.Body)
	if !ok || line <= 0 {
		return "", -1
	}
	for _, b := range body.Blocks {
		if b.Type != blk.Type() || !equal(b.Labels, blk.Labels()) {
			continue
		}
		seen := map[string]int{}
		for _, nb := range b.Body.Blocks {
			if r := nb.Range(); line >= r.Start.Line && line <= r.End.Line {
				return nb.Type, seen[nb.Type]
			}
			seen[nb.Type]++
		}
		return "", -1
	}
	return "", -1
}

// PinBlock returns the finding's Extra with the nested block that holds
// its line in the Terraform file orig pinned (findingBlock), before a fix
// is computed again on a changed file, whose lines have moved; Extra as
// it is when no nested block holds the line.
func PinBlock(orig []byte, f *translator.Finding, extra map[string]string) map[string]string {
	if extra[pinnedBlock] != "" {
		return extra
	}
	file, diags := hclwrite.ParseConfig(orig, f.Path, hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		return extra
	}
	blk, err := tfBlock(string(orig), file, f)
	if err != nil {
		return extra
	}
	if typ, n := blockAt(string(orig), blk, f.Line); n >= 0 {
		extra[pinnedBlock] = fmt.Sprintf("%s %d", typ, n)
	}
	return extra
}

// ruleSummary is $rule_summary: what a security group rule allows, in
// the words of its own attributes ("ingress tcp 443 from 10.0.0.0/8"),
// for its description. body is the block the edit writes in: the
// resource's (an aws_security_group_rule, an
// aws_vpc_security_group_ingress_rule or _egress_rule) or, with inner
// set, an ingress or egress block of an aws_security_group; keys lead
// from it to the attribute written (one key: the rule's description).
// A value that is not a literal is named by its expression
// (aws_security_group.alb.id); a text AWS does not take as a rule
// description (more than 255 characters, or one outside its set) is no
// summary.
func ruleSummary(blk *hclwrite.Block, body *hclwrite.Body, inner string, keys []string) (string, error) {
	if len(keys) != 1 {
		return "", notHereP("fixnote.hcl_summary_keys", strings.Join(keys, "."))
	}
	typ := ""
	if l := blk.Labels(); len(l) == 2 {
		typ = l[0]
	}
	dir := inner
	switch {
	case inner != "" && typ == "aws_security_group" && (inner == "ingress" || inner == "egress"):
	case inner == "" && typ == "aws_security_group_rule":
		dir = attrWords(body, "type")
	case inner == "" && typ == "aws_vpc_security_group_ingress_rule":
		dir = "ingress"
	case inner == "" && typ == "aws_vpc_security_group_egress_rule":
		dir = "egress"
	default:
		return "", notHereP("fixnote.hcl_summary_type", strings.TrimSpace(typ+" "+inner))
	}
	if dir != "ingress" && dir != "egress" {
		return "", notHereP("fixnote.hcl_rule_type", dir)
	}
	words := []string{dir}
	proto := attrWords(body, "protocol")
	if proto == "" {
		proto = attrWords(body, "ip_protocol")
	}
	switch proto {
	case "-1", "all":
		words = append(words, "all traffic")
	case "":
	default:
		words = append(words, proto)
		from, to := attrWords(body, "from_port"), attrWords(body, "to_port")
		switch {
		case from != "" && (to == "" || to == from):
			words = append(words, from)
		case from != "":
			words = append(words, from+"-"+to)
		}
	}
	var peers []string
	open := false
	for _, a := range []string{"cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6", "prefix_list_ids", "prefix_list_id", "security_groups", "source_security_group_id", "referenced_security_group_id"} {
		if w := attrWords(body, a); w != "" {
			peers = append(peers, w)
			for _, r := range strings.Split(w, ", ") {
				open = open || r == "0.0.0.0/0" || r == "::/0"
			}
		}
	}
	if attrWords(body, "self") == "true" {
		peers = append(peers, "self")
	}
	// A rule open to the internet is described without its peers: they
	// are what the fixes of sg-public-ingress and sg-public-egress narrow
	// (often in the same run), and a description naming 0.0.0.0/0 would
	// then be wrong the moment both are merged.
	if len(peers) > 0 && !open {
		prep := "from"
		if dir == "egress" {
			prep = "to"
		}
		words = append(words, prep, strings.Join(peers, ", "))
	}
	sum := strings.Join(words, " ")
	if len(sum) > 255 {
		return "", notHereP("fixnote.hcl_summary_long", len(sum))
	}
	for _, r := range sum {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(" ._-:/()#,@[]+=;{}!$*", r)) {
			return "", notHereP("fixnote.hcl_summary_char", sum, r)
		}
	}
	return sum, nil
}

// attrWords is the value of the attribute name of body in words: a
// literal as it reads (a string unquoted, a list's items joined by ", "),
// anything else as its expression is written; "" when it is not set.
func attrWords(body *hclwrite.Body, name string) string {
	a := body.GetAttribute(name)
	if a == nil {
		return ""
	}
	src := bytes.TrimSpace(a.Expr().BuildTokens(nil).Bytes())
	expr, diags := hclsyntax.ParseExpression(src, "", hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		return string(src)
	}
	if t, ok := expr.(*hclsyntax.TupleConsExpr); ok {
		var items []string
		for _, e := range t.Exprs {
			items = append(items, exprWords(src, e))
		}
		return strings.Join(items, ", ")
	}
	return exprWords(src, expr)
}

// exprWords is one expression of src in words (attrWords).
func exprWords(src []byte, e hclsyntax.Expression) string {
	if v, diags := e.Value(nil); !diags.HasErrors() && v.IsWhollyKnown() && !v.IsNull() {
		switch v.Type() {
		case cty.String:
			return v.AsString()
		case cty.Number:
			return v.AsBigFloat().Text('f', -1)
		case cty.Bool:
			if v.True() {
				return "true"
			}
			return "false"
		}
	}
	r := e.Range()
	return strings.TrimSpace(string(src[r.Start.Byte:r.End.Byte]))
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func ctyValue(v any) (cty.Value, error) {
	switch x := v.(type) {
	case string:
		return cty.StringVal(x), nil
	case bool:
		return cty.BoolVal(x), nil
	case int:
		return cty.NumberIntVal(int64(x)), nil
	case int64:
		return cty.NumberIntVal(x), nil
	case uint64:
		return cty.NumberUIntVal(x), nil
	case float64:
		return cty.NumberFloatVal(x), nil
	}
	return cty.NilVal, messages.Errorf("fixapply.hcl_value", v)
}

// editHCL applies one edit at keys inside body: nested blocks by type,
// then an attribute; a key after an attribute is a key of its literal
// object ({ team = "x" }, as tags are written). fill is set where the
// attribute (or object key) is missing, and keeps one that is written,
// whatever its value (an S3 bucket's sse_algorithm "aws:kms" is not
// turned back to "AES256"). replace of an attribute written as a literal
// list writes the list of the one value (cidr_blocks = ["0.0.0.0/0"]
// becomes the organisation's ["10.20.0.0/16"]); one written as another
// expression (var.cidrs) is not replaced.
func editHCL(body *hclwrite.Body, keys []string, op string, val any) error {
	for i, k := range keys {
		last := i == len(keys)-1
		if a := body.GetAttribute(k); a != nil {
			if last {
				if op == "fill" {
					return nil
				}
				return editAttr(body, k, a, op, val)
			}
			if i != len(keys)-2 {
				return notHereP("fixnote.hcl_object_depth", strings.Join(keys, "."))
			}
			return editObjectKey(body, k, a, keys[i+1], op, val)
		}
		var blocks []*hclwrite.Block
		for _, b := range body.Blocks() {
			if b.Type() == k {
				blocks = append(blocks, b)
			}
		}
		switch {
		case len(blocks) > 1:
			return notHereP("fixnote.hcl_blocks", strings.Join(keys, "."), len(blocks), k)
		case len(blocks) == 1 && last:
			if op == "delete" {
				body.RemoveBlock(blocks[0])
				return nil
			}
			return notHereP("fixnote.hcl_is_block", strings.Join(keys, "."))
		case len(blocks) == 1:
			body = blocks[0].Body()
			continue
		}
		// neither attribute nor block: missing
		switch {
		case op == "delete" || op == "replace":
			return nil // nothing to remove, or to replace
		case last && (op == "set" || op == "fill"):
			cv, err := ctyValue(val)
			if err != nil {
				return err
			}
			body.SetAttributeValue(k, cv)
			return nil
		case last: // add: a new list
			cv, err := ctyValue(val)
			if err != nil {
				return err
			}
			body.SetAttributeValue(k, cty.TupleVal([]cty.Value{cv}))
			return nil
		}
		body = body.AppendNewBlock(k, nil).Body()
	}
	return nil
}

// editAttr sets (replaces), deletes or extends an existing attribute.
func editAttr(body *hclwrite.Body, name string, a *hclwrite.Attribute, op string, val any) error {
	switch op {
	case "delete":
		body.RemoveAttribute(name)
		return nil
	case "set", "replace":
		cv, err := ctyValue(val)
		if err != nil {
			return err
		}
		if op == "replace" {
			switch {
			case literalList(a):
				// a list of CIDR ranges written as [ ... ] becomes the
				// one the value names: the attribute keeps its type
				cv = cty.TupleVal([]cty.Value{cv})
			case !literalScalar(a):
				// var.cidrs or a function: whether it is a list or a
				// string is not in the text, and a guess breaks the plan
				return notHereP("fixnote.hcl_expression", name, strings.TrimSpace(string(a.Expr().BuildTokens(nil).Bytes())))
			}
		}
		want := strings.TrimSpace(string(hclwrite.TokensForValue(cv).Bytes()))
		if strings.TrimSpace(string(a.Expr().BuildTokens(nil).Bytes())) == want {
			return nil
		}
		body.SetAttributeValue(name, cv)
		return nil
	}
	// add to a literal list [a, b]
	toks := a.Expr().BuildTokens(nil)
	if len(toks) < 2 || toks[0].Type != hclsyntax.TokenOBrack || toks[len(toks)-1].Type != hclsyntax.TokenCBrack {
		return notHereP("fixnote.hcl_not_list", name)
	}
	cv, err := ctyValue(val)
	if err != nil {
		return err
	}
	item := hclwrite.TokensForValue(cv)
	if bytes.Contains(toks.Bytes(), bytes.TrimSpace(item.Bytes())) {
		return nil
	}
	var nt hclwrite.Tokens
	nt = append(nt, toks[:len(toks)-1]...)
	if len(toks) > 2 && toks[len(toks)-2].Type != hclsyntax.TokenComma && toks[len(toks)-2].Type != hclsyntax.TokenNewline {
		nt = append(nt, &hclwrite.Token{Type: hclsyntax.TokenComma, Bytes: []byte(",")})
		item[0].SpacesBefore = 1
	}
	nt = append(nt, item...)
	nt = append(nt, toks[len(toks)-1])
	body.SetAttributeRaw(name, nt)
	return nil
}

// literalList reports an attribute written as a literal list [ ... ].
func literalList(a *hclwrite.Attribute) bool {
	toks := a.Expr().BuildTokens(nil)
	return len(toks) >= 2 && toks[0].Type == hclsyntax.TokenOBrack && toks[len(toks)-1].Type == hclsyntax.TokenCBrack
}

// literalScalar reports an attribute written as a string, number or
// boolean that needs nothing to evaluate (no reference, no function).
func literalScalar(a *hclwrite.Attribute) bool {
	src := bytes.TrimSpace(a.Expr().BuildTokens(nil).Bytes())
	expr, diags := hclsyntax.ParseExpression(src, "", hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		return false
	}
	v, diags := expr.Value(nil) // no variables or functions: a reference fails
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() {
		return false
	}
	t := v.Type()
	return t == cty.String || t == cty.Number || t == cty.Bool
}

// editObjectKey sets, replaces or deletes one key of an attribute written
// as a literal object (tags = { team = "x" }).
func editObjectKey(body *hclwrite.Body, name string, a *hclwrite.Attribute, key, op string, val any) error {
	toks := a.Expr().BuildTokens(nil)
	if len(toks) < 2 || toks[0].Type != hclsyntax.TokenOBrace || toks[len(toks)-1].Type != hclsyntax.TokenCBrace {
		return notHereP("fixnote.hcl_not_object", name)
	}
	// find "key =" at depth 1
	depth := 0
	at := -1
	for i, t := range toks {
		switch t.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen:
			depth++
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen:
			depth--
		}
		if depth == 1 && i+1 < len(toks) && (toks[i+1].Type == hclsyntax.TokenEqual || toks[i+1].Type == hclsyntax.TokenColon) && tokenKey(toks, i) == key {
			at = i
			break
		}
	}
	if op == "add" {
		return notHereP("fixnote.hcl_add_to_object", name, key)
	}
	if op == "fill" {
		if at >= 0 {
			return nil
		}
		op = "set"
	}
	var cv cty.Value
	if op == "set" || op == "replace" {
		var err error
		if cv, err = ctyValue(val); err != nil {
			return err
		}
	}
	if at >= 0 {
		// the value runs to the end of the line (or a comma) at depth 1
		end := at + 2
		d := 0
		for ; end < len(toks)-1; end++ {
			t := toks[end]
			switch t.Type {
			case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen:
				d++
			case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen:
				d--
			}
			if d == 0 && (t.Type == hclsyntax.TokenNewline || t.Type == hclsyntax.TokenComma) {
				break
			}
		}
		var nt hclwrite.Tokens
		if op == "delete" {
			start := at
			if end < len(toks)-1 {
				end++ // the newline or comma
			}
			nt = append(append(nt, toks[:start]...), toks[end:]...)
		} else {
			old := strings.TrimSpace(string(hclwrite.Tokens(toks[at+2 : end]).Bytes()))
			nv := hclwrite.TokensForValue(cv)
			if old == strings.TrimSpace(string(nv.Bytes())) {
				return nil
			}
			nv[0].SpacesBefore = 1
			nt = append(append(append(nt, toks[:at+2]...), nv...), toks[end:]...)
		}
		body.SetAttributeRaw(name, nt)
		return nil
	}
	if op == "delete" || op == "replace" {
		return nil // not there: nothing to remove, or to replace
	}
	// a new key before the closing brace, on a line of its own
	var nt hclwrite.Tokens
	closing := toks[len(toks)-1]
	nt = append(nt, toks[:len(toks)-1]...)
	if prev := nt[len(nt)-1]; prev.Type != hclsyntax.TokenNewline {
		nt = append(nt, &hclwrite.Token{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")})
	}
	nt = append(nt, keyTokens(key)...)
	nt = append(nt, &hclwrite.Token{Type: hclsyntax.TokenEqual, Bytes: []byte("="), SpacesBefore: 1})
	nv := hclwrite.TokensForValue(cv)
	nv[0].SpacesBefore = 1
	nt = append(nt, nv...)
	nt = append(nt, &hclwrite.Token{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")}, closing)
	body.SetAttributeRaw(name, nt)
	return nil
}

// tokenKey reads the object key at toks[i]: an identifier or a quoted
// string ("team" is three tokens; the one before "=" is the closing quote).
func tokenKey(toks hclwrite.Tokens, i int) string {
	t := toks[i]
	switch t.Type {
	case hclsyntax.TokenIdent:
		return string(t.Bytes)
	case hclsyntax.TokenCQuote:
		if i >= 2 && toks[i-1].Type == hclsyntax.TokenQuotedLit && toks[i-2].Type == hclsyntax.TokenOQuote {
			return string(toks[i-1].Bytes)
		}
	}
	return ""
}

func keyTokens(key string) hclwrite.Tokens {
	if hclsyntax.ValidIdentifier(key) {
		return hclwrite.Tokens{{Type: hclsyntax.TokenIdent, Bytes: []byte(key)}}
	}
	return hclwrite.TokensForValue(cty.StringVal(key))
}

// keepSpacing undoes what hclwrite changed without being asked: it
// re-spaces some expressions as it prints them (tags = { Name  = "x" }
// comes back as Name = "x"). A line whose words are those of the original
// line is the original line.
func keepSpacing(src, out string) string {
	a, b := rawLines(src), rawLines(out)
	norm := func(ls []string) []string {
		out := make([]string, len(ls))
		for i, l := range ls {
			out[i] = strings.Join(strings.Fields(l), " ")
		}
		return out
	}
	var sb strings.Builder
	for _, op := range difflib.NewMatcher(norm(a), norm(b)).GetOpCodes() {
		from := b[op.J1:op.J2]
		if op.Tag == 'e' {
			from = a[op.I1:op.I2]
		}
		for _, l := range from {
			sb.WriteString(l)
		}
	}
	return sb.String()
}

// formatChanged formats the lines of out that differ from src, and only
// those: hclwrite.Format keeps the number of lines, so each changed line
// is replaced by its formatted form.
func formatChanged(src, out string) string {
	fmtd := rawLines(string(hclwrite.Format([]byte(out))))
	lines := rawLines(out)
	if len(fmtd) != len(lines) {
		return out
	}
	// the lines of out that were inserted or replaced
	changed := map[int]bool{}
	// and those the matcher took for an original line they only look
	// like: a new block's closing brace matched with the resource's
	// ("}" both), which formatting indents as its own block's. A line
	// whose indentation formatting gives as before keeps its spacing.
	fsrc := rawLines(string(hclwrite.Format([]byte(src))))
	if len(fsrc) != len(rawLines(src)) {
		fsrc = nil
	}
	for _, op := range difflib.NewMatcher(rawLines(src), lines).GetOpCodes() {
		if op.Tag != 'e' {
			for j := op.J1; j < op.J2; j++ {
				changed[j] = true
			}
			continue
		}
		for k := 0; fsrc != nil && k < op.J2-op.J1; k++ {
			if leading(fsrc[op.I1+k]) != leading(fmtd[op.J1+k]) {
				changed[op.J1+k] = true
			}
		}
	}
	var sb strings.Builder
	for i, l := range lines {
		if changed[i] {
			sb.WriteString(fmtd[i])
		} else {
			sb.WriteString(l)
		}
	}
	return sb.String()
}

// leading is the leading blanks of a line.
func leading(l string) string {
	return l[:len(l)-len(strings.TrimLeft(l, " \t"))]
}
