/**
 * xterm's DOM renderer writes its theme colours and cell sizes into <style>
 * elements inside the terminal. The app's CSP (`style-src 'self'`) blocks such
 * inline styles, and loosening it to 'unsafe-inline' would open it for the
 * whole app. Constructed stylesheets are not inline style to CSP, so each
 * <style> under `root` is mirrored into one adopted by the document, and kept
 * in step as xterm rewrites it. Returns the function that removes them.
 */
export function mirrorInlineStyles(root: HTMLElement, doc: Document = document): () => void {
  if (typeof CSSStyleSheet === 'undefined' || !('adoptedStyleSheets' in doc) || !('replaceSync' in CSSStyleSheet.prototype)) {
    return () => undefined;
  }
  const sheets = new Map<HTMLStyleElement, { sheet: CSSStyleSheet; text: string }>();

  const sync = (): void => {
    const present = new Set(root.querySelectorAll('style'));
    for (const element of present) {
      const text = element.textContent ?? '';
      let entry = sheets.get(element);
      if (!entry) {
        entry = { sheet: new CSSStyleSheet(), text: '' };
        sheets.set(element, entry);
        doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, entry.sheet];
      }
      if (entry.text !== text) {
        entry.sheet.replaceSync(text);
        entry.text = text;
      }
    }
    for (const [element, entry] of sheets) {
      if (present.has(element)) continue;
      sheets.delete(element);
      doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== entry.sheet);
    }
  };

  // The renderer rewrites rows all the time; only changes that touch a <style> matter.
  const touchesStyle = (node: Node): boolean => node.nodeName === 'STYLE' || node.parentNode?.nodeName === 'STYLE';
  const observer = new MutationObserver((records) => {
    if (records.some((r) => touchesStyle(r.target) || [...r.addedNodes, ...r.removedNodes].some((n) => n.nodeName === 'STYLE'))) sync();
  });
  observer.observe(root, { subtree: true, childList: true, characterData: true });
  sync();

  return () => {
    observer.disconnect();
    const ours = new Set([...sheets.values()].map((e) => e.sheet));
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => !ours.has(s));
    sheets.clear();
  };
}
