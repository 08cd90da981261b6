/** Runs `task` while holding the lock `name`, one holder at a time. */
export type RunExclusive = <T>(name: string, task: () => Promise<T>) => Promise<T>;

interface WebLocks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/**
 * The Web Locks API (navigator.locks) serialises across every tab and worker of the origin and
 * releases a lock when its holder's tab dies, which a localStorage spin lock cannot. Where it is
 * missing (an old browser, an insecure http origin other than localhost, Node), refreshes are
 * serialised within this page only; Latch's server answers parallel refreshes with one token from
 * several tabs with the same new token (the refresh grace period), so tabs stay logged in anyway.
 */
export function defaultRunExclusive(): RunExclusive {
  const locks = (globalThis.navigator as { locks?: WebLocks } | undefined)?.locks;
  if (locks && typeof locks.request === "function") return (name, task) => locks.request(name, task);
  return inPageRunExclusive();
}

export function inPageRunExclusive(): RunExclusive {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(name: string, task: () => Promise<T>) => {
    const previous = tails.get(name) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    tails.set(name, tail);
    void tail.then(() => {
      if (tails.get(name) === tail) tails.delete(name);
    });
    return result;
  };
}
