"""Verify a Latch access token from Python with PyJWT (Debian: apt-get install python3-jwt).

The recipe of docs/protocol.md, "Verifying Latch sessions from other backends":
  - keys from the Latch app's JWKS (PyJWKClient caches them and refetches on an unknown kid),
  - only the algorithm Latch is configured with (RS256 by default),
  - exp (required), iss = <apiDomain><apiBasePath>, and Latch's session claims.

  python3 verify_latch_session.py <latch origin> <access token>
prints the session as JSON and exits 0, or prints {"error": ...} and exits 1.
"""

import json
import sys

import jwt

SESSION_CLAIMS = ("sub", "exp", "iat", "iss", "sessionHandle", "tId", "rsub", "refreshTokenHash1")


def verify_latch_session(token, origin, api_base_path="/auth", algorithms=("RS256",)):
    jwks = jwt.PyJWKClient(origin + "/.well-known/jwks.json")
    key = jwks.get_signing_key_from_jwt(token)
    claims = jwt.decode(
        token,
        key.key,
        algorithms=list(algorithms),
        issuer=origin + api_base_path,
        options={"require": list(SESSION_CLAIMS)},
    )
    for name in ("sub", "sessionHandle", "tId"):
        if not isinstance(claims[name], str) or not claims[name]:
            raise jwt.InvalidTokenError("claim %s is not a non-empty string" % name)
    return {"userId": claims["sub"], "tenantId": claims["tId"], "sessionHandle": claims["sessionHandle"], "payload": claims}


if __name__ == "__main__":
    try:
        print(json.dumps(verify_latch_session(sys.argv[2], sys.argv[1])))
    except jwt.PyJWTError as error:
        print(json.dumps({"error": type(error).__name__}))
        sys.exit(1)
