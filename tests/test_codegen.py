"""Typed clients (issue #14): a frontend generates TypeScript types and typed documents from
schema/schema.graphql with GraphQL Code Generator's client preset, through
docs/codegen.yml as it is.

The documents are the README's example operations (every ```graphql block, one file per
operation), so the examples stay valid against the schema: codegen fails on an invalid
operation. Then `tsc --noEmit --strict` compiles the generated code with
tests/node/typed_client.ts, which imports the typed documents and checks the result
types' nullability and enums. The tools are tests/node's, pinned by its lockfile.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, parse

from tests.conftest import ensure_node_clients

REPO = Path(__file__).resolve().parent.parent
# The documentation's example operations: the README's and the guide's.
DOCUMENTED = (REPO / "README.md", REPO / "docs" / "guide.md")
CONFIG = REPO / "docs" / "codegen.yml"
SDL = REPO / "schema" / "schema.graphql"
TYPED_CLIENT = Path(__file__).resolve().parent / "node" / "typed_client.ts"

TSCONFIG = """{"compilerOptions": {"strict": true, "noEmit": true, "target": "ES2022",
  "lib": ["ES2022"], "module": "ESNext", "moduleResolution": "Bundler", "types": [],
  "skipLibCheck": true}, "include": ["src"]}
"""


def readme_operations() -> dict[str, str]:
    """Operation name -> its text, from every ```graphql block of the README and the
    guide (docs/guide.md)."""
    operations: dict[str, str] = {}
    text = "\n".join(path.read_text() for path in DOCUMENTED)
    blocks = re.findall(r"^```graphql\n(.*?)^```", text, re.S | re.M)
    assert blocks, "no ```graphql block in the README or the guide"
    for block in blocks:
        for definition in parse(block).definitions:
            assert isinstance(definition, OperationDefinitionNode), definition.kind
            assert definition.name, f"name every README operation: {block[:80]!r}"
            name = definition.name.value
            assert name not in operations, f"two README operations named {name}"
            assert definition.loc is not None
            operations[name] = block[definition.loc.start : definition.loc.end]
    return operations


def _frontend(root: Path, node_dir: Path, operations: dict[str, str]) -> Path:
    """A frontend's checkout as docs/codegen.yml expects it: documents under src/."""
    (root / "src" / "operations").mkdir(parents=True)
    (root / "node_modules").symlink_to(node_dir / "node_modules", target_is_directory=True)
    (root / "tsconfig.json").write_text(TSCONFIG)
    for name, text in operations.items():
        (root / "src" / "operations" / f"{name}.graphql").write_text(text + "\n")
    (root / "src" / "typed_client.ts").write_text(TYPED_CLIENT.read_text())
    return root


async def _run(root: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEONPANDA_SCHEMA": str(SDL), "NO_COLOR": "1"}
    return await asyncio.to_thread(
        subprocess.run,
        ["node", *command],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


async def _codegen(root: Path) -> subprocess.CompletedProcess[str]:
    binary = root / "node_modules" / "@graphql-codegen" / "cli" / "cjs" / "bin.js"
    return await _run(root, str(binary), "--config", str(CONFIG))


@pytest.fixture
async def node_dir() -> Path:
    return await ensure_node_clients()


async def test_readme_operations_generate_types_that_compile_strictly(
    tmp_path: Path, node_dir: Path
) -> None:
    operations = readme_operations()
    root = _frontend(tmp_path / "frontend", node_dir, operations)

    generated = await _codegen(root)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    types = (root / "src" / "gql" / "graphql.ts").read_text()
    for name, text in operations.items():
        kind = text.split(maxsplit=1)[0].capitalize()  # query -> Query
        assert f"export const {name}Document = " in types, name
        assert f"export type {name}{kind} = " in types, name
    assert "export const ViewerNameDocument = " in types  # typed_client.ts's own document

    tsc = root / "node_modules" / "typescript" / "bin" / "tsc"
    compiled = await _run(root, str(tsc), "-p", ".", "--noEmit", "--strict")
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr


async def test_an_invalid_operation_fails_codegen(tmp_path: Path, node_dir: Path) -> None:
    """What keeps the README honest: a document the schema refuses stops codegen."""
    stale = 'query Stale { viewer { workouts(filter: {discipline: "crossfit"}) { totalCount } } }'
    root = _frontend(tmp_path / "frontend", node_dir, {"Stale": stale})
    generated = await _codegen(root)
    output = generated.stdout + generated.stderr
    assert generated.returncode != 0, output
    assert "Document Validation failed" in output and "Stale.graphql" in output, output
    assert not (root / "src" / "gql").exists()
