"""Hostile user text, and a check that rendered HTML is inert. No Django: page tests in real
Chromium import this too.

Every entry tries to run ``alert(...)`` or to create an element with id ``pwned``. Entries are
valid JSON strings (no NUL, no lone surrogates) of at most 10,000 characters, so each one is
also a legal comment body that must round-trip exactly.
"""

from __future__ import annotations

from html.parser import HTMLParser

LONG_WORD = "A" * 10_000
LONG_JS_WORD = ("javascript:alert(1)" * 600)[:10_000]

HOSTILE: list[str] = [
    # Raw HTML: scripts and elements that run code.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src=x onerror=alert(1) id="pwned">',
    "<img src=x onerror=alert(1)//",
    '<div id="pwned" onmouseover="alert(1)">hover</div>',
    '<body onload="alert(1)">',
    '<input autofocus onfocus="alert(1)" id=pwned>',
    '<details open ontoggle="alert(1)">',
    '<video><source onerror="alert(1)"></video>',
    "<svg onload=alert(1)>",
    '<svg><script>alert(1)</script><g id="pwned"/></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">click</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>",
    '<iframe src="javascript:alert(1)" id="pwned"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))" id="pwned">styled</p>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="import" href="data:text/html,<script>alert(1)</script>">',
    '<form action="javascript:alert(1)"><button id=pwned>go</button></form>',
    # Links in HTML, with entity and whitespace tricks.
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">entity</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;script:alert(1)">hex</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href=" JaVaScRiPt:alert(1)">case</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    # Markdown links and images.
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](  javascript:alert(1)  )",
    "[x](&#106;avascript:alert(1))",
    "[x](java%0ascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))",
    '[x](http://example.org "onmouseover=alert(1) id=pwned")',
    "![x](javascript:alert(1))",
    "![x](x onerror=alert(1))",
    '![pwned](http://example.org/x.png "x" onerror="alert(1)")',
    "[![x](javascript:alert(1))](javascript:alert(1))",
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    '[x][evil]\n\n[evil]: data:text/html,<script>alert(1)</script> "t"',
    "<javascript:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "<vbscript:msgbox(1)>",
    "[<img src=x onerror=alert(1)>](http://example.org)",
    "**<script>alert(1)</script>**",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
    "> <img src=x onerror=alert(1)>\n>> > <script>alert(1)</script>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    # Comments, CDATA, broken markup.
    "<!-- --><script>alert(1)</script><!-- -->",
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<a href="javascript:alert(1)" <!-- ">x</a>',
    "<<script>alert(1);//<</script>",
    '"><script>alert(1)</script>',
    "'\"><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><svg/onload=alert(1)>",
    "{{7*7}} {% debug %} ${alert(1)}",
    # Unicode: direction overrides, zero-width characters, look-alikes.
    "\u202e<script>alert(1)</script>\u202c",
    "[\u202eclick me](javascript:alert(1))",
    "\u2066\u2067\u2068<img src=x onerror=alert(1)>\u2069",
    "java\u200bscript:alert(1)",
    "[x](java\u200bscript:alert(1))",
    "<scr\u200bipt>alert(1)</scr\u200bipt>",
    "\ufeff<a href='javascript:alert(1)'>bom</a>",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    # Nested quotes and backticks.
    "`` ` `` <img src=x onerror=alert(1)> ``` `",
    "\"'`\"'`<svg onload=alert(1)>`'\"`'\"",
    # Very long words.
    LONG_WORD,
    LONG_JS_WORD,
    ("<script>alert(1)</script>" * 400)[:10_000],
]

FORBIDDEN_TAGS = frozenset(
    {
        "script",
        "iframe",
        "frame",
        "frameset",
        "svg",
        "math",
        "object",
        "embed",
        "applet",
        "style",
        "meta",
        "link",
        "base",
        "img",
        "form",
    }
)
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
)
SAFE_SCHEMES = ("http:", "https:", "mailto:")


def _normalized(url: str) -> str:
    """What a browser would act on: no whitespace or control characters, lower case."""
    return "".join(ch for ch in url if ord(ch) > 0x20 and ch != "\x7f").lower()


def _safe_url(url: str) -> bool:
    value = _normalized(url)
    if value.startswith(SAFE_SCHEMES):
        return True
    # Relative (no scheme): a colon may only appear after a path, query or fragment begins.
    head = value.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return ":" not in head


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name} attribute on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name == "id" and (value or "").strip().lower() == "pwned":
                self.problems.append(f'<{tag} id="pwned">')
            if name in URL_ATTRIBUTES and value is not None and not _safe_url(value):
                self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"HTML comment {data[:40]!r}")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"declaration {data[:40]!r}")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction {data[:40]!r}")


def inert_problems(html: str) -> list[str]:
    """Everything executable (or that the sanitizer should have removed) in an HTML fragment."""
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems


def assert_inert(html: str) -> None:
    """Fail unless an HTML fragment of user content holds no executable markup."""
    problems = inert_problems(html)
    assert not problems, f"executable markup in {html[:300]!r}: {problems}"


__all__ = ["HOSTILE", "LONG_WORD", "assert_inert", "inert_problems"]
