import { z } from "zod";
import { Limits, USERNAME_PATTERN } from "../limits";
import { cleanVisibleText, codePointCount } from "../text-cleaning";


export const UsernameSchema = z
  .string()
  .min(Limits.usernameMinLength, `must be at least ${Limits.usernameMinLength} characters`)
  .max(Limits.usernameMaxLength, `must be at most ${Limits.usernameMaxLength} characters`)
  .regex(USERNAME_PATTERN, "may contain only letters, digits and underscores")
  .meta({ id: "Username" });

/** Passwords are NFC-normalised, then measured in code points; never truncated. */
export const NewPasswordSchema = z
  .string()
  .max(Limits.passwordMaxLength * 4, `must be at most ${Limits.passwordMaxLength} characters`)
  .transform((s) => s.normalize("NFC"))
  .refine((s) => codePointCount(s) >= Limits.passwordMinLength, `must be at least ${Limits.passwordMinLength} characters`)
  .refine((s) => codePointCount(s) <= Limits.passwordMaxLength, `must be at most ${Limits.passwordMaxLength} characters`);

/** A password presented for verification: only bounded, so an oversized one cannot cost a hash. */
export const PasswordSchema = z
  .string()
  .min(1, "is required")
  .max(Limits.passwordMaxLength * 4, "is too long")
  .transform((s) => s.normalize("NFC"));

/** Guest accounts' generated names start so; nobody may choose one (to pass for a guest). */
export const GUEST_USERNAME_PREFIX = "guest_";
const ChosenUsernameSchema = UsernameSchema.refine((u) => !u.toLowerCase().startsWith(GUEST_USERNAME_PREFIX), `must not start with "${GUEST_USERNAME_PREFIX}" (kept for guest accounts)`);

export const RegisterRequestSchema = z
  .strictObject({
    username: ChosenUsernameSchema,
    password: NewPasswordSchema.meta({ description: "8–128 characters (code points, after NFC normalisation)." }),
  })
  .meta({ id: "RegisterRequest" });
export type RegisterRequest = z.input<typeof RegisterRequestSchema>;

export const LoginRequestSchema = z
  .strictObject({
    // Login accepts any short string: a malformed name simply fails like an unknown one.
    username: z.string().min(1, "is required").max(64, "is too long"),
    password: PasswordSchema,
  })
  .meta({ id: "LoginRequest" });
export type LoginRequest = z.input<typeof LoginRequestSchema>;

export const RefreshTokenSchema = z.string().min(1, "is required").max(256, "is too long");

export const RefreshRequestSchema = z.strictObject({ refreshToken: RefreshTokenSchema }).meta({ id: "RefreshRequest" });
export type RefreshRequest = z.input<typeof RefreshRequestSchema>;

export const LogoutRequestSchema = z.strictObject({ refreshToken: RefreshTokenSchema }).meta({ id: "LogoutRequest" });
export type LogoutRequest = z.input<typeof LogoutRequestSchema>;

export const DeleteAccountRequestSchema = z.strictObject({ password: PasswordSchema }).meta({ id: "DeleteAccountRequest" });
export type DeleteAccountRequest = z.input<typeof DeleteAccountRequestSchema>;

/** POST /auth/device: a secret the client generated once (e.g. 32 random bytes, base64url) and keeps on the device. */
export const DeviceAuthRequestSchema = z
  .strictObject({
    deviceId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{32,128}$/, "must be 32–128 URL-safe characters (A-Z a-z 0-9 _ -)")
      .meta({ description: "A secret the client generated once (32–128 URL-safe characters; e.g. 32 random bytes in base64url) and keeps on the device. Stored only as a hash." }),
  })
  .meta({ id: "DeviceAuthRequest" });
export type DeviceAuthRequest = z.input<typeof DeviceAuthRequestSchema>;

/** POST /me/upgrade: the guest's chosen username and password (the registration rules). */
export const UpgradeRequestSchema = z
  .strictObject({
    username: ChosenUsernameSchema,
    password: NewPasswordSchema.meta({ description: "8–128 characters (code points, after NFC normalisation)." }),
  })
  .meta({ id: "UpgradeRequest" });
export type UpgradeRequest = z.input<typeof UpgradeRequestSchema>;

const EmailSchema = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase())
  .meta({ description: "An email address (compared case-insensitively)." });
const MailedTokenSchema = z.string().min(1).max(200).meta({ description: "The token from the mailed link (`?token=`)." });

export const SetEmailRequestSchema = z.strictObject({ email: EmailSchema }).meta({ id: "SetEmailRequest" });
export const SetEmailResponseSchema = z.object({ pendingEmail: z.string() }).meta({ id: "SetEmailResponse" });
export const VerifyEmailRequestSchema = z.strictObject({ token: MailedTokenSchema }).meta({ id: "VerifyEmailRequest" });
export const VerifyEmailResponseSchema = z.object({ email: z.string() }).meta({ id: "VerifyEmailResponse" });
export const PasswordResetRequestSchema = z.strictObject({ email: EmailSchema }).meta({ id: "PasswordResetRequest" });
export const PasswordResetConfirmSchema = z
  .strictObject({ token: MailedTokenSchema, newPassword: NewPasswordSchema.meta({ description: "8–128 characters; the registration rules." }) })
  .meta({ id: "PasswordResetConfirm" });

export const ChangePasswordRequestSchema = z
  .strictObject({
    currentPassword: PasswordSchema,
    newPassword: NewPasswordSchema.meta({ description: "8–128 characters (code points, after NFC normalisation); the same rules as at registration." }),
  })
  .meta({ id: "ChangePasswordRequest" });
export type ChangePasswordRequest = z.input<typeof ChangePasswordRequestSchema>;

export const SessionSchema = z
  .object({
    id: z.uuid(),
    createdAt: z.iso.datetime().meta({ description: "When the session logged in." }),
    lastUsedAt: z.iso.datetime().meta({ description: "The session's last login or token refresh." }),
    userAgent: z.string().nullable().meta({ description: "The User-Agent it logged in with (as sent, cut to 256 characters)." }),
    current: z.boolean().meta({ description: "The session of the token that asked." }),
  })
  .meta({ id: "Session" });
export type Session = z.infer<typeof SessionSchema>;

/** The account's live sessions (not ended, not expired), newest first. */
export const SessionListResponseSchema = z.object({ items: z.array(SessionSchema) }).meta({ id: "SessionListResponse" });
export type SessionListResponse = z.infer<typeof SessionListResponseSchema>;

export const SessionIdParamsSchema = z.strictObject({ sessionId: z.uuid() });

/** What other players see: cleaned like chat text (invisibles stripped, NFC, spaces tidied), 1–32 code points, not unique. */
export const DisplayNameSchema = z
  .string()
  .max(Limits.displayNameMaxLength * 8, "is too long")
  .transform(cleanVisibleText)
  .refine((s) => s.length > 0, "must not be empty (after removing invisible characters and outer spaces)")
  .refine((s) => codePointCount(s) <= Limits.displayNameMaxLength, `must be at most ${Limits.displayNameMaxLength} characters`)
  .meta({ description: `1–${Limits.displayNameMaxLength} characters (code points) after cleaning: line breaks become spaces, invisible and control characters are removed, NFC, runs of spaces collapse, outer spaces trimmed. Not unique.` });

/** PATCH /me: what the player changes about how others see them. */
export const UpdateMeRequestSchema = z.strictObject({ displayName: DisplayNameSchema }).meta({ id: "UpdateMeRequest" });
export type UpdateMeRequest = z.input<typeof UpdateMeRequestSchema>;

export const AccountSchema = z
  .object({
    id: z.uuid(),
    username: z.string().meta({ description: "The login handle." }),
    displayName: z.string().meta({ description: "The name other players see (PATCH /me); starts as the username." }),
    guest: z.boolean().optional().meta({ description: "True for a guest account (POST /auth/device) until it upgrades." }),
  })
  .meta({ id: "Account" });
export type Account = z.infer<typeof AccountSchema>;

/** POST /me/upgrade's answer: the account, no longer a guest. */
export const UpgradeResponseSchema = z
  .object({ account: z.object({ id: z.uuid(), username: z.string(), displayName: z.string(), guest: z.literal(false) }) })
  .meta({ id: "UpgradeResponse" });
export type UpgradeResponse = z.infer<typeof UpgradeResponseSchema>;

export const MeResponseSchema = z
  .object({
    account: AccountSchema.extend({ createdAt: z.iso.datetime(), guest: z.boolean().meta({ description: "A guest account (POST /auth/device) that has not upgraded yet." }) }),
  })
  .meta({ id: "MeResponse" });
export type MeResponse = z.infer<typeof MeResponseSchema>;

export const AuthResponseSchema = z
  .object({
    account: AccountSchema,
    accessToken: z.string().meta({ description: "JWT (HS256); send as a Bearer token." }),
    refreshToken: z.string().meta({ description: "Opaque; works once." }),
    expiresIn: z.number().int().positive().meta({ description: "Seconds until the access token expires." }),
  })
  .meta({ id: "AuthResponse" });
export type AuthResponse = z.infer<typeof AuthResponseSchema>;
