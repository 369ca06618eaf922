// The egress guard (SSRF): what an HTTP step may reach under the egress policy. The checks
// that need no network run before anything is sent; the address check runs on every address
// a host name resolves to, inside the one lookup the connection uses, and once more on the
// connected socket.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { urlSchemeProblem } from '../graph/http-url.js';
import type { EgressPolicy } from './request.js';
import { isRestrictedAddress } from './restricted-addresses.js';

/** A refusal by the egress policy; its message names the rule. */
export class Blocked extends Error {}

/** The host as the policy compares it: lower case, no IPv6 brackets, no trailing dot. */
function normaliseHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

/**
 * The refusals that need no network: the scheme, the timeout, allowed_hosts and a host that
 * is an IP address (WHATWG URL has already turned `2130706433`, `0x7f.1` and
 * `[::ffff:127.0.0.1]` into standard notation; a connection to a literal IP does no lookup,
 * so it is checked here).
 */
export function checkTarget(url: URL, timeoutSeconds: number, policy: EgressPolicy): void {
  const badScheme = urlSchemeProblem(url.href); // the builders' words for the same rule
  if (badScheme !== null) throw new Blocked(badScheme);
  if (timeoutSeconds > policy.max_timeout_seconds) {
    throw new Blocked(`Blocked: timeout_seconds ${timeoutSeconds} exceeds the egress policy's max_timeout_seconds (${policy.max_timeout_seconds})`);
  }
  const host = normaliseHost(url.hostname);
  if (!hostAllowed(host, policy.allowed_hosts)) throw new Blocked(`Blocked: host '${host}' is not in the egress policy's allowed_hosts`);
  if (isIP(host) !== 0) checkAddress(host, host, policy);
}

/** Exact names, and `*.suffix` for any name below suffix (not suffix itself); empty allows any. */
export function hostAllowed(host: string, patterns: string[]): boolean {
  if (patterns.length === 0) return true;
  const name = normaliseHost(host);
  return patterns.some((p) => {
    const pattern = normaliseHost(p);
    return pattern.startsWith('*.') ? name.endsWith(pattern.slice(1)) : name === pattern;
  });
}

/** Throws Blocked when `address` (what `host` resolved to) is restricted under the policy. */
export function checkAddress(host: string, address: string, policy: EgressPolicy): void {
  if (!policy.allow_private_networks && isRestrictedAddress(address)) {
    throw new Blocked(`Blocked: the resolved IP address for '${normaliseHost(host)}' is in a restricted range`);
  }
}

/** Every address of a host name, as dns.lookup gives them. */
export type Resolve = (host: string, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolve: Resolve = (host, callback) => dnsLookup(host, { all: true, verbatim: true }, callback);

/**
 * The `lookup` of the request's connection: one resolution, every address checked (one
 * restricted address refuses the host), and the connection gets only those addresses, so a
 * second answer from DNS (rebinding) never reaches it.
 */
export function guardedLookup(policy: EgressPolicy, resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, (err, all) => {
      if (err) return callback(err, '', 0);
      try {
        for (const a of all) checkAddress(hostname, a.address, policy);
      } catch (blocked) {
        return callback(blocked as Blocked, '', 0);
      }
      const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
      const usable = family === 4 || family === 6 ? all.filter((a) => a.family === family) : all;
      if (usable.length === 0) {
        const none: NodeJS.ErrnoException = Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' });
        return callback(none, '', 0);
      }
      if (options.all) return callback(null, usable);
      return callback(null, usable[0].address, usable[0].family);
    });
  };
}
