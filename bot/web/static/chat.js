/* Web chat client: no build step, no dependencies. Texts come from /web/api/strings. */
(() => {
  "use strict";

  const ID_KEY = "tcns-browser-id";
  const LANG_KEY = "tcns-lang";
  const STARTED_KEY = "tcns-started";
  const ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
  const pollParam = Number(new URLSearchParams(location.search).get("poll"));
  const POLL_MS = Math.min(Math.max(pollParam || 5000, 1000), 60000);

  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const status = document.getElementById("status");
  const langSwitch = document.getElementById("lang-switch");

  let strings = {};
  let queue = Promise.resolve();

  function store(key, value) {
    try { localStorage.setItem(key, value); } catch (_) { /* private mode: keep in memory */ }
  }

  function load(key) {
    try { return localStorage.getItem(key); } catch (_) { return null; }
  }

  function randomId(bytes) {
    const data = new Uint8Array(bytes);
    crypto.getRandomValues(data);
    let text = "";
    data.forEach((b) => { text += String.fromCharCode(b); });
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function browserId() {
    let id = load(ID_KEY);
    if (!id || !ID_PATTERN.test(id)) {
      id = randomId(24);
      store(ID_KEY, id);
    }
    return id;
  }

  const params = new URLSearchParams(location.search);
  const asked = params.get("lang");
  let lang = asked === "en" || asked === "vi" ? asked : (load(LANG_KEY) || "vi");
  const id = browserId();

  function t(key, fallback) {
    return strings[key] || fallback || "";
  }

  async function loadStrings() {
    try {
      const response = await fetch(`api/strings?lang=${encodeURIComponent(lang)}`);
      strings = (await response.json()).strings || {};
    } catch (_) {
      strings = {};
    }
    document.documentElement.lang = lang;
    document.title = t("title", document.title);
    document.querySelectorAll("[data-text]").forEach((node) => {
      node.textContent = t(node.dataset.text, node.textContent);
    });
    input.placeholder = t("placeholder", input.placeholder);
    log.setAttribute("aria-label", t("log_label", "Cuộc trò chuyện"));
    langSwitch.lang = lang === "vi" ? "en" : "vi";
  }

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

  function showUser(text) {
    const item = bubble("user", t("you", "Bạn"));
    const body = document.createElement("p");
    body.textContent = text;
    item.appendChild(body);
    scrollDown();
  }

  function showNotice(text) {
    const item = bubble("notice", "");
    item.textContent = text;
    scrollDown();
  }

  function showFile(item, file) {
    const link = document.createElement("a");
    link.className = "file";
    link.href = file.url;
    if (file.kind === "image") {
      const image = document.createElement("img");
      image.src = file.url;
      image.alt = file.caption || file.name;
      link.appendChild(image);
    } else {
      link.download = file.name;
      link.textContent = `📎 ${t("download", "Tải tệp")}: ${file.name}`;
    }
    item.appendChild(link);
    if (file.caption) {
      const caption = document.createElement("p");
      caption.textContent = file.caption;
      item.appendChild(caption);
    }
  }

  function showReply(reply) {
    const item = bubble("bot", t("bot", "Trợ lý"));
    (reply.files || []).forEach((file) => showFile(item, file));
    if (reply.text) {
      const body = document.createElement("p");
      body.textContent = reply.text;
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
            showUser(button.label);
            send({ payload: button.payload });
          });
          line.appendChild(element);
        });
        group.appendChild(line);
      });
      item.appendChild(group);
    }
    scrollDown();
  }

  async function post(body) {
    status.textContent = t("sending", "Đang gửi…");
    try {
      const response = await fetch("api/message", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ browser_id: id, lang, message_id: randomId(16), ...body }),
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) {
        showNotice(data.error || t("offline", "…"));
        return;
      }
      (data.replies || []).forEach(showReply);
    } catch (_) {
      showNotice(t("offline", "Không kết nối được với máy chủ."));
    } finally {
      status.textContent = "";
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
      if (response.ok) ((await response.json()).replies || []).forEach(showReply);
    } catch (_) { /* offline for now: try again at the next tick */ }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    showUser(text);
    send({ text });
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  langSwitch.addEventListener("click", async () => {
    lang = lang === "vi" ? "en" : "vi";
    store(LANG_KEY, lang);
    await loadStrings();
    send({ payload: `lang:${lang}` });
    input.focus();
  });

  async function begin() {
    await loadStrings();
    showNotice(t("intro", ""));
    if (!load(STARTED_KEY)) {
      store(STARTED_KEY, "1");
      if (lang !== "vi") send({ payload: `lang:${lang}` });
      send({ text: "/start" });
    }
    setInterval(() => { queue = queue.then(poll); }, POLL_MS);
    input.focus();
  }

  begin();
})();
