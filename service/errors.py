"""The one error the pure core raises, with a machine-readable reason.

`service.clean` raises `UnprocessablePage` and nothing else for bad input, so
the stream worker can dead-letter a page with `reason` and `str(error)` and the
HTTP API can answer 422 with the same words.
"""

from __future__ import annotations

# reason -> what it means; the README documents this table.
REASONS = {
    "empty": "the page has no content at all (zero bytes or only whitespace)",
    "binary": "the bytes are not text in any encoding (an image, a PDF, compressed data)",
    "undecodable": "the bytes could not be decoded as text",
    "too_large": "the page is larger than the configured limit",
    "no_content": "no article text could be found in the page",
    "invalid": "the input is not a page (wrong type or a bad argument)",
}


class UnprocessablePage(ValueError):
    """A page that cannot become an article. `reason` is a key of REASONS."""

    def __init__(self, reason: str, message: str):
        if reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        super().__init__(message)
        self.reason = reason
        self.message = message

    def to_dict(self) -> dict[str, str]:
        return {"reason": self.reason, "error": self.message}
