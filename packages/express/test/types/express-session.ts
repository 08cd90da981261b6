// With express-session's declaration of `req.session` (copied from @types/express-session), Latch's
// types must still compile: Latch declares only `latchSession` on every Request.
import type { SessionContainer } from "@latch/core";
import express from "express";
import { type VerifiedSessionRequest, verifySession } from "../../src/index";

interface ExpressSessionData {
  cookie: object;
  views?: number;
}
declare global {
  namespace Express {
    interface Request {
      session: ExpressSessionData;
      sessionID: string;
    }
  }
}

const app = express();
app.get("/both", verifySession(), (req, res) => {
  const views: number | undefined = req.session.views;
  const latchSession: SessionContainer | undefined = req.latchSession;
  res.json({ views, userId: latchSession?.getUserId() });
});
app.get("/cast", verifySession(), (req, res) => {
  res.json({ userId: (req as VerifiedSessionRequest).latchSession.getUserId() });
});
