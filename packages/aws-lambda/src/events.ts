// The Lambda event and result shapes Latch reads and writes, defined here (as Hono does) so the
// package needs no @types/aws-lambda at run time. Only the fields Latch uses are named.

type Headers = Record<string, string | undefined>;
type MultiValueHeaders = Record<string, string[] | undefined>;

/** API Gateway REST API (payload v1), and ALB. */
export interface ApiGatewayV1Event {
  httpMethod: string;
  path: string;
  headers?: Headers | null;
  multiValueHeaders?: MultiValueHeaders | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { elb?: { targetGroupArn: string }; identity?: { sourceIp?: string } } & Record<string, unknown>;
}

/** API Gateway HTTP API (payload v2) and Lambda Function URLs. */
export interface ApiGatewayV2Event {
  version: "2.0";
  rawPath: string;
  rawQueryString?: string;
  headers?: Headers;
  /** v2 moves the Cookie header here, one entry per cookie. */
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { http: { method: string; sourceIp?: string } } & Record<string, unknown>;
}

export type LambdaHttpEvent = ApiGatewayV1Event | ApiGatewayV2Event;

export interface LambdaV1Result {
  statusCode: number;
  statusDescription?: string;
  headers?: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, Array<string | number | boolean>>;
  body?: string;
  isBase64Encoded?: boolean;
}

export interface LambdaV2Result {
  statusCode?: number;
  headers?: Record<string, string | number | boolean>;
  /** v2 sends each Set-Cookie value here. */
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

/** What a handler may return: a full result, or (v2 only) any value, which Lambda turns into a JSON 200. */
export type LambdaResult = LambdaV1Result | LambdaV2Result;

export type EventKind = "v1" | "v2" | "alb";

export function eventKind(event: LambdaHttpEvent): EventKind {
  if ("version" in event && event.version === "2.0") return "v2";
  return (event as ApiGatewayV1Event).requestContext?.elb ? "alb" : "v1";
}

/** The Lambda context; only its identity matters to Latch (it binds the response to it). */
export type LambdaContext = object;
