"""API keys are stored hashed, read from a file and the environment; the rate limit buckets."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemalog.exceptions import ConfigError
from schemalog.ingest.keys import ApiKeys, RateLimiter, hash_key, new_key


def test_keys_from_file_and_environment(tmp_path: Path) -> None:
    """Keys from both places are known by name; the file holds only hashes."""
    key_a, line_a = new_key("a")
    key_b, line_b = new_key("b")
    assert key_a not in line_a and line_a == f"a:{hash_key(key_a)}"
    path = tmp_path / "keys"
    path.write_text(f"{line_a}  # the first\n\n")
    keys = ApiKeys.load(path, {"SCHEMALOG_API_KEYS": line_b})
    assert keys.name_of(f"Bearer {key_a}") == "a"
    assert keys.name_of(f"bearer {key_b}") == "b"
    assert keys.name_of(f"Bearer {key_a}x") is None
    assert keys.name_of(key_a) is None and keys.name_of(None) is None


def test_bad_entries_name_file_and_line(tmp_path: Path) -> None:
    """A malformed entry is a ConfigError naming the file and line (or the variable)."""
    path = tmp_path / "keys"
    path.write_text("# ok\nplain-secret-key\n")
    with pytest.raises(ConfigError, match=r"keys:2: expected NAME:sha256:HEX"):
        ApiKeys.load(path, {})
    with pytest.raises(ConfigError, match="SCHEMALOG_API_KEYS entry 1"):
        ApiKeys.load(None, {"SCHEMALOG_API_KEYS": "a:sha256:zz"})


def test_rate_limiter_refills() -> None:
    """A bucket allows its burst, then says how long until the next token."""
    limiter = RateLimiter(rate=1000.0, burst=2)
    assert limiter.allow("k") == 0 and limiter.allow("k") == 0
    wait = limiter.allow("k")
    assert 0 < wait <= 0.001
    assert limiter.allow("other") == 0
