"""Issue #14's size rule for the served scripts: no JavaScript function over ~60 lines.

The scan is a small brace matcher, not a parser: it steps over comments, strings, template literals
and regular expressions, and takes a ``{`` for a function body when it follows ``=>``, or a
parameter list after ``function``, a function's name or a method's name (never after ``if``,
``for``, ``while``, ``switch`` or ``catch``). Only the one-line wrapper web/jsbundle.py puts around
a bundle is left out: a file's own factory or IIFE counts like any function.
(No file over ~600 lines is tests/web/test_jsbundle.py's rule.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient

from web import jsbundle

MAX_FUNCTION_LINES = 60
BLOCK_KEYWORDS = frozenset({"if", "for", "while", "switch", "catch", "with"})
# After these words a "/" starts a regular expression; after any other word it divides.
REGEX_AFTER_WORDS = frozenset({"return", "typeof", "case", "do", "else", "in", "of", "new", "delete",
                               "void", "throw", "instanceof", "yield", "await"})
WORD = re.compile(r"[A-Za-z0-9_$]+")
DECLARERS = frozenset({"function", "const", "let", "var", "class"})
TEMPLATE = "`${"  # marks a brace stack entry opened by ${ inside a template literal


@dataclass(frozen=True)
class JsFunction:
    name: str
    first_line: int  # the line of its opening brace (1-based)
    last_line: int  # the line of its closing brace

    @property
    def lines(self) -> int:
        return self.last_line - self.first_line + 1


@dataclass(frozen=True)
class _Token:
    text: str
    line: int

    @property
    def is_value(self) -> bool:
        """A token after which "/" divides: a name, number, literal or closing bracket."""
        if self.text in REGEX_AFTER_WORDS:
            return False
        return bool(WORD.fullmatch(self.text)) or self.text in {")", "]", "}", "<str>", "<re>", "<tpl>"}


class _Scanner:
    def __init__(self, source: str) -> None:
        self.src, self.i, self.line = source, 0, 1
        self.tokens: list[_Token] = []
        self.parens: list[int] = []  # token index of each open "("
        self.opener: dict[int, int] = {}  # token index of a ")" → that of its "("
        self.braces: list[tuple[str | None, int]] = []  # per open "{": function name (or None), line
        self.found: list[JsFunction] = []
        self.declared: list[str] = []  # names declared at the top level, in order

    def run(self) -> list[JsFunction]:
        while self.i < len(self.src):
            self.step()
        if self.braces or self.parens:
            open_ = f"{len(self.braces)} brace(s), {len(self.parens)} paren(s)"
            raise ValueError(f"unbalanced source: {open_} left open")
        return self.found

    def push(self, text: str, width: int = 0) -> None:
        self.tokens.append(_Token(text, self.line))
        self.i += width

    def skip_to(self, end: int) -> None:
        self.line += self.src.count("\n", self.i, end)
        self.i = end

    def step(self) -> None:
        src, i = self.src, self.i
        c = src[i]
        word = WORD.match(src, i)
        if c.isspace():
            self.skip_to(i + 1)
        elif src.startswith("//", i):
            self.skip_to(src.find("\n", i) if "\n" in src[i:] else len(src))
        elif src.startswith("/*", i):
            self.skip_to(src.index("*/", i) + 2)
        elif c in "'\"":
            self.skip_to(self.string_end(c))
            self.push("<str>")
        elif c == "`":
            self.i += 1
            self.template()
        elif c == "/" and not (self.tokens and self.tokens[-1].is_value):
            self.skip_to(self.regex_end())
            self.push("<re>")
        elif word:
            if not self.braces and not self.parens and self.tokens and self.tokens[-1].text in DECLARERS:
                self.declared.append(word.group())
            self.push(word.group(), len(word.group()))
        elif src.startswith("=>", i):
            self.push("=>", 2)
        else:
            self.punctuation(c)

    def punctuation(self, c: str) -> None:
        if c == "(":
            self.parens.append(len(self.tokens))
        elif c == ")":
            self.opener[len(self.tokens)] = self.parens.pop()
        elif c == "{":
            self.braces.append((self.function_name(), self.line))
        elif c == "}":
            name, first = self.braces.pop()
            if name == TEMPLATE:
                self.i += 1
                self.template()
                return
            if name is not None:
                self.found.append(JsFunction(name, first, self.line))
        self.push(c, 1)

    def string_end(self, quote: str) -> int:
        i = self.i + 1
        while self.src[i] != quote:
            i += 2 if self.src[i] == "\\" else 1
        return i + 1

    def regex_end(self) -> int:
        i, in_class = self.i + 1, False
        while in_class or self.src[i] != "/":
            if self.src[i] == "\n":
                raise ValueError(f"unterminated regular expression on line {self.line}")
            in_class = (in_class or self.src[i] == "[") and self.src[i] != "]"
            i += 2 if self.src[i] == "\\" else 1
        return WORD.match(self.src, i + 1).end() if WORD.match(self.src, i + 1) else i + 1  # its flags

    def template(self) -> None:
        """Step over a template literal's text up to its end, or into its next ${ expression."""
        i = self.i
        while self.src[i] != "`" and not self.src.startswith("${", i):
            i += 2 if self.src[i] == "\\" else 1
        if self.src[i] == "`":
            self.skip_to(i + 1)
            self.push("<tpl>")
        else:
            self.skip_to(i + 2)
            self.braces.append((TEMPLATE, self.line))

    def function_name(self) -> str | None:
        """The name of the function whose body a "{" opens here, or None for any other brace."""
        if not self.tokens:
            return None
        if self.tokens[-1].text == "=>":
            return self.arrow_name()
        if self.tokens[-1].text != ")":
            return None
        k = self.opener[len(self.tokens) - 1]
        before = self.tokens[k - 1].text if k else ""
        if before in BLOCK_KEYWORDS or not WORD.fullmatch(before):
            return None
        return "(anonymous function)" if before == "function" else before

    def arrow_name(self) -> str:
        params = self.tokens[-2]
        k = self.opener[len(self.tokens) - 2] if params.text == ")" else len(self.tokens) - 2
        if k and self.tokens[k - 1].text == "async":
            k -= 1
        if k >= 2 and self.tokens[k - 1].text in {"=", ":"} and WORD.fullmatch(self.tokens[k - 2].text):
            return self.tokens[k - 2].text
        return "(arrow function)"


def functions_in(source: str) -> list[JsFunction]:
    """Every function in source with its span of lines, inner ones before the ones holding them."""
    return _Scanner(source).run()


def declared_in(source: str) -> list[str]:
    """The names source declares at its top level (function, const, let, var, class), repeats kept."""
    scanner = _Scanner(source)
    scanner.run()
    return scanner.declared


def served_source(client: FlaskClient, path: str) -> str:
    """The bundle served at path, less the wrapper web/jsbundle.py adds."""
    response = client.get(path)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    if path.startswith("/static/"):  # a plain file (a module script), not a bundle
        return body
    assert body.startswith(jsbundle.WRAPPER_OPEN) and body.endswith(jsbundle.WRAPPER_CLOSE)
    return body[len(jsbundle.WRAPPER_OPEN):-len(jsbundle.WRAPPER_CLOSE)]


def where(source: str, line: int) -> str:
    """"file:line" for a line of a bundle, from the "// ---- path ----" line before each file."""
    path, start = "?", 0
    for n, text in enumerate(source.splitlines()[:line], start=1):
        marker = re.fullmatch(r"// ---- (.+) ----", text)
        if marker:
            path, start = marker.group(1), n
    return f"{path}:{line - start}"


@pytest.mark.parametrize("path", ["/widget.js", "/player.js", "/static/console.js"])
def test_no_served_function_is_over_the_limit(client: FlaskClient, path: str) -> None:
    source = served_source(client, path)
    found = functions_in(source)
    assert len(found) > 20  # the scan does see the functions (the core alone has 35, the console 37)
    over = [f"{where(source, f.first_line)} {f.name} ({f.lines} lines)"
            for f in found if f.lines > MAX_FUNCTION_LINES]
    assert not over, "\n".join(over)


@pytest.mark.parametrize("path", ["/widget.js", "/player.js"])
def test_no_top_level_name_is_declared_twice(client: FlaskClient, path: str) -> None:
    # The files share the bundle's one scope, where a second "function x" silently replaces the
    # first even in strict mode: small functions split out of closures must keep distinct names.
    names = declared_in(served_source(client, path))
    assert len(names) >= 8  # the core alone declares 8
    assert sorted({name for name in names if names.count(name) > 1}) == []


def long_function(header: str, body_lines: int) -> str:
    body = "".join(f"  total += {n};\n" for n in range(body_lines))
    return f"{header} {{\n  let total = 0;\n{body}  return total;\n}}\n"


@pytest.mark.parametrize("header, name", [
    ("function sum(a, b)", "sum"),
    ("const sum = (a, b) =>", "sum"),
    ("const sum = async (a) =>", "sum"),
    ("const o = { sum(a) ", "sum"),
    ("items.forEach((item) =>", "(arrow function)"),
    ("setTimeout(function ()", "(anonymous function)"),
])
def test_a_known_long_function_is_measured(header: str, name: str) -> None:
    closing = {"const o = { sum(a) ": "};\n", "items.forEach((item) =>": ");\n",
               "setTimeout(function ()": ", 5);\n"}.get(header, "")
    source = long_function(header, 57) + closing  # 61 lines, brace to brace
    assert [(f.name, f.lines) for f in functions_in(source)] == [(name, 61)]


def test_blocks_and_braces_in_literals_are_not_functions() -> None:
    source = (
        "function outer(x) {\n"
        "  if (x) { x += 1; }\n"
        "  for (const k of [1]) { while (k) { break; } }\n"
        "  try { x(); } catch (e) { x = 0; }\n"
        "  const o = { a: 1, b: { c: '}' } };\n"
        '  const s = "{{" + `}${o.a + `{${"}"}`}}` + /[}{]\\/{2}/g.source; // } {\n'
        "  /* { */ return x / 2 / o.a;\n"
        "}\n"
    )
    assert [(f.name, f.first_line, f.last_line) for f in functions_in(source)] == [("outer", 1, 8)]


def test_unbalanced_source_is_an_error_not_a_pass() -> None:
    with pytest.raises(ValueError, match="unbalanced"):
        functions_in("function f() {\n  if (x) {\n}\n")


def test_only_top_level_declarations_are_collected() -> None:
    source = ("const A = 1;\nfunction f(x) { const inner = x; return inner; }\n"
              "(function () { let hidden; })();\nasync function f() {}\nclass C {}\n")
    assert declared_in(source) == ["A", "f", "f", "C"]
