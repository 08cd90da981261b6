// Reached only when src/middleware.ts verified the session on the edge runtime; it forwards the user id.
export function GET(req: Request): Response {
  return Response.json({ userId: req.headers.get("x-latch-user-id"), verifiedBy: "edge middleware" });
}
