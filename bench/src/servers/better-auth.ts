// better-auth with its memory adapter (its in-process database, the match of Latch's MemoryStore
// here), one user, and a plugin endpoint that creates a session for that user exactly as its
// sign-in does after the password check (createSession, then the signed session cookie), so login
// figures measure session creation rather than password hashing.
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { createAuthEndpoint } from "better-auth/api";
import { setSessionCookie } from "better-auth/cookies";

export function benchAuth(port: number, cookieCache: boolean) {
  const db: Record<string, Record<string, unknown>[]> = { user: [], session: [], account: [], verification: [] };
  return betterAuth({
    baseURL: `http://127.0.0.1:${port}`,
    secret: "bench-secret-bench-secret-bench-secret-1234",
    database: memoryAdapter(db),
    logger: { disabled: true },
    telemetry: { enabled: false },
    rateLimit: { enabled: false },
    session: cookieCache ? { cookieCache: { enabled: true, maxAge: 300 } } : {},
    plugins: [
      {
        id: "bench-login",
        endpoints: {
          benchLogin: createAuthEndpoint("/bench-login", { method: "POST" }, async (ctx) => {
            const adapter = ctx.context.internalAdapter;
            const user =
              (await adapter.findUserByEmail("bench@example.com"))?.user ??
              (await adapter.createUser({ email: "bench@example.com", name: "bench", emailVerified: true }, { method: "admin" }));
            const session = await adapter.createSession(user.id, false);
            await setSessionCookie(ctx, { session, user });
            return ctx.json({ ok: true });
          }),
        },
      },
    ],
  });
}
