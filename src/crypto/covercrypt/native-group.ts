/**
 * CoverCrypt's use of the ristretto255 addon (native/ristretto.ts, libsodium's constant-time
 * crypto_scalarmult_ristretto255): the first path decapsulation and user-key generation try.
 * Results are RFC 9496 encodings, byte-identical to the TypeScript paths (sodium-group.ts,
 * @noble), which remain for hosts without the addon and for the inputs libsodium refuses.
 */
import { ristretto, type Ristretto } from "../../../native/ristretto.ts";

function selfTest(r: Ristretto | undefined): boolean {
  if (!r) return false;
  try {
    const one = new Uint8Array(32),
      two = new Uint8Array(32);
    one[0] = 1;
    two[0] = 2;
    const g = new Uint8Array(32),
      g2 = new Uint8Array(32),
      m = new Uint8Array(32),
      s = new Uint8Array(32);
    const hex = (u: Uint8Array) => Array.from(u, (x) => x.toString(16).padStart(2, "0")).join("");
    return (
      r.scalarmultBase(g, one) &&
      // RFC 9496 Appendix A.1: the generator
      hex(g) === "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76" &&
      r.scalarmultBase(g2, two) &&
      r.scalarmult(m, two, g) &&
      r.add(s, g, g) &&
      hex(g2) === "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919" &&
      hex(m) === hex(g2) &&
      hex(s) === hex(g2)
    );
  } catch {
    return false;
  }
}

/** Whether the addon loaded and answers correctly. */
export const available: boolean = selfTest(ristretto);
let enabled = available;

/** The addon while the native path is enabled, else undefined. */
export function native(): Ristretto | undefined {
  return enabled ? ristretto : undefined;
}

/** Turns the native path off (or back on, if available): tests compare the paths. Returns the previous state. */
export function setEnabled(on: boolean): boolean {
  const prev = enabled;
  enabled = on && available;
  return prev;
}
