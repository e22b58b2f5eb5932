"""Where the UI's files are: our own under static/, the map and API-docs libraries from
npm's node_modules (installed by `make`; nothing is fetched at run time or copied into the repo)."""

from __future__ import annotations

import os
from pathlib import Path

STATIC = Path(__file__).parent / "static"
PACKAGES = {  # URL name -> folder inside node_modules
    "leaflet": "leaflet/dist",
    "topojson": "topojson-client/dist",
    "world-atlas": "world-atlas",
    "swagger-ui": "swagger-ui-dist",
}


def node_modules() -> Path | None:
    """$EVENTLEDGER_NODE_MODULES, else the repository root's, else the working folder's."""
    candidates = [
        os.environ.get("EVENTLEDGER_NODE_MODULES"),
        Path(__file__).resolve().parents[3] / "node_modules",
        Path.cwd() / "node_modules",
    ]
    for candidate in candidates:
        if candidate and Path(candidate, "leaflet").is_dir():
            return Path(candidate)
    return None


def vendor_dirs() -> dict[str, Path]:
    root = node_modules()
    if root is None:
        return {}
    return {name: root / sub for name, sub in PACKAGES.items() if (root / sub).is_dir()}
