package courses

import "testing"

func TestSanitize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain paragraph", "<p>依法行政</p>", "<p>依法行政</p>"},
		{"script removed with content", "<p>a</p><script>alert(1)</script><p>b</p>", "<p>a</p><p>b</p>"},
		{"style removed", "<style>p{color:red}</style><p>x</p>", "<p>x</p>"},
		{"iframe and object removed", `<iframe src="https://evil"></iframe><object data="x"></object>ok`, "ok"},
		{"event attribute dropped", `<p onclick="alert(1)" onmouseover="x()">hi</p>`, "<p>hi</p>"},
		{"event on image: tag unknown, dropped", `<img src=x onerror=alert(1)>t`, "t"},
		{"javascript link", `<a href="javascript:alert(1)">x</a>`, `<a rel="noopener noreferrer nofollow">x</a>`},
		{"javascript link, upper case", `<a href="JaVaScRiPt:alert(1)">x</a>`, `<a rel="noopener noreferrer nofollow">x</a>`},
		{"javascript link, entity encoded", `<a href="&#106;avascript:alert(1)">x</a>`, `<a rel="noopener noreferrer nofollow">x</a>`},
		{"javascript link, tab inside", "<a href=\"java\tscript:alert(1)\">x</a>", `<a rel="noopener noreferrer nofollow">x</a>`},
		{"data link", `<a href="data:text/html,<script>alert(1)</script>">x</a>`, `<a rel="noopener noreferrer nofollow">x</a>`},
		{"https link kept", `<a href="https://www.gov.cn/a?b=1&c=2" target="_blank">法</a>`, `<a href="https://www.gov.cn/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">法</a>`},
		{"mailto kept", `<a href="mailto:fz@example.cn">m</a>`, `<a href="mailto:fz@example.cn" rel="noopener noreferrer nofollow">m</a>`},
		{"relative link dropped", `<a href="/admin">x</a>`, `<a rel="noopener noreferrer nofollow">x</a>`},
		{"unknown tag unwrapped", "<div><span>文</span></div>", "文"},
		{"headings", "<h1>a</h1><h2>b</h2><h4>c</h4>", "a<h2>b</h2><h4>c</h4>"},
		{"lists and emphasis", "<ul><li><strong>一</strong></li><li><em>二</em></li></ul>", "<ul><li><strong>一</strong></li><li><em>二</em></li></ul>"},
		{"table with span", `<table><tr><td colspan="2" style="x">a</td></tr></table>`, `<table><tbody><tr><td colspan="2">a</td></tr></tbody></table>`},
		{"unclosed tags closed", "<p><strong>x", "<p><strong>x</strong></p>"},
		{"comment dropped", "<!-- <script>x</script> -->y", "y"},
		{"text escaped", "a < b & c", "a &lt; b &amp; c"},
		{"svg with script", `<svg><script>alert(1)</script></svg>z`, "z"},
		{"broken markup script", `<scr<script>ipt>alert(1)</script>`, "ipt&gt;alert(1)"},
		{"br kept", "a<br>b", "a<br>b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sanitize(tc.in); got != tc.want {
				t.Errorf("Sanitize(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}
