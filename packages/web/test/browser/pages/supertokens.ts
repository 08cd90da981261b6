// Test page: the published supertokens-website SDK, unchanged, configured as its docs say.
import SuperTokens from "supertokens-website";
import { asResult, modeFromUrl, requestInit } from "./harness";

const ended: string[] = [];
SuperTokens.init({
  apiDomain: location.origin,
  apiBasePath: "/auth",
  tokenTransferMethod: modeFromUrl(),
  onHandleEvent: (event) => {
    if (event.action === "SIGN_OUT" || event.action === "UNAUTHORISED") ended.push(event.action);
  },
});

// SuperTokens.init wraps window.fetch: the page calls the API with plain fetch.
window.harness = {
  client: "supertokens",
  login: async (userId) => asResult(await fetch("/login", requestInit("POST", { userId }))),
  call: async (path, method = "GET", jsonBody) => asResult(await fetch(path, requestInit(method, jsonBody))),
  doesSessionExist: () => SuperTokens.doesSessionExist(),
  getUserId: async () => ((await SuperTokens.doesSessionExist()) ? SuperTokens.getUserId() : undefined),
  signOut: () => SuperTokens.signOut(),
  endedEvents: () => [...ended],
};
