"""The selector grammar: text in, chains of steps out.

Grammar (spaces around ``>``, ``~``, ``+`` and ``,`` are optional)::

    selectors  := selector ("," selector)*
    selector   := compound (combinator compound)*
    combinator := " "            the right span is a descendant of the left one
                | ">"            the right span is a child of the left one
                | "~"            the right span is a later sibling of the left one
                | "+"            the right span is the sibling right after the left one
    compound   := name? (filter | pseudo)*          at least one of the three
    name       := bare glob      e.g. tool.execute.*   (no spaces, no > + ~ , [ ] : ( ) quotes)
                | "quoted"       e.g. "POST /chat"     (names with spaces must be quoted)
    filter     := "[" key "]"                 the attribute is there
                | "[!" key "]"                the attribute is not there
                | "[" key "=" value "]"       equal
                | "[" key "!=" value "]"     absent or different
                | "[" key "^=" value "]"     the value starts with the text
                | "[" key "$=" value "]"     the value ends with the text
                | "[" key "*=" value "]"     the value contains the text
                | "[" key "~=" value "]"     regex found in the value (re.search)
                | "[" key ("<"|"<="|">"|">=") number "]"    a numeric attribute compared
                | "[duration" ("<"|"<="|">"|">=") number unit "]"   the span's own duration
    unit       := ns | us | µs | ms | s
    value      := "quoted string" | true | false | integer | float | bare text
    pseudo     := ":error" | ":ok" | ":unset"                       status
                | ":server" | ":client" | ":internal" | ":producer" | ":consumer"   kind
                | ":root" | ":orphan" | ":leaf"
                | ":not(" selectors ")"       picked by none of them
                | ":has(" relative ("," relative)* ")"   a span reached from this one exists
    relative   := combinator? selector      no combinator means a descendant

A bare value is typed and compared by the one value rule (``typed_equal``): ``false``
matches the boolean False (and the string "false"), never 0; ``200`` matches the integer
200 (and the string "200"), never True or 200.0; ``0.5`` matches only the float 0.5 (and
the string "0.5"). A quoted value matches only that string. A quoted key is always an
attribute: ``["duration"<5]`` compares an attribute named duration.

Example:
    >>> [step.name for step in parse_chains('"POST /chat" > tool.*')[0].compounds]
    ['POST /chat', 'tool.*']
    >>> parse_chains("a + b ~ c")[0].combinators
    ('+', '~')
"""

from __future__ import annotations

import re

from pytest_filagent_trace._select.brackets import read_filter
from pytest_filagent_trace._select.chains import Chain
from pytest_filagent_trace._select.cursor import Cursor, SelectorSyntaxError, typed_literal
from pytest_filagent_trace._select.filters import PSEUDOS, Compound, NodeTest, Pseudo
from pytest_filagent_trace._select.relations import Has, Not

__all__ = ["SelectorSyntaxError", "parse_chains", "typed_literal"]

_NAME_STOP = frozenset(" \t\n>+~,[]:\"'()")
_PSEUDO = re.compile(r"[a-z][a-z-]*")
_FUNCTIONAL = ("not", "has")
_HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
_ANCHOR = Compound(None)


def parse_chains(text: str) -> tuple[Chain, ...]:
    """The comma-separated chains of ``text``; raises :class:`SelectorSyntaxError`.

    Example:
        >>> [chain.combinators for chain in parse_chains("a > b c, d")]
        [('>', ' '), ()]
    """
    parser = _Parser(text)
    parser.spaces()
    if not parser.peek():
        raise parser.fail("empty selector: expected a span name, [attribute] or :pseudo")
    chains = parser.chains(relative=False)
    if parser.peek():
        raise parser.fail(f"unexpected {parser.found()}")
    return chains


class _Parser(Cursor):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0

    def chains(self, *, relative: bool) -> tuple[Chain, ...]:
        chains = [self.chain(relative)]
        while self.peek() == ",":
            self.pos += 1
            self.spaces()
            chains.append(self.chain(relative))
        return tuple(chains)

    def ends_chain(self) -> bool:
        return self.peek() in ("", ",") or (self.depth > 0 and self.peek() == ")")

    def combinator(self) -> str | None:
        char = self.peek()
        if char in (">", "~", "+"):
            self.pos += 1
            self.spaces()
            return char
        return None

    def chain(self, relative: bool) -> Chain:
        compounds: list[Compound] = []
        combinators: list[str] = []
        if relative:
            compounds.append(_ANCHOR)
            combinators.append(self.combinator() or " ")
        compounds.append(self.compound())
        while True:
            gap = self.pos
            spaced = self.spaces()
            combinator = self.combinator()
            if combinator is not None:
                combinators.append(combinator)
            elif self.ends_chain():
                return Chain(tuple(compounds), tuple(combinators), relative)
            elif spaced:
                combinators.append(" ")
                self._check_unquoted_name(compounds[-1], gap)
            else:
                raise self.fail(f"unexpected {self.found()}")
            compounds.append(self.compound())

    def _check_unquoted_name(self, left: Compound, gap: int) -> None:
        # "POST /chat" written without quotes would silently select nothing.
        if left.name in _HTTP_METHODS and not left.tests and self.peek() == "/":
            rest = self.run(_NAME_STOP)
            raise self.fail(
                "span names with spaces must be quoted:"
                f' write "{left.name} {rest}" (a space means "descendant of")',
                gap,
            )

    def compound(self) -> Compound:
        start = self.pos
        name: str | None = None
        if self.peek() in ("'", '"'):
            name = self.string()
        else:
            bare = self.run(_NAME_STOP)
            name = bare or None
        tests: list[NodeTest] = []
        while self.peek() in ("[", ":"):
            tests.append(read_filter(self) if self.peek() == "[" else self.pseudo())
        if name is None and not tests:
            raise self.fail(
                f"expected a span name, [attribute] or :pseudo, found {self.found()}", start
            )
        # Structural tests walk other spans: ask them last, once the cheap ones passed.
        tests.sort(key=lambda test: isinstance(test, (Not, Has)))
        return Compound(name, tuple(tests))

    def pseudo(self) -> NodeTest:
        colon = self.pos
        self.pos += 1
        match = _PSEUDO.match(self.text, self.pos)
        word = match.group() if match else ""
        functional = match is not None and self.text.startswith("(", match.end())
        if word in _FUNCTIONAL:
            assert match is not None
            if not functional:
                raise self.fail(f'expected "(" after :{word}: write :{word}(selector)', match.end())
            self.pos = match.end()
            return self.functional(word, colon)
        if match is None or word not in PSEUDOS:
            if functional:
                raise self.fail(
                    f"unknown pseudo-class :{word}(...); the ones that take a selector are"
                    " :not(...) and :has(...)",
                    colon,
                )
            shown = word or self.peek()
            raise self.fail(
                f"unknown pseudo-class :{shown}; expected one of "
                + ", ".join(f":{p}" for p in PSEUDOS),
                colon,
            )
        self.pos = match.end()
        return Pseudo(word)

    def functional(self, word: str, colon: int) -> NodeTest:
        self.pos += 1  # the "("
        self.spaces()
        if self.peek() == ")":
            raise self.fail(f'expected a selector inside :{word}(...), found ")"')
        self.depth += 1
        chains = self.chains(relative=word == "has")
        self.depth -= 1
        self.spaces()
        if self.peek() != ")":
            raise self.fail(
                f'expected ")" to close :{word}( opened at column {colon + 1}, found {self.found()}'
            )
        self.pos += 1
        return Has(chains) if word == "has" else Not(chains)
