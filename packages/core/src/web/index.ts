// @latch/core/web: the WHATWG Fetch bridge (Request in, Response out). No Node APIs: it runs on
// edge runtimes too. Next.js, AWS Lambda and other Fetch-shaped adapters build on it.
export { WebRequest } from "./request";
export { WebResponse } from "./response";
