import fs from "node:fs";
import path from "node:path";
import express, { Router, type RequestHandler } from "express";

/**
 * The Content-Security-Policy of everything under /admin: only this origin's own script, style and
 * fetches; no inline script or style (the page never needs them), no framing, no <base>, forms post
 * only here. Replaces helmet's default policy for these routes.
 */
export const ADMIN_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

export const adminCsp: RequestHandler = (_req, res, next) => {
  res.setHeader("Content-Security-Policy", ADMIN_CSP);
  next();
};

/**
 * The operator page's static files. From source they sit in server/admin-ui; a tsc build puts this
 * file in dist/server/gateway/routes, where ../../admin-ui is dist/server/admin-ui (copy the folder
 * there when packaging), with the source folder as a fallback.
 */
export function adminUiDir(): string {
  const beside = path.resolve(__dirname, "../../admin-ui");
  const source = path.resolve(__dirname, "../../../../server/admin-ui");
  return fs.existsSync(path.join(beside, "index.html")) || !fs.existsSync(path.join(source, "index.html")) ? beside : source;
}

/**
 * What the page loads: index.html, app.css and the ES modules under js/ (served as text/javascript,
 * which module scripts require). Anything else in the folder (its tsconfig.json) is not served.
 */
const PAGE_ASSET = /^\/(?:index\.html|app\.css|js\/(?:[a-z0-9-]+\/)*[a-z0-9-]+\.js)?$/;

/** GET /admin (and /admin/app.css, /admin/js/*.js): the operator console, under ADMIN_CSP. */
export function adminPageRoutes(): Router {
  const router = Router();
  router.use(adminCsp);
  router.use((req, _res, next) => (PAGE_ASSET.test(req.path) ? next() : next("router")));
  router.use(
    express.static(adminUiDir(), {
      index: "index.html",
      dotfiles: "ignore",
      fallthrough: true,
      redirect: true,
      etag: false,
      lastModified: false,
      setHeaders: (res) => {
        // The console is tiny and changes with deployments: always revalidate.
        res.setHeader("Cache-Control", "no-cache");
      },
    }),
  );
  return router;
}
