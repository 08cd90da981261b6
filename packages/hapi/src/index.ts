export { type LatchHapiOptions, type LatchSchemeOptions, latchPlugin, wrap } from "./plugin";
export { HapiRequest } from "./request";
export { HapiResponse } from "./response";
