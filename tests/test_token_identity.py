"""spaCy makes a new Token object on every access (`doc[i]`, `token.head`, `.children`), so
`token.head is token` is never true and a loop climbing to the root with it never ends (it
hung the evaluation once). Tokens are compared by position or with `==`; this guards the
extraction code against the identity test coming back."""

from __future__ import annotations

import ast
from pathlib import Path

import spacy

EXTRACT = Path(__file__).resolve().parents[1] / "src" / "factions" / "extract"
# Names the extraction code gives tokens; an identity test on one of them, or on a `.head`,
# compares tokens.
TOKEN_NAMES = {"token", "verb", "head", "word", "child", "current", "other", "root", "noun"}


def _names_a_token(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute) and node.attr == "head":
        return True
    if isinstance(node, ast.Subscript):
        return _names_a_token(node.value)
    return isinstance(node, ast.Name) and node.id in TOKEN_NAMES


def token_identity_tests(source: str) -> list[str]:
    """The `is` / `is not` comparisons in a module's source that compare tokens."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        for index, op in enumerate(node.ops):
            if isinstance(op, ast.Is | ast.IsNot) and (
                _names_a_token(sides[index]) and _names_a_token(sides[index + 1])
            ):
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_a_token_is_a_new_object_on_every_access() -> None:
    doc = spacy.blank("en")("The group attacked the town.")
    assert doc[1] is not doc[1]
    assert doc[1] == doc[1]


def test_the_checker_finds_an_identity_test_between_tokens() -> None:
    source = "def f(head):\n    while head.head is not head:\n        head = head.head\n"
    assert token_identity_tests(source) == ["line 2: head.head is not head"]
    assert token_identity_tests("def f(head):\n    return head.head.i == head.i\n") == []


def test_extraction_never_compares_tokens_by_identity() -> None:
    offenders = {
        path.name: found
        for path in sorted(EXTRACT.glob("*.py"))
        if (found := token_identity_tests(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
