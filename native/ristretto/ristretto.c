/*
 * A small Node-API addon over libsodium's ristretto255 (RFC 9496) group: constant-time
 * variable-base and fixed-base scalar multiplication, point addition and scalar arithmetic
 * modulo the group order, for CoverCrypt's decapsulation and user-key generation; and
 * KMACXOF256 (NIST SP 800-185) from OpenSSL's libcrypto, for the MAC of CoverCrypt user keys.
 *
 * The group functions take Uint8Array arguments (32 bytes each, checked), writes its result into the
 * first one and returns a boolean: false where libsodium refuses (an invalid point encoding, an
 * identity result, a zero scalar to invert). Scalars are 32-byte little-endian, below the group
 * order. Secret intermediates live on the stack and are wiped before returning.
 */
#include <node_api.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#define N 32

/* Reads argument i as a 32-byte Uint8Array; NULL (and a pending TypeError) otherwise. */
static unsigned char *arg32(napi_env env, napi_value *argv, size_t argc, size_t i) {
  bool is;
  napi_typedarray_type type;
  size_t len;
  void *data;
  napi_value ab;
  size_t off;
  if (i >= argc || napi_is_typedarray(env, argv[i], &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, argv[i], &type, &len, &data, &ab, &off) != napi_ok ||
      type != napi_uint8_array || len != N || data == NULL) {
    napi_throw_type_error(env, NULL, "expected a 32-byte Uint8Array");
    return NULL;
  }
  return (unsigned char *)data;
}

static napi_value boolean(napi_env env, bool b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  return v;
}

#define ARGS(n)                                                  \
  size_t argc = n;                                               \
  napi_value argv[n];                                            \
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL; \
  unsigned char *a[n];                                           \
  for (size_t i = 0; i < n; i++)                                 \
    if (!(a[i] = arg32(env, argv, argc, i))) return NULL;

/* scalarmult(q, n, p): q = n·p. */
static napi_value scalarmult(napi_env env, napi_callback_info info) {
  ARGS(3)
  unsigned char q[N];
  bool ok = crypto_scalarmult_ristretto255(q, a[1], a[2]) == 0;
  memcpy(a[0], q, N);
  sodium_memzero(q, N);
  return boolean(env, ok);
}

/* scalarmultBase(q, n): q = n·G. */
static napi_value scalarmult_base(napi_env env, napi_callback_info info) {
  ARGS(2)
  unsigned char q[N];
  bool ok = crypto_scalarmult_ristretto255_base(q, a[1]) == 0;
  memcpy(a[0], q, N);
  sodium_memzero(q, N);
  return boolean(env, ok);
}

/* add(r, p, q): r = p + q. */
static napi_value add(napi_env env, napi_callback_info info) {
  ARGS(3)
  unsigned char r[N];
  bool ok = crypto_core_ristretto255_add(r, a[1], a[2]) == 0;
  memcpy(a[0], r, N);
  sodium_memzero(r, N);
  return boolean(env, ok);
}

/*
 * mulSum(r, x, a, p, b, q): r = x·(a·p + b·q) = (x·a)·p + (x·b)·q, the first point of a CoverCrypt
 * decapsulation; x, a and b are secret and never leave this function as products.
 */
static napi_value mul_sum(napi_env env, napi_callback_info info) {
  ARGS(6)
  unsigned char k[N], u[N], v[N], r[N];
  crypto_core_ristretto255_scalar_mul(k, a[1], a[2]);
  bool ok = crypto_scalarmult_ristretto255(u, k, a[3]) == 0;
  crypto_core_ristretto255_scalar_mul(k, a[1], a[4]);
  ok = ok && crypto_scalarmult_ristretto255(v, k, a[5]) == 0;
  ok = ok && crypto_core_ristretto255_add(r, u, v) == 0;
  if (ok) memcpy(a[0], r, N);
  sodium_memzero(k, N);
  sodium_memzero(u, N);
  sodium_memzero(v, N);
  sodium_memzero(r, N);
  return boolean(env, ok);
}

/* mulScaled(r, x, y, p): r = (x·y)·p (with y = 1/x1 and p = x1·P, the point x·P). */
static napi_value mul_scaled(napi_env env, napi_callback_info info) {
  ARGS(4)
  unsigned char k[N], r[N];
  crypto_core_ristretto255_scalar_mul(k, a[1], a[2]);
  bool ok = crypto_scalarmult_ristretto255(r, k, a[3]) == 0;
  if (ok) memcpy(a[0], r, N);
  sodium_memzero(k, N);
  sodium_memzero(r, N);
  return boolean(env, ok);
}

/* scalarInvert(r, s): r = 1/s mod ℓ; false for s = 0. */
static napi_value scalar_invert(napi_env env, napi_callback_info info) {
  ARGS(2)
  unsigned char r[N];
  bool ok = crypto_core_ristretto255_scalar_invert(r, a[1]) == 0;
  memcpy(a[0], r, N);
  sodium_memzero(r, N);
  return boolean(env, ok);
}

/* splitSecret(b, s, a, s1, s2inv): b = (s − a·s1)·s2inv mod ℓ (CoverCrypt user-key generation). */
static napi_value split_secret(napi_env env, napi_callback_info info) {
  ARGS(5)
  unsigned char t[N], u[N];
  crypto_core_ristretto255_scalar_mul(t, a[2], a[3]);
  crypto_core_ristretto255_scalar_sub(u, a[1], t);
  crypto_core_ristretto255_scalar_mul(t, u, a[4]);
  memcpy(a[0], t, N);
  sodium_memzero(t, N);
  sodium_memzero(u, N);
  return boolean(env, true);
}

/* isValidPoint(p): whether p is a canonical ristretto255 encoding. */
static napi_value is_valid_point(napi_env env, napi_callback_info info) {
  ARGS(1)
  return boolean(env, crypto_core_ristretto255_is_valid_point(a[0]) == 1);
}

/*
 * A KMAC256 context with neither key nor customization, made once: each MAC starts from a copy of
 * it (EVP_MAC_CTX_dup shares the Keccak digest implementation, where EVP_MAC_CTX_new would look
 * it up by name again on every call). Only read after init, so threads may copy it concurrently.
 */
static EVP_MAC_CTX *kmac256_blank;

/* Reads argument i as a Uint8Array of any length. */
static bool arg_bytes(napi_env env, napi_value v, unsigned char **data, size_t *len) {
  bool is;
  napi_typedarray_type type;
  void *d;
  napi_value ab;
  size_t off;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is || napi_get_typedarray_info(env, v, &type, len, &d, &ab, &off) != napi_ok ||
      type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "expected a Uint8Array");
    return false;
  }
  static unsigned char empty[1];
  *data = d ? (unsigned char *)d : empty;
  return true;
}

/* Reads argument i as a Uint32Array of any length. */
static bool arg_u32(napi_env env, napi_value v, uint32_t **data, size_t *len) {
  bool is;
  napi_typedarray_type type;
  void *d;
  napi_value ab;
  size_t off;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is || napi_get_typedarray_info(env, v, &type, len, &d, &ab, &off) != napi_ok ||
      type != napi_uint32_array) {
    napi_throw_type_error(env, NULL, "expected a Uint32Array");
    return false;
  }
  static uint32_t empty[1];
  *data = d ? (uint32_t *)d : empty;
  return true;
}

/* A KMACXOF256 context keyed with `key` and customized with `custom`, ready for updates; NULL where OpenSSL refuses. */
static EVP_MAC_CTX *kmac_begin(const unsigned char *key, size_t key_len, const unsigned char *custom, size_t custom_len,
                               size_t out_len) {
  if (!kmac256_blank) return NULL;
  EVP_MAC_CTX *ctx = EVP_MAC_CTX_dup(kmac256_blank);
  if (!ctx) return NULL;
  int xof = 1;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_CUSTOM, (void *)custom, custom_len),
      OSSL_PARAM_construct_int(OSSL_MAC_PARAM_XOF, &xof),
      OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &out_len),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_MAC_init(ctx, key, key_len, params) != 1) {
    EVP_MAC_CTX_free(ctx);
    return NULL;
  }
  return ctx;
}

/* Squeezes the output and frees the context (which clears the key schedule). */
static bool kmac_end(EVP_MAC_CTX *ctx, bool ok, unsigned char *out, size_t out_len) {
  ok = ok && EVP_MAC_finalXOF(ctx, out, out_len) == 1;
  EVP_MAC_CTX_free(ctx);
  return ok;
}

/*
 * kmacXof256(out, key, customization, parts): out = KMACXOF256(key, parts[0] ‖ parts[1] ‖ …,
 * out.length, customization). False where OpenSSL refuses (e.g. a key shorter than 4 bytes).
 */
static napi_value kmac_xof256(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc != 4) {
    napi_throw_type_error(env, NULL, "expected (out, key, customization, parts)");
    return NULL;
  }
  unsigned char *out, *key, *custom;
  size_t out_len, key_len, custom_len;
  if (!arg_bytes(env, argv[0], &out, &out_len) || !arg_bytes(env, argv[1], &key, &key_len) ||
      !arg_bytes(env, argv[2], &custom, &custom_len))
    return NULL;
  bool is_array;
  uint32_t n;
  if (napi_is_array(env, argv[3], &is_array) != napi_ok || !is_array || napi_get_array_length(env, argv[3], &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected an array of Uint8Array");
    return NULL;
  }
  EVP_MAC_CTX *ctx = kmac_begin(key, key_len, custom, custom_len, out_len);
  if (!ctx) return boolean(env, false);
  bool ok = true;
  for (uint32_t i = 0; ok && i < n; i++) {
    napi_value el;
    unsigned char *d;
    size_t len;
    if (napi_get_element(env, argv[3], i, &el) != napi_ok || !arg_bytes(env, el, &d, &len)) {
      EVP_MAC_CTX_free(ctx);
      return NULL;
    }
    ok = EVP_MAC_update(ctx, d, len) == 1;
  }
  return boolean(env, kmac_end(ctx, ok, out, out_len));
}

/*
 * kmacXof256Spans(out, key, customization, data, spans): out = KMACXOF256(key, the concatenation
 * of data[spans[0] .. spans[0] + spans[1]), data[spans[2] .. spans[2] + spans[3]), …, out.length,
 * customization): the MAC of pieces of one buffer in a single call. A span outside `data` is a
 * RangeError, an odd `spans` length a TypeError; false where OpenSSL refuses.
 */
static napi_value kmac_xof256_spans(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc != 5) {
    napi_throw_type_error(env, NULL, "expected (out, key, customization, data, spans)");
    return NULL;
  }
  unsigned char *out, *key, *custom, *data;
  size_t out_len, key_len, custom_len, data_len, n;
  uint32_t *spans;
  if (!arg_bytes(env, argv[0], &out, &out_len) || !arg_bytes(env, argv[1], &key, &key_len) ||
      !arg_bytes(env, argv[2], &custom, &custom_len) || !arg_bytes(env, argv[3], &data, &data_len) ||
      !arg_u32(env, argv[4], &spans, &n))
    return NULL;
  if (n % 2 != 0) {
    napi_throw_type_error(env, NULL, "spans must be (offset, length) pairs");
    return NULL;
  }
  for (size_t i = 0; i < n; i += 2)
    if (spans[i] > data_len || spans[i + 1] > data_len - spans[i]) {
      napi_throw_range_error(env, NULL, "span outside the data");
      return NULL;
    }
  EVP_MAC_CTX *ctx = kmac_begin(key, key_len, custom, custom_len, out_len);
  if (!ctx) return boolean(env, false);
  bool ok = true;
  for (size_t i = 0; ok && i < n; i += 2) ok = EVP_MAC_update(ctx, data + spans[i], spans[i + 1]) == 1;
  return boolean(env, kmac_end(ctx, ok, out, out_len));
}

/* scalarReduce(r, wide): r = wide mod ℓ, wide a 64-byte little-endian integer (a uniform random scalar from 64 random bytes). */
static napi_value scalar_reduce(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  unsigned char *r = arg32(env, argv, argc, 0);
  if (!r) return NULL;
  unsigned char *wide;
  size_t len;
  if (argc < 2 || !arg_bytes(env, argv[1], &wide, &len)) return NULL;
  if (len != 2 * N) {
    napi_throw_type_error(env, NULL, "expected a 64-byte Uint8Array");
    return NULL;
  }
  unsigned char t[N];
  crypto_core_ristretto255_scalar_reduce(t, wide);
  memcpy(r, t, N);
  sodium_memzero(t, N);
  return boolean(env, true);
}

static napi_value init(napi_env env, napi_value exports) {
  if (sodium_init() < 0) {
    napi_throw_error(env, NULL, "libsodium failed to initialize");
    return NULL;
  }
  /* a second load (another worker) keeps the first context, which threads may be copying */
  EVP_MAC *kmac256 = kmac256_blank ? NULL : EVP_MAC_fetch(NULL, "KMAC256", NULL);
  if (kmac256) {
    kmac256_blank = EVP_MAC_CTX_new(kmac256);
    EVP_MAC_free(kmac256); /* the context holds its own reference */
  }
  napi_property_descriptor props[] = {
      {"kmacXof256", NULL, kmac_xof256, NULL, NULL, NULL, napi_enumerable, NULL},
      {"kmacXof256Spans", NULL, kmac_xof256_spans, NULL, NULL, NULL, napi_enumerable, NULL},
      {"scalarReduce", NULL, scalar_reduce, NULL, NULL, NULL, napi_enumerable, NULL},
      {"scalarmult", NULL, scalarmult, NULL, NULL, NULL, napi_enumerable, NULL},
      {"scalarmultBase", NULL, scalarmult_base, NULL, NULL, NULL, napi_enumerable, NULL},
      {"add", NULL, add, NULL, NULL, NULL, napi_enumerable, NULL},
      {"mulSum", NULL, mul_sum, NULL, NULL, NULL, napi_enumerable, NULL},
      {"mulScaled", NULL, mul_scaled, NULL, NULL, NULL, napi_enumerable, NULL},
      {"scalarInvert", NULL, scalar_invert, NULL, NULL, NULL, napi_enumerable, NULL},
      {"splitSecret", NULL, split_secret, NULL, NULL, NULL, napi_enumerable, NULL},
      {"isValidPoint", NULL, is_valid_point, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
