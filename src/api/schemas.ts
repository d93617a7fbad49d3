// Schemas shared by several route plugins (TypeBox: they also give the OpenAPI document).
import { Type, type TSchema } from '@sinclair/typebox';

export const ErrorSchema = Type.Object({
  error: Type.String({ description: 'stable code' }),
  message: Type.String(),
  details: Type.Optional(Type.Unknown()),
}, { $id: 'Error', description: 'every error has this shape' });

export const OkSchema = Type.Object({ ok: Type.Literal(true) });

/** S1 roles, for users, tokens and who is logged in. */
export const RoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('user')]);

/** A plain JSON Schema `enum`, so that an error lists the allowed values once. */
export const enumOf = <T extends string>(values: readonly T[], description: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], description });

/** The usual error answers of a route, for its OpenAPI entry. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, Type.Ref('Error')]));
}
