// The login form and the page chrome that depends on being logged in (nav, who am I, log out).
import { login } from "../api.js";
import { $, $as } from "../dom.js";
import { messageOf, stopView } from "../lifecycle.js";
import { clearSession, isModerator, saveSession, session } from "../session.js";

export function showLogin() {
  $("login-view").hidden = false;
  $("main").hidden = true;
  $("nav").hidden = true;
  $("logout").hidden = true;
  $("whoami").textContent = "";
  $("login-username").focus();
}

export function showApp() {
  $("login-view").hidden = true;
  $("main").hidden = false;
  $("nav").hidden = false;
  $("logout").hidden = false;
  const op = session.operator;
  $("whoami").textContent = op ? `${op.username} (${op.role})` : "";
  document.body.classList.toggle("role-viewer", !isModerator());
}

/**
 * Forgets the token and returns to the login form.
 * @param {string} [message] shown under the form
 */
export function logout(message) {
  clearSession();
  stopView();
  showLogin();
  if (message) $("login-error").textContent = message;
}

/**
 * Submits the login form; on success the session is stored and `onLoggedIn` runs.
 * @param {SubmitEvent} event
 * @param {() => void} onLoggedIn
 */
export async function submitLogin(event, onLoggedIn) {
  event.preventDefault();
  const errorNode = $("login-error");
  const submit = $as("login-submit", HTMLButtonElement);
  const password = $as("login-password", HTMLInputElement);
  errorNode.textContent = "";
  submit.disabled = true;
  try {
    const res = await login($as("login-username", HTMLInputElement).value, password.value);
    password.value = "";
    saveSession(res.accessToken, res.operator);
    showApp();
    onLoggedIn();
  } catch (err) {
    errorNode.textContent = messageOf(err);
  } finally {
    submit.disabled = false;
  }
}
