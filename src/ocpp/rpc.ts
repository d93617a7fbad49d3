// The one place that imports ocpp-rpc (a CommonJS package with loose typings).
import ocppRpc from 'ocpp-rpc';
import type { IHandshakeInterface } from 'ocpp-rpc/lib/server-client.js';

export const { RPCServer, RPCClient, createRPCError, createValidator, TimeoutError } = ocppRpc;
export type RpcServer = InstanceType<typeof ocppRpc.RPCServer>;
export type RpcClient = InstanceType<typeof ocppRpc.RPCClient>;
export type Handshake = IHandshakeInterface;

/** The CALLERROR codes of OCPP-J 1.6 (section 4.2.3), spelled as 1.6 spells them. */
export type Ocpp16ErrorCode =
  | 'NotImplemented' | 'NotSupported' | 'InternalError' | 'ProtocolError' | 'SecurityError'
  | 'FormationViolation' | 'PropertyConstraintViolation' | 'OccurenceConstraintViolation'
  | 'TypeConstraintViolation' | 'GenericError';

/** Throw from a handler to answer with a CALLERROR. */
export function callError(code: Ocpp16ErrorCode, message: string, details: Record<string, unknown> = {}): Error {
  const error = createRPCError(code, message, details) as unknown as Error & { rpcErrorCode: unknown };
  if (code === 'OccurenceConstraintViolation') {
    // OCPP-J 1.6 errata 5.1 keeps this spelling for 1.6 ("will not be fixed"), but ocpp-rpc
    // rewrites it to the 2.1 spelling for ocpp1.6 connections. A String object passes its
    // strict-equality check unchanged and still serialises as the 1.6 code.
    error.rpcErrorCode = new String(code);
  }
  return error;
}

/** The narrow, typed view of one connected station that the rest of the code uses. */
export interface StationClient {
  readonly identity: string;
  readonly handshake: Handshake;
  readonly session: Record<string, unknown>;
  handle(method: string, handler: (ctx: { params: unknown }) => Promise<unknown>): void;
  /** `callTimeoutMs`: Infinity for none; `signal`: aborting it fails the call (looked at once the call has started). */
  call(method: string, params: unknown, options?: { callTimeoutMs?: number; signal?: AbortSignal }): Promise<unknown>;
  close(options?: { code?: number; reason?: string }): Promise<unknown>;
  on(event: string, listener: (event: never) => void): unknown;
  once(event: string, listener: (event: never) => void): unknown;
}
