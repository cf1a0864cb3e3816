import { register } from 'tsx/esm/api';
import { register as cjs } from 'tsx/cjs/api';
import * as lib from 'interleaved';
import { pathToFileURL } from 'node:url';
register(); if (process.env.CJS) cjs();
for (const f of process.argv.slice(2)) {
  try {
  const m = await import(pathToFileURL(f).href);
  const ref = m.libRef ?? m.default?.libRef;
  console.log(f, Object.keys(m), ref === lib || ref?.scenario === lib.scenario, m.h ?? m.n ?? m.default?.n);
  } catch (e) { console.log(f, 'ERR', e.message.split('\n')[0]); }
}
