/**
 * Which IP addresses outbound requests may connect to. Admins configure the URLs we fetch (OIDC
 * discovery, JWKS, token and profile endpoints, SAML metadata), so every destination is checked
 * after DNS resolution:
 * - always refused: link-local addresses (169.254.0.0/16, fe80::/10), where cloud providers
 *   serve instance metadata and credentials, plus the metadata addresses that sit elsewhere
 *   (AWS fd00:ec2::254, Alibaba 100.100.100.200);
 * - refused only with `denyPrivate`: loopback, private (RFC 1918, CGNAT, unique-local) and other
 *   non-global ranges. Off by default, because identity providers often live on the same
 *   private network as the service provider.
 * IPv4 addresses embedded in IPv6 ones (mapped, NAT64, 6to4) are judged as the IPv4 address.
 */
import { BlockList, isIP } from 'node:net';

export type AddressClass = 'link-local' | 'cloud-metadata' | 'loopback' | 'private' | 'reserved' | 'public';

export interface AddressPolicy {
  /** Also refuse loopback, private and other non-public destinations. */
  denyPrivate?: boolean;
}

function list(entries: Array<[string, number]>): BlockList {
  const out = new BlockList();
  for (const [network, prefix] of entries) out.addSubnet(network, prefix, isIP(network) === 6 ? 'ipv6' : 'ipv4');
  return out;
}

// BlockList also matches IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) against IPv4 subnets.
const RANGES: Array<[AddressClass, BlockList]> = [
  [
    'cloud-metadata',
    list([
      ['fd00:ec2::254', 128],
      ['100.100.100.200', 32],
    ]),
  ],
  [
    'link-local',
    list([
      ['169.254.0.0', 16],
      ['fe80::', 10],
    ]),
  ],
  [
    'loopback',
    list([
      ['127.0.0.0', 8],
      ['0.0.0.0', 8],
      ['::1', 128],
      ['::', 128],
    ]),
  ],
  [
    'private',
    list([
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
      ['100.64.0.0', 10],
      ['fc00::', 7],
      ['fec0::', 10],
    ]),
  ],
  [
    'reserved',
    list([
      ['192.0.0.0', 24],
      ['192.0.2.0', 24],
      ['198.18.0.0', 15],
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
      ['224.0.0.0', 4],
      ['240.0.0.0', 4],
      ['ff00::', 8],
      ['2001:db8::', 32],
      ['100::', 64],
      // IPv4-compatible IPv6 (deprecated; never a legitimate destination).
      ['::', 96],
    ]),
  ],
];

/** The eight 16-bit groups of an IPv6 address (zone index dropped), or null. */
function ipv6Groups(address: string): number[] | null {
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const octets = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((octets[0] << 8) | octets[1]).toString(16)}:${((octets[2] << 8) | octets[3]).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  const fill = 8 - front.length - back.length;
  if (tail === undefined ? fill !== 0 : fill < 0) return null;
  return [...front, ...new Array<number>(fill).fill(0), ...back];
}

const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/** The IPv4 address an IPv6 address stands for (NAT64 64:ff9b::/96, 6to4 2002::/16), if any. */
function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address);
  if (!g) return null;
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4(g[6], g[7]);
  if (g[0] === 0x2002) return v4(g[1], g[2]);
  return null;
}

/** What kind of destination `address` (an IP literal) is. Anything unparsable is 'reserved'. */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare.replace(/%.*$/, ''));
  if (family === 0) return 'reserved';
  const candidate = family === 6 ? (embeddedIpv4(bare) ?? bare.replace(/%.*$/, '')) : bare;
  const type = isIP(candidate) === 6 ? 'ipv6' : 'ipv4';
  for (const [kind, ranges] of RANGES) if (ranges.check(candidate, type)) return kind;
  return 'public';
}

const ALWAYS_REFUSED: ReadonlySet<AddressClass> = new Set(['link-local', 'cloud-metadata']);

/** Why connecting to `address` is refused under `policy`, or null when it is allowed. */
export function refusalReason(address: string, policy: AddressPolicy): string | null {
  const kind = classifyAddress(address);
  if (ALWAYS_REFUSED.has(kind)) return kind === 'link-local' ? 'a link-local address (cloud metadata range)' : 'a cloud metadata address';
  if (policy.denyPrivate && kind !== 'public') return `a ${kind === 'reserved' ? 'reserved' : kind} address`;
  return null;
}
