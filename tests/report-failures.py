#!/usr/bin/env python3
"""Prints each failed test of the TRX files given, with the start of its message and stack trace.

build.sh runs it after the test run so that a failure stays readable at the end of a long log
(test output of other projects can push dotnet test's own failure lines far up)."""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
MAX_LINES = 25


def failures(path):
    root = ET.parse(path).getroot()
    for result in root.iterfind(".//t:UnitTestResult", NS):
        if result.get("outcome") not in ("Failed", "Error", "Timeout", "Aborted"):
            continue
        message = result.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=NS)
        stack = result.findtext("t:Output/t:ErrorInfo/t:StackTrace", default="", namespaces=NS)
        yield result.get("testName"), result.get("duration"), (message + "\n" + stack).strip()


def main(paths):
    count = 0
    for path in paths:
        try:
            found = list(failures(path))
        except (ET.ParseError, OSError) as error:
            print(f"report-failures: cannot read {path}: {error}", file=sys.stderr)
            continue
        for name, duration, detail in found:
            count += 1
            print(f"FAILED {name} ({duration})")
            for line in detail.splitlines()[:MAX_LINES]:
                print(f"    {line}")
    if count:
        print(f"{count} failed test(s) listed above")


if __name__ == "__main__":
    main(sys.argv[1:])
