/**
 * Automatic key rotation with the KMIP 2.1 rotation attributes (§4.48-4.55): a key whose
 * RotateAutomatic is true and RotateInterval > 0 is re-keyed by the server when due.
 *
 * Due time: the first rotation comes at InitialDate + RotateOffset (RotateInterval when no offset),
 * each later one at RotateDate + RotateInterval. Intervals under the operator's floor
 * (`--rotation-min-interval`, default 5 s) count as the floor.
 *
 * A rotation is the ReKey operation for a symmetric key, ReKeyKeyPair for a key pair (the private
 * key carries the policy; the public key follows it), and for a CoverCrypt master secret key a
 * ReKeyKeyPair that re-keys every attribute of its policy (the master keys keep their ids, as
 * Cosmian's CoverCrypt re-keying does; user keys are refreshed). The successor keeps the old key's
 * RotateName, RotateInterval, RotateAutomatic and RotateOffset, takes RotateGeneration + 1,
 * RotateDate = now and RotateLatest = true; the old key gets RotateLatest = false, a
 * ReplacementObjectLink (the new key a ReplacedObjectLink), and stays usable to decrypt until revoked.
 *
 * Several servers may share one database: each rotation starts with the store's conditional claim
 * (RotateLatest true -> false while RotateGeneration is unchanged), so exactly one server rotates
 * a given key generation; the others count it as skipped. The claim and the rotation are one
 * transaction: a failed rotation leaves the key as it was.
 *
 * Time comes from an injectable clock; `runOnce(at)` is what the timer calls, and what tests call.
 */
import { KmipError } from "../kmip/error.ts";
import { rawNode, type KmipRecord } from "../kmip/struct.ts";
import { utf8 } from "../crypto/bytes.ts";
import type { ObjectStore, StoredObject } from "../store/store.ts";
import { dispatch } from "../operations/dispatch.ts";
import type { OperationContext, OperationSettings } from "../operations/context.ts";
import { linkTarget } from "../operations/common/links.ts";
import { generationOf } from "../operations/common/keyset.ts";
import * as ccPolicy from "../crypto/covercrypt/policy.ts";
import type { Logger } from "./log.ts";
import type { Metrics } from "./metrics.ts";

export const DEFAULT_MIN_INTERVAL_SECONDS = 5;
export const DEFAULT_CHECK_SECONDS = 1;
/** After a failed rotation, the key is retried no sooner than this (or its interval, if longer). */
const RETRY_AFTER_FAILURE_MS = 60_000;

export interface RotationOptions {
  store: ObjectStore;
  settings: OperationSettings;
  log: Logger;
  metrics?: Metrics;
  minIntervalSeconds?: number;
  clock?: () => Date;
}

export interface RotationResult {
  rotated: { old: string; new: string }[];
  skipped: string[];
  failed: { id: string; reason: string }[];
}

const seconds = (v: unknown): number | undefined => {
  if (v === undefined || v === null) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

/** When `o` is next due for automatic rotation, or undefined when it is not under automatic rotation. */
export function dueAt(o: StoredObject, minIntervalSeconds = DEFAULT_MIN_INTERVAL_SECONDS): Date | undefined {
  const a = o.attributes as KmipRecord;
  if (a.RotateAutomatic !== true) return undefined;
  const interval = seconds(a.RotateInterval);
  if (!interval || interval <= 0) return undefined;
  const every = Math.max(interval, minIntervalSeconds) * 1000;
  if (a.RotateDate instanceof Date) return new Date(a.RotateDate.getTime() + every);
  const initial = a.InitialDate instanceof Date ? a.InitialDate : undefined;
  if (!initial) return undefined;
  const offset = seconds(a.RotateOffset);
  return new Date(
    initial.getTime() +
      (offset !== undefined && offset >= 0 ? Math.max(offset * 1000, minIntervalSeconds * 1000) : every),
  );
}

function isCoverCryptMaster(o: StoredObject): boolean {
  if (o.objectType !== "PrivateKey" || o.attributes.CryptographicAlgorithm !== "CoverCrypt") return false;
  return (
    (o.attributes.VendorAttributes ?? []).some((v) => v.AttributeName === "cover_crypt_policy") &&
    !linkTarget(o, "ParentLink")
  );
}

/**
 * An access policy covering every partition of the master key's policy (a dimension not named
 * contributes all its attributes): the attributes of one unordered dimension joined by `||`, or
 * the highest attribute of an ordered one (it includes the lower ones).
 */
function everyAttribute(o: StoredObject): string {
  const va = (o.attributes.VendorAttributes ?? []).find((v) => v.AttributeName === "cover_crypt_policy");
  const node = va?.AttributeValue;
  const text =
    node?.type === "TextString" ? node.value : node?.type === "ByteString" ? utf8.decode(node.value) : undefined;
  if (!text) throw new KmipError("Invalid_Attribute_Value", `the CoverCrypt master key ${o.id} has no policy`);
  const policy = ccPolicy.parse(text);
  const dims = [...policy.dimensions];
  const unordered = dims.find(([, d]) => !d.ordered && d.attributes.size > 0);
  if (unordered) return [...unordered[1].attributes.keys()].map((a) => `${unordered[0]}::${a}`).join(" || ");
  const ordered = dims.find(([, d]) => d.attributes.size > 0);
  if (!ordered) throw new KmipError("Invalid_Attribute_Value", `the CoverCrypt master key ${o.id} has an empty policy`);
  return `${ordered[0]}::${[...ordered[1].attributes.keys()].at(-1)}`;
}

export class RotationScheduler {
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<RotationResult> | undefined;
  private readonly retryAt = new Map<string, number>();
  private readonly minInterval: number;
  private readonly clock: () => Date;
  private warned = false;

  constructor(private readonly o: RotationOptions) {
    this.minInterval = o.minIntervalSeconds ?? DEFAULT_MIN_INTERVAL_SECONDS;
    this.clock = o.clock ?? (() => new Date());
  }

  /** Scans every `checkSeconds` (0: never; tests call runOnce). */
  start(checkSeconds = DEFAULT_CHECK_SECONDS): void {
    if (checkSeconds <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return; // a slow pass is not stacked
      void this.runOnce().catch((e) =>
        this.o.log.error("automatic rotation pass failed", { error: e instanceof Error ? e.message : String(e) }),
      );
    }, checkSeconds * 1000);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** The keys due at `at` (ids and the generation each was seen at). */
  async due(at: Date = this.clock()): Promise<{ id: string; generation: number }[]> {
    const { store } = this.o;
    if (!store.rotationCandidates || !store.claimRotation) {
      if (!this.warned) this.o.log.warn("automatic key rotation is not available with this database backend");
      this.warned = true;
      return [];
    }
    const out: { id: string; generation: number }[] = [];
    for (const id of await store.rotationCandidates()) {
      const o = await store.get(id);
      if (o?.state !== "Active" || linkTarget(o, "ReplacementObjectLink")) continue; // re-keyed by hand: its successor carries on
      const when = dueAt(o, this.minInterval);
      if (!when || when.getTime() > at.getTime()) continue;
      if ((this.retryAt.get(id) ?? 0) > at.getTime()) continue;
      out.push({ id, generation: generationOf(o) });
    }
    return out;
  }

  /** One pass: rotates every key due at `at`. */
  async runOnce(at: Date = this.clock()): Promise<RotationResult> {
    const pass = (async () => this.rotate(await this.due(at), at))();
    this.running = pass;
    try {
      return await pass;
    } finally {
      if (this.running === pass) this.running = undefined;
    }
  }

  /** Rotates the given keys (each only if this server wins its claim). */
  async rotate(keys: { id: string; generation: number }[], at: Date = this.clock()): Promise<RotationResult> {
    const result: RotationResult = { rotated: [], skipped: [], failed: [] };
    for (const k of keys) {
      try {
        const successor = await this.rotateOne(k.id, k.generation);
        if (successor === undefined) {
          result.skipped.push(k.id);
          this.o.metrics?.observeRotation("skipped");
        } else {
          result.rotated.push({ old: k.id, new: successor });
          this.retryAt.delete(k.id);
          this.o.metrics?.observeRotation("rotated");
          this.o.log.info("key rotated", { id: k.id, successor, generation: k.generation + 1 });
        }
      } catch (e) {
        const reason =
          e instanceof KmipError ? `${e.reason}: ${e.message}` : e instanceof Error ? e.message : String(e);
        result.failed.push({ id: k.id, reason });
        this.o.metrics?.observeRotation("failed");
        this.retryAt.set(k.id, at.getTime() + RETRY_AFTER_FAILURE_MS);
        this.o.log.error("automatic key rotation failed", { id: k.id, error: reason });
      }
    }
    return result;
  }

  /** Claims and rotates one key in one transaction; undefined when another server claimed it. */
  private async rotateOne(id: string, generation: number): Promise<string | undefined> {
    const { store } = this.o;
    return store.atomic(async () => {
      if (!(await store.claimRotation!(id, generation))) return undefined;
      const old = await store.get(id);
      if (!old) return undefined;
      const ctx: OperationContext = {
        wire: "cosmian-js",
        user: old.owner,
        store,
        settings: this.o.settings,
        log: this.o.log,
      };
      const t = new Date();
      t.setMilliseconds(0);
      const next = { RotateGeneration: generation + 1, RotateDate: t, RotateLatest: true };
      if (old.objectType === "SymmetricKey") {
        const r = await dispatch("ReKey", { UniqueIdentifier: id }, ctx);
        await this.mark(r.UniqueIdentifier as string, next);
        return r.UniqueIdentifier as string;
      }
      if (isCoverCryptMaster(old)) {
        const action = JSON.stringify({ RekeyAccessPolicy: everyAttribute(old) });
        await dispatch(
          "ReKeyKeyPair",
          {
            PrivateKeyUniqueIdentifier: id,
            PrivateKeyAttributes: {
              VendorAttributes: [
                {
                  VendorIdentification: "cosmian",
                  AttributeName: "cover_crypt_rekey_action",
                  AttributeValue: rawNode({ tag: "AttributeValue", type: "ByteString", value: utf8.encode(action) }),
                },
              ],
            },
          },
          ctx,
        );
        // same ids: the master keys move to the next generation in place
        await this.mark(id, next);
        const pk = linkTarget(old, "PublicKeyLink");
        if (pk) await this.mark(pk, next);
        return id;
      }
      const oldPk = linkTarget(old, "PublicKeyLink");
      const r = await dispatch("ReKeyKeyPair", { PrivateKeyUniqueIdentifier: id }, ctx);
      await this.mark(r.PrivateKeyUniqueIdentifier as string, next);
      if (r.PublicKeyUniqueIdentifier) await this.mark(r.PublicKeyUniqueIdentifier as string, next);
      if (oldPk) await this.mark(oldPk, { RotateLatest: false });
      return r.PrivateKeyUniqueIdentifier as string;
    });
  }

  private async mark(id: string, attrs: KmipRecord): Promise<void> {
    const o = await this.o.store.get(id);
    if (!o) return;
    await this.o.store.update({ ...o, attributes: { ...o.attributes, ...attrs } });
  }
}
