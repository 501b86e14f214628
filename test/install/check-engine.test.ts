// bin/check-engine.js (postinstall) names a SQLite engine that did not install, at install time.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '../../bin/check-engine.js');
const engine = Number(process.versions.node.split('.')[0]) >= 22 ? 'better-sqlite3' : 'better-sqlite3-node20';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('postinstall engine check', () => {
  it('is silent when this Node’s engine loads', () => {
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('warns with the engine’s name and the fix when it does not load, and does not fail the install', () => {
    // The same script in a folder with no node_modules: the engine cannot be resolved.
    const dir = mkdtempSync(join(tmpdir(), 'pantau-engine-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    copyFileSync(script, join(dir, 'check-engine.js'));
    const r = spawnSync(process.execPath, [join(dir, 'check-engine.js')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`the SQLite engine for Node ${process.versions.node} (${engine}) does not load`);
    expect(r.stderr).toMatch(/npm rebuild better-sqlite3/);
  });

  it('is the package’s postinstall script', () => {
    const pkg = JSON.parse(execFileSync(process.execPath, ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: join(import.meta.dirname, '../..'), encoding: 'utf8' }));
    expect(pkg.scripts.postinstall).toBe('node bin/check-engine.js');
  });
});
