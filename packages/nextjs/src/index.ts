// @latch/nextjs: App Router route handlers, server components and server actions.
// Edge middleware: @latch/nextjs/edge. Pages router API routes: @latch/nextjs/pages.
export type { AdapterOptions } from "./request";
export { wrap } from "./request";
export { authRoutes, type RouteHandler, type SessionRouteHandler, withLatch, withSession } from "./route-handler";
export { getSSRSession, type SSRSessionResult } from "./server-component";
