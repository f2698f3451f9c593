import { LobbyApiError } from "../../../shared/client";
import { App } from "./app";
import { byId } from "./dom";
import { Session } from "./session";

/**
 * Entry point of the player web client (/play). Shows the login form, then the lobby. Logging out
 * or an ended session reloads the page to the login form with a message: nothing of the previous
 * player stays in memory.
 */
const FLASH = "play.flash";
const session = new Session();
let app: App | undefined;

function backToLogin(message: string): void {
  sessionStorage.setItem(FLASH, message);
  void app?.stop();
  location.reload();
}
session.onExpired = backToLogin;

function describe(err: unknown): string {
  if (err instanceof LobbyApiError && err.code === "login_locked") return `${err.message} Try again later.`;
  return err instanceof Error ? err.message : String(err);
}

async function submit(register: boolean): Promise<void> {
  const form = byId<HTMLFormElement>("login-form");
  if (!form.reportValidity()) return;
  const error = byId("login-error");
  error.textContent = "";
  const buttons = form.querySelectorAll("button");
  buttons.forEach((b) => (b.disabled = true));
  try {
    await session.login(byId<HTMLInputElement>("login-username").value.trim(), byId<HTMLInputElement>("login-password").value, register);
    byId("login-view").hidden = true;
    app = new App(session);
    await app.start();
  } catch (err) {
    error.textContent = describe(err);
    byId("login-view").hidden = false;
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

function boot(): void {
  const flash = sessionStorage.getItem(FLASH);
  sessionStorage.removeItem(FLASH);
  if (flash) byId("login-error").textContent = flash;
  byId("login-view").hidden = false;
  byId("login-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    void submit(false);
  });
  byId("register-submit").addEventListener("click", () => void submit(true));
  byId("logout").addEventListener("click", () => {
    void session.logout().finally(() => backToLogin("You logged out."));
  });
  byId<HTMLInputElement>("login-username").focus();
}

boot();
