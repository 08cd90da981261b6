import { authRoutes } from "@latch/nextjs";
import { appLatch } from "@/lib/latch";

// The JWKS at the site root as well (Latch's serveWellKnownJwks, on by default): SuperTokens backend
// SDKs given this app's origin as their connectionURI fetch it here.
export const { GET } = authRoutes({ latch: appLatch });
