/* The web chat as a floating button on any site:
     <script src="https://HOST/web/widget.js" async
             data-title="Phường Hải Châu – Hỏi đáp công nghệ số" data-color="#0b57d0"></script>
   The button opens the chat (HOST/web/) in a panel. Works under a strict Content-Security-Policy
   of the host page: no inline <style> or style attributes, only element.style properties; the
   host must allow this script (script-src) and the chat (frame-src) from HOST. */
(() => {
  "use strict";

  const TEXTS = "__TCNS_WIDGET_STRINGS__";
  const script = document.currentScript;
  if (!script || window.tcnsChatWidget) return;

  const chatUrl = new URL("./", script.src);
  const data = script.dataset;
  const lang = data.lang === "en" ? "en" : "vi";
  const texts = (typeof TEXTS === "object" && TEXTS[lang]) || {};
  const title = (data.title || texts.widget_title || "").slice(0, 120);
  const colour = /^#[0-9a-fA-F]{6}$/.test(data.color || "") ? data.color : "#0b57d0";
  const onColour = contrastText(colour);
  const left = data.position === "left";
  const phone = window.matchMedia("(max-width: 480px)");
  const SVG = "http://www.w3.org/2000/svg";
  let frame = null;

  function contrastText(hex) {
    const channel = (i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? "#ffffff" : "#000000";
  }

  function styled(tag, styles) {
    const element = document.createElement(tag);
    Object.assign(element.style, styles);
    return element;
  }

  function icon(paths, size) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", size);
    svg.setAttribute("height", size);
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    paths.forEach((d) => {
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", d);
      path.setAttribute("fill", "currentColor");
      svg.appendChild(path);
    });
    return svg;
  }

  const CHAT_ICON = [
    "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
  ];
  const CLOSE_ICON = [
    "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z",
  ];
  const font = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif";

  const launcher = styled("button", {
    position: "fixed",
    bottom: "20px",
    width: "60px",
    height: "60px",
    padding: "0",
    border: "2px solid #ffffff",
    borderRadius: "50%",
    background: colour,
    color: onColour,
    boxShadow: "0 4px 14px rgba(0, 0, 0, 0.3)",
    cursor: "pointer",
    display: "flex",
    alignItems: "center",
    justifyContent: "center",
    zIndex: "2147483000",
  });
  launcher.style[left ? "left" : "right"] = "20px";
  launcher.type = "button";
  launcher.className = "tcns-chat-launcher";
  launcher.setAttribute("aria-label", texts.widget_open || title);
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "tcns-chat-panel");
  launcher.appendChild(icon(CHAT_ICON, "30"));

  const panel = styled("div", {
    position: "fixed",
    display: "none",
    flexDirection: "column",
    overflow: "hidden",
    background: "#ffffff",
    boxShadow: "0 8px 32px rgba(0, 0, 0, 0.35)",
    zIndex: "2147483001",
    fontFamily: font,
  });
  panel.id = "tcns-chat-panel";
  panel.className = "tcns-chat-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", title);

  const bar = styled("div", {
    display: "flex",
    alignItems: "center",
    gap: "8px",
    padding: "8px 8px 8px 16px",
    background: colour,
    color: onColour,
    flex: "none",
  });
  const heading = styled("p", {
    flex: "1",
    margin: "0",
    fontSize: "16px",
    lineHeight: "1.3",
    fontWeight: "600",
    fontFamily: font,
  });
  heading.textContent = title;
  const close = styled("button", {
    width: "44px",
    height: "44px",
    padding: "0",
    border: "0",
    borderRadius: "8px",
    background: "transparent",
    color: onColour,
    cursor: "pointer",
    display: "flex",
    alignItems: "center",
    justifyContent: "center",
    flex: "none",
  });
  close.type = "button";
  close.setAttribute("aria-label", texts.widget_close || "×");
  close.appendChild(icon(CLOSE_ICON, "24"));
  bar.append(heading, close);
  panel.appendChild(bar);

  function layout() {
    const open = panel.style.display !== "none";
    const small = phone.matches;
    Object.assign(panel.style, small
      ? { top: "0", bottom: "0", left: "0", right: "0", width: "100%", height: "100%", borderRadius: "0" }
      : {
        top: "auto",
        bottom: "92px",
        left: left ? "20px" : "auto",
        right: left ? "auto" : "20px",
        width: "min(400px, calc(100vw - 40px))",
        height: "min(640px, calc(100vh - 112px))",
        borderRadius: "12px",
      });
    launcher.style.display = open && small ? "none" : "flex";
  }

  function chatFrame() {
    if (frame) return frame;
    const address = new URL(chatUrl.href);
    address.searchParams.set("embed", "1");
    address.searchParams.set("lang", lang);
    address.searchParams.set("accent", colour.slice(1));
    frame = styled("iframe", { flex: "1", width: "100%", border: "0", display: "block" });
    frame.title = title;
    frame.src = address.href;
    frame.addEventListener("load", focusChat);
    panel.appendChild(frame);
    return frame;
  }

  function focusChat() {
    if (panel.style.display === "none" || !frame) return;
    frame.focus();
    frame.contentWindow.postMessage({ type: "tcns-focus" }, chatUrl.origin);
  }

  function open() {
    const loaded = frame !== null;
    chatFrame();
    panel.style.display = "flex";
    launcher.setAttribute("aria-expanded", "true");
    launcher.setAttribute("aria-label", texts.widget_close || title);
    launcher.replaceChildren(icon(CLOSE_ICON, "28"));
    layout();
    if (loaded) focusChat();
  }

  function shut() {
    panel.style.display = "none";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-label", texts.widget_open || title);
    launcher.replaceChildren(icon(CHAT_ICON, "30"));
    layout();
    launcher.focus();
  }

  launcher.addEventListener("click", () => (panel.style.display === "none" ? open() : shut()));
  close.addEventListener("click", shut);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") shut();
  });
  window.addEventListener("message", (event) => {
    if (frame && event.source === frame.contentWindow && event.origin === chatUrl.origin
        && event.data && event.data.type === "tcns-close") shut();
  });
  if (phone.addEventListener) phone.addEventListener("change", layout);

  function mount() {
    document.body.append(panel, launcher);
    layout();
  }

  window.tcnsChatWidget = { open, close: shut };
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
