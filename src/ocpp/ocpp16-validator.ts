// Strict validation of every OCPP 1.6 message against the official JSON schemas (spec O1),
// answering with the error codes of OCPP-J 1.6 (4.2.3): a field with a wrong value is a
// PropertyConstraintViolation, where ocpp-rpc's own table says FormatViolation (a 2.x code).
import { createRequire } from 'node:module';
import { callError, createValidator, type Ocpp16ErrorCode } from './rpc.js';

const require = createRequire(import.meta.url);
const schemas = require('ocpp-rpc/lib/schemas/ocpp1_6.json') as object[];

const CODE_BY_KEYWORD: Record<string, Ocpp16ErrorCode> = {
  type: 'TypeConstraintViolation',
  required: 'OccurenceConstraintViolation',
  additionalProperties: 'OccurenceConstraintViolation',
  minItems: 'OccurenceConstraintViolation',
  maxItems: 'OccurenceConstraintViolation',
  enum: 'PropertyConstraintViolation',
  maxLength: 'PropertyConstraintViolation',
  minLength: 'PropertyConstraintViolation',
  maximum: 'PropertyConstraintViolation',
  minimum: 'PropertyConstraintViolation',
  exclusiveMaximum: 'PropertyConstraintViolation',
  exclusiveMinimum: 'PropertyConstraintViolation',
  pattern: 'PropertyConstraintViolation',
  format: 'PropertyConstraintViolation',
  multipleOf: 'PropertyConstraintViolation',
};

interface AjvErrorLike {
  keyword: string;
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

export function createOcpp16Validator(): ReturnType<typeof createValidator> {
  const validator = createValidator('ocpp1.6', schemas);
  const validate = validator.validate.bind(validator);
  validator.validate = (schemaId: string, params: unknown) => {
    try {
      return validate(schemaId, params);
    } catch (error) {
      throw toOcpp16Error(error);
    }
  };
  return validator;
}

function toOcpp16Error(error: unknown): unknown {
  const details = (error as { details?: { errors?: AjvErrorLike[] } }).details;
  const first = details?.errors?.[0];
  if (!first) return error;
  const code = CODE_BY_KEYWORD[first.keyword] ?? 'FormationViolation';
  return callError(code, describe(first), { errors: details.errors });
}

/** "idTag: must NOT have more than 20 characters", naming the field a station got wrong. */
function describe(e: AjvErrorLike): string {
  const field = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
  if (e.keyword === 'required') return `${field ? `${field}.` : ''}${String(e.params?.missingProperty)}: is required`;
  if (e.keyword === 'additionalProperties') return `${field ? `${field}.` : ''}${String(e.params?.additionalProperty)}: is not a known field`;
  return `${field || 'payload'}: ${e.message ?? 'is invalid'}`;
}
