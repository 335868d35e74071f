"""Safe YAML parsing into line-numbered nodes, refusing anchors, aliases and deep nesting."""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_DEPTH = 8
STR_TAG = "tag:yaml.org,2002:str"
TAG_NAMES = {
    "tag:yaml.org,2002:bool": "a yes/no value",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "an empty value",
    "tag:yaml.org,2002:timestamp": "a date",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a file, printed as `path:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {one_line(self.message)}"


def one_line(text: str) -> str:
    """Escape line breaks and other control characters so a problem stays on one line."""
    return "".join(char if char.isprintable() or char == " " else repr(char)[1:-1] for char in text)


def line_of(node: Node) -> int:
    """The 1-based line a node starts on."""
    return int(node.start_mark.line) + 1


def _mark_line(error: yaml.YAMLError) -> int:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return int(mark.line) + 1 if mark is not None else 1


def _yaml_message(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    context = getattr(error, "context", None)
    text = f"{context}, {problem}" if context else str(problem)
    return f"YAML syntax error: {text}"


def _scan(text: str, path: str) -> list[Problem]:
    """Walk the event stream first, so an alias bomb or deep nesting is refused unexpanded."""
    problems: list[Problem] = []
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = int(event.start_mark.line) + 1 if event.start_mark else 1
        if isinstance(event, yaml.AliasEvent):
            problems.append(Problem(path, line, "YAML aliases (*name) are not allowed"))
        elif getattr(event, "anchor", None):
            problems.append(Problem(path, line, "YAML anchors (&name) are not allowed"))
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                problems.append(Problem(path, line, f"nested deeper than {MAX_DEPTH} levels"))
                return problems
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return problems


def parse(text: str, path: str) -> tuple[Node | None, list[Problem]]:
    """The document's root node, or None with the problems that prevent reading it."""
    try:
        problems = _scan(text, path)
        if problems:
            return None, problems
        return yaml.compose(text, Loader=yaml.SafeLoader), []
    except yaml.YAMLError as error:
        return None, [Problem(path, _mark_line(error), _yaml_message(error))]


def kind_of(node: Node) -> str:
    """How a node reads in an error message."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, ScalarNode) and node.tag != STR_TAG:
        return TAG_NAMES.get(node.tag, "a value")
    return "text"
