package courses

import (
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// allowedTags are the elements a text lesson may keep. Everything else is unwrapped (its text stays)
// unless it is in droppedTags.
var allowedTags = map[atom.Atom]bool{
	atom.P: true, atom.Br: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.Strong: true, atom.Em: true, atom.Ul: true, atom.Ol: true, atom.Li: true,
	atom.Blockquote: true, atom.A: true,
	atom.Table: true, atom.Caption: true, atom.Thead: true, atom.Tbody: true, atom.Tfoot: true,
	atom.Tr: true, atom.Th: true, atom.Td: true,
}

// droppedTags are removed with everything inside them: their content is code or foreign markup, not
// text a reader should see.
var droppedTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Iframe: true, atom.Object: true, atom.Embed: true,
	atom.Applet: true, atom.Noscript: true, atom.Template: true, atom.Svg: true, atom.Math: true,
	atom.Frame: true, atom.Frameset: true, atom.Noframes: true, atom.Head: true, atom.Title: true,
	atom.Form: true, atom.Select: true, atom.Textarea: true, atom.Button: true, atom.Input: true,
	atom.Link: true, atom.Meta: true, atom.Base: true,
}

var voidTags = map[atom.Atom]bool{atom.Br: true}

// Sanitize keeps the safe subset of rich-text HTML: paragraphs, headings h2-h4, emphasis, lists,
// quotations, tables and links to http, https or mailto addresses. Scripts, styles, frames and
// objects are removed with their content, every attribute other than a link's href (and a cell's
// spans) is dropped, so no event handler survives. The input is parsed as a browser would parse it,
// so tricks with broken markup or encoded entities are seen as the browser sees them, and the output
// is always well formed.
func Sanitize(in string) string {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(in), ctx)
	if err != nil {
		// The HTML5 parser accepts any input; a failure is a read error on a string, i.e. none.
		return html.EscapeString(in)
	}
	var b strings.Builder
	for _, n := range nodes {
		render(&b, n)
	}
	return b.String()
}

func render(b *strings.Builder, n *html.Node) {
	switch n.Type {
	case html.TextNode:
		b.WriteString(html.EscapeString(n.Data))
		return
	case html.ElementNode:
	default:
		// Comments, doctypes and the like carry nothing a reader needs (and comments have hidden
		// conditional markup for old browsers).
		return
	}
	if droppedTags[n.DataAtom] || n.Namespace != "" {
		return
	}
	if !allowedTags[n.DataAtom] {
		renderChildren(b, n)
		return
	}
	b.WriteByte('<')
	b.WriteString(n.DataAtom.String())
	for _, at := range n.Attr {
		if v, ok := keepAttr(n.DataAtom, at); ok {
			b.WriteString(" " + at.Key + `="` + html.EscapeString(v) + `"`)
		}
	}
	if n.DataAtom == atom.A {
		b.WriteString(` rel="noopener noreferrer nofollow"`)
	}
	b.WriteByte('>')
	if voidTags[n.DataAtom] {
		return
	}
	renderChildren(b, n)
	b.WriteString("</" + n.DataAtom.String() + ">")
}

func renderChildren(b *strings.Builder, n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		render(b, c)
	}
}

// keepAttr decides whether an attribute survives, and with what value.
func keepAttr(tag atom.Atom, at html.Attribute) (string, bool) {
	if at.Namespace != "" {
		return "", false
	}
	switch {
	case tag == atom.A && at.Key == "href":
		return safeHref(at.Val)
	case (tag == atom.Td || tag == atom.Th) && (at.Key == "colspan" || at.Key == "rowspan"):
		n, err := strconv.Atoi(strings.TrimSpace(at.Val))
		if err != nil || n < 1 || n > 100 {
			return "", false
		}
		return strconv.Itoa(n), true
	}
	return "", false
}

// safeHref accepts absolute http, https and mailto URLs only. Browsers ignore tabs and newlines
// inside a scheme ("java\tscript:"); url.Parse rejects such control characters, so they fail here.
func safeHref(v string) (string, bool) {
	v = strings.TrimSpace(v)
	u, err := url.Parse(v)
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return "", false
		}
	case "mailto":
		if u.Opaque == "" {
			return "", false
		}
	default:
		return "", false
	}
	return u.String(), true
}
