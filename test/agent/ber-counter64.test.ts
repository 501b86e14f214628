// Counter64 values of 7 bytes lie between 2^48 and 2^56: above 2^53 a JavaScript number can no
// longer hold every integer, so ber.ts must read them as bigint exactly (issue 9 part 4: reading
// 7 bytes through a number survived the tests, which only had 2^48 at 7 bytes).
import { describe, expect, it } from 'vitest';
import { readUnsignedBig, significant } from '../../agent/inputs/snmp/ber.js';

const read = (hex: string) => {
  const b = Buffer.from(hex, 'hex');
  return readUnsignedBig(b, 0, b.length);
};

describe('readUnsignedBig: 7-byte Counter64 values', () => {
  it('reads 2^53 + 1 exactly (the first integer a number cannot hold)', () => {
    expect(read('20000000000001')).toBe(2n ** 53n + 1n);
    expect(Number(2n ** 53n + 1n)).toBe(2 ** 53); // what a number would have made of it
  });

  it('reads 2^56 − 1, the largest 7-byte value, exactly', () => {
    expect(read('ffffffffffffff')).toBe(2n ** 56n - 1n);
  });

  it('reads every byte of a 7-byte value in its place', () => {
    expect(read('0123456789abcd')).toBe(0x0123456789abcdn);
    expect(read('fedcba98765433')).toBe(0xfedcba98765433n);
  });

  it('reads a 7-byte value after padding zeros, as a device may send it', () => {
    const b = Buffer.from('000000fedcba98765433', 'hex');
    const from = significant(b, 0, b.length, 8);
    expect(from).toBe(3);
    expect(readUnsignedBig(b, from!, b.length)).toBe(0xfedcba98765433n);
    expect(readUnsignedBig(b, 0, b.length)).toBe(0xfedcba98765433n);
  });

  it('reads values of 5 and 6 bytes (below 2^53) and 8 bytes exactly too', () => {
    expect(read('ffffffffff')).toBe(2n ** 40n - 1n);
    expect(read('ffffffffffff')).toBe(2n ** 48n - 1n);
    expect(read('0100000000000001')).toBe(2n ** 56n + 1n);
  });
});
