"""Typed field readers over YAML nodes that record a line-numbered problem instead of raising."""

from __future__ import annotations

import re
from collections.abc import Collection

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .yamlnodes import STR_TAG, Problem, kind_of, line_of

INT_TAG = "tag:yaml.org,2002:int"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_LENGTH = (3, 40)


class FieldReader:
    """Reads one file's nodes and collects every problem it finds."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, node: Node | int, message: str) -> None:
        """Record a problem at a node's line (or a given line)."""
        line = node if isinstance(node, int) else line_of(node)
        self.problems.append(Problem(self.path, line, message))

    def mapping(
        self, node: Node, what: str, allowed: Collection[str], required: Collection[str]
    ) -> dict[str, Node] | None:
        """A mapping's values by key; reports unknown, duplicate and missing keys."""
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what} must be a mapping of keys, not {kind_of(node)}")
            return None
        values: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str) or key not in allowed:
                expected = ", ".join(sorted(allowed))
                shown = str(key) if len(str(key)) <= 40 else str(key)[:40] + "…"
                self.problem(key_node, f"unknown key '{shown}' in {what} (allowed: {expected})")
            elif key in values:
                self.problem(key_node, f"duplicate key '{key}' in {what}")
            else:
                values[key] = value_node
        for key in required:
            if key not in values:
                self.problem(node, f"{what} is missing the key '{key}'")
        return values

    def text(self, node: Node | None, field: str, limit: int) -> str | None:
        """A non-empty string of at most `limit` characters."""
        if node is None:
            return None
        if not isinstance(node, ScalarNode):
            self.problem(node, f"{field} must be text, not {kind_of(node)}")
            return None
        if node.tag != STR_TAG:
            if node.value == "" or node.value == "~":
                self.problem(node, f"{field} is empty")
            else:
                hint = f'YAML reads {node.value} as {kind_of(node)}; quote it: "{node.value}"'
                self.problem(node, f"{field} must be text: {hint}")
            return None
        value = str(node.value).strip()
        if not value:
            self.problem(node, f"{field} is empty")
            return None
        if len(value) > limit:
            self.problem(node, f"{field} is {len(value)} characters; the limit is {limit}")
            return None
        return value

    def text_list(self, node: Node | None, field: str, limit: int) -> list[str] | None:
        """A list of strings, each checked like `text`; None if the list itself is malformed."""
        if node is None:
            return None
        if not isinstance(node, SequenceNode):
            self.problem(node, f"{field} must be a list, not {kind_of(node)}")
            return None
        items = [self.text(item, f"an item of {field}", limit) for item in node.value]
        return [item for item in items if item is not None]

    def ident(self, node: Node | None, field: str) -> str | None:
        """An id: lower-case letters, digits and single hyphens."""
        value = self.text(node, field, ID_LENGTH[1])
        if value is None or node is None:
            return None
        if not ID_PATTERN.match(value) or len(value) < ID_LENGTH[0]:
            self.problem(
                node,
                f"{field} '{value}' is malformed: use {ID_LENGTH[0]}-{ID_LENGTH[1]} lower-case "
                "letters, digits and single hyphens",
            )
            return None
        return value

    def choice(self, node: Node | None, field: str, options: Collection[str]) -> str | None:
        """A string that must be one of `options`."""
        value = self.text(node, field, 40)
        if value is None or node is None:
            return None
        if value not in options:
            self.problem(node, f"{field} '{value}' is unknown (expected {', '.join(options)})")
            return None
        return value

    def integer(self, node: Node | None, field: str, low: int, high: int) -> int | None:
        """A whole number between low and high."""
        if node is None:
            return None
        if not isinstance(node, ScalarNode) or node.tag != INT_TAG:
            self.problem(node, f"{field} must be a whole number of seconds ({low}-{high})")
            return None
        try:
            value = int(str(node.value).replace("_", ""), 0)
        except ValueError:
            self.problem(node, f"{field} must be a whole number of seconds ({low}-{high})")
            return None
        if not low <= value <= high:
            self.problem(node, f"{field} is {value}; it must be between {low} and {high}")
            return None
        return value
