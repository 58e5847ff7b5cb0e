"""Print what a screen reader sees of one application, as JSON: role and name of every node.

Run with Debian's system python3 (pyatspi is a Debian package, not on PyPI), with DISPLAY and
DBUS_SESSION_BUS_ADDRESS already set:  python3 atspi_tree.py <pid>
"""

import json
import sys

import pyatspi  # type: ignore[import-not-found]


def walk(node, depth=0, out=None):  # type: ignore[no-untyped-def]
    out = [] if out is None else out
    if node is None or depth > 30:
        return out
    try:
        out.append({"role": node.getRoleName(), "name": node.name or "", "depth": depth})
        for index in range(node.childCount):
            walk(node.getChildAtIndex(index), depth + 1, out)
    except Exception as error:
        out.append({"role": "error", "name": type(error).__name__, "depth": depth})
    return out


def main() -> int:
    pid = int(sys.argv[1])
    desktop = pyatspi.Registry.getDesktop(0)
    for index in range(desktop.childCount):
        application = desktop.getChildAtIndex(index)
        if application is not None and application.get_process_id() == pid:
            print(json.dumps(walk(application), ensure_ascii=False))
            return 0
    print("[]")
    return 1


if __name__ == "__main__":
    sys.exit(main())
