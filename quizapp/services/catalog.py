"""The loaded question catalog, read once per process and kept on the app."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import current_app

from ..bank import Catalog, load_catalog

_lock = threading.Lock()
EXTENSION_KEY = "quizapp.catalog"
MIXED_ID = "mixed"


def get_catalog() -> Catalog:
    """The current app's catalog, loading the banks on first use (raises BankError if broken)."""
    extensions = current_app.extensions
    catalog = extensions.get(EXTENSION_KEY)
    if catalog is None:
        with _lock:
            catalog = extensions.get(EXTENSION_KEY)
            if catalog is None:
                catalog = load_catalog(Path(current_app.config["QUESTIONS_DIR"]))
                extensions[EXTENSION_KEY] = catalog
    assert isinstance(catalog, Catalog)
    return catalog
