import { dictionary } from "@zxcvbn-ts/language-common";
import { Limits } from "../../../shared/limits";
import { AppError, ErrorCode } from "../../lib/errors";

/** The most common passwords (zxcvbn's ranked list), only those the length rule lets through. */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  (dictionary["passwords-common"] as string[])
    .filter((p) => p.length >= Limits.passwordMinLength)
    .map((p) => p.toLowerCase()),
);

/** Why a new password is refused, or undefined when acceptable. Length is checked by the schema. */
export function passwordPolicyProblem(password: string, username: string): string | undefined {
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return "is one of the most commonly used passwords";
  if (lower.includes(username.toLowerCase())) return "must not contain the username";
  if (new Set(Array.from(password)).size < 3) return "is too repetitive";
  return undefined;
}

/** Throws 400 weak_password (naming `field`) when the policy refuses `password` for `username`. */
export function assertPasswordPolicy(password: string, username: string, field = "password"): void {
  const problem = passwordPolicyProblem(password, username);
  if (problem) throw new AppError(ErrorCode.WeakPassword, `Password ${problem}.`, { fields: [{ path: field, message: problem }] });
}
