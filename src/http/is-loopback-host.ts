import { isIP } from 'node:net';

/**
 * True when `host` (HTTP_HOST) only accepts connections from this machine: `localhost`, an
 * address in 127.0.0.0/8, or `::1`. Any other name or address (`0.0.0.0`, a LAN address, a host
 * name that could resolve anywhere) counts as exposed, and the console then requires credentials.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(bare);
  return false;
}
