import { createNewSessionWithoutRequestResponse, InvalidClaimError, init, MemoryStore, PrimitiveClaim } from "@latch/core";

const roles: Record<string, string> = { alice: "admin" };
const RoleClaim = new PrimitiveClaim({ key: "role", fetchValue: ({ userId }) => roles[userId] ?? "user" });

init({ store: new MemoryStore(), appInfo: { apiDomain: "http://localhost:3000" } });
const session = await createNewSessionWithoutRequestResponse("public", "bob");
await session.fetchAndSetClaim(RoleClaim); // the payload now has { role: { v: "user", t: <fetched at> } }
RoleClaim.getValueFromPayload(session.getAccessTokenPayload()); // "user"

try {
  await session.assertClaims([RoleClaim.validators.hasValue("admin")]);
} catch (error) {
  console.log(error instanceof InvalidClaimError); // true: a route would answer 403
}
