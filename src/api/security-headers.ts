// Security headers on every answer (issue 14, row 13), by @fastify/helmet: a Content Security
// Policy that lets the dashboard and the API documentation load only their own files, no
// framing, nosniff, no referrer; HSTS only when Fuseguard serves TLS itself.
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export async function registerSecurityHeaders(app: FastifyInstance, tls: boolean): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Swagger UI and uPlot draw a few icons as data: URLs.
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        // Over plain HTTP on a local network, upgrading requests to https would break the UI.
        ...(tls ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // A browser that saw HSTS would refuse plain HTTP on this host for a year: only under TLS.
    strictTransportSecurity: tls ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });
}

/**
 * The policy of the API documentation (/api/docs): Swagger UI adds a <style> element of its own,
 * so its pages, and only they, allow inline styles (no inline scripts).
 */
export const docsContentSecurityPolicy = (header: string): string => header.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
