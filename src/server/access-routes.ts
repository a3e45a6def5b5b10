/**
 * The access-rights REST routes, with Cosmian's JSON shapes:
 * POST /access/grant, POST /access/revoke, GET /access/list/:uid, GET /access/owned,
 * GET /access/obtained. Only an object's owner may grant, revoke or list its grants, and never to
 * themselves.
 */
import * as v from "valibot";
import { KmipError } from "../kmip/error.ts";
import { parseRight, RIGHTS } from "../auth/access.ts";
import type { ObjectStore } from "../store/store.ts";
import { exportAttributes } from "../operations/common/export.ts";
import { bytesToHex } from "../crypto/bytes.ts";
import { isRawNode } from "../kmip/struct.ts";

const AccessBody = v.object({
  unique_identifier: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
  user_id: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
  operation_types: v.pipe(v.array(v.string()), v.minLength(1), v.maxLength(64)),
});

function parseBody(text: string): v.InferOutput<typeof AccessBody> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KmipError("Invalid_Message", "the body must be JSON {unique_identifier, user_id, operation_types}");
  }
  const r = v.safeParse(AccessBody, json);
  if (!r.success) {
    const issue = r.issues[0];
    throw new KmipError("Invalid_Field", `${v.getDotPath(issue) ?? "body"}: ${issue.message}`);
  }
  return r.output;
}

function rightsOf(names: string[]): string[] {
  return names.map((n) => {
    const right = parseRight(n);
    if (!right) throw new KmipError("Invalid_Field", `unknown operation type "${n}"; known: ${RIGHTS.join(", ")}`);
    return right;
  });
}

/**
 * The caller's own object `uid`. Any other id, whether missing, someone else's or shared with the
 * caller, gets one and the same answer (Cosmian's wording), so these routes reveal nothing about
 * which ids exist.
 */
async function ownedObject(store: ObjectStore, uid: string, user: string) {
  const o = await store.get(uid);
  if (o?.owner === user) return o;
  throw new KmipError(
    "Permission_Denied",
    `Access denied: Object with uid \`${uid}\` is not owned by owner \`${user}\``,
    "forbidden",
  );
}

export async function grantAccess(store: ObjectStore, user: string, body: string): Promise<unknown> {
  const b = parseBody(body);
  const rights = rightsOf(b.operation_types);
  await ownedObject(store, b.unique_identifier, user); // first: a non-owner learns only that it is not theirs
  if (b.user_id === user)
    throw new KmipError(
      "Permission_Denied",
      "Access denied: You can't grant yourself, you already have all rights on your own objects",
      "forbidden",
    );
  if (b.unique_identifier.startsWith("hsm::") && rights.includes("destroy")) {
    throw new KmipError(
      "Permission_Denied",
      `Access denied: Destroy on the HSM object ${b.unique_identifier} cannot be granted: it is reserved for HSM admins only`,
      "forbidden",
    );
  }
  await store.grant(b.unique_identifier, b.user_id, rights);
  return { success: `Access for ${b.user_id} successfully added` };
}

export async function revokeAccess(store: ObjectStore, user: string, body: string): Promise<unknown> {
  const b = parseBody(body);
  const rights = rightsOf(b.operation_types);
  await ownedObject(store, b.unique_identifier, user);
  if (b.user_id === user)
    throw new KmipError("Permission_Denied", "Access denied: You can't revoke yourself", "forbidden");
  await store.revokeGrant(b.unique_identifier, b.user_id, rights);
  return { success: `Access for ${b.user_id} successfully deleted` };
}

export async function listAccess(store: ObjectStore, user: string, uid: string): Promise<unknown> {
  await ownedObject(store, uid, user);
  return (await store.grantsOn(uid)).map((g) => ({ user_id: g.userId, operations: [...g.operations].sort() }));
}

export async function listOwned(store: ObjectStore, user: string): Promise<unknown> {
  return (await store.ownedBy(user)).map((o) => ({
    object_id: o.id,
    state: o.state,
    attributes: plainJson(exportAttributes(o)),
    is_wrapped: !!(o.object.KeyBlock as Record<string, unknown> | undefined)?.KeyWrappingData,
  }));
}

export async function listObtained(store: ObjectStore, user: string): Promise<unknown> {
  return (await store.obtainedBy(user)).map((g) => ({
    object_id: g.objectId,
    owner_id: g.ownerId,
    state: g.state,
    operations: g.operations,
  }));
}

/** Attributes as plain JSON for the REST routes (Cosmian's serde form): dates ISO, bytes hex, vendor values bare. */
function plainJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return bytesToHex(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (isRawNode(value)) return plainJson(value.value);
  if (Array.isArray(value)) return value.map(plainJson);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, plainJson(v)]),
    );
  return value;
}
