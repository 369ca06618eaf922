import { describe, expect, it } from 'vitest';
import { isRestrictedAddress } from '../../../src/http/restricted-addresses.js';

// Each range by its first and last address, and the public neighbours just outside it.
const V4_RANGES: [string, string, string, string][] = [
  // range, first, last, outside
  ['0.0.0.0/8', '0.0.0.0', '0.255.255.255', '1.0.0.0'],
  ['10/8', '10.0.0.0', '10.255.255.255', '11.0.0.0'],
  ['100.64/10', '100.64.0.0', '100.127.255.255', '100.128.0.0'],
  ['127/8', '127.0.0.0', '127.255.255.255', '128.0.0.0'],
  ['169.254/16', '169.254.0.0', '169.254.255.255', '169.255.0.0'],
  ['172.16/12', '172.16.0.0', '172.31.255.255', '172.32.0.0'],
  ['192.0.0/24', '192.0.0.0', '192.0.0.255', '192.0.1.0'],
  ['192.168/16', '192.168.0.0', '192.168.255.255', '192.169.0.0'],
  ['198.18/15', '198.18.0.0', '198.19.255.255', '198.20.0.0'],
  ['224/4', '224.0.0.0', '239.255.255.255', '223.255.255.255'],
  ['240/4', '240.0.0.0', '255.255.255.255', '8.8.8.8'],
];

const V4_BELOW: Record<string, string> = {
  '10/8': '9.255.255.255',
  '100.64/10': '100.63.255.255',
  '169.254/16': '169.253.255.255',
  '172.16/12': '172.15.255.255',
  '192.168/16': '192.167.255.255',
  '198.18/15': '198.17.255.255',
};

describe('isRestrictedAddress', () => {
  it.each(V4_RANGES)('IPv4 %s: first and last are restricted, the next one is not', (_, first, last, outside) => {
    expect(isRestrictedAddress(first)).toBe(true);
    expect(isRestrictedAddress(last)).toBe(true);
    expect(isRestrictedAddress(outside)).toBe(false);
  });

  it.each(Object.entries(V4_BELOW))('IPv4 %s: the address just below is not restricted', (_, below) => {
    expect(isRestrictedAddress(below)).toBe(false);
  });

  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::/10', 'fe80::'],
    ['fe80::/10', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['fc00::/7', 'fc00::'],
    ['fc00::/7', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['ff00::/8', 'ff02::1'],
    ['ff00::/8', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['64:ff9b:1::/48 (local-use NAT64)', '64:ff9b:1::808:808'],
    ['fe80::/10 with a zone', 'fe80::1%eth0'],
  ])('IPv6 %s: %s is restricted', (_, address) => {
    expect(isRestrictedAddress(address)).toBe(true);
  });

  it.each(['1::', 'fec0::', 'fe7f:ffff::', 'fbff::1', 'fe00::', '2001:4860:4860::8888', '2606:4700::1111', '64:ff9b:2::1'])(
    'IPv6 %s is not restricted',
    (address) => {
      expect(isRestrictedAddress(address)).toBe(false);
    },
  );

  // Every IPv6 form with an IPv4 address inside, written both ways, with a restricted and a
  // public IPv4 address.
  it.each([
    ['IPv4-mapped', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:8.8.8.8', '::ffff:808:808'],
    ['IPv4-mapped', '::ffff:10.1.2.3', '::ffff:a01:203', '::ffff:1.1.1.1', '::ffff:101:101'],
    ['IPv4-mapped, long form', '0:0:0:0:0:ffff:169.254.169.254', '0:0:0:0:0:ffff:a9fe:a9fe', '0:0:0:0:0:ffff:9.9.9.9', '0:0:0:0:0:ffff:909:909'],
    ['IPv4-compatible', '::127.0.0.1', '::7f00:1', '::8.8.8.8', '::808:808'],
    ['IPv4-compatible', '::192.168.1.1', '::c0a8:101', '::1.2.3.4', '::102:304'],
    ['NAT64', '64:ff9b::127.0.0.1', '64:ff9b::7f00:1', '64:ff9b::8.8.8.8', '64:ff9b::808:808'],
    ['NAT64', '64:ff9b::172.16.0.1', '64:ff9b::ac10:1', '64:ff9b::172.32.0.1', '64:ff9b::ac20:1'],
  ])('%s: %s (%s) is restricted, %s (%s) is not', (_, dotted, hex, publicDotted, publicHex) => {
    expect(isRestrictedAddress(dotted)).toBe(true);
    expect(isRestrictedAddress(hex)).toBe(true);
    expect(isRestrictedAddress(publicDotted)).toBe(false);
    expect(isRestrictedAddress(publicHex)).toBe(false);
  });

  it.each([
    ['2002:7f00:1::', true], // 127.0.0.1
    ['2002:a00:1::1', true], // 10.0.0.1
    ['2002:a9fe:a9fe::', true], // 169.254.169.254
    ['2002:c0a8:101:1::1', true], // 192.168.1.1
    ['2002:808:808::1', false], // 8.8.8.8
  ])('6to4 %s restricted: %s', (address, restricted) => {
    expect(isRestrictedAddress(address)).toBe(restricted);
  });

  it('refuses what is not an IP address at all', () => {
    expect(isRestrictedAddress('example.com')).toBe(true);
    expect(isRestrictedAddress('')).toBe(true);
    expect(isRestrictedAddress('0x7f.1')).toBe(true);
  });
});
