// The Colyseus monitor opens in a new tab. Navigations cannot carry the Bearer token: it is traded
// for a single-use ticket that /admin/monitor exchanges for an HttpOnly cookie scoped to it.
import { monitorTicket } from "./api.js";
import { flash } from "./dom.js";
import { messageOf } from "./lifecycle.js";

export async function openMonitor() {
  const tab = window.open("about:blank", "_blank");
  try {
    const res = await monitorTicket();
    const url = `/admin/monitor/?ticket=${encodeURIComponent(res.ticket)}`;
    if (tab) {
      tab.opener = null;
      tab.location.href = url;
    } else location.assign(url);
  } catch (err) {
    if (tab) tab.close();
    flash(messageOf(err), "error");
  }
}
