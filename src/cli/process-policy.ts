// What the process does with an error nobody caught (issue 14, row 1). A promise rejected where
// nobody waits for it is logged and the server goes on serving: the stations and the API are
// worth more than one failed task. An exception thrown with nothing to catch it leaves the process
// in a state no one can vouch for: logged, then the process ends (a supervisor restarts it;
// stations hold their failsafe meanwhile, D5).

export interface UncaughtErrorLog {
  /** A rejection nobody handled: the server goes on. */
  rejected(reason: unknown): void;
  /** An exception nobody caught: the process exits with status 1 right after. */
  uncaught(error: Error): void;
}

export function installProcessPolicy(log: UncaughtErrorLog): void {
  process.on('unhandledRejection', (reason) => log.rejected(reason));
  process.on('uncaughtException', (error) => {
    try { log.uncaught(error); } finally { process.exit(1); }
  });
}

/** The stack of an Error (else its text), for a log line. */
export function describeReason(reason: unknown): string {
  return reason instanceof Error ? reason.stack ?? reason.message : String(reason);
}
