import { runBrowserScenarios } from "./scenarios";

runBrowserScenarios("latch");
