/** A fixed-size set of small integers (pod ids). Membership is one array read and a mask. */
export type Bitset = Uint32Array;

export function newBitset(size: number): Bitset {
  return new Uint32Array(Math.ceil(size / 32) || 1);
}

export function bitsetAdd(set: Bitset, i: number): void {
  set[i >>> 5] = (set[i >>> 5] ?? 0) | (1 << (i & 31));
}

export function bitsetHas(set: Bitset, i: number): boolean {
  return ((set[i >>> 5] ?? 0) & (1 << (i & 31))) !== 0;
}

export function bitsetCount(set: Bitset): number {
  let n = 0;
  for (let w of set) {
    while (w !== 0) {
      w &= w - 1;
      n++;
    }
  }
  return n;
}
