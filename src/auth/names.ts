/**
 * Which strings can be users, whatever the source (JWT claim, API key, certificate CN, the default
 * user): not empty or only whitespace, not the grant wildcard `*` (a user named `*` would hold every
 * grant made to everyone), no control characters (they forge lines in logs and audit views).
 */
export function userNameProblem(name: string): string | undefined {
  if (name.trim() === "") return "a user name cannot be empty";
  if (name === "*") return "the wildcard * is not a user";
  if (/\p{Cc}/u.test(name)) return "a user name cannot hold control characters";
  return undefined;
}
