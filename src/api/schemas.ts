// Schemas shared by several route plugins (TypeBox: they also give the OpenAPI document).
import { Type, type TSchema } from '@sinclair/typebox';

export const ErrorSchema = Type.Object({
  error: Type.String({ description: 'stable code' }),
  message: Type.String(),
  details: Type.Optional(Type.Unknown()),
}, { $id: 'Error', description: 'every error has this shape' });

export const OkSchema = Type.Object({ ok: Type.Literal(true) });

/** The usual error answers of a route, for its OpenAPI entry. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, Type.Ref('Error')]));
}
