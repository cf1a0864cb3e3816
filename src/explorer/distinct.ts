/**
 * Counts distinct schedules in bounded memory: exact (a set of 53-bit hashes of the choice
 * sequence) up to 2^16 schedules, then a HyperLogLog estimate (Flajolet et al. 2007; 4096
 * registers, about 1.6% standard error), so a million-schedule search does not grow memory.
 */
const EXACT_LIMIT = 1 << 16;
const P = 12;
const M = 1 << P;

/** Two 32-bit FNV-1a style hashes of a choice sequence, combined into one safe integer. */
export function hashChoices(choices: readonly number[]): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ choices.length;
  for (let i = 0; i < choices.length; i++) {
    const c = choices[i]! + 2;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ (c + i), 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

export class DistinctCounter {
  #exact: Set<number> | undefined = new Set();
  #registers: Uint8Array | undefined;

  add(hash: number): void {
    if (this.#exact !== undefined) {
      this.#exact.add(hash);
      if (this.#exact.size > EXACT_LIMIT) {
        this.#registers = new Uint8Array(M);
        for (const h of this.#exact) this.#register(h);
        this.#exact = undefined;
      }
      return;
    }
    this.#register(hash);
  }

  #register(hash: number): void {
    const hi = Math.floor(hash / 0x200000) >>> 0;
    const lo = hash % 0x200000;
    const index = hi >>> (32 - P);
    const rest = ((hi << P) | (lo >>> (21 - P))) >>> 0;
    const rank = rest === 0 ? 32 - P + 1 : Math.clz32(rest) + 1;
    const regs = this.#registers!;
    if (rank > regs[index]!) regs[index] = rank;
  }

  get count(): number {
    if (this.#exact !== undefined) return this.#exact.size;
    const regs = this.#registers!;
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < M; i++) {
      sum += 2 ** -regs[i]!;
      if (regs[i] === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / M);
    let estimate = (alpha * M * M) / sum;
    if (estimate <= 2.5 * M && zeros > 0) estimate = M * Math.log(M / zeros);
    return Math.round(estimate);
  }
}
