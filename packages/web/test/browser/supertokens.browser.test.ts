import { runBrowserScenarios } from "./scenarios";

// The published supertokens-website SDK (20.x), unchanged, against Latch's Express example.
runBrowserScenarios("supertokens");
