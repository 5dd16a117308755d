import { z } from 'zod';
import {
  isoDateTimeSchema,
  objectIdSchema,
  pageSchema,
  paginationQuerySchema,
  queryBooleanSchema,
  textSchema,
} from './common';

/**
 * System-wide roles; meeting roles (chair, secretary, ...) are per meeting. A `site_operator`
 * runs their unit's bridge point (điểm cầu): they become its operator when the unit is added
 * to a meeting as a site.
 */
export const userRoles = ['system_admin', 'unit_admin', 'site_operator', 'member'] as const;
/** One of {@link userRoles}. */
export type UserRole = (typeof userRoles)[number];

/** Minimum password length for accounts created or reset through the API. */
export const MIN_PASSWORD_LENGTH = 10;

/** A user as the API returns it (never any credential). */
export const userSchema = z.object({
  id: objectIdSchema,
  username: z.string(),
  fullName: z.string(),
  title: z.string(),
  unitId: objectIdSchema,
  unitName: z.string().nullable(),
  roles: z.array(z.enum(userRoles)),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  active: z.boolean(),
  createdAt: isoDateTimeSchema,
});
/** A user as the API returns it. */
export type User = z.infer<typeof userSchema>;

/** Lowercase login name: letters, digits, dot, dash, underscore. */
export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, ".", "_" and "-" only');

const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(256);

const emailSchema = z.email().max(200);
const phoneSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9 .-]{6,20}$/, 'digits, spaces, "." and "-", optionally starting with "+"');

/** Body of `POST /api/users`. */
export const createUserSchema = z.object({
  username: usernameSchema,
  fullName: textSchema(2, 120),
  title: textSchema(0, 160).default(''),
  unitId: objectIdSchema,
  roles: z.array(z.enum(userRoles)).min(1).max(3).default(['member']),
  email: emailSchema.optional(),
  phone: phoneSchema.optional(),
  password: passwordSchema,
});
/** Body of `POST /api/users`. */
export type CreateUserInput = z.infer<typeof createUserSchema>;

/** Body of `PATCH /api/users/:id`. */
export const updateUserSchema = z
  .object({
    fullName: textSchema(2, 120),
    title: textSchema(0, 160),
    unitId: objectIdSchema,
    roles: z.array(z.enum(userRoles)).min(1).max(3),
    email: emailSchema.nullable(),
    phone: phoneSchema.nullable(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
/** Body of `PATCH /api/users/:id`. */
export type UpdateUserInput = z.infer<typeof updateUserSchema>;

/** Body of `POST /api/users/:id/password` (an administrator sets a new password). */
export const setPasswordSchema = z.object({ password: passwordSchema });

/** Body of `POST /api/auth/password` (a user changes their own password). */
export const changeOwnPasswordSchema = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: passwordSchema,
});

/** Query of `GET /api/users`. */
export const listUsersQuerySchema = paginationQuerySchema.extend({
  q: z.string().trim().max(100).optional(),
  unitId: objectIdSchema.optional(),
  /** Users of this unit and of every unit below it. */
  under: objectIdSchema.optional(),
  role: z.enum(userRoles).optional(),
  includeInactive: queryBooleanSchema.optional(),
});
/** Query of `GET /api/users`. */
export type ListUsersQuery = z.infer<typeof listUsersQuerySchema>;

/** A page of users. */
export const userPageSchema = pageSchema(userSchema);
