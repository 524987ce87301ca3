/**
 * The live dashboard: GET /dashboard (a static page and its script, with
 * uPlot served from node_modules, so it works offline) and the JSON it polls,
 * GET /api/util/dashboard. Read-only: HEAD runs as GET, OPTIONS lists the
 * methods, anything else is 405.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { isIspb } from '../../generation/rules/formats.js';
import type { DashboardReader } from '../../inspection/dashboard.js';
import { BadRequest } from '../errors.js';
import { methodNotAllowed } from '../methods.js';
import { dashboardView } from './view.js';

/** The page's own files (copied next to the compiled code by `npm run build`). */
const PUBLIC_DIR = path.join(__dirname, 'public');
const UPLOT_DIR = path.dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
const MAX_PINNED = 20;

/** `?ispb=12345678,87654321` (or repeated): ISPBs to show whatever their activity. */
function parsePinned(raw: unknown): string[] {
  if (raw === undefined) return [];
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((value) => String(value).split(',')).filter((value) => value !== '');
  const bad = values.find((value) => !isIspb(value));
  if (bad !== undefined) throw new BadRequest(`ispb must be a comma-separated list of 8-digit ISPBs, got "${bad.slice(0, 40)}"`);
  if (values.length > MAX_PINNED) throw new BadRequest(`At most ${MAX_PINNED} ISPBs in ispb, got ${values.length}`);
  return [...new Set(values)];
}

export function dashboardRoutes(reader: DashboardReader, collectorLimit: number): Router {
  const router = Router({ caseSensitive: true, strict: true });
  const readOnly = methodNotAllowed(['GET', 'HEAD']);
  const page = readFileSync(path.join(PUBLIC_DIR, 'index.html'), 'utf8');

  router
    .route('/dashboard')
    .get((_req, res) => void res.type('html').setHeader('Cache-Control', 'no-cache').send(page))
    .all(readOnly);
  const assets = { index: false, fallthrough: true, maxAge: '1h' } as const;
  router.use('/dashboard/assets/uplot', express.static(UPLOT_DIR, assets));
  router.use('/dashboard/assets', express.static(PUBLIC_DIR, assets));

  router
    .route('/api/util/dashboard')
    .get(async (req, res) => {
      const pinned = parsePinned(req.query.ispb);
      const snapshot = await reader.read();
      res.setHeader('Cache-Control', 'no-store');
      res.json(dashboardView(snapshot, pinned, collectorLimit));
    })
    .all(readOnly);

  return router;
}
