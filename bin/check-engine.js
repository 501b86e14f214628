#!/usr/bin/env node
// postinstall: says at install time, not at the collector's first start, when this Node's SQLite
// engine did not install. On Node 20 it is the optional dependency better-sqlite3-node20
// (better-sqlite3 12, built from source), and npm skips a failed optional build in silence.
// Warns and exits 0: a machine without a C++ toolchain can still run the agent.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const major = Number(process.versions.node.split('.')[0]);
const engine = major >= 22 ? 'better-sqlite3' : 'better-sqlite3-node20';
try {
  require(engine);
} catch (e) {
  const why = String(e?.message ?? e).split('\n')[0];
  process.stderr.write(
    `\npantau: WARNING: the SQLite engine for Node ${process.versions.node} (${engine}) does not load: ${why}\n` +
      (major >= 22
        ? `pantau: the collector cannot start until it does: run \`npm rebuild better-sqlite3\`.\n\n`
        : `pantau: the collector cannot start until it does. Install python3, make and g++ (Debian: apt-get install python3 make g++),\n` +
          `pantau: then run \`npm rebuild better-sqlite3-node20\` (or \`npm install better-sqlite3-node20\`); or use Node 22 or 24.\n\n`),
  );
}
