/**
 * The only source of keys and nonces: the platform CSPRNG (Web Crypto getRandomValues, which is
 * available on Bun, Node and Deno alike).
 */
const MAX_CHUNK = 65_536; // getRandomValues refuses more per call

export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += MAX_CHUNK) {
    crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + MAX_CHUNK)));
  }
  return out;
}
