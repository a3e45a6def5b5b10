/**
 * PKCS#11 access (OASIS PKCS#11 v2.40) through the `pkcs11js` addon: one vendor library, the
 * configured slots, a logged-in session per slot. No KMIP here: errors are `HsmError`s with a
 * plain message, which the KMIP side turns into Result Reasons.
 *
 * Keys are found by CKA_ID (the `<key_id>` of `hsm::<slot>::<key_id>`), CKA_LABEL carries the same
 * text. Keys generated here are token objects, CKA_SENSITIVE and not CKA_EXTRACTABLE: their value
 * never leaves the HSM, every operation runs inside it.
 *
 * Sessions: the library is initialized with CKF_OS_LOCKING_OK (calls may come from several
 * threads). Per slot, one session serves the short synchronous calls (look-ups, key management, the
 * key-encryption key's seal/unseal, whose interface is synchronous), and a pool of up to POOL_SIZE
 * sessions serves the cryptographic operations of requests: each takes a session for its
 * Init + Encrypt/Decrypt/Sign (the latter through pkcs11js' *Async calls, off the event loop) and
 * gives it back. When a call fails because the device or the session went away, the library is
 * finalized, re-initialized and logged in again (once the calls in flight are over), then the call
 * is retried once (an HSM that comes back is used again).
 */
import { randomBytes } from "node:crypto";

// The addon is loaded only when an HSM is configured (a server without one never needs it).
type Pkcs11Module = typeof import("pkcs11js");
type PKCS11 = InstanceType<Pkcs11Module["PKCS11"]>;
type Handle = Buffer;

let addon: Pkcs11Module | undefined;

/**
 * The binding, imported on first use (a literal dynamic import: `bun build --compile` embeds the
 * addon, and a server without an HSM never loads it).
 */
async function importAddon(): Promise<Pkcs11Module> {
  if (addon) return addon;
  try {
    const mod = (await import("pkcs11js")) as Pkcs11Module & { default?: Pkcs11Module };
    addon = mod.default ?? mod;
  } catch (e) {
    throw new HsmError(`cannot load the PKCS#11 binding (pkcs11js): ${(e as Error).message}`);
  }
  return addon;
}

function loadAddon(): Pkcs11Module {
  if (!addon) throw new HsmError("the PKCS#11 binding is not loaded");
  return addon;
}

export class HsmError extends Error {
  /** The PKCS#11 return value name (CKR_...) when the library reported one. */
  constructor(
    message: string,
    readonly ckr?: string,
  ) {
    super(message);
  }
}

export interface HsmOptions {
  /** softhsm2 or generic (any PKCS#11 v2.40 library). */
  model: string;
  /** Path of the vendor's PKCS#11 library (.so). */
  module: string;
  /** Slot ids (CK_SLOT_ID, decimal) served; their tokens share `pin`. */
  slots: string[];
  /** The user PIN (CKU_USER). */
  pin: string;
}

export type AesMode =
  | { kind: "gcm"; iv: Uint8Array; aad?: Uint8Array; tagBits: number }
  | { kind: "cbc-pad"; iv: Uint8Array };
export type RsaEncryption = { kind: "oaep"; hash: HashName } | { kind: "pkcs1" };
export type HashName = "SHA1" | "SHA256" | "SHA384" | "SHA512";
export type RsaSignature = { kind: "pkcs1" | "pss"; hash: HashName };

/** What the HSM says about a key. */
export interface KeyInfo {
  class: "secret" | "private" | "public";
  keyType: "AES" | "RSA" | "EC" | "other";
  /** Bits: CKA_VALUE_LEN * 8 for secret keys, the modulus length for RSA. */
  bits?: number;
}

/** Errors that mean the device or the session went away: reconnect and retry once. */
const RECONNECT = new Set([
  "CKR_DEVICE_REMOVED",
  "CKR_DEVICE_ERROR",
  "CKR_SESSION_HANDLE_INVALID",
  "CKR_SESSION_CLOSED",
  "CKR_TOKEN_NOT_PRESENT",
  "CKR_CRYPTOKI_NOT_INITIALIZED",
  "CKR_USER_NOT_LOGGED_IN",
  "CKR_GENERAL_ERROR",
]);

function ckrOf(e: unknown): string | undefined {
  const m = /\b(CKR_[A-Z_]+)\b/.exec((e as Error)?.message ?? "");
  return m?.[1];
}

/** Sessions per slot for the cryptographic operations of requests. */
export const POOL_SIZE = 4;

interface Pool {
  free: Handle[];
  open: number;
  /** Requests waiting for a session; undefined = the pool was reset (reconnection): try again. */
  waiters: ((s: Handle | undefined) => void)[];
}

/** Open instances per library path: the library is finalized when the last one lets go (one process, one library state). */
const users = new Map<string, number>();

function slotIdOf(handle: Buffer): string {
  return handle.length >= 8 ? handle.readBigUInt64LE(0).toString() : handle.readUInt32LE(0).toString();
}

export class Hsm {
  readonly model: string;
  readonly slots: readonly string[];
  readonly #lib: PKCS11;
  readonly #o: HsmOptions;
  readonly #sessions = new Map<string, Handle>();
  #handles = new Map<string, Handle>();
  #initialized = false;
  #pools = new Map<string, Pool>();
  #generation = 0;
  #inFlight = 0;
  #reconnecting: Promise<void> | undefined;

  private constructor(o: HsmOptions, lib: PKCS11) {
    this.#o = o;
    this.#lib = lib;
    this.model = o.model;
    this.slots = o.slots;
  }

  /**
   * Loads the library, initializes it and logs in to every configured slot; throws an HsmError
   * saying what is wrong (library missing, slot absent, wrong PIN...).
   */
  static async open(o: HsmOptions): Promise<Hsm> {
    if (o.slots.length === 0) throw new HsmError("no HSM slot is configured (--hsm-slot)");
    const mod = await importAddon();
    const lib = new mod.PKCS11();
    try {
      lib.load(o.module);
    } catch (e) {
      throw new HsmError(`cannot load the PKCS#11 library ${o.module}: ${(e as Error).message}`);
    }
    const hsm = new Hsm(o, lib);
    try {
      hsm.#connect();
    } catch (e) {
      hsm.close();
      throw e;
    }
    return hsm;
  }

  #connect(): void {
    const lib = this.#lib;
    try {
      lib.C_Initialize({ flags: loadAddon().CKF_OS_LOCKING_OK });
    } catch (e) {
      if (ckrOf(e) !== "CKR_CRYPTOKI_ALREADY_INITIALIZED")
        throw new HsmError(
          `the PKCS#11 library ${this.#o.module} failed to initialize: ${(e as Error).message}`,
          ckrOf(e),
        );
    }
    this.#initialized = true;
    users.set(this.#o.module, (users.get(this.#o.module) ?? 0) + 1);
    const present = new Map<string, Handle>();
    for (const h of lib.C_GetSlotList(true)) present.set(slotIdOf(h), h);
    this.#handles = present;
    for (const slot of this.slots) {
      const h = present.get(slot);
      if (!h)
        throw new HsmError(
          `HSM slot ${slot} has no token (slots with a token: ${[...present.keys()].join(", ") || "none"})`,
        );
      const session = lib.C_OpenSession(h, loadAddon().CKF_SERIAL_SESSION | loadAddon().CKF_RW_SESSION);
      try {
        lib.C_Login(session, loadAddon().CKU_USER, this.#o.pin);
      } catch (e) {
        const ckr = ckrOf(e);
        if (ckr !== "CKR_USER_ALREADY_LOGGED_IN") {
          lib.C_CloseSession(session);
          if (ckr === "CKR_PIN_INCORRECT")
            throw new HsmError(`HSM login to slot ${slot} refused: wrong PIN (CKR_PIN_INCORRECT)`, ckr);
          if (ckr === "CKR_PIN_LOCKED")
            throw new HsmError(`HSM login to slot ${slot} refused: the PIN is locked (CKR_PIN_LOCKED)`, ckr);
          throw new HsmError(`HSM login to slot ${slot} failed: ${(e as Error).message}`, ckr);
        }
      }
      this.#sessions.set(slot, session);
    }
    this.#generation++;
    this.#pools = new Map(this.slots.map((slot) => [slot, { free: [], open: 0, waiters: [] }]));
  }

  #disconnect(): void {
    for (const [slot, h] of this.#handles) {
      if (!this.#sessions.has(slot)) continue;
      try {
        this.#lib.C_CloseAllSessions(h); // the slot's session and its pool's
      } catch {
        /* already gone */
      }
    }
    this.#sessions.clear();
    const pools = this.#pools;
    this.#pools = new Map();
    for (const pool of pools.values()) for (const wake of pool.waiters.splice(0)) wake(undefined);
    if (this.#initialized) {
      const left = (users.get(this.#o.module) ?? 1) - 1;
      users.set(this.#o.module, left);
      if (left === 0) {
        try {
          this.#lib.C_Finalize();
        } catch {
          /* already finalized */
        }
      }
      this.#initialized = false;
    }
  }

  close(): void {
    this.#disconnect();
    try {
      this.#lib.close();
    } catch {
      /* not loaded */
    }
  }

  hasSlot(slot: string): boolean {
    return this.slots.includes(slot);
  }

  /** Runs `fn` with the slot's session; reconnects once when the device or session went away. */
  #run<T>(slot: string, what: string, fn: (lib: PKCS11, session: Handle, c: Pkcs11Module) => T): T {
    if (!this.hasSlot(slot))
      throw new HsmError(`HSM slot ${slot} is not accessible (configured slots: ${this.slots.join(", ")})`);
    const attempt = () => {
      const session = this.#sessions.get(slot);
      if (!session)
        throw new HsmError(`HSM slot ${slot}: no session (the HSM is unreachable)`, "CKR_SESSION_HANDLE_INVALID");
      return fn(this.#lib, session, loadAddon());
    };
    try {
      return attempt();
    } catch (e) {
      const ckr = e instanceof HsmError ? e.ckr : ckrOf(e);
      if (!ckr || !RECONNECT.has(ckr))
        throw e instanceof HsmError ? e : new HsmError(`HSM ${what} failed: ${(e as Error).message}`, ckr);
      // operations in flight on pooled sessions: let the reconnection wait for them (next call)
      if (this.#inFlight > 0 || this.#reconnecting) throw new HsmError(`the HSM is unavailable (${what}): ${ckr}`, ckr);
      try {
        this.#disconnect();
        this.#connect();
      } catch (again) {
        throw new HsmError(`the HSM is unavailable (${what}): ${(again as Error).message}`, ckrOf(again) ?? ckr);
      }
      try {
        return attempt();
      } catch (e2) {
        throw e2 instanceof HsmError ? e2 : new HsmError(`HSM ${what} failed: ${(e2 as Error).message}`, ckrOf(e2));
      }
    }
  }

  async #acquire(slot: string): Promise<Handle> {
    for (;;) {
      const pool = this.#pools.get(slot);
      if (!pool)
        throw new HsmError(`HSM slot ${slot}: no session (the HSM is unreachable)`, "CKR_SESSION_HANDLE_INVALID");
      const free = pool.free.pop();
      if (free) return free;
      if (pool.open < POOL_SIZE) {
        pool.open++;
        try {
          return this.#lib.C_OpenSession(
            this.#handles.get(slot)!,
            loadAddon().CKF_SERIAL_SESSION | loadAddon().CKF_RW_SESSION,
          );
        } catch (e) {
          pool.open--;
          throw e;
        }
      }
      const given = await new Promise<Handle | undefined>((resolve) => pool.waiters.push(resolve));
      if (given) return given;
    }
  }

  #release(slot: string, session: Handle, generation: number): void {
    if (generation !== this.#generation) return; // opened before a reconnection: already closed
    const pool = this.#pools.get(slot);
    if (!pool) return;
    const next = pool.waiters.shift();
    if (next) next(session);
    else pool.free.push(session);
  }

  /** Finalizes and reconnects once the operations in flight are over; concurrent callers share it. */
  async #reconnect(what: string, ckr: string): Promise<void> {
    this.#reconnecting ??= (async () => {
      const deadline = Date.now() + 10_000;
      while (this.#inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      this.#disconnect();
      this.#connect();
    })().finally(() => {
      this.#reconnecting = undefined;
    });
    try {
      await this.#reconnecting;
    } catch (again) {
      throw new HsmError(`the HSM is unavailable (${what}): ${(again as Error).message}`, ckrOf(again) ?? ckr);
    }
  }

  /** Runs `fn` on a pooled session of the slot; reconnects once when the device or session went away. */
  async #runPooled<T>(
    slot: string,
    what: string,
    fn: (lib: PKCS11, session: Handle, c: Pkcs11Module) => Promise<T>,
  ): Promise<T> {
    if (!this.hasSlot(slot))
      throw new HsmError(`HSM slot ${slot} is not accessible (configured slots: ${this.slots.join(", ")})`);
    const attempt = async () => {
      if (this.#reconnecting) await this.#reconnecting.catch(() => undefined);
      const generation = this.#generation;
      const session = await this.#acquire(slot);
      this.#inFlight++;
      try {
        return await fn(this.#lib, session, loadAddon());
      } finally {
        this.#inFlight--;
        this.#release(slot, session, generation);
      }
    };
    const wrap = (e: unknown) =>
      e instanceof HsmError ? e : new HsmError(`HSM ${what} failed: ${(e as Error).message}`, ckrOf(e));
    try {
      return await attempt();
    } catch (e) {
      const ckr = e instanceof HsmError ? e.ckr : ckrOf(e);
      if (!ckr || !RECONNECT.has(ckr)) throw wrap(e);
      await this.#reconnect(what, ckr);
      try {
        return await attempt();
      } catch (e2) {
        throw wrap(e2);
      }
    }
  }

  /** C_xxxInit, its failure named as such (a mechanism or parameters the HSM refuses). */
  #init(what: "encryption" | "decryption" | "signature", init: () => void): void {
    try {
      init();
    } catch (e) {
      const ckr = ckrOf(e);
      if (ckr && RECONNECT.has(ckr)) throw e;
      throw new HsmError(`Failed to initialize ${what}: ${ckr ?? (e as Error).message}`, ckr);
    }
  }

  #find(lib: PKCS11, session: Handle, c: Pkcs11Module, keyId: string, cls?: number): Handle | undefined {
    const template: { type: number; value: unknown }[] = [{ type: c.CKA_ID, value: Buffer.from(keyId, "utf8") }];
    if (cls !== undefined) template.push({ type: c.CKA_CLASS, value: cls });
    lib.C_FindObjectsInit(session, template as never);
    try {
      const found = lib.C_FindObjects(session, 2) as Handle[];
      return found[0];
    } finally {
      lib.C_FindObjectsFinal(session);
    }
  }

  #require(lib: PKCS11, session: Handle, c: Pkcs11Module, slot: string, keyId: string, cls?: number): Handle {
    const h = this.#find(lib, session, c, keyId, cls);
    if (!h) throw new HsmError(`no key ${keyId} in HSM slot ${slot}`, "CKR_OBJECT_HANDLE_INVALID");
    return h;
  }

  /** What the HSM holds under `keyId` (the secret or private key first), or undefined. */
  keyInfo(slot: string, keyId: string): KeyInfo | undefined {
    return this.#run(slot, "key lookup", (lib, s, c) => {
      const h =
        this.#find(lib, s, c, keyId, c.CKO_SECRET_KEY) ??
        this.#find(lib, s, c, keyId, c.CKO_PRIVATE_KEY) ??
        this.#find(lib, s, c, keyId, c.CKO_PUBLIC_KEY);
      if (!h) return undefined;
      const [clsAttr, typeAttr] = lib.C_GetAttributeValue(s, h, [{ type: c.CKA_CLASS }, { type: c.CKA_KEY_TYPE }]);
      const cls = (clsAttr.value as Buffer).readUInt32LE(0);
      const kt = (typeAttr.value as Buffer).readUInt32LE(0);
      const info: KeyInfo = {
        class: cls === c.CKO_SECRET_KEY ? "secret" : cls === c.CKO_PRIVATE_KEY ? "private" : "public",
        keyType: kt === c.CKK_AES ? "AES" : kt === c.CKK_RSA ? "RSA" : kt === c.CKK_EC ? "EC" : "other",
      };
      if (info.class === "secret") {
        const [len] = lib.C_GetAttributeValue(s, h, [{ type: c.CKA_VALUE_LEN }]);
        info.bits = (len.value as Buffer).readUInt32LE(0) * 8;
      } else if (info.keyType === "RSA") {
        const [mod] = lib.C_GetAttributeValue(s, h, [{ type: c.CKA_MODULUS }]);
        info.bits = (mod.value as Buffer).length * 8;
      }
      return info;
    });
  }

  /** CKA_SENSITIVE and CKA_EXTRACTABLE of the secret or private key `keyId`. */
  keyFlags(slot: string, keyId: string): { sensitive: boolean; extractable: boolean } {
    return this.#run(slot, "key lookup", (lib, s, c) => {
      const h =
        this.#find(lib, s, c, keyId, c.CKO_SECRET_KEY) ?? this.#require(lib, s, c, slot, keyId, c.CKO_PRIVATE_KEY);
      const [sens, ext] = lib.C_GetAttributeValue(s, h, [{ type: c.CKA_SENSITIVE }, { type: c.CKA_EXTRACTABLE }]);
      return { sensitive: (sens.value as Buffer)[0] === 1, extractable: (ext.value as Buffer)[0] === 1 };
    });
  }

  exists(slot: string, keyId: string): boolean {
    return this.keyInfo(slot, keyId) !== undefined;
  }

  /** A sensitive, non-extractable AES key of `bits` bits. */
  generateAesKey(slot: string, keyId: string, bits: number): void {
    this.#run(slot, "key generation", (lib, s, c) => {
      if (this.#find(lib, s, c, keyId))
        throw new HsmError(`a key ${keyId} already exists in HSM slot ${slot}`, "CKR_KEY_EXISTS");
      lib.C_GenerateKey(s, { mechanism: c.CKM_AES_KEY_GEN }, [
        { type: c.CKA_CLASS, value: c.CKO_SECRET_KEY },
        { type: c.CKA_KEY_TYPE, value: c.CKK_AES },
        { type: c.CKA_VALUE_LEN, value: bits / 8 },
        { type: c.CKA_ID, value: Buffer.from(keyId, "utf8") },
        { type: c.CKA_LABEL, value: keyId },
        { type: c.CKA_TOKEN, value: true },
        { type: c.CKA_PRIVATE, value: true },
        { type: c.CKA_SENSITIVE, value: true },
        { type: c.CKA_EXTRACTABLE, value: false },
        { type: c.CKA_ENCRYPT, value: true },
        { type: c.CKA_DECRYPT, value: true },
        { type: c.CKA_WRAP, value: true },
        { type: c.CKA_UNWRAP, value: true },
      ]);
    });
  }

  /** An RSA key pair: the private key (sensitive, non-extractable) under `skId`, the public one under `pkId`. */
  async generateRsaKeyPair(slot: string, skId: string, pkId: string, bits: number): Promise<void> {
    await this.#runPooled(slot, "key pair generation", async (lib, s, c) => {
      for (const id of [skId, pkId])
        if (this.#find(lib, s, c, id))
          throw new HsmError(`a key ${id} already exists in HSM slot ${slot}`, "CKR_KEY_EXISTS");
      await lib.C_GenerateKeyPairAsync(
        s,
        { mechanism: c.CKM_RSA_PKCS_KEY_PAIR_GEN },
        [
          { type: c.CKA_CLASS, value: c.CKO_PUBLIC_KEY },
          { type: c.CKA_KEY_TYPE, value: c.CKK_RSA },
          { type: c.CKA_MODULUS_BITS, value: bits },
          { type: c.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
          { type: c.CKA_ID, value: Buffer.from(pkId, "utf8") },
          { type: c.CKA_LABEL, value: pkId },
          { type: c.CKA_TOKEN, value: true },
          { type: c.CKA_ENCRYPT, value: true },
          { type: c.CKA_VERIFY, value: true },
        ],
        [
          { type: c.CKA_CLASS, value: c.CKO_PRIVATE_KEY },
          { type: c.CKA_KEY_TYPE, value: c.CKK_RSA },
          { type: c.CKA_ID, value: Buffer.from(skId, "utf8") },
          { type: c.CKA_LABEL, value: skId },
          { type: c.CKA_TOKEN, value: true },
          { type: c.CKA_PRIVATE, value: true },
          { type: c.CKA_SENSITIVE, value: true },
          { type: c.CKA_EXTRACTABLE, value: false },
          { type: c.CKA_DECRYPT, value: true },
          { type: c.CKA_SIGN, value: true },
        ],
      );
    });
  }

  /** The public key's modulus and exponent (public values). */
  rsaPublicKey(slot: string, pkId: string): { n: Uint8Array; e: Uint8Array } {
    return this.#run(slot, "public key read", (lib, s, c) => {
      const h = this.#require(lib, s, c, slot, pkId, c.CKO_PUBLIC_KEY);
      const [n, e] = lib.C_GetAttributeValue(s, h, [{ type: c.CKA_MODULUS }, { type: c.CKA_PUBLIC_EXPONENT }]);
      return { n: new Uint8Array(n.value as Buffer), e: new Uint8Array(e.value as Buffer) };
    });
  }

  /** Deletes every object with this CKA_ID; returns how many. */
  destroyKey(slot: string, keyId: string): number {
    return this.#run(slot, "key destruction", (lib, s, c) => {
      let n = 0;
      for (let h = this.#find(lib, s, c, keyId); h; h = this.#find(lib, s, c, keyId)) {
        lib.C_DestroyObject(s, h);
        if (++n > 8) break;
      }
      return n;
    });
  }

  #aesMechanism(c: Pkcs11Module, mode: AesMode) {
    if (mode.kind === "gcm") {
      return {
        mechanism: c.CKM_AES_GCM,
        parameter: {
          type: c.CK_PARAMS_AES_GCM,
          iv: Buffer.from(mode.iv),
          aad: mode.aad ? Buffer.from(mode.aad) : undefined,
          ivBits: mode.iv.length * 8,
          tagBits: mode.tagBits,
        },
      };
    }
    return { mechanism: c.CKM_AES_CBC_PAD, parameter: Buffer.from(mode.iv) };
  }

  /** AES encryption inside the HSM (pooled session, off the event loop); GCM output is ciphertext || tag. */
  aesEncrypt(slot: string, keyId: string, mode: AesMode, data: Uint8Array): Promise<Uint8Array> {
    return this.#runPooled(slot, "encryption", async (lib, s, c) => {
      const key = this.#require(lib, s, c, slot, keyId, c.CKO_SECRET_KEY);
      this.#init("encryption", () => lib.C_EncryptInit(s, this.#aesMechanism(c, mode) as never, key));
      return new Uint8Array(await lib.C_EncryptAsync(s, Buffer.from(data), Buffer.alloc(data.length + 32)));
    });
  }

  /** AES decryption inside the HSM; GCM input is ciphertext || tag. Fails when the tag does not match. */
  aesDecrypt(slot: string, keyId: string, mode: AesMode, data: Uint8Array): Promise<Uint8Array> {
    return this.#runPooled(slot, "decryption", async (lib, s, c) => {
      const key = this.#require(lib, s, c, slot, keyId, c.CKO_SECRET_KEY);
      this.#init("decryption", () => lib.C_DecryptInit(s, this.#aesMechanism(c, mode) as never, key));
      return new Uint8Array(await lib.C_DecryptAsync(s, Buffer.from(data), Buffer.alloc(data.length + 32)));
    });
  }

  /** `aesEncrypt`, synchronously on the slot's own session (for callers with a synchronous interface). */
  aesEncryptSync(slot: string, keyId: string, mode: AesMode, data: Uint8Array): Uint8Array {
    return this.#run(slot, "encryption", (lib, s, c) => {
      const key = this.#require(lib, s, c, slot, keyId, c.CKO_SECRET_KEY);
      this.#init("encryption", () => lib.C_EncryptInit(s, this.#aesMechanism(c, mode) as never, key));
      return new Uint8Array(lib.C_Encrypt(s, Buffer.from(data), Buffer.alloc(data.length + 32)));
    });
  }

  /** `aesDecrypt`, synchronously on the slot's own session. */
  aesDecryptSync(slot: string, keyId: string, mode: AesMode, data: Uint8Array): Uint8Array {
    return this.#run(slot, "decryption", (lib, s, c) => {
      const key = this.#require(lib, s, c, slot, keyId, c.CKO_SECRET_KEY);
      this.#init("decryption", () => lib.C_DecryptInit(s, this.#aesMechanism(c, mode) as never, key));
      return new Uint8Array(lib.C_Decrypt(s, Buffer.from(data), Buffer.alloc(data.length + 32)));
    });
  }

  #hashMechanisms(c: Pkcs11Module, hash: HashName) {
    const table = {
      SHA1: {
        digest: c.CKM_SHA_1,
        mgf: c.CKG_MGF1_SHA1,
        pkcs1: c.CKM_SHA1_RSA_PKCS,
        pss: c.CKM_SHA1_RSA_PKCS_PSS,
        len: 20,
      },
      SHA256: {
        digest: c.CKM_SHA256,
        mgf: c.CKG_MGF1_SHA256,
        pkcs1: c.CKM_SHA256_RSA_PKCS,
        pss: c.CKM_SHA256_RSA_PKCS_PSS,
        len: 32,
      },
      SHA384: {
        digest: c.CKM_SHA384,
        mgf: c.CKG_MGF1_SHA384,
        pkcs1: c.CKM_SHA384_RSA_PKCS,
        pss: c.CKM_SHA384_RSA_PKCS_PSS,
        len: 48,
      },
      SHA512: {
        digest: c.CKM_SHA512,
        mgf: c.CKG_MGF1_SHA512,
        pkcs1: c.CKM_SHA512_RSA_PKCS,
        pss: c.CKM_SHA512_RSA_PKCS_PSS,
        len: 64,
      },
    } as const;
    return table[hash];
  }

  #rsaMechanism(c: Pkcs11Module, p: RsaEncryption) {
    if (p.kind === "pkcs1") return { mechanism: c.CKM_RSA_PKCS };
    const h = this.#hashMechanisms(c, p.hash);
    return {
      mechanism: c.CKM_RSA_PKCS_OAEP,
      parameter: { type: c.CK_PARAMS_RSA_OAEP, hashAlg: h.digest, mgf: h.mgf, source: 1 /* CKZ_DATA_SPECIFIED */ },
    };
  }

  rsaEncrypt(slot: string, pkId: string, p: RsaEncryption, data: Uint8Array): Promise<Uint8Array> {
    return this.#runPooled(slot, "encryption", async (lib, s, c) => {
      const key = this.#require(lib, s, c, slot, pkId, c.CKO_PUBLIC_KEY);
      this.#init("encryption", () => lib.C_EncryptInit(s, this.#rsaMechanism(c, p) as never, key));
      return new Uint8Array(await lib.C_EncryptAsync(s, Buffer.from(data), Buffer.alloc(1024)));
    });
  }

  rsaDecrypt(slot: string, skId: string, p: RsaEncryption, data: Uint8Array): Promise<Uint8Array> {
    return this.#runPooled(slot, "decryption", async (lib, s, c) => {
      const key = this.#require(lib, s, c, slot, skId, c.CKO_PRIVATE_KEY);
      this.#init("decryption", () => lib.C_DecryptInit(s, this.#rsaMechanism(c, p) as never, key));
      return new Uint8Array(await lib.C_DecryptAsync(s, Buffer.from(data), Buffer.alloc(1024)));
    });
  }

  rsaSign(slot: string, skId: string, p: RsaSignature, data: Uint8Array): Promise<Uint8Array> {
    return this.#runPooled(slot, "signature", async (lib, s, c) => {
      const key = this.#require(lib, s, c, slot, skId, c.CKO_PRIVATE_KEY);
      const h = this.#hashMechanisms(c, p.hash);
      const mech =
        p.kind === "pkcs1"
          ? { mechanism: h.pkcs1 }
          : {
              mechanism: h.pss,
              parameter: { type: c.CK_PARAMS_RSA_PSS, hashAlg: h.digest, mgf: h.mgf, saltLen: h.len },
            };
      this.#init("signature", () => lib.C_SignInit(s, mech as never, key));
      return new Uint8Array(await lib.C_SignAsync(s, Buffer.from(data), Buffer.alloc(1024)));
    });
  }

  /**
   * Wraps key bytes under the HSM AES key `keyId` with C_WrapKey: RFC 5649 (CKM_AES_KEY_WRAP_PAD)
   * or RFC 3394 (CKM_AES_KEY_WRAP). The bytes enter the HSM as a session object that is destroyed
   * right after.
   */
  aesKeyWrap(slot: string, keyId: string, mode: "rfc5649" | "rfc3394", keyBytes: Uint8Array): Uint8Array {
    return this.#run(slot, "key wrapping", (lib, s, c) => {
      const kek = this.#require(lib, s, c, slot, keyId, c.CKO_SECRET_KEY);
      const tmp = lib.C_CreateObject(s, [
        { type: c.CKA_CLASS, value: c.CKO_SECRET_KEY },
        { type: c.CKA_KEY_TYPE, value: c.CKK_GENERIC_SECRET },
        { type: c.CKA_VALUE, value: Buffer.from(keyBytes) },
        { type: c.CKA_TOKEN, value: false },
        { type: c.CKA_SENSITIVE, value: false },
        { type: c.CKA_EXTRACTABLE, value: true },
      ]);
      try {
        const mechanism = mode === "rfc5649" ? c.CKM_AES_KEY_WRAP_PAD : c.CKM_AES_KEY_WRAP;
        return new Uint8Array(lib.C_WrapKey(s, { mechanism }, kek, tmp, Buffer.alloc(keyBytes.length + 16)));
      } finally {
        lib.C_DestroyObject(s, tmp);
      }
    });
  }

  /** The key bytes `aesKeyWrap` wrapped (C_UnwrapKey into a session object, read, destroyed). */
  aesKeyUnwrap(slot: string, keyId: string, mode: "rfc5649" | "rfc3394", wrapped: Uint8Array): Uint8Array {
    return this.#run(slot, "key unwrapping", (lib, s, c) => {
      const kek = this.#require(lib, s, c, slot, keyId, c.CKO_SECRET_KEY);
      const mechanism = mode === "rfc5649" ? c.CKM_AES_KEY_WRAP_PAD : c.CKM_AES_KEY_WRAP;
      const tmp = lib.C_UnwrapKey(s, { mechanism }, kek, Buffer.from(wrapped), [
        { type: c.CKA_CLASS, value: c.CKO_SECRET_KEY },
        { type: c.CKA_KEY_TYPE, value: c.CKK_GENERIC_SECRET },
        { type: c.CKA_TOKEN, value: false },
        { type: c.CKA_SENSITIVE, value: false },
        { type: c.CKA_EXTRACTABLE, value: true },
      ]);
      try {
        const [value] = lib.C_GetAttributeValue(s, tmp, [{ type: c.CKA_VALUE }]);
        return new Uint8Array(value.value as Buffer);
      } finally {
        lib.C_DestroyObject(s, tmp);
      }
    });
  }
}

/** A fresh 96-bit GCM nonce (from the host CSPRNG; NIST SP 800-38D §8.2.2). */
export const gcmNonce = () => new Uint8Array(randomBytes(12));
