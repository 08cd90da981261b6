import { NodeResponse } from "@latch/core/node";
import type { Response } from "express";

/** Express's response is Node's; `res.json` is avoided so every adapter sends the same bytes. */
export class ExpressResponse extends NodeResponse {
  constructor(readonly response: Response) {
    super(response);
  }
}
