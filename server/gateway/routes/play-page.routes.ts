import fs from "node:fs";
import path from "node:path";
import express, { Router, type RequestHandler } from "express";
import { ADMIN_CSP } from "./admin-page.routes";

/**
 * The player web client's folder. From source it is web/play (the bundle in web/play/dist, built
 * by `npm run build:play`); a tsc build puts this file in dist/server/gateway/routes, where
 * ../../../web/play is dist/web/play (copy the folder there when packaging), with the source
 * folder as a fallback.
 */
export function playDir(): string {
  const beside = path.resolve(__dirname, "../../../web/play");
  const source = path.resolve(__dirname, "../../../../web/play");
  return fs.existsSync(path.join(beside, "index.html")) || !fs.existsSync(path.join(source, "index.html")) ? beside : source;
}

/** The page, its stylesheet and the bundle (with its source map). Nothing else is served. */
const PAGE_ASSET = /^\/(?:index\.html|app\.css|play\.js|play\.js\.map)?$/;

/** Same policy as /admin: this origin's script, style and connections only, no inline code. */
const playCsp: RequestHandler = (_req, res, next) => {
  res.setHeader("Content-Security-Policy", ADMIN_CSP);
  next();
};

/** GET /play (and /play/app.css, /play/play.js): the player web client, under a strict CSP. */
export function playPageRoutes(): Router {
  const router = Router();
  const dir = playDir();
  router.use(playCsp);
  router.use((req, _res, next) => (PAGE_ASSET.test(req.path) ? next() : next("router")));
  router.use((req, res, next) => {
    if (!req.path.startsWith("/play.js") || fs.existsSync(path.join(dir, "dist", "play.js"))) return next();
    res.status(503).type("text/plain").send("The web client is not built: run `npm run build:play` (npm start does it).");
  });
  const options = {
    dotfiles: "ignore" as const,
    etag: false,
    lastModified: false,
    setHeaders: (res: express.Response) => res.setHeader("Cache-Control", "no-cache"),
  };
  router.use(express.static(path.join(dir, "dist"), { ...options, index: false, fallthrough: true, redirect: false }));
  router.use(express.static(dir, { ...options, index: "index.html", fallthrough: true, redirect: true }));
  return router;
}
