/** Tells the bench runner, over the IPC channel it opened, the URL a server listens on. */
export function announceReady(url: string): void {
  if (process.send === undefined) throw new Error('No IPC channel: start the bench servers through `pnpm bench:proxy`.');
  process.send({ ready: url });
}
