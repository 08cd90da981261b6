/**
 * Debug logging. Messages name events and session handles, never a token, a hash or a key:
 * logs are read by more people than the database is.
 */
export type DebugLog = (message: string) => void;

export function createDebugLog(enabled: boolean): DebugLog {
  if (!enabled) return () => {};
  return (message) => {
    console.debug(`latch ${new Date().toISOString()} ${message}`);
  };
}
