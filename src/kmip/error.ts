/**
 * KmipError: the one error type of the server; every failure carries a KMIP Result Reason.
 *
 * `reason` is a KMIP 2.1 Result Reason, spelled as Cosmian spells it on the wire (`Item_Not_Found`,
 * `Invalid_Field`, ...). `message` is safe to send to the client; `cause` is for the log only and is
 * never sent. Anything thrown that is not a KmipError is an internal fault (see src/server/errors.ts).
 */
export type ResultReason =
  | "Item_Not_Found"
  | "Response_Too_Large"
  | "Authentication_Not_Successful"
  | "Invalid_Message"
  | "Operation_Not_Supported"
  | "Missing_Data"
  | "Invalid_Field"
  | "Feature_Not_Supported"
  | "Operation_Canceled_By_Requester"
  | "Cryptographic_Failure"
  | "Illegal_Operation"
  | "Permission_Denied"
  | "Object_Archived"
  | "Index_Out_Of_Bounds"
  | "Application_Namespace_Not_Supported"
  | "Key_Format_Type_Not_Supported"
  | "Key_Compression_Type_Not_Supported"
  | "Encoding_Option_Error"
  | "Key_Value_Not_Present"
  | "Attestation_Required"
  | "Attestation_Failed"
  | "Sensitive"
  | "Not_Extractable"
  | "Object_Already_Exists"
  | "Invalid_Ticket"
  | "Usage_Limit_Exceeded"
  | "Numeric_Range"
  | "Invalid_Data_Type"
  | "Read_Only_Attribute"
  | "Multi_Valued_Attribute"
  | "Unsupported_Attribute"
  | "Attribute_Instance_Not_Found"
  | "Attribute_Not_Found"
  | "Attribute_Read_Only"
  | "Attribute_Single_Valued"
  | "Bad_Cryptographic_Parameters"
  | "Bad_Password"
  | "Codec_Error"
  | "Illegal_Object_Type"
  | "Incompatible_Cryptographic_Usage_Mask"
  | "Internal_Server_Error"
  | "Invalid_Asynchronous_Correlation_Value"
  | "Invalid_Attribute"
  | "Invalid_Attribute_Value"
  | "Invalid_Correlation_Value"
  | "Invalid_CSR"
  | "Invalid_Object_Type"
  | "Key_Wrap_Type_Not_Supported"
  | "Missing_Initialization_Vector"
  | "Non_Unique_Name_Attribute"
  | "Object_Destroyed"
  | "Object_Not_Found"
  | "Not_Authorised"
  | "Server_Limit_Exceeded"
  | "Unknown_Enumeration"
  | "Unknown_Message_Extension"
  | "Unknown_Tag"
  | "Unsupported_Cryptographic_Parameters"
  | "Unsupported_Protocol_Version"
  | "Wrapping_Object_Archived"
  | "Wrapping_Object_Destroyed"
  | "Wrapping_Object_Not_Found"
  | "Wrong_Key_Lifecycle_State"
  | "Protection_Storage_Unavailable"
  | "PKCS_11_Codec_Error"
  | "PKCS_11_Invalid_Function"
  | "PKCS_11_Invalid_Interface"
  | "Private_Protection_Storage_Unavailable"
  | "Public_Protection_Storage_Unavailable"
  | "Unknown_Object_Group"
  | "Constraint_Violation"
  | "Duplicate_Process_Request"
  | "General_Failure";

/**
 * How the failure maps to HTTP for a bare operation on /kmip/2_1 (see src/server/errors.ts).
 * "busy": the server is too loaded to take the request now; "unavailable": its database cannot be
 * reached now. Both are 503: the client may retry.
 */
export type FailureKind = "client" | "unauthenticated" | "forbidden" | "busy" | "unavailable";

export class KmipError extends Error {
  override readonly name = "KmipError";
  constructor(
    readonly reason: ResultReason,
    message: string,
    readonly kind: FailureKind = "client",
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function fail(reason: ResultReason, message: string, options?: { cause?: unknown }): never {
  throw new KmipError(reason, message, "client", options);
}
