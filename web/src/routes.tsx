// Every page of the app with who may open it. The server checks every API call anyway (S1);
// this keeps a user from even seeing an admin page.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export interface PageProps {
  params: Record<string, string>;
}

export interface RouteDef {
  pattern: string;
  access: 'user' | 'admin';
  page: LazyExoticComponent<ComponentType<PageProps>>;
}

export const ROUTES: readonly RouteDef[] = [
  { pattern: '/', access: 'user', page: lazy(() => import('./pages/overview/overview-page')) },
  { pattern: '/zones/:name', access: 'user', page: lazy(() => import('./pages/zone/zone-page')) },
  { pattern: '/stations/:id', access: 'user', page: lazy(() => import('./pages/station/station-page')) },
  { pattern: '/badges', access: 'user', page: lazy(() => import('./pages/badges/badges-page')) },
  { pattern: '/admin', access: 'admin', page: lazy(() => import('./pages/admin/admin-page')) },
  { pattern: '/admin/:section', access: 'admin', page: lazy(() => import('./pages/admin/admin-page')) },
  { pattern: '/help', access: 'user', page: lazy(() => import('./pages/help/help-page')) },
  { pattern: '/help/:slug', access: 'user', page: lazy(() => import('./pages/help/help-page')) },
  { pattern: '/assistant', access: 'admin', page: lazy(() => import('./pages/assistant/assistant-page')) },
];
