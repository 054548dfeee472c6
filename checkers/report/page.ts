/** What every report page needs to embed text, data and its script safely in one HTML file. */

export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Keeps the bundled script from closing its <script> element early. */
export const escapeScript = (s: string) => s.replace(/<\/(script)/gi, '<\\/$1');
/** JSON safe inside <script>: every "<" becomes the JSON escape \u003c. */
export const embedJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
