"""Prints PyKMIP's tag codes and a few enumerations as JSON, to compare with our tables."""
import json

from kmip.core import enums

ENUMS = [
    "CryptographicAlgorithm", "BlockCipherMode", "PaddingMethod", "HashingAlgorithm", "ObjectType", "State",
    "KeyFormatType", "NameType", "LinkType", "RevocationReasonCode", "ResultReason", "ResultStatus",
    "QueryFunction", "Operation", "SecretDataType", "ValidityIndicator", "DigitalSignatureAlgorithm",
    "RecommendedCurve", "BatchErrorContinuationOption", "KeyRoleType", "CertificateType",
]
print(json.dumps({
    "tags": {t.name: t.value for t in enums.Tags},
    "enums": {name: {m.name: m.value for m in getattr(enums, name)} for name in ENUMS},
}))
