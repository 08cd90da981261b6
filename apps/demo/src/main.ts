import { createClient } from "@latch/web";

// The Express example serves this page, so the API is on the page's own origin (cookie mode).
const latch = createClient();

function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`demo: #${id} is missing`);
  return found as T;
}

const view = {
  signedOut: element("signed-out"),
  signedIn: element("signed-in"),
  loginForm: element<HTMLFormElement>("login-form"),
  userIdInput: element<HTMLInputElement>("user-id"),
  user: element("user"),
  handle: element("handle"),
  expiry: element("expiry"),
  payload: element("payload"),
  sessions: element<HTMLUListElement>("sessions"),
  log: element<HTMLOListElement>("log"),
};

function log(text: string, isError = false): void {
  const item = document.createElement("li");
  item.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
  if (isError) item.className = "error";
  view.log.prepend(item);
}

async function api(path: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await latch.fetch(path, init);
  const body: unknown = await response.json().catch(() => null);
  const text = JSON.stringify(body);
  log(`${init?.method ?? "GET"} ${path} → ${response.status} ${text.length > 120 ? `${text.slice(0, 120)}…` : text}`, !response.ok);
  return { status: response.status, body };
}

function postJson(path: string, body: unknown) {
  return api(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

function currentHandle(): string | undefined {
  const handle = latch.getAccessTokenPayload()?.sessionHandle;
  return typeof handle === "string" ? handle : undefined;
}

function render(): void {
  const userId = latch.getUserId();
  view.signedOut.hidden = userId !== undefined;
  view.signedIn.hidden = userId === undefined;
  if (userId === undefined) {
    view.sessions.replaceChildren();
    return;
  }
  view.user.textContent = userId;
  view.handle.textContent = currentHandle() ?? "";
  view.payload.textContent = JSON.stringify(latch.getAccessTokenPayload(), null, 2);
  renderExpiry();
}

function renderExpiry(): void {
  const expiresAt = latch.getAccessTokenExpiry();
  if (expiresAt === undefined) return;
  const left = expiresAt - Date.now();
  view.expiry.classList.toggle("expired", left <= 0);
  view.expiry.textContent =
    left > 0
      ? `expires in ${formatDuration(left)} (at ${new Date(expiresAt).toLocaleTimeString()})`
      : "expired: the next call refreshes it";
}

function formatDuration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
}

/** One entry of `GET /me/sessions` (shared/example-app.md). */
interface DeviceSession {
  sessionHandle: string;
  current: boolean;
  createdAt: number;
  lastActiveAt: number;
  userAgent: string | null;
  ip: string | null;
}

function textElement(tag: string, className: string, text: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

/** "Firefox on Linux"-style name from a User-Agent, falling back to the raw string. */
function deviceName(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Firefox\//.test(userAgent)
      ? "Firefox"
      : /Chrome\//.test(userAgent)
        ? "Chrome"
        : /Safari\//.test(userAgent)
          ? "Safari"
          : undefined;
  const system = /Android/.test(userAgent)
    ? "Android"
    : /iPhone|iPad/.test(userAgent)
      ? "iOS"
      : /Windows/.test(userAgent)
        ? "Windows"
        : /Mac OS X|Macintosh/.test(userAgent)
          ? "macOS"
          : /Linux/.test(userAgent)
            ? "Linux"
            : undefined;
  return browser && system ? `${browser} on ${system}` : userAgent;
}

async function loadSessions(): Promise<void> {
  const { status, body } = await api("/me/sessions");
  render();
  if (status !== 200) return;
  const { sessions } = body as { sessions: DeviceSession[] };
  view.sessions.replaceChildren(
    ...sessions.map((device) => {
      const item = document.createElement("li");
      const about = textElement("div", "device", "");
      about.append(textElement("strong", "device-name", deviceName(device.userAgent)));
      if (device.current) about.append(textElement("span", "badge", "this device"));
      const details = [
        device.ip ?? "IP not kept",
        `signed in ${new Date(device.createdAt).toLocaleString()}`,
        `last active ${new Date(device.lastActiveAt).toLocaleString()}`,
      ].join(" · ");
      about.append(textElement("div", "device-details", details));
      about.title = `${device.userAgent ?? ""}\n${device.sessionHandle}`;
      item.append(about);
      const revoke = document.createElement("button");
      revoke.type = "button";
      revoke.className = "small revoke";
      revoke.textContent = device.current ? "Sign out" : "Revoke";
      revoke.addEventListener("click", () => void revokeSession(device.sessionHandle));
      item.append(revoke);
      return item;
    }),
  );
}

async function revokeSession(handle: string): Promise<void> {
  await postJson("/me/sessions/revoke", { sessionHandle: handle });
  // Revoking this browser's own session is signing out here too.
  if (handle === currentHandle()) await latch.signOut();
  if (latch.getUserId() !== undefined) await loadSessions();
  render();
}

view.loginForm.addEventListener("submit", (event) => {
  event.preventDefault();
  void (async () => {
    const { status } = await postJson("/login", { userId: view.userIdInput.value.trim() });
    render();
    if (status === 200) await loadSessions();
  })();
});

element("call-me").addEventListener("click", () => void api("/me").then(render));
element("refresh").addEventListener("click", () => {
  void latch.refresh().then((ok) => {
    log(ok ? "refreshed: new access token" : "refresh failed: the session is gone", !ok);
    render();
  });
});
element("sign-out").addEventListener("click", () => void latch.signOut().then(render));
element("sign-out-everywhere").addEventListener("click", () => {
  void (async () => {
    await api("/me/revoke-all", { method: "POST" });
    await latch.signOut();
    render();
  })();
});
element("reload-sessions").addEventListener("click", () => void loadSessions());
element("sign-out-others").addEventListener("click", () => {
  void (async () => {
    await api("/me/revoke-others", { method: "POST" });
    await loadSessions();
  })();
});

latch.onSessionEnded((reason) => {
  log(`session ended (${reason})`);
  render();
});

setInterval(renderExpiry, 250);
void latch.doesSessionExist().then(async (exists) => {
  render();
  if (exists) await loadSessions();
});
