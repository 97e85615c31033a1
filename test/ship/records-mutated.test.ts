/**
 * xalt-ship reads records as strictly as ingest's JSON.parse: a run file it ships is one that
 * JSON.parse reads, and its owner check sees the user JSON.parse sees (escaped keys, duplicate
 * keys, odd bytes). Mutated records written by a real user; the seed makes failures replayable.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { serializeRecord } from '../../src/schema/index.js';
import { runPair } from '../fixtures/records.js';
import { seededRandom } from '../fixtures/seeded-random.js';
import { alice, asUser, bob, bundleFiles, node, readBundle, runName, runOverrides, ship, staged } from './helpers.js';

type Obj = Record<string, unknown>;

test('mutated run records: what is shipped parses, what does not parse stays, and the owner check agrees with JSON.parse', () => {
  const n = node();
  const a = alice(), b = bob();
  const rnd = seededRandom(20240611);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const inputs = new Map<string, Buffer>();
  const mutations: ((s: string) => string | Buffer)[] = [
    (s) => s.replace(`"user":"${a.name}"`, `"user":"${b.name}"`),
    (s) => s.replace(`"user":"${a.name}"`, `"\\u0075ser":"${b.name}"`), // the same key, escaped
    (s) => s.replace(`"user":"${a.name}"`, `"user":"${b.name}","user":"${a.name}"`), // the last one counts
    (s) => s.replace(`"user":"${a.name}"`, `"user":"${a.name}","user":"${b.name}"`),
    (s) => s.replace(`"user":"${a.name}"`, `"user":"${a.uid}"`),
    (s) => s.replace(`"user":"${a.name}"`, `"user":"${a.name}\\u0000"`),
    (s) => s.replace(`"user":"${a.name}"`, `"user":"${b.name}","user\\u0000":"${a.name}"`), // another key, not "user"
    (s) => s.replace(`"user":"${a.name}"`, `"user":"${b.name}","us\\u0065r":"${a.name}"`), // the same key, the last wins
    (s) => s.slice(0, Math.floor(rnd() * s.length)), // truncated
    (s) => s.replace('","', '",\n"'), // a newline between members: JSON, but not one line
    (s) => s.replace('"cwd":"', '"cwd":"\t'), // a raw control character in a string
    (s) => Buffer.concat([Buffer.from(s.slice(0, 40)), Buffer.from([0xff, 0xfe]), Buffer.from(s.slice(40))]), // invalid UTF-8
    (s) => s.replace('"userDT":{', '"userDT":['), // wrong type
    (s) => s.replace('}\n', '} \n'), // trailing space
    (s) => s.replace('{"crc"', ' {"crc"'),
    (s) => s.replace(/"start_time":[0-9.]+/, '"start_time":1e400'),
    (s) => s.replace('"cmdlineA":[', '"cmdlineA":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],'),
    (s) => s.replace('"hash_id":""', '"hash_id":"","hash_id":"' + 'e'.repeat(40) + '"'),
    (s) => s.replace(/,"XALT_qaT":\{[^}]*\}/, ''),
    (s) => s,
  ];
  for (let i = 0; i < 120; i++) {
    const rec = runPair(runOverrides(a, '700', 60)).start;
    const uuid = (rec['userT'] as Obj)['run_uuid'] as string;
    const m = i < mutations.length ? mutations[i]! : pick(mutations);
    const out = m(serializeRecord(rec));
    inputs.set(uuid, Buffer.isBuffer(out) ? out : Buffer.from(out));
    asUser(a, () => writeFileSync(join(n.staging, runName(a.uid, '700', uuid)), inputs.get(uuid)!));
  }
  const r = ship(n, ['--job', '700', '--uid', String(a.uid)]);
  assert.equal(r.status, 0);
  assert.equal(r.signal, null);
  const entries = bundleFiles(n.spool).flatMap((f) => readBundle(f).entries);
  const left = new Set(staged(n).map((f) => f.split('.')[3]!));
  for (const [uuid, bytes] of inputs) {
    const text = bytes.toString('utf8');
    let parsed: Obj | undefined;
    try {
      parsed = JSON.parse(text) as Obj;
    } catch {
      parsed = undefined;
    }
    const oneLine = text.endsWith('}\n') && !text.slice(0, -1).includes('\n') && text.startsWith('{"crc":"0x');
    const shaped = parsed && typeof parsed['userT'] === 'object' && !Array.isArray(parsed['userT']) && typeof parsed['userDT'] === 'object' && !Array.isArray(parsed['userDT']);
    const mine = entries.filter((e) => e.name.includes(`.${uuid}.json`) || (e.json['userT'] as Obj)?.['run_uuid'] === uuid);
    if (!parsed || !oneLine || !shaped) {
      assert.equal(mine.length, 0, `not shipped: ${JSON.stringify(text.slice(0, 80))}`);
      assert.ok(left.has(uuid), 'left in place');
      continue;
    }
    assert.ok(mine.length >= 1, `shipped: ${JSON.stringify(text.slice(0, 120))}`);
    assert.ok(!left.has(uuid));
    const user = (parsed['userT'] as Obj)['user'];
    const named = user === a.name || user === String(a.uid);
    for (const e of mine) {
      assert.equal(e.flags, named ? '-' : 'owner_mismatch', `owner check of ${JSON.stringify(user)}`);
      assert.equal(e.owner, a.uid);
      JSON.parse(e.text); // every shipped record parses
    }
  }
  assert.ok(entries.length > 0);
});
