/**
 * Plenum runs on Node.js 20.19 and later (package.json `engines`; the machines it is built and tested on run 20). Some
 * of the packages it installs declare that they want a later Node.js; `npm ci` warns about each (EBADENGINE) and
 * installs it anyway. Each one is accepted on purpose, in decision 0005, and listed here: a dependency update that
 * brings in another fails this test, naming it, instead of adding one more warning nobody reads.
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const read = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const manifest = read('package.json') as { engines: { node: string } };
const lock = read('package-lock.json') as { packages: Record<string, { version?: string; engines?: { node?: string } | string[]; dev?: boolean }> };

/** The packages of decision 0005: name → the Node.js range they declare, as they declared it when accepted. */
const ACCEPTED: Record<string, string> = {
  '@axe-core/playwright': '>=22.12.0',
  'content-disposition': '>=22',
  cookie: '>=22',
  i18next: '>=22',
  'react-i18next': '>=22',
};

/** The lowest Node.js release our own `engines` admits. */
const floor = semver.minVersion(manifest.engines.node)!;

/** Every installed package whose declared Node.js range leaves out our floor: "name@version" → its range. */
function beyondTheFloor(): Map<string, { name: string; range: string }> {
  const out = new Map<string, { name: string; range: string }>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || Array.isArray(entry.engines)) continue;
    const range = entry.engines?.node;
    if (!range || semver.satisfies(floor, range)) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    out.set(`${name}@${entry.version}`, { name, range });
  }
  return out;
}

describe('the Node.js floor (decision 0005)', () => {
  it('is Node.js 20, and this machine meets it', () => {
    expect(floor.major).toBe(20);
    expect(semver.satisfies(process.version, manifest.engines.node), `Node.js ${process.version} is below package.json's engines (${manifest.engines.node})`).toBe(true);
  });

  it('admits only the packages decision 0005 accepts among those that declare a later Node.js', () => {
    const unexpected = [...beyondTheFloor()]
      .filter(([, p]) => ACCEPTED[p.name] !== p.range)
      .map(([at, p]) => `${at} declares node ${p.range}`);
    expect(
      unexpected,
      'a dependency declares it does not support our Node.js floor: check it runs on Node.js 20 (the whole suite), then add it to docs/decisions/0005 and ACCEPTED here — or keep the version before',
    ).toEqual([]);
  });

  it('lists no package that no longer needs to be listed', () => {
    const present = new Set([...beyondTheFloor().values()].map((p) => p.name));
    expect(Object.keys(ACCEPTED).filter((name) => !present.has(name))).toEqual([]);
  });
});
