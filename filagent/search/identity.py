"""How a search service proves it is the one ``filagent serve`` started.

``filagent serve`` gives its search child a fresh random token (in the
``FILAGENT_SEARCH_TOKEN`` variable). At start-up it asks ``GET /health`` with
a fresh challenge in the ``X-FilAgent-Challenge`` header; only a service that
holds the token can answer the matching ``proof``. A foreign process that
happens to answer ``/health`` on the port cannot, and is refused.

Example:
    >>> proof = instance_proof("token-of-this-start", "challenge-1")
    >>> len(proof), proof_matches("token-of-this-start", "challenge-1", proof)
    (64, True)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Final

import httpx

TOKEN_VARIABLE: Final = "FILAGENT_SEARCH_TOKEN"  # noqa: S105 - a variable's name, not a secret
CHALLENGE_HEADER: Final = "X-FilAgent-Challenge"


def instance_proof(token: str, challenge: str) -> str:
    """HMAC-SHA-256 of ``challenge`` keyed by ``token``, as 64 hex digits."""
    return hmac.new(token.encode(), challenge.encode(), hashlib.sha256).hexdigest()


def proof_matches(token: str, challenge: str, proof: object) -> bool:
    """True when ``proof`` is the answer only the holder of ``token`` can give."""
    return isinstance(proof, str) and hmac.compare_digest(instance_proof(token, challenge), proof)


def ask_identity(base_url: str, token: str, *, timeout: float = 1.0) -> bool | None:
    """Does the service at ``base_url`` hold ``token``? None when nothing answered.

    True: its ``/health`` answered a fresh challenge with the right proof. False:
    something answered, but not with the proof: another service holds the port.

    Example::

        ask_identity("http://127.0.0.1:8001", token)   # True, False or None
    """
    challenge = secrets.token_hex(16)
    try:
        response = httpx.get(
            f"{base_url}/health", headers={CHALLENGE_HEADER: challenge}, timeout=timeout
        )
        body = response.json() if response.status_code == 200 else None
    except httpx.HTTPError:
        return None
    except ValueError:  # an answer that is not JSON: not ours
        return False
    proof = body.get("proof") if isinstance(body, dict) else None
    return proof_matches(token, challenge, proof)
