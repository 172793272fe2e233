"""The imports of this repository's source files, read from their syntax trees."""

from __future__ import annotations

import ast
from pathlib import Path


def imports_of(path: Path, *, type_checking: bool = False) -> set[str]:
    """The modules a file imports, inside functions too: the module of `from a.b import c`
    and, in case c is a module, `a.b.c`. Imports under `if TYPE_CHECKING:` count only with
    `type_checking` (they are never run, but they still say what the file knows about)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if (
            not type_checking
            and isinstance(node, ast.If)
            and ast.unparse(node.test) == "TYPE_CHECKING"
        ):
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(), str(path)))
    return found
