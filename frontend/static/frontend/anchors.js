// Progressive enhancement for comment threads; every page works without this file.
// 1. Select words in the clause text (#clause-text .clause-paragraph) and choose "Comment on
//    this": the new-comment form gets the paragraph and the quote, grown to whole words (the
//    same fields its no-JavaScript paragraph picker fills by hand).
// 2. htmx: a comment's refused action (400, 409, 429, or the service's 403) comes back as the
//    comment's partial with the message; swap it in and move focus to the field in error (or
//    to the message when no field is at fault).
(function () {
  "use strict";
  var button = null;
  var pending = null;

  function newCommentForm() {
    var form = document.getElementById("new-comment");
    return form && form.tagName === "FORM" ? form : null;
  }

  function paragraphOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest("#clause-text .clause-paragraph") : null;
  }

  // A selection that cuts a word ("arties verify compliance throu") is grown to whole words,
  // as the server stores it: the selected span is located in the paragraph's text and widened.
  var WORD = /[\p{L}\p{N}]/u;

  function offsetIn(paragraph, container, offset) {
    var before = document.createRange();
    before.setStart(paragraph, 0);
    before.setEnd(container, offset);
    return before.toString().length;
  }

  function wholeWords(paragraph, range) {
    var text = paragraph.textContent;
    var start = offsetIn(paragraph, range.startContainer, range.startOffset);
    var end = offsetIn(paragraph, range.endContainer, range.endOffset);
    while (start > 0 && WORD.test(text.charAt(start - 1)) && WORD.test(text.charAt(start))) {
      start -= 1;
    }
    while (end < text.length && end > 0 && WORD.test(text.charAt(end - 1)) && WORD.test(text.charAt(end))) {
      end += 1;
    }
    return text.slice(start, end);
  }

  function currentAnchor() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return null;
    }
    var range = selection.getRangeAt(0);
    var paragraph = paragraphOf(range.startContainer);
    if (!paragraph || paragraph !== paragraphOf(range.endContainer)) {
      return null;
    }
    var quote = wholeWords(paragraph, range).replace(/\s+/g, " ").trim();
    if (!quote || quote.length > 1000) {
      return null;
    }
    return {
      paragraph: paragraph.getAttribute("data-paragraph"),
      quote: quote,
      rect: range.getBoundingClientRect()
    };
  }

  function ensureButton() {
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "button button-small anchor-button";
      button.textContent = "Comment on this";
      button.hidden = true;
      // Keep the selection when the button is pressed.
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", useSelection);
      document.body.appendChild(button);
    }
    return button;
  }

  function update() {
    if (!newCommentForm()) {
      return;
    }
    var anchor = currentAnchor();
    var b = ensureButton();
    pending = anchor;
    if (!anchor) {
      b.hidden = true;
      return;
    }
    // CSSOM, not a style attribute: allowed by the Content-Security-Policy.
    b.style.top = (window.scrollY + anchor.rect.bottom + 6) + "px";
    b.style.left = Math.max(8, window.scrollX + anchor.rect.left) + "px";
    b.hidden = false;
  }

  function showPreview(quote) {
    var preview = document.getElementById("anchor-preview");
    var text = document.getElementById("anchor-preview-quote");
    if (preview && text) {
      text.textContent = quote;
      preview.hidden = !quote;
    }
  }

  function useSelection() {
    var form = newCommentForm();
    if (!pending || !form) {
      return;
    }
    form.querySelector("[name='anchor_paragraph']").value = pending.paragraph;
    form.querySelector("[name='anchor_quote']").value = pending.quote;
    showPreview(pending.quote);
    var picker = document.getElementById("anchor-picker");
    if (picker) {
      picker.open = false;
    }
    button.hidden = true;
    pending = null;
    form.scrollIntoView({ block: "start" });
    form.querySelector("[name='body']").focus();
  }

  function clearAnchor() {
    var form = newCommentForm();
    if (form) {
      form.querySelector("[name='anchor_paragraph']").value = "";
      form.querySelector("[name='anchor_quote']").value = "";
    }
    showPreview("");
  }

  document.addEventListener("mouseup", function () { window.setTimeout(update, 0); });
  document.addEventListener("keyup", function () { window.setTimeout(update, 0); });
  document.addEventListener("selectionchange", function () {
    if (button && !button.hidden) {
      window.setTimeout(update, 0);
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target && event.target.id === "anchor-clear") {
      clearAnchor();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var form = newCommentForm();
    var quote = form && form.querySelector("[name='anchor_quote']");
    if (quote && quote.value) {
      showPreview(quote.value);
    }
    // A refused comment re-shown by a whole-page answer: continue at the field in error.
    var invalid = form && form.querySelector("[aria-invalid='true']");
    if (invalid) {
      invalid.focus();
    }
  });

  // 3. A quote's link lands on its mark (and a mark's link on its comment): the target takes
  //    focus, so keyboard and screen-reader users continue from there.
  // Mark ids are deliberation.discussion.anchors.mark_id: mark-<paragraph>-<12 hex of the quote>.
  function focusTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!/^(mark-\d+-[0-9a-f]{12}|comment-\d+)$/.test(id)) {
      return;
    }
    var target = document.getElementById(id);
    if (target) {
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "center" });
    }
  }
  window.addEventListener("hashchange", focusTarget);
  document.addEventListener("DOMContentLoaded", focusTarget);

  // 4. A new comment posted with htmx: load the page at it (a reload when only the fragment
  //    differs, since changing the fragment alone would not fetch the new comment).
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    var posted = xhr && xhr.getResponseHeader("X-Comment-Posted");
    if (!posted) {
      return;
    }
    var target = new URL(posted, window.location.href);
    var here = window.location;
    window.location.assign(target.href);
    if (target.pathname === here.pathname && target.search === here.search) {
      window.location.reload();
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.getResponseHeader("X-Comment-Partial") && (xhr.status === 400 || xhr.status === 403 || xhr.status === 429)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.id || (target.id.indexOf("comment-") !== 0 && target.id !== "new-comment")) {
      return;
    }
    var swapped = document.getElementById(target.id) || target;
    // The field in error (it names the message with aria-describedby), else the message.
    var field = swapped.querySelector("[aria-invalid='true']");
    var message = swapped.querySelector(".errorlist[role='alert']");
    if (field) {
      field.focus();
    } else if (message) {
      message.setAttribute("tabindex", "-1");
      message.focus();
    }
  });

  // 5. A comment's action forms load when their disclosure first opens: the page carries only a
  //    link to each (which opens it on a page of its own without JavaScript). Focus stays on
  //    the disclosure's summary, as on any disclosure; Tab goes on into the form.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.open || !details.matches || !details.matches("details.action") || !window.htmx) {
      return;
    }
    var link = details.querySelector(".action-body > a.action-form-link");
    if (link) {
      window.htmx.ajax("GET", link.href, { target: link.parentNode, swap: "innerHTML" });
    }
  }, true);
})();
