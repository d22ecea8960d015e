"""serve: build, serve site/ over HTTP, watch the archive, rebuild what a change needs, reload open pages."""
from .server import serve

__all__ = ["serve"]
