"""Every citation in the product points at something a reader can open.

A rule, a spec's ``x-source``, a fault's ``breaks`` text or a docstring may cite a public web
page (a learn.microsoft.com reference, an ``https://github.com/Azure/azure-rest-api-specs/blob/<commit>/<path>``
file) or a file shipped in this repository (``tests/reference/...``, ``specs/<service>.yaml``). Labels of
documents that exist only outside the repository ("seed 001", "API-DIGEST §1.9", their shorthands such as
FERR or F12, paths under ``/work/shared``) are not allowed in any text of the product a reader sees: specs,
Markdown, and the comments and string literals of its Python modules.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest
import yaml

from cognitive_conformance.conformance.checks.registry import all_checks

ROOT = Path(__file__).resolve().parents[1]
PRODUCT_DIRS = tuple(f"cognitive_conformance/{d}" for d in ("conformance", "emulator", "specs", "strategies"))
TEXT_SUFFIXES = {".py", ".yaml", ".yml", ".md", ".txt", ".json", ".toml", ".cfg"}

# Labels of documents a user of the repository cannot open.
PRIVATE = re.compile(
    r"API-DIGEST"
    r"|(?i:(?<![a-z])seed[\s_]*00\d)"  # "seed 001", "Seed 004", "SEED001", "SEED_001"
    r"|(?<![\w/.-])(?:F10|F12|FTSP|FERR|SR3|SREX|CVEX|FEX1[012])(?![\w-])"  # the digest's shorthands
    r"|\bars:specification/"
    r"|/work/shared|\bSTYLE\.md|\bSCHEMATHESIS\.md"
    r"|(?<!RFC \d{4} )(?<![\w.])§\s?\d"  # a digest section; RFC sections are public
)
URL = re.compile(r"https://[^\s\"'`)<>]+")
REPO_PATH = re.compile(r"(?<![\w/.-])((?:tests|specs|conformance|emulator|strategies)/[\w./-]*[\w/])")


def _prose(path: Path):
    """(first line number, text) of what a reader reads: the whole file, or for a Python module each comment
    and string literal (the replacement fields of an f-string are code and are left out)."""
    src = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        yield 1, src
        return
    kinds = {tokenize.COMMENT, tokenize.STRING} | ({tokenize.FSTRING_MIDDLE} if hasattr(tokenize, "FSTRING_MIDDLE") else set())
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type in kinds:
            text = tok.string
            if "f" in re.match(r"[A-Za-z]*", text).group(0).lower():
                text = re.sub(r"\{[^{}]*\}", "{}", text)
            yield tok.start[0], text


def _private_labels(path: Path) -> list[str]:
    hits = []
    for first, text in _prose(path):
        for m in PRIVATE.finditer(text):  # on the whole text, so a label broken over two lines is found too
            line = first + text.count("\n", 0, m.start())
            hits.append(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name}:{line}: {m.group(0)!r}")
    return hits


def _product_files() -> list[Path]:
    files = []
    for d in PRODUCT_DIRS:
        files += [p for p in sorted((ROOT / d).rglob("*")) if p.suffix in TEXT_SUFFIXES and "__pycache__" not in p.parts]
    return files


def _cites_something(text: str) -> bool:
    """True if ``text`` holds an https URL or names a file (or folder) that exists in this repository."""
    if URL.search(text):
        return True
    # Product files name their siblings relative to the package (specs/face.yaml), docs relative to the repository.
    return any((ROOT / m.group(1)).exists() or (ROOT / "cognitive_conformance" / m.group(1)).exists() for m in REPO_PATH.finditer(text))


def _x_sources(node: object, path: str = "$"):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "x-source":
                yield f"{path}.x-source", value
            else:
                yield from _x_sources(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _x_sources(value, f"{path}[{i}]")


# ----------------------------------------------------------------------------------------------- the predicates


@pytest.mark.parametrize(
    "text",
    ["API-DIGEST §1.9", "seed 001 Response 404", "Seed 004 lists", "_SEED001_SHAPE", "(FERR 404)", "F12 GetPersonGroup", "SR3 responses",
     "ars:specification/ai/Face/main.tsp", "see /work/shared/SCHEMATHESIS.md", "§2.5 (403)"],
)
def test_private_label_detector_flags(text: str) -> None:
    assert PRIVATE.search(text)


@pytest.mark.parametrize(
    "text",
    ["https://learn.microsoft.com/en-us/azure/ai-services/computer-vision/reference-face-error-codes",
     "tests/reference/azure-examples/face/v1.0/QueuePersonGroupTraining.json", "RFC 9110 §15.5.6",
     "drawn with seed 0", "CV_SOURCE + ' Projects_Create'", "FERRY", "ferr = open_error()"],
)
def test_private_label_detector_passes(text: str) -> None:
    assert not PRIVATE.search(text)


def test_prose_is_comments_and_strings_not_code(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('F12 = "https://x"  # cites seed 001\nmsg = f"{F12} and FERR"\n', encoding="utf-8")
    found = " ".join(text for _, text in _prose(module))
    assert "seed 001" in found and "FERR" in found and "https://x" in found
    assert "F12" not in found  # the name of a constant and an f-string field are code


def test_a_label_broken_over_two_lines_is_found(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('"""Rule.\n\n    Source: the page; seed\n    003 (limits).\n"""\n', encoding="utf-8")
    assert _private_labels(module) == ["m.py:3: 'seed\\n    003'"]


def test_citation_predicate() -> None:
    assert _cites_something("https://github.com/Azure/azure-rest-api-specs/blob/0/x.json CreatePersonGroup")
    assert _cites_something("example tests/reference/azure-examples/speaker-recognition/2021-09-05/createProfile.json")
    assert not _cites_something("example tests/reference/azure-examples/face/v9/Nope.json")
    assert not _cites_something("API-DIGEST §1.2 (F12 CreatePersonGroup)")
    assert not _cites_something("decision")


# ----------------------------------------------------------------------------------------------- the product


def test_product_files_cite_no_private_document() -> None:
    hits = [hit for path in _product_files() for hit in _private_labels(path)]
    assert not hits, "private document labels:\n" + "\n".join(hits)


@pytest.mark.parametrize("spec", sorted(p.name for p in (ROOT / "cognitive_conformance" / "specs").glob("*.yaml")))
def test_every_x_source_cites_a_public_document_or_a_shipped_file(spec: str) -> None:
    document = yaml.safe_load((ROOT / "cognitive_conformance" / "specs" / spec).read_text(encoding="utf-8"))
    sources = list(_x_sources(document))
    assert sources, f"{spec} has no x-source at all"
    bad = [f"{where}: {value!r}" for where, value in sources if not (isinstance(value, str) and _cites_something(value))]
    assert not bad, "x-source citing nothing a reader can open:\n" + "\n".join(bad)


def test_every_registered_rule_cites_a_public_document_or_a_shipped_file() -> None:
    checks = all_checks()
    assert checks
    bad = [f"{c.name}: {c.source!r}" for c in checks if not _cites_something(c.source)]
    assert not bad, "rules whose Source: cites nothing a reader can open:\n" + "\n".join(bad)
