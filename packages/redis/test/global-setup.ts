import { serviceGlobalSetup } from "@latch/testing/store";
import { probe } from "./service";

export default serviceGlobalSetup("Redis", probe);
