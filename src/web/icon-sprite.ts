import postcss from "postcss";

/**
 * The stylesheet's SVG masks (the DSFR's icons) drawn from one sprite file instead of one data:
 * URL each (issue 8, goal 1; docs/PERFORMANCE.md).
 *
 * Why: Chromium builds a whole SVG document for every distinct SVG image a page shows, on the
 * main thread, during the style recalculation that first needs it — 7 to 8 ms each on a slow
 * host, about 30 ms with the phone's CPU slowdown; a page showed 8 to 10 icons, most of its long
 * tasks. One sprite is one document, built once, in its own task when the file arrives (the
 * request starts with the first style recalculation, the document is no longer built inside
 * it), and the icons leave the render-blocking stylesheet.
 *
 * How, so that it works in every browser (SVG `<view>` fragments in CSS images do not, in
 * Safari): the icons are stacked in one column, a blank cell between two (no bleeding at the
 * edges), and each rule that sets a mask image gets the sprite, a mask size that makes one cell
 * exactly the element's box, and the position of its cell. Size and position are `!important`
 * and written in every rule that sets a mask image — those rules only — so the rule that wins the
 * image also wins them (the same specificity and order decide both), and the DSFR's own
 * `mask-size: 100% 100%` (in other rules) never applies to the sprite. What would break that
 * reasoning is refused when the stylesheet is built (the service does not start, its tests
 * fail): a mask shorthand, an `!important` mask size or position written elsewhere, cascade
 * layers (they reverse the order of important declarations), a mask image other than an SVG
 * data: URL or `none`.
 *
 * Boxes are assumed square (every DSFR icon box is: width and height are both its
 * `--icon-size`; test/browser/icons.test.ts checks it on the pages): in a box of another shape
 * the cell, and the icon with it, would be stretched where a lone SVG keeps its proportions.
 */

/** A mask image moved into the sprite: its former data: URL and where it now is. */
export interface SpriteCell {
  dataUrl: string;
  /** `mask-size` for the sprite: the cell is the element's box. */
  size: string;
  /** `mask-position` of the cell. */
  position: string;
}

export interface SpritedStylesheet {
  css: string;
  /** The sprite (SVG), or undefined when the stylesheet has no SVG mask. */
  sprite: string | undefined;
  cells: SpriteCell[];
}

const CELL = 24;
const MASK_IMAGE = /^(-webkit-)?mask-image$/i;
/** `url(<an SVG data: URL>)`, quoted either way (the other quote may appear inside) or not quoted. */
const SVG_DATA_URL = /^url\(\s*(?:"(data:image\/svg\+xml[^"]*)"|'(data:image\/svg\+xml[^']*)'|(data:image\/svg\+xml[^"'()\s]*))\s*\)$/i;

function svgDataUrl(value: string): string | undefined {
  const match = SVG_DATA_URL.exec(value.trim());
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

/** The SVG text of a data: URL (percent-encoded or base64). */
export function svgOfDataUrl(url: string): string {
  const comma = url.indexOf(",");
  if (comma < 0) throw new Error("icon sprite: a data: URL without data");
  const meta = url.slice(0, comma);
  const data = url.slice(comma + 1);
  return /;base64$/i.test(meta) ? Buffer.from(data, "base64").toString("utf8") : decodeURIComponent(data);
}

/**
 * Attributes kept on an icon's cell (presentation: fill, stroke…); its geometry is the cell's,
 * and namespaced ones (an editor's metadata) would be undeclared in the sprite.
 */
const DROPPED = /^(xmlns(:\w+)?|width|height|x|y|viewbox|version|id|class|(?!xml:)[\w-]+:[\w-]+)$/i;

/** One icon as a cell of the sprite: a nested `<svg>` at row `index`, its own viewBox kept. */
function cell(svg: string, index: number): string {
  const match = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<svg\b([^>]*)>([\s\S]*)<\/svg>\s*$/i.exec(svg);
  if (!match) throw new Error("icon sprite: not one <svg> element");
  const [, attributes = "", body = ""] = match;
  // Ids would collide between icons, and the sprite would need them rewritten: none of the
  // DSFR's icons has one; a new version with some fails here, at build time.
  if (/\bid\s*=|<style\b|<script\b|\bhref\s*=/i.test(body)) throw new Error("icon sprite: an icon with ids, styles, scripts or links");
  // Namespace prefixes are declared on the icon's root, which the sprite does not keep: one
  // undeclared prefix would make the whole sprite ill-formed, every icon gone with it.
  if (/<\/?(?!xml:)[\w-]+:|\s(?!xml:)[\w-]+:[\w-]+\s*=/i.test(body)) throw new Error("icon sprite: an icon with namespaced names");
  const attrs = [...attributes.matchAll(/([\w:-]+)\s*=\s*("[^"]*"|'[^']*')/g)].map((m) => ({ name: m[1]!, value: m[2]! }));
  const get = (name: string) => attrs.find((a) => a.name.toLowerCase() === name.toLowerCase())?.value.slice(1, -1);
  if (get("style") !== undefined) throw new Error("icon sprite: an icon with a style attribute");
  const plain = (value: string | undefined) => (value !== undefined && /^\s*\d+(\.\d+)?\s*(px)?\s*$/.test(value) ? parseFloat(value) : undefined);
  const [width, height] = [plain(get("width")), plain(get("height"))];
  const viewBox = get("viewBox") ?? (width && height ? `0 0 ${width} ${height}` : undefined);
  if (!viewBox) throw new Error("icon sprite: an icon without viewBox nor size in pixels");
  const kept = attrs.filter((a) => !DROPPED.test(a.name)).map((a) => ` ${a.name}=${a.value}`).join("");
  return `<svg y="${index * 2 * CELL}" width="${CELL}" height="${CELL}" viewBox="${viewBox}"${kept}>${body.trim()}</svg>`;
}

function percent(value: number): string {
  return `${Number(value.toFixed(6))}%`;
}

/**
 * Moves every SVG mask image of `css` (data: URLs) into one sprite; `urlOf(sprite)` gives the
 * URL the sprite is served at. Any other mask image than `none` or an SVG data: URL is refused
 * (the invariant above would no longer hold).
 */
export function spriteMasks(css: string, urlOf: (sprite: string) => string): SpritedStylesheet {
  const root = postcss.parse(css);
  const where = (node: postcss.Node) => String((node.parent as postcss.Rule | undefined)?.selector ?? "");
  root.walkAtRules(/^layer$/i, () => {
    throw new Error("icon sprite: cascade layers");
  });
  root.walkDecls(/^(-webkit-)?mask(-size|-position)?$/i, (decl) => {
    if (/^(-webkit-)?mask$/i.test(decl.prop) && !/^none$/i.test(decl.value.trim())) throw new Error(`icon sprite: a mask shorthand in ${where(decl)}`);
    if (decl.important) throw new Error(`icon sprite: an important mask size or position in ${where(decl)}`);
  });
  const order: string[] = [];
  root.walkDecls(MASK_IMAGE, (decl) => {
    const value = decl.value.trim();
    if (/^none$/i.test(value)) return;
    const dataUrl = svgDataUrl(value);
    if (!dataUrl) throw new Error(`icon sprite: unsupported mask image in ${where(decl)}`);
    if (!order.includes(dataUrl)) order.push(dataUrl);
  });
  if (order.length === 0) return { css, sprite: undefined, cells: [] };

  const n = order.length;
  const height = (2 * n - 1) * CELL;
  const sprite =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CELL} ${height}" preserveAspectRatio="none">` +
    order.map((url, i) => cell(svgOfDataUrl(url), i)).join("") +
    "</svg>";
  const url = urlOf(sprite);
  // The sprite is (2n − 1) boxes tall; cell i starts 2i boxes down: mask-position's percentage p
  // moves the image by (box − image) × p = −(2n − 2) × box × p, so p = i / (n − 1).
  const size = `100% ${percent((2 * n - 1) * 100)}`;
  const cells: SpriteCell[] = order.map((dataUrl, i) => ({ dataUrl, size, position: `0 ${n === 1 ? "0%" : percent((i / (n - 1)) * 100)}` }));
  const byUrl = new Map(cells.map((c) => [c.dataUrl, c]));

  root.walkDecls(MASK_IMAGE, (decl) => {
    const dataUrl = svgDataUrl(decl.value);
    if (!dataUrl) return;
    const found = byUrl.get(dataUrl)!;
    const prefix = decl.prop.toLowerCase().startsWith("-webkit-") ? "-webkit-" : "";
    decl.value = `url("${url}")`;
    // The rule's own size or position for this image (the DSFR's `100% 100%`) would lose to
    // ours anyway: dropped, so that the rule reads as it applies.
    decl.parent!.each((other) => {
      if (other.type === "decl" && !other.important && [`${prefix}mask-size`, `${prefix}mask-position`].includes(other.prop.toLowerCase())) other.remove();
    });
    decl.after([
      postcss.decl({ prop: `${prefix}mask-size`, value: found.size, important: true }),
      postcss.decl({ prop: `${prefix}mask-position`, value: found.position, important: true }),
    ]);
  });
  return { css: root.toString(), sprite, cells };
}
