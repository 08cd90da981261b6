export type {
  ApiGatewayV1Event,
  ApiGatewayV2Event,
  EventKind,
  LambdaContext,
  LambdaHttpEvent,
  LambdaResult,
  LambdaV1Result,
  LambdaV2Result,
} from "./events";
export { type AdapterOptions, type LambdaHandler, middleware, type SessionEvent, verifySession, wrap } from "./handler";
export { type LatchMiddyOptions, latchMiddy, type MiddyRequest } from "./middy";
export { LambdaRequest } from "./request";
export { LambdaResponse } from "./response";
