// Which IP addresses an HTTP step may not reach unless the egress policy allows private
// networks: loopback, private, link-local, shared, benchmark, multicast and reserved ranges,
// in IPv4 and IPv6, including the IPv6 forms that carry an IPv4 address inside them.
import { isIP } from 'node:net';

type Bytes = number[];

interface Range {
  prefix: Bytes;
  bits: number;
}

function range(prefix: Bytes, bits: number): Range {
  return { prefix, bits };
}

const RESTRICTED_V4: Range[] = [
  range([0, 0, 0, 0], 8), // "this network"
  range([10, 0, 0, 0], 8),
  range([100, 64, 0, 0], 10), // carrier-grade NAT
  range([127, 0, 0, 0], 8),
  range([169, 254, 0, 0], 16), // link-local, cloud metadata services
  range([172, 16, 0, 0], 12),
  range([192, 0, 0, 0], 24), // IETF protocol assignments
  range([192, 168, 0, 0], 16),
  range([198, 18, 0, 0], 15), // benchmarking
  range([224, 0, 0, 0], 4), // multicast
  range([240, 0, 0, 0], 4), // reserved, and 255.255.255.255
];

const ZEROS = (n: number): Bytes => new Array<number>(n).fill(0);

const RESTRICTED_V6: Range[] = [
  range(ZEROS(16), 128), // ::
  range([...ZEROS(15), 1], 128), // ::1
  range([0xfe, 0x80], 10), // link-local
  range([0xfc], 7), // unique local
  range([0xff], 8), // multicast
  // Local-use NAT64 (RFC 8215): not globally reachable, and where its IPv4 sits depends on a
  // prefix length chosen locally, so the whole range counts as private.
  range([0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48),
];

/** IPv6 ranges whose addresses carry an IPv4 address, and where (byte offset) it sits. */
const EMBEDDING_V6: { range: Range; at: number }[] = [
  { range: range([...ZEROS(10), 0xff, 0xff], 96), at: 12 }, // IPv4-mapped ::ffff:a.b.c.d
  { range: range(ZEROS(12), 96), at: 12 }, // IPv4-compatible ::a.b.c.d
  { range: range([0x00, 0x64, 0xff, 0x9b, ...ZEROS(8)], 96), at: 12 }, // NAT64 64:ff9b::a.b.c.d
  { range: range([0x20, 0x02], 16), at: 2 }, // 6to4 2002:AABB:CCDD::
];

/**
 * True when `address` (an IPv4 or IPv6 address in the standard notations that WHATWG URL and
 * DNS lookups produce, an IPv6 zone suffix allowed) is in a restricted range. Anything that
 * is not an IP address is refused as well: the guard only lets through what it understood.
 */
export function isRestrictedAddress(address: string): boolean {
  const bytes = parseAddress(address);
  if (bytes === null) return true;
  if (bytes.length === 4) return RESTRICTED_V4.some((r) => inRange(bytes, r));
  if (RESTRICTED_V6.some((r) => inRange(bytes, r))) return true;
  return EMBEDDING_V6.some((e) => inRange(bytes, e.range) && isRestrictedAddress(bytes.slice(e.at, e.at + 4).join('.')));
}

function inRange(bytes: Bytes, r: Range): boolean {
  for (let bit = 0; bit < r.bits; bit += 8) {
    const mask = (0xff << (8 - Math.min(8, r.bits - bit))) & 0xff;
    if (((bytes[bit / 8] ?? 0) & mask) !== ((r.prefix[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
}

/** 4 bytes for IPv4, 16 for IPv6, null for anything else. */
function parseAddress(text: string): Bytes | null {
  const address = text.replace(/%.*$/, ''); // an IPv6 zone (fe80::1%eth0) names an interface, not an address
  switch (isIP(address)) {
    case 4:
      return address.split('.').map(Number);
    case 6:
      return parseIPv6(address);
    default:
      return null;
  }
}

/** Bytes of an address net.isIP accepted as IPv6 (`::` compression, a dotted IPv4 tail). */
function parseIPv6(address: string): Bytes {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const groups = (part: string | undefined): Bytes =>
    !part
      ? []
      : part.split(':').flatMap((g) => {
          if (g.includes('.')) return g.split('.').map(Number);
          const n = parseInt(g, 16);
          return [n >> 8, n & 0xff];
        });
  const front = groups(head);
  const back = groups(tail);
  return tail === undefined ? front : [...front, ...ZEROS(16 - front.length - back.length), ...back];
}
