import { authRoutes } from "@latch/nextjs";
import { appLatch } from "@/lib/latch";

// Latch's routes: POST /auth/session/refresh, POST /auth/signout, GET /auth/jwt/jwks.json
// (and GET /.well-known/jwks.json, in app/.well-known/jwks.json/route.ts)
export const { GET, POST } = authRoutes({ latch: appLatch });
