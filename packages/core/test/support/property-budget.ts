// Every property test has a budget in runs and in time: at most `numRuns` cases (100 unless a test
// says otherwise), and no more than PROPERTY_TIME_BUDGET_MS of generating them. On a quiet machine
// every property runs all its cases well within the budget; on a loaded one it runs fewer and still
// checks each, instead of hitting the test timeout. A counterexample found is always a failure.
import fc from "fast-check";

const PROPERTY_TIME_BUDGET_MS = 8_000;

fc.configureGlobal({ interruptAfterTimeLimit: PROPERTY_TIME_BUDGET_MS, markInterruptAsFailure: false });
