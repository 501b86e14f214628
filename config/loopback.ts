// Whether an address is this machine only: what may go without TLS.

/** Whether `HOST:PORT` listens on loopback only (127.0.0.0/8, ::1, localhost). */
export function isLoopback(listen: string): boolean {
  const host = listen.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
