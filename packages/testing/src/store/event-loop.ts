/**
 * How many turns the event loop got while `work` ran (a chain of setImmediate callbacks), with its
 * result: a store that deletes in batches and yields between them lets it turn about once per
 * batch; one synchronous statement lets it turn not at all.
 */
export async function eventLoopTurnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let running = true;
  const tick = (): void => {
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    return { result: await work(), turns };
  } finally {
    running = false;
  }
}
