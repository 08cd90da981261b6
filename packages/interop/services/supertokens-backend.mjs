// A backend built on SuperTokens' Node SDK (supertokens-node), as a company's existing service
// would be: it trusts Latch's sessions with connectionURI set to the Latch app's origin and no
// SuperTokens core anywhere. Started as its own process by test/supertokens-node.test.ts.
//   LATCH_ORIGIN=http://127.0.0.1:3000 node services/supertokens-backend.mjs
// Prints "listening on http://127.0.0.1:<port>" once it accepts requests.
import express from "express";
import supertokens from "supertokens-node";
import { errorHandler, middleware } from "supertokens-node/framework/express";
import Session from "supertokens-node/recipe/session";
import { verifySession } from "supertokens-node/recipe/session/framework/express";

const latchOrigin = process.env.LATCH_ORIGIN;
if (!latchOrigin) throw new Error("LATCH_ORIGIN is required (the Latch app's origin)");

supertokens.init({
  framework: "express",
  // The SDK fetches <connectionURI>/.well-known/jwks.json: Latch serves it at the app's origin.
  supertokens: { connectionURI: latchOrigin },
  appInfo: { appName: "inventory", apiDomain: "http://127.0.0.1", websiteDomain: "http://127.0.0.1", apiBasePath: "/auth" },
  recipeList: [
    Session.init({
      // Latch rotates its keys (kids `d-…`); with useDynamicAccessTokenSigningKey: false on Latch, set false here too.
      useDynamicAccessTokenSigningKey: process.env.LATCH_STATIC_KEY !== "1",
      getTokenTransferMethod: () => "header",
    }),
  ],
});

const app = express();
app.use(express.json());
app.use(middleware());

// The SDK's Express middleware: `Authorization: Bearer <access token>`.
app.get("/orders", verifySession(), (req, res) => {
  const session = req.session;
  res.json({
    userId: session.getUserId(),
    tenantId: session.getTenantId(),
    sessionHandle: session.getHandle(),
    accessTokenPayload: session.getAccessTokenPayload(),
  });
});

// Without a request: what a queue consumer or RPC handler would call.
app.post("/check", async (req, res) => {
  try {
    const session = await Session.getSessionWithoutRequestResponse(req.body.accessToken);
    res.json({ ok: true, userId: session.getUserId(), tenantId: session.getTenantId() });
  } catch (error) {
    if (!Session.Error.isErrorFromSuperTokens(error)) throw error;
    res.json({ ok: false, type: error.type });
  }
});

app.use(errorHandler());
app.use((error, _req, res, _next) => {
  res.status(500).json({ message: String(error?.message ?? error) });
});

const server = app.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
