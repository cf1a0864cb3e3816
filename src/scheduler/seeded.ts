/**
 * Randomness inside a run draws from the run's seed: `Math.random`, `crypto.randomUUID` and
 * `crypto.getRandomValues` (the global `crypto` and `node:crypto`) are replaced once, when
 * interleaved loads, by forwarders that serve the run's seeded PRNG (seedrandom's `alea`, see
 * `VirtualLoop.random`) to the run's own code and the host's generator to everything else. The
 * run's seed is part of its replay token, so a replay draws the same values.
 *
 * `getRandomValues` lets the host validate its argument first (type and the 65,536-byte
 * quota, with Node's own errors), then overwrites the bytes. O(bytes) per call.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { webcrypto } from 'node:crypto';
import { active } from './context.js';
import { host } from './host.js';
import type { VirtualLoop } from './loop.js';

function runLoop(): VirtualLoop | undefined {
  const loop = active.loop;
  return loop !== undefined && loop.inStep ? loop : undefined;
}

function random(): number {
  const loop = runLoop();
  return loop === undefined ? host.random() : loop.random();
}

function fill(loop: VirtualLoop, bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(loop.random() * 256);
}

function getRandomValues<T extends ArrayBufferView | null>(array: T): T {
  const result = host.getRandomValues(array as unknown as Uint8Array) as unknown as T;
  const loop = runLoop();
  if (loop !== undefined && array !== null) fill(loop, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  return result;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function randomUUID(): `${string}-${string}-${string}-${string}-${string}` {
  const loop = runLoop();
  if (loop === undefined) return host.randomUUID();
  const b = new Uint8Array(16);
  fill(loop, b);
  b[6] = (b[6]! & 0x0f) | 0x40; // version 4
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const h = Array.from(b, (x) => HEX[x]!);
  return `${h.slice(0, 4).join('')}-${h.slice(4, 6).join('')}-${h.slice(6, 8).join('')}-${h.slice(8, 10).join('')}-${h.slice(10).join('')}`;
}

function install(): void {
  Math.random = random;
  const crypto = createRequire(import.meta.url)('node:crypto') as Record<string, unknown>;
  crypto['randomUUID'] = randomUUID;
  // node:crypto's getRandomValues is a fixed getter that calls the webcrypto object's method,
  // which is replaced below.
  const web = webcrypto as unknown as Record<string, unknown>;
  web['randomUUID'] = randomUUID;
  web['getRandomValues'] = getRandomValues;
  syncBuiltinESMExports();
}

install();
