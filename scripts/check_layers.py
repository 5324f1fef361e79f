#!/usr/bin/env python3
"""Checks kubesim's module layering (docs/modules.md): every `#include "kubesim/<m>/..."` in a module's
headers and sources must name the module itself or one it may use. Also keeps third-party headers
inside their module (yaml-cpp in scenario, CLI11 in app) and out of public headers.

Usage: check_layers.py [REPO_ROOT]. Prints each violation as file:line and exits 1 if there are any.
"""
import pathlib
import re
import sys

# module -> modules it may include (besides itself). Mirrors the table in docs/modules.md and the
# DEPS in CMakeLists.txt. Dependencies are transitive in CMake but not here: a module lists exactly
# what it includes directly.
ALLOWED = {
    "base": set(),
    "sim": {"base"},
    "topology": {"base"},
    "api": {"base"},
    "store": {"base", "api"},
    "apiserver": {"base", "sim", "api", "store"},
    "client": {"base", "sim", "api", "apiserver", "store"},
    "controllers": {"base", "client", "api", "sim"},
    "scheduler": {"base", "client", "api", "sim", "topology"},
    "node": {"base", "client", "api", "sim", "topology"},
    "scenario": {"base", "sim", "api", "apiserver", "node", "scheduler", "controllers"},
    "metrics": {"base", "sim", "api"},
    "cluster": {"base", "sim", "api", "store", "apiserver", "client", "controllers", "scheduler", "node", "scenario",
                "metrics"},
    "app": {"base", "cluster", "metrics", "scenario", "scheduler"},
}
# third-party include prefix -> the only modules that may use it (never from include/)
THIRD_PARTY = {"yaml-cpp/": {"scenario"}, "CLI/": {"app"}, "boost/graph": {"topology", "scheduler", "controllers"},
               "boost/math": {"metrics"}}

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]')


def module_of(root: pathlib.Path, path: pathlib.Path):
    rel = path.relative_to(root).parts
    if rel[0] == "include" and len(rel) > 2 and rel[1] == "kubesim":
        return rel[2], True
    if rel[0] == "src" and len(rel) > 1:
        return rel[1], False
    return None, False


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    errors = []
    files = [p for d in ("include", "src") for p in (root / d).rglob("*") if p.suffix in (".hpp", ".cpp")]
    for path in sorted(files):
        module, public = module_of(root, path)
        if module is None:
            continue
        if module not in ALLOWED:
            errors.append(f"{path.relative_to(root)}: unknown module '{module}' (add it to docs/modules.md and here)")
            continue
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            inc = m.group(1)
            where = f"{path.relative_to(root)}:{lineno}"
            if inc.startswith("kubesim/"):
                target = inc.split("/")[1]
                if target != module and target not in ALLOWED[module]:
                    errors.append(f"{where}: module '{module}' may not include '{inc}' (layer rule)")
            for prefix, owners in THIRD_PARTY.items():
                if inc.startswith(prefix) and (module not in owners or public):
                    errors.append(f"{where}: '{inc}' must stay inside the .cpp files of {sorted(owners)}")
    for e in errors:
        print(e)
    if not errors:
        print(f"layering ok: {len(files)} files checked")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
