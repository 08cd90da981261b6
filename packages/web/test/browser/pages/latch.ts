// Test page: @latch/web, as an app would use it.
import { createClient } from "../../../src/index";
import { asResult, modeFromUrl, requestInit } from "./harness";

const latch = createClient({ tokenTransferMethod: modeFromUrl() });
const ended: string[] = [];
latch.onSessionEnded((reason) => ended.push(reason));

window.harness = {
  client: "latch",
  login: async (userId) => asResult(await latch.fetch("/login", requestInit("POST", { userId }))),
  call: async (path, method = "GET", jsonBody) => asResult(await latch.fetch(path, requestInit(method, jsonBody))),
  doesSessionExist: () => latch.doesSessionExist(),
  getUserId: async () => latch.getUserId(),
  signOut: () => latch.signOut(),
  endedEvents: () => [...ended],
};
