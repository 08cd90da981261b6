// Type tests for claims (compiled by `pnpm --filter @latch/core typecheck`, never run).
import { BooleanClaim, type ClaimFetchContext, PrimitiveClaim } from "../../src/index";

// An inferred literal widens: a claim of "user" can be checked for "admin".
const role = new PrimitiveClaim({ key: "role", fetchValue: () => "user" });
role.validators.hasValue("admin");
const roleValue: string | undefined = role.getValueFromPayload({});

// Numbers, async fetchers and the context argument.
const level = new PrimitiveClaim({ key: "level", fetchValue: async ({ userId }: ClaimFetchContext) => userId.length });
level.validators.hasValue(3, 60);

// An explicit literal union stays narrow.
const plan = new PrimitiveClaim<"free" | "pro">({ key: "plan", fetchValue: () => "free" });
plan.validators.hasValue("pro");
// @ts-expect-error "gold" is not a plan
plan.validators.hasValue("gold");

// @ts-expect-error a claim of string is not checked against a number
role.validators.hasValue(1);

// @ts-expect-error objects are not primitives
new PrimitiveClaim({ key: "profile", fetchValue: () => ({ name: "a" }) });

new BooleanClaim({ key: "verified", fetchValue: () => true }).isTrue();

export { roleValue };
