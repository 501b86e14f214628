// A pino destination that keeps every line, for tests that read what an operator would read.
import { parseDocument } from 'yaml';

export interface LogCapture {
  destination: { write(s: string): void };
  lines: () => string[];
  /** Resolves with the first line matching, waiting for new lines up to `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<string>;
}

export function captureLog(): LogCapture {
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  return {
    destination: {
      write(s: string) {
        for (const l of s.split('\n').filter(Boolean)) {
          lines.push(l);
          for (const w of waiters.filter((x) => x.re.test(l))) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(l);
          }
        }
      },
    },
    lines: () => lines,
    waitFor(re, ms = 10_000) {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no log line matching ${re} within ${ms} ms; got:\n${lines.join('\n')}`)), ms);
        waiters.push({ re, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      });
    },
  };
}

/** Keys written more than once in a JSON line (JSON.parse would silently keep the last). */
export function duplicateKeys(line: string): string[] {
  const doc = parseDocument(line, { uniqueKeys: true });
  return doc.errors.filter((e) => e.code === 'DUPLICATE_KEY').map((e) => e.message.split('\n')[0]);
}
