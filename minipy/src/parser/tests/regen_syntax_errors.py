#!/usr/bin/env python3
"""Recomputes the headers of syntax_errors.txt with CPython 3.11.

Each case's kind, line, column and message become what CPython's
compile() reports for its source. A column marked "-" (where minipy's
caret differs from CPython's) stays so. To add a case, append a header
line ("=== ? | 0 | 0 | ?") and the source, then run:

    python3.11 minipy/src/parser/tests/regen_syntax_errors.py
"""
import os
import sys
import warnings

TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "syntax_errors.txt")


def main():
    if sys.version_info[:2] != (3, 11):
        sys.exit("run with CPython 3.11: the table records 3.11's messages")
    warnings.simplefilter("ignore")
    lines = open(TABLE, encoding="utf-8").read().split("\n")
    preamble = []
    while lines and not lines[0].startswith("=== "):
        preamble.append(lines.pop(0))
    out = preamble
    cases = []
    for line in lines:
        if line.startswith("=== "):
            cases.append((line, []))
        else:
            cases[-1][1].append(line)
    for header, source_lines in cases:
        if source_lines and source_lines[-1] == "" and (header, source_lines) == cases[-1]:
            source_lines.pop()  # the file's final newline
        source = "\n".join(source_lines)
        old_col = header.split(" | ")[2]
        try:
            compile(source, "x.py", "exec")
            sys.exit(f"no longer an error in CPython: {source!r}")
        except SyntaxError as e:
            col = "-" if old_col == "-" else str(e.offset)
            out.append(f"=== {type(e).__name__} | {e.lineno} | {col} | {e.msg}")
        out.extend(source_lines)
    open(TABLE, "w", encoding="utf-8").write("\n".join(out) + "\n")


main()
