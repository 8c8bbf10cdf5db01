"""Detection, side by side: plain Schemathesis CLI vs cognitive-conformance, over the fault catalogue.

For every emulator fault (``conformance emulator --list-faults``) both tools check the same
emulator (same fault, same service and API version, same example budget):

* **plain Schemathesis**: ``st run <rendered spec> --url … --checks all -n N`` with all its
  phases (examples, coverage, fuzzing, stateful). Plain Schemathesis already reports
  failures against the *faithful* emulator (e.g. schema-valid inputs the documents reject
  on semantics), and which ones varies from run to run. Its noise floor is the union of
  ``--controls`` runs against the faithful emulator; a fault counts as caught only when a
  run reports a (failure code, operation) outside that union. The table shows those new
  failures, so a reader can judge whether they are about the fault or still noise.
* **ours**: ``conformance selftest`` logic: caught when the check the fault names fires.

Run:

    .venv/bin/python benchmarks/detection.py [--max-examples 10] [--fault NAME]...

Prints a table per fault and both catch rates and wall times.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emulator, machine  # noqa: E402

from cognitive_conformance.conformance import selftest, spec as spec_module  # noqa: E402

KEY = "b3nchk3y00000000000000000000beef"


def _st_failures(spec_path: Path, fault: str | None, max_examples: int, seed: int) -> tuple[set[tuple[str, str]], float]:
    args = ("--fault", fault) if fault else ()
    with emulator("--training-seconds", "0.2", *args, key=KEY) as url, tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).with_name("st")), "run", str(spec_path), "--url", url,
             "-H", f"Ocp-Apim-Subscription-Key: {KEY}", "--checks", "all", "-n", str(max_examples),
             "--seed", str(seed), "--report", "json", "--report-dir", out, "--no-color"],
            capture_output=True, text=True, timeout=900,
        )
        wall = time.perf_counter() - t0
        reports = list(Path(out).glob("*.json"))
        data = json.loads(reports[0].read_text()) if reports else {"failures": []}
    found = {(f["code"], op) for f in data.get("failures", []) for op in f.get("operations", [])}
    return found, wall


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=10)
    parser.add_argument("--fault", action="append", default=[])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--controls", type=int, default=3, help="faithful runs whose failures form st's noise floor")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    catalogue = [e for e in selftest.load_catalogue() if not args.fault or e["name"] in args.fault]

    # plain Schemathesis
    specs: dict[tuple[str, str], Path] = {}
    tmp = Path(tempfile.mkdtemp())
    controls: dict[tuple[str, str], set] = {}
    st_rows = {}
    st_total = 0.0
    for entry in catalogue:
        service = entry["service"]
        version = entry.get("api_version") or spec_module.default_api_version(service)
        key = (service, version)
        if key not in specs:
            path = tmp / f"{service}-{version}.json"
            path.write_text(json.dumps(spec_module.render(service, version)))
            specs[key] = path
            controls[key] = set()
            for i in range(args.controls):
                found, wall = _st_failures(path, None, args.max_examples, args.seed)
                controls[key] |= found
                st_total += wall
                print(f"st control {i + 1} {service} {version}: {len(found)} (code, operation) failures on the faithful emulator in {wall:.1f} s")
        found, wall = _st_failures(specs[key], entry["name"], args.max_examples, args.seed)
        st_total += wall
        new = sorted(found - controls[key])
        st_rows[entry["name"]] = (bool(new), new, wall)

    # ours
    t0 = time.perf_counter()
    ours = selftest.run_selftest(faults=tuple(e["name"] for e in catalogue), max_examples=args.max_examples, workers=1)
    ours_total = time.perf_counter() - t0
    ours_rows = {f.fault: f for f in ours.faults}

    print(f"\n{'fault':38} {'service':12} {'plain schemathesis':20} {'cognitive-conformance':22} what st reported beyond its noise floor")
    for entry in catalogue:
        caught, new, wall = st_rows[entry["name"]]
        mine = ours_rows[entry["name"]]
        st_cell = f"{'caught' if caught else 'missed'} ({wall:.1f} s)"
        our_cell = f"{'caught' if mine.caught else 'missed'} ({mine.duration_s:.1f} s)"
        extra = "; ".join(f"{code} {op}" for code, op in new[:2]) + (f" (+{len(new) - 2})" if len(new) > 2 else "")
        print(f"{entry['name']:38} {entry['service']:12} {st_cell:20} {our_cell:22} {extra}")
    n = len(catalogue)
    st_caught = sum(1 for r in st_rows.values() if r[0])
    print(f"\nplain Schemathesis:     {st_caught}/{n} = {st_caught / n:.0%} caught, {st_total:.1f} s total "
          f"({sum(len(c) for c in controls.values())} distinct failures already on the faithful emulator over {args.controls} control runs)")
    print(f"cognitive-conformance:  {ours.caught}/{n} = {ours.score:.0%} caught, {ours_total:.1f} s total "
          f"(control: {'clean' if ours.control_clean else 'NOT clean'}), same example budget -n {args.max_examples}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
