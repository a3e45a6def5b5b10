"""
Drives PyKMIP's ProxyKmipClient (and KMIPProxy for Query / DiscoverVersions) against a KMIP
socket server. Usage: run.py HOST PORT CERT KEY CA KMIP_VERSION (1.2, 1.4 or 2.0).
Prints one JSON object per step: {"step", "ok", "detail"}; never stops at a failed step.
"""
import json
import logging
import sys

from kmip import enums
from kmip.pie import client as pie_client
from kmip.pie import objects

host, port, cert, key, ca, version = sys.argv[1:7]
VERSIONS = {"1.2": enums.KMIPVersion.KMIP_1_2, "1.4": enums.KMIPVersion.KMIP_1_4, "2.0": enums.KMIPVersion.KMIP_2_0}
logging.disable(logging.CRITICAL)

state = {}


def step(name):
    def run(fn):
        try:
            detail = fn()
            print(json.dumps({"step": name, "ok": True, "detail": detail}, default=str), flush=True)
        except Exception as e:  # noqa: BLE001 - every failure is reported, the next steps still run
            print(json.dumps({"step": name, "ok": False, "detail": f"{type(e).__name__}: {e}"}), flush=True)
        return fn

    return run


c = pie_client.ProxyKmipClient(hostname=host, port=int(port), cert=cert, key=key, ca=ca, kmip_version=VERSIONS[version])
c.open()
p = c.proxy
MASK_ENC = [enums.CryptographicUsageMask.ENCRYPT, enums.CryptographicUsageMask.DECRYPT]
CBC = {
    "cryptographic_algorithm": enums.CryptographicAlgorithm.AES,
    "block_cipher_mode": enums.BlockCipherMode.CBC,
    "padding_method": enums.PaddingMethod.PKCS5,
}


@step("discover_versions")
def _():
    r = p.discover_versions()
    assert r.result_status.value == enums.ResultStatus.SUCCESS, r.result_message
    return [f"{v.major}.{v.minor}" for v in r.protocol_versions]


@step("query")
def _():
    r = p.query(query_functions=[enums.QueryFunction.QUERY_OPERATIONS, enums.QueryFunction.QUERY_OBJECTS, enums.QueryFunction.QUERY_SERVER_INFORMATION])
    assert r.result_status.value == enums.ResultStatus.SUCCESS, r.result_message
    return {"operations": [o.name for o in r.operations], "objects": [o.name for o in r.object_types], "vendor": str(r.vendor_identification)}


@step("create")
def _():
    state["aes"] = c.create(enums.CryptographicAlgorithm.AES, 256, name="pykmip-aes-" + version, cryptographic_usage_mask=MASK_ENC)
    return state["aes"]


@step("get_attributes")
def _():
    uid, attrs = c.get_attributes(state["aes"], ["Cryptographic Algorithm", "Cryptographic Length", "State", "Name", "Object Type"])
    assert uid == state["aes"]
    return {a.attribute_name.value: str(a.attribute_value.value if not hasattr(a.attribute_value, "name_value") else a.attribute_value.name_value.value) for a in attrs}


@step("get_attribute_list")
def _():
    return sorted(c.get_attribute_list(state["aes"]))


@step("locate_by_name")
def _():
    f = c.attribute_factory
    return c.locate(attributes=[f.create_attribute(enums.AttributeType.NAME, "pykmip-aes-" + version)])


@step("locate_by_attributes")
def _():
    f = c.attribute_factory
    found = c.locate(attributes=[
        f.create_attribute(enums.AttributeType.CRYPTOGRAPHIC_ALGORITHM, enums.CryptographicAlgorithm.AES),
        f.create_attribute(enums.AttributeType.OBJECT_TYPE, enums.ObjectType.SYMMETRIC_KEY),
    ])
    assert state["aes"] in found, found
    return len(found)


@step("activate")
def _():
    c.activate(state["aes"])
    uid, attrs = c.get_attributes(state["aes"], ["State"])
    return attrs[0].attribute_value.value.name


@step("encrypt_decrypt_cbc")
def _():
    data = b"PyKMIP says hello to the TS KMS over binary TTLV"
    iv = bytes(range(16))
    encrypted, _iv = c.encrypt(data, uid=state["aes"], cryptographic_parameters=CBC, iv_counter_nonce=iv)
    assert len(encrypted) == 64, len(encrypted)
    plain = c.decrypt(encrypted, uid=state["aes"], cryptographic_parameters=CBC, iv_counter_nonce=iv)
    assert plain == data, plain
    return encrypted.hex()


@step("get")
def _():
    key = c.get(state["aes"])
    assert isinstance(key, objects.SymmetricKey), type(key)
    assert len(key.value) == 32
    return {"algorithm": key.cryptographic_algorithm.name, "length": key.cryptographic_length}


@step("create_key_pair")
def _():
    pub, priv = c.create_key_pair(
        enums.CryptographicAlgorithm.RSA, 2048,
        public_usage_mask=[enums.CryptographicUsageMask.VERIFY],
        private_usage_mask=[enums.CryptographicUsageMask.SIGN],
        public_name="pykmip-rsa-pub-" + version, private_name="pykmip-rsa-priv-" + version,
    )
    state["pub"], state["priv"] = pub, priv
    return [pub, priv]


@step("sign_verify")
def _():
    c.activate(state["priv"])
    c.activate(state["pub"])
    params = {"cryptographic_algorithm": enums.CryptographicAlgorithm.RSA, "hashing_algorithm": enums.HashingAlgorithm.SHA_256, "padding_method": enums.PaddingMethod.PKCS1v15}
    signature = c.sign(b"message to sign", uid=state["priv"], cryptographic_parameters=params)
    assert len(signature) == 256, len(signature)
    good = c.signature_verify(b"message to sign", signature, uid=state["pub"], cryptographic_parameters=params)
    bad = c.signature_verify(b"another message", signature, uid=state["pub"], cryptographic_parameters=params)
    assert good == enums.ValidityIndicator.VALID and bad == enums.ValidityIndicator.INVALID, (good, bad)
    return [good.name, bad.name]


@step("get_public_key")
def _():
    key = c.get(state["pub"])
    assert isinstance(key, objects.PublicKey), type(key)
    return {"format": key.key_format_type.name, "bytes": len(key.value)}


@step("register_secret_data")
def _():
    secret = objects.SecretData(b"correct horse battery staple", enums.SecretDataType.PASSWORD, masks=[enums.CryptographicUsageMask.DERIVE_KEY], name="pykmip-secret-" + version)
    uid = c.register(secret)
    back = c.get(uid)
    assert back.value == b"correct horse battery staple", back.value
    return uid


@step("register_hmac_key_and_mac")
def _():
    raw = bytes(range(32))
    key = objects.SymmetricKey(enums.CryptographicAlgorithm.HMAC_SHA256, 256, raw, masks=[enums.CryptographicUsageMask.MAC_GENERATE], name="pykmip-hmac-" + version)
    uid = c.register(key)
    c.activate(uid)
    _uid, mac = c.mac(b"the quick brown fox", uid=uid, algorithm=enums.CryptographicAlgorithm.HMAC_SHA256)
    import hashlib
    import hmac

    assert mac == hmac.new(raw, b"the quick brown fox", hashlib.sha256).digest(), mac.hex()
    return mac.hex()


if VERSIONS[version] >= enums.KMIPVersion.KMIP_2_0:

    @step("set_delete_attribute")
    def _():
        from kmip.core import objects as cobjects

        c.set_attribute(state["aes"], attribute_name="Contact Information", attribute_value="ops@example.com")
        _uid, attrs = c.get_attributes(state["aes"], ["Contact Information"])
        assert [a.attribute_value.value for a in attrs] == ["ops@example.com"], attrs
        ref = cobjects.AttributeReference(vendor_identification="", attribute_name="Contact Information")
        c.delete_attribute(state["aes"], attribute_reference=ref)
        _uid, attrs = c.get_attributes(state["aes"], ["Contact Information"])
        assert attrs == [], attrs
        return "set, read back, deleted"


@step("rekey")
def _():
    new = c.rekey(uid=state["aes"])
    assert new != state["aes"]
    state["rekeyed"] = new
    return new


@step("revoke_destroy")
def _():
    c.revoke(enums.RevocationReasonCode.CESSATION_OF_OPERATION, uid=state["aes"], revocation_message="done")
    c.destroy(state["aes"])
    try:
        c.get(state["aes"])
    except Exception as e:  # noqa: BLE001
        return f"get after destroy fails: {type(e).__name__}"
    raise AssertionError("the destroyed key is still readable")


c.close()
