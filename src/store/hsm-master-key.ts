/**
 * The master key held in an HSM (`--key-encryption-key hsm::<slot>::<key_id>`): every stored object
 * is sealed with AES-256-GCM computed inside the HSM under that key (random 96-bit nonce, the object
 * id as additional data), so the database opens only with the HSM present.
 *
 * The key may not exist yet when the server starts (it can then be created through the API, as an
 * HSM key with that id): until it does, nothing can be sealed and writes fail with a clear error.
 */
import { randomBytes } from "node:crypto";
import { KmipError } from "../kmip/error.ts";
import type { Hsm } from "../hsm/pkcs11.ts";
import type { MasterKey } from "./sealed.ts";

const VERSION = 2; // 1 is the file-held key's format (sealed.ts)
const NONCE = 12;
const TAG = 16;

export class HsmMasterKey implements MasterKey {
  /** The KEK's id, stored with each row it seals. */
  readonly id: string;

  constructor(
    readonly uid: string,
    private readonly hsm: Hsm,
    private readonly slot: string,
    private readonly keyId: string,
  ) {
    this.id = uid;
  }

  exists(): boolean {
    return this.hsm.exists(this.slot, this.keyId);
  }

  #missing(): never {
    throw new KmipError(
      "Cryptographic_Failure",
      `the key-encryption key ${this.uid} does not exist in the HSM yet: create it first (Create of an AES key with UniqueIdentifier ${this.uid})`,
    );
  }

  seal(plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    const nonce = new Uint8Array(randomBytes(NONCE));
    let out: Uint8Array;
    try {
      out = this.hsm.aesEncryptSync(
        this.slot,
        this.keyId,
        { kind: "gcm", iv: nonce, aad, tagBits: TAG * 8 },
        plaintext,
      );
    } catch (e) {
      if (!this.exists()) this.#missing();
      throw new KmipError(
        "Cryptographic_Failure",
        `sealing under the key-encryption key ${this.uid} failed: ${(e as Error).message}`,
      );
    }
    const sealed = new Uint8Array(1 + NONCE + out.length);
    sealed[0] = VERSION;
    sealed.set(nonce, 1);
    sealed.set(out, 1 + NONCE);
    return sealed;
  }

  unseal(sealed: Uint8Array, aad: Uint8Array): Uint8Array {
    if (sealed.length < 1 + NONCE + TAG || sealed[0] !== VERSION)
      throw new Error("not a sealed object (unknown format)");
    return this.hsm.aesDecryptSync(
      this.slot,
      this.keyId,
      { kind: "gcm", iv: sealed.subarray(1, 1 + NONCE), aad, tagBits: TAG * 8 },
      sealed.subarray(1 + NONCE),
    );
  }
}
