// #/chat: the live feed of one channel (newest first) and the open reports; moderators delete
// messages. Message text is shown as text, never parsed as markup.
import { deleteMessage, getChatFeed, getOpenReports } from "../api.js";
import { fmtPlayer } from "../format.js";
import { askReason } from "../dialog.js";
import { append, clear, el, flash, section } from "../dom.js";
import { currentView, every } from "../lifecycle.js";
import { isModerator } from "../session.js";
import { renderReports } from "./reports.js";

/** @typedef {import("../api.js").AdminChatFeed["messages"][number]} FeedMessage */

/** @param {HTMLElement} main */
export function chatView(main) {
  const view = currentView();
  const channel = el("input", { id: "chat-channel", value: "public:general", maxlength: "64", autocomplete: "off" });
  const feed = el("ol", { id: "chat-feed", className: "feed" });
  const reports = el("div", { id: "open-reports" });
  append(
    main,
    el("h1", null, "Chat"),
    el("form", { className: "search", onsubmit: (e) => e.preventDefault() }, el("label", null, "Channel ", channel)),
    el("div", { className: "columns" }, section("Live feed (newest first)", feed), section("Open reports", reports)),
  );
  every(async () => {
    const [res, open] = await Promise.all([getChatFeed(channel.value.trim()), getOpenReports()]);
    if (!view.alive()) return;
    renderFeed(feed, res.messages);
    renderReports(reports, open.items);
  });
}

/** @param {FeedMessage} m */
function deleteButton(m) {
  if (!isModerator()) return null;
  const onclick = async () => {
    const ok = await askReason({ title: "Delete message", target: `${fmtPlayer(m.sender)}: ${m.text}`, submit: ({ reason }) => deleteMessage(m.id, reason) });
    if (ok) flash("Message deleted.", "ok");
  };
  return el("button", { type: "button", className: "danger small delete-message", onclick }, "Delete");
}

/**
 * @param {HTMLElement} feed
 * @param {readonly FeedMessage[]} messages
 */
function renderFeed(feed, messages) {
  clear(feed);
  if (messages.length === 0) feed.appendChild(el("li", { className: "muted" }, "No messages."));
  for (const m of messages) {
    const reported = m.reports > 0;
    feed.appendChild(
      el(
        "li",
        { className: reported ? "message reported" : "message", dataset: { id: m.id, seq: String(m.seq) } },
        el("span", { className: "time" }, new Date(m.createdAt).toLocaleTimeString()),
        el("a", { className: "sender", href: `#/players/${encodeURIComponent(m.sender.id)}` }, fmtPlayer(m.sender)),
        el("span", { className: "text" }, m.text),
        reported ? el("span", { className: "badge bad" }, `${m.reports} report${m.reports === 1 ? "" : "s"}`) : null,
        deleteButton(m),
      ),
    );
  }
}
