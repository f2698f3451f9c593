// The action dialog: every moderator action asks for a reason (and a duration for mute/ban).
import { $, $as, clear, el } from "./dom.js";
import { messageOf } from "./lifecycle.js";

/** @type {ReadonlyArray<readonly [string, string]>} */
const DURATIONS = [
  ["600", "10 minutes"],
  ["3600", "1 hour"],
  ["86400", "1 day"],
  ["604800", "7 days"],
  ["2592000", "30 days"],
];

/**
 * @typedef {{ reason: string, durationSeconds: number | null | undefined }} ReasonChoice
 * @typedef {{
 *   title: string, target: string, durations?: boolean, permanent?: boolean,
 *   submit: (choice: ReasonChoice) => Promise<unknown>,
 * }} AskReason
 */

/**
 * Asks for a reason (and a duration when `durations`) in a modal dialog, then runs `submit`
 * (which may throw: its message is shown in the dialog). Resolves with submit's result (true
 * when it has none) or null when cancelled.
 * @param {AskReason} ask
 * @returns {Promise<unknown>}
 */
export function askReason({ title, target, durations, permanent, submit }) {
  const dialog = $as("action-dialog", HTMLDialogElement);
  const form = $as("action-form", HTMLFormElement);
  const cancel = $("action-cancel");
  const reasonInput = $as("action-reason", HTMLTextAreaElement);
  const confirm = $as("action-confirm", HTMLButtonElement);
  const errorNode = $("action-error");
  $("action-title").textContent = title;
  $("action-target").textContent = target;
  reasonInput.value = "";
  errorNode.textContent = "";
  const select = clear($as("action-duration", HTMLSelectElement));
  $("action-duration-label").hidden = !durations;
  if (durations) {
    for (const [value, label] of DURATIONS) select.appendChild(el("option", { value }, label));
    if (permanent) select.appendChild(el("option", { value: "permanent" }, "Permanent"));
  }
  return new Promise((resolve) => {
    /** @param {unknown} result */
    const done = (result) => {
      form.removeEventListener("submit", onSubmit);
      cancel.removeEventListener("click", onCancel);
      dialog.removeEventListener("cancel", onCancel);
      if (dialog.open) dialog.close();
      resolve(result);
    };
    /** @param {Event} e */
    const onCancel = (e) => {
      e.preventDefault();
      done(null);
    };
    /** @param {SubmitEvent} e */
    const onSubmit = async (e) => {
      e.preventDefault();
      const reason = reasonInput.value.trim();
      if (!reason) {
        errorNode.textContent = "A reason is required.";
        return;
      }
      const choice = select.value;
      const durationSeconds = !durations ? undefined : choice === "permanent" ? null : Number(choice);
      confirm.disabled = true;
      try {
        const result = await submit({ reason, durationSeconds });
        done(result ?? true);
      } catch (err) {
        errorNode.textContent = messageOf(err);
      } finally {
        confirm.disabled = false;
      }
    };
    form.addEventListener("submit", onSubmit);
    cancel.addEventListener("click", onCancel);
    dialog.addEventListener("cancel", onCancel);
    dialog.showModal();
    reasonInput.focus();
  });
}
