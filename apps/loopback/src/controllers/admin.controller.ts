import { adminRoleValidator } from "@latch/example-config";
import { latchStrategy } from "@latch/loopback";
import { authenticate } from "@loopback/authentication";
import { get } from "@loopback/rest";

export class AdminController {
  // A session whose payload passes one more claim validator; a failed check answers 403 invalid claim.
  @get("/admin/only")
  @authenticate(latchStrategy({ overrideGlobalClaimValidators: (global) => [...global, adminRoleValidator] }))
  admin() {
    return { ok: true };
  }
}
