/* Web chat client: no build step, no dependencies. Texts come from /web/api/strings.
   Message text is only ever put into the page as text nodes: never as HTML. */
(() => {
  "use strict";

  const ID_KEY = "tcns-browser-id";
  const LANG_KEY = "tcns-lang";
  const STARTED_KEY = "tcns-started";
  const HISTORY_KEY = "tcns-history";
  const HISTORY_SIZE = 50;
  const MAX_CHARS = 2000;
  const WARN_CHARS = 1800;
  const ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
  const params = new URLSearchParams(location.search);
  const pollParam = Number(params.get("poll"));
  const POLL_MS = Math.min(Math.max(pollParam || 5000, 1000), 60000);

  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const sendButton = document.getElementById("send");
  const counter = document.getElementById("counter");
  const status = document.getElementById("status");
  const typing = document.getElementById("typing");
  const langSwitch = document.getElementById("lang-switch");
  const newChat = document.getElementById("new-chat");

  let strings = {};
  let timezone = "Asia/Ho_Chi_Minh";
  let queue = Promise.resolve();
  let waiting = 0;
  const memory = {};

  function store(key, value) {
    memory[key] = value;
    try { localStorage.setItem(key, value); } catch (_) { /* private mode: memory only */ }
  }

  function load(key) {
    try {
      const value = localStorage.getItem(key);
      if (value !== null) return value;
    } catch (_) { /* private mode: memory only */ }
    return key in memory ? memory[key] : null;
  }

  function forget(key) {
    delete memory[key];
    try { localStorage.removeItem(key); } catch (_) { /* nothing stored */ }
  }

  function randomId(bytes) {
    const data = new Uint8Array(bytes);
    crypto.getRandomValues(data);
    let text = "";
    data.forEach((b) => { text += String.fromCharCode(b); });
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function browserId() {
    let value = load(ID_KEY);
    if (!value || !ID_PATTERN.test(value)) {
      value = randomId(24);
      store(ID_KEY, value);
    }
    return value;
  }

  const framed = (() => {
    try { return window.self !== window.top; } catch (_) { return true; }
  })();
  const embedded = framed && params.get("embed") === "1";
  const asked = params.get("lang");
  /* The resident's own choice wins; ?lang= (or the widget's data-lang) is the first language. */
  const chosen = load(LANG_KEY);
  let lang = chosen === "en" || chosen === "vi" ? chosen : (asked === "en" ? "en" : "vi");
  let id = browserId();
  let history = readHistory();

  if (embedded) document.documentElement.classList.add("embedded");
  applyAccent(framed ? params.get("accent") : null);

  /* A ward's colour (from widget.js), used only where it stays readable on white (4.5:1). */
  function applyAccent(value) {
    const match = /^#?([0-9a-fA-F]{6})$/.exec(value || "");
    if (!match) return;
    const hex = match[1];
    const channel = (i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    const luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
    if (1.05 / (luminance + 0.05) < 4.5) return;
    document.documentElement.style.setProperty("--accent", `#${hex}`);
    document.documentElement.style.setProperty("--accent-text", "#ffffff");
  }

  function t(key, fallback) {
    return strings[key] || fallback || "";
  }

  function number(value) {
    return new Intl.NumberFormat(lang === "vi" ? "vi-VN" : "en-GB").format(value);
  }

  async function loadStrings() {
    try {
      const response = await fetch(`api/strings?lang=${encodeURIComponent(lang)}`);
      const data = await response.json();
      strings = data.strings || {};
      timezone = data.timezone || timezone;
    } catch (_) {
      strings = {};
    }
    document.documentElement.lang = lang;
    document.title = t("title", document.title);
    document.querySelectorAll("[data-text]").forEach((node) => {
      node.textContent = t(node.dataset.text, node.textContent);
    });
    document.querySelectorAll("[data-title]").forEach((node) => {
      node.title = t(node.dataset.title, node.title);
    });
    input.placeholder = t("placeholder", input.placeholder);
    log.setAttribute("aria-label", t("log_label", "Cuộc trò chuyện"));
    langSwitch.lang = lang === "vi" ? "en" : "vi";
    if (waiting) showTyping(true);
    updateCounter();
    refreshTimes();
  }

  async function setLanguage(value) {
    if (value === lang || (value !== "vi" && value !== "en")) return;
    lang = value;
    store(LANG_KEY, lang);
    await loadStrings();
  }

  /* ------------------------------------------------------------------ times */

  /* "09:00" today, "04/03 09:00" on another day: in the bot's time zone, whatever the device's. */
  function timeText(at) {
    const moment = new Date(at);
    if (!at || Number.isNaN(moment.getTime())) return "";
    try {
      const parts = (d) => {
        const format = new Intl.DateTimeFormat("en-GB", {
          timeZone: timezone, day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit",
          hourCycle: "h23",
        });
        const found = {};
        format.formatToParts(d).forEach((part) => { found[part.type] = part.value; });
        return found;
      };
      const when = parts(moment);
      const today = parts(new Date());
      const time = `${when.hour}:${when.minute}`;
      return when.day === today.day && when.month === today.month
        ? time : `${when.day}/${when.month} ${time}`;
    } catch (_) {
      return "";
    }
  }

  function addTime(item, at) {
    const text = timeText(at);
    if (!text) return;
    const stamp = document.createElement("time");
    stamp.dateTime = new Date(at).toISOString();
    stamp.textContent = text;
    item.appendChild(stamp);
  }

  function refreshTimes() {
    log.querySelectorAll("time").forEach((stamp) => {
      stamp.textContent = timeText(stamp.dateTime) || stamp.textContent;
    });
  }

  /* ------------------------------------------------------------------ links */

  const TOKEN = /https:\/\/[^\s<>"'`«»“”]+|\+84(?:[ .]?\d){9,10}|0\d(?:[ .]?\d){8,9}|1[89]00(?:[ .]?\d){4,6}|1022/g;
  const TRAILING = /[.,;:!?)\]}'"»”]+$/;

  function isWordChar(ch) {
    return Boolean(ch) && /[\p{L}\p{N}_]/u.test(ch);
  }

  function phoneDigits(found) {
    const digits = found.replace(/[^\d+]/g, "");
    const plain = digits.replace("+", "");
    if (found === "1022") return digits;
    if (/^1[89]00/.test(plain)) return plain.length === 8 || plain.length === 10 ? plain : "";
    if (digits.startsWith("+84")) return plain.length === 11 || plain.length === 12 ? digits : "";
    return plain.length === 10 || plain.length === 11 ? plain : "";
  }

  /* Plain text with https:// links (new tab) and hotline numbers (tel:) as DOM nodes. */
  function richText(text) {
    const fragment = document.createDocumentFragment();
    let last = 0;
    TOKEN.lastIndex = 0;
    let match;
    while ((match = TOKEN.exec(text)) !== null) {
      let found = match[0];
      const start = match.index;
      const before = text.charAt(start - 1);
      let link = null;
      if (found.startsWith("https://")) {
        found = found.replace(TRAILING, "");
        if (!isWordChar(before) && found.length > "https://".length) link = externalLink(found);
      } else {
        const after = text.charAt(start + found.length);
        const nextDigit = /[.,]\d/.test(text.slice(start + found.length, start + found.length + 2));
        const digits = phoneDigits(found);
        if (digits && !isWordChar(before) && before !== "." && !isWordChar(after) && !nextDigit) {
          link = document.createElement("a");
          link.href = `tel:${digits}`;
          link.textContent = found;
        }
      }
      if (link === null) continue;
      fragment.appendChild(document.createTextNode(text.slice(last, start)));
      fragment.appendChild(link);
      last = start + found.length;
      TOKEN.lastIndex = last;
    }
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  function externalLink(url) {
    const link = document.createElement("a");
    link.href = url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.textContent = url;
    const hint = document.createElement("span");
    hint.className = "visually-hidden";
    hint.textContent = ` ${t("new_tab", "(mở trong thẻ mới)")}`;
    link.appendChild(hint);
    return link;
  }

  /* ------------------------------------------------------------------ messages */

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function bubble(kind, who) {
    const item = document.createElement("div");
    item.className = `msg ${kind}`;
    if (who) {
      const label = document.createElement("span");
      label.className = "visually-hidden";
      label.textContent = `${who}: `;
      item.appendChild(label);
    }
    log.appendChild(item);
    return item;
  }

  function remember(entry) {
    history.push(entry);
    history = history.slice(-HISTORY_SIZE);
    store(HISTORY_KEY, JSON.stringify(history));
  }

  function readHistory() {
    try {
      const saved = JSON.parse(load(HISTORY_KEY) || "[]");
      return Array.isArray(saved) ? saved.slice(-HISTORY_SIZE) : [];
    } catch (_) {
      return [];
    }
  }

  function showUser(text, at) {
    const item = bubble("user", t("you", "Anh/chị"));
    const body = document.createElement("p");
    body.textContent = text;
    item.appendChild(body);
    addTime(item, at);
    scrollDown();
  }

  function showNotice(text) {
    if (!text) return;
    const item = bubble("notice", "");
    item.textContent = text;
    scrollDown();
  }

  function showFile(item, file) {
    const link = document.createElement("a");
    link.className = "file";
    link.href = String(file.url || "");
    if (file.kind === "image") {
      const image = document.createElement("img");
      image.src = link.href;
      image.alt = file.caption || file.name || "";
      link.appendChild(image);
    } else {
      link.download = file.name || "";
      link.textContent = `${t("download", "Tải tệp")}: ${file.name}`;
    }
    item.appendChild(link);
    if (file.caption) {
      const caption = document.createElement("p");
      caption.appendChild(richText(String(file.caption)));
      item.appendChild(caption);
    }
  }

  function showReply(reply) {
    const item = bubble("bot", t("bot", "Trợ lý"));
    if (reply.lang === "vi" || reply.lang === "en") item.lang = reply.lang;
    (reply.files || []).forEach((file) => showFile(item, file));
    if (reply.text) {
      const body = document.createElement("p");
      body.appendChild(richText(String(reply.text)));
      item.appendChild(body);
    }
    const rows = reply.buttons || [];
    if (rows.length) {
      const group = document.createElement("div");
      group.className = "options";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", t("options_label", "Các lựa chọn"));
      rows.forEach((row) => {
        const line = document.createElement("div");
        line.className = "options-row";
        row.forEach((button) => {
          const element = document.createElement("button");
          element.type = "button";
          element.className = "option";
          element.textContent = button.label;
          element.addEventListener("click", () => {
            say(String(button.label), { payload: button.payload });
          });
          line.appendChild(element);
        });
        group.appendChild(line);
      });
      item.appendChild(group);
    }
    addTime(item, reply.at);
    scrollDown();
  }

  function receive(reply) {
    remember({ kind: "bot", reply });
    showReply(reply);
  }

  function say(text, body) {
    const at = new Date().toISOString();
    remember({ kind: "user", text, at });
    showUser(text, at);
    return send(body);
  }

  /* ------------------------------------------------------------------ network */

  function showTyping(on) {
    typing.replaceChildren();
    if (!on) return;
    const dots = document.createElement("span");
    dots.className = "dots";
    dots.setAttribute("aria-hidden", "true");
    for (let i = 0; i < 3; i += 1) dots.appendChild(document.createElement("span"));
    const text = document.createElement("span");
    text.textContent = t("typing", "Trợ lý đang trả lời…");
    typing.append(dots, text);
  }

  async function post(body) {
    waiting += 1;
    showTyping(true);
    try {
      const response = await fetch("api/message", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ browser_id: id, lang, message_id: randomId(16), ...body }),
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) {
        showNotice(data.error || t("offline", "Không kết nối được với máy chủ."));
        return;
      }
      if (data.lang) await setLanguage(data.lang);
      (data.replies || []).forEach(receive);
    } catch (_) {
      showNotice(t("offline", "Không kết nối được với máy chủ."));
    } finally {
      waiting -= 1;
      if (!waiting) showTyping(false);
    }
  }

  function send(body) {
    queue = queue.then(() => post(body));
    return queue;
  }

  async function poll() {
    if (document.visibilityState !== "visible") return;
    try {
      const response = await fetch(`api/poll?browser_id=${encodeURIComponent(id)}`);
      if (response.ok) ((await response.json()).replies || []).forEach(receive);
    } catch (_) { /* offline for now: try again at the next tick */ }
  }

  function pollSoon() {
    queue = queue.then(poll);
  }

  /* ------------------------------------------------------------------ composer */

  function length(text) {
    return Array.from(text).length;
  }

  function updateCounter() {
    const count = length(input.value.trim());
    const over = count > MAX_CHARS;
    counter.classList.toggle("over", over);
    input.setAttribute("aria-invalid", over ? "true" : "false");
    if (over) {
      counter.textContent = t("over_limit", "").replace("{count}", number(count));
    } else if (count >= WARN_CHARS) {
      counter.textContent = t("chars_left", "").replace("{count}", number(MAX_CHARS - count));
    } else if (counter.textContent) {
      counter.textContent = "";
    }
    return !over;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    if (!updateCounter()) {
      status.textContent = counter.textContent;
      input.focus({ preventScroll: true });
      return;
    }
    input.value = "";
    updateCounter();
    say(text, { text });
  });

  input.addEventListener("input", updateCounter);

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  langSwitch.addEventListener("click", async () => {
    await setLanguage(lang === "vi" ? "en" : "vi");
    send({ payload: `lang:${lang}` });
    input.focus({ preventScroll: true });
  });

  /* A shared phone: forget this conversation here and talk as a new, unknown browser. */
  newChat.addEventListener("click", () => {
    history = [];
    forget(HISTORY_KEY);
    forget(STARTED_KEY);
    id = randomId(24);
    store(ID_KEY, id);
    quietly(() => {
      log.replaceChildren();
      showNotice(t("intro", ""));
    });
    showNotice(t("new_chat_done", ""));
    greet();
    input.focus({ preventScroll: true });
  });

  window.addEventListener("message", (event) => {
    if (event.source === window.parent && event.data && event.data.type === "tcns-focus") {
      input.focus({ preventScroll: true });
    }
  });

  /* In the widget's panel, Escape closes the panel (the host page cannot see our keys). */
  document.addEventListener("keydown", (event) => {
    if (embedded && event.key === "Escape") window.parent.postMessage({ type: "tcns-close" }, "*");
  });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") pollSoon();
  });

  function greet() {
    if (load(STARTED_KEY)) return;
    store(STARTED_KEY, "1");
    if (lang !== "vi") send({ payload: `lang:${lang}` });
    send({ text: "/start" });
  }

  /* Changes a screen reader need not read out (the history shown again after a reload). */
  function quietly(change) {
    log.setAttribute("aria-live", "off");
    change();
    setTimeout(() => log.setAttribute("aria-live", "polite"), 0);
  }

  async function begin() {
    await loadStrings();
    quietly(() => {
      showNotice(t("intro", ""));
      history.forEach((entry) => {
        if (entry && entry.kind === "user") showUser(String(entry.text || ""), entry.at);
        else if (entry && entry.kind === "bot" && entry.reply) showReply(entry.reply);
      });
    });
    greet();
    pollSoon();
    setInterval(pollSoon, POLL_MS);
    if (!framed) input.focus({ preventScroll: true }); // in a frame: never steal the host's focus
  }

  begin();
})();
