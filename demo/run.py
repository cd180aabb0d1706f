"""`make demo`: serve the bundled sites on loopback, crawl them, then open Datasette."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from archive.publish import serve
from demo.serve import serve_sites

HERE = Path(__file__).resolve().parent
DEMO_PORT = 8101


def main(argv: list[str] | None = None) -> int:
    """Serve demo sites, crawl them into the demo archive and serve it until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m demo.run", description=main.__doc__)
    parser.add_argument("--db", default="demo.db", help="archive file to crawl into")
    parser.add_argument("--port", type=int, default=8001, help="Datasette port")
    parser.add_argument("--no-serve", action="store_true", help="crawl only, do not serve")
    args = parser.parse_args(argv)

    servers = serve_sites(HERE / "sites", base_port=DEMO_PORT)
    for name, server in servers.items():
        print(f"demo site {name}: {server.base_url}/", file=sys.stderr)
    try:
        crawl = subprocess.run(
            [
                sys.executable,
                "-m",
                "archive.cli",
                "crawl",
                "--sources",
                str(HERE / "sources.toml"),
                "--db",
                args.db,
            ],
            check=False,
        )
        if crawl.returncode != 0:
            print("demo crawl reported failures (see above)", file=sys.stderr)
        if args.no_serve:
            return crawl.returncode
        print(f"\nKronika demo: http://127.0.0.1:{args.port}/  (Ctrl-C stops)\n", file=sys.stderr)
        return serve(args.db, port=args.port)
    finally:
        for server in servers.values():
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
