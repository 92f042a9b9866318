import postcss from "postcss";
import { describe, expect, it } from "vitest";
import { spriteMasks, svgOfDataUrl } from "../../src/web/icon-sprite.ts";

/** Issue 8, goal 1: the stylesheet's SVG masks drawn from one sprite (one SVG document per page). */

const svg = (path: string, attrs = 'viewBox="0 0 24 24"') => `<svg xmlns="http://www.w3.org/2000/svg" ${attrs}><path d="${path}"/></svg>`;
const data = (text: string) => `data:image/svg+xml,${encodeURIComponent(text)}`;
const A = svg("M1 1h2");
const B = svg("M2 2h3", 'width="24" height="24" viewBox="0 0 24 24" fill="none"');
const C = svg("M3 3h4");
const URL_OF = () => "/static/0123456789abcdef/icons.svg";

/** The declarations of each rule, by selector: { prop: "value[ !important]" }. */
function declarations(css: string): Map<string, Record<string, string>> {
  const rules = new Map<string, Record<string, string>>();
  postcss.parse(css).walkRules((rule) => {
    const decls: Record<string, string> = {};
    rule.walkDecls((d) => {
      decls[d.prop] = d.value + (d.important ? " !important" : "");
    });
    rules.set(rule.selector, decls);
  });
  return rules;
}

describe("spriteMasks", () => {
  const css = [
    `.a:before{-webkit-mask-image:url("${data(A)}");mask-image:url("${data(A)}")}`,
    `.b:after{mask-image:url('${data(B)}');mask-size:100% 100%}`,
    `.c:before{-webkit-mask-image:url(${`data:image/svg+xml;base64,${Buffer.from(C).toString("base64")}`})}`,
    `@media (min-width:48em){.again:before{mask-image:url("${data(A)}")}}`,
    `.hidden:before{mask-image:none}`,
    `.logo{background-image:url("${data(C)}")}`,
  ].join("\n");
  const out = spriteMasks(css, URL_OF);
  const rules = declarations(out.css);

  it.each([
    // selector, the declarations expected after (the cell's index i of n = 3: position i / (n − 1))
    [".a:before", { "-webkit-mask-image": `url("${URL_OF()}")`, "-webkit-mask-size": "100% 500% !important", "-webkit-mask-position": "0 0% !important", "mask-image": `url("${URL_OF()}")`, "mask-size": "100% 500% !important", "mask-position": "0 0% !important" }],
    [".b:after", { "mask-image": `url("${URL_OF()}")`, "mask-size": "100% 500% !important", "mask-position": "0 50% !important" }],
    [".c:before", { "-webkit-mask-image": `url("${URL_OF()}")`, "-webkit-mask-size": "100% 500% !important", "-webkit-mask-position": "0 100% !important" }],
    [".again:before", { "mask-image": `url("${URL_OF()}")`, "mask-size": "100% 500% !important", "mask-position": "0 0% !important" }],
    [".hidden:before", { "mask-image": "none" }],
    [".logo", { "background-image": `url("${data(C)}")` }],
  ])("%s: the sprite, with the size and position of its cell, in the rule that sets the image", (selector, expected) => {
    expect(rules.get(selector)).toEqual(expected);
  });

  it("makes one cell per distinct image, in order, a blank cell between two, each icon's own viewBox and presentation kept", () => {
    expect(out.cells.map((c) => svgOfDataUrl(c.dataUrl))).toEqual([A, B, C]);
    expect(out.sprite).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 120" preserveAspectRatio="none">' +
        '<svg y="0" width="24" height="24" viewBox="0 0 24 24"><path d="M1 1h2"/></svg>' +
        '<svg y="48" width="24" height="24" viewBox="0 0 24 24" fill="none"><path d="M2 2h3"/></svg>' +
        '<svg y="96" width="24" height="24" viewBox="0 0 24 24"><path d="M3 3h4"/></svg>' +
        "</svg>",
    );
  });

  it("gives the URL function the sprite it serves", () => {
    let given: string | undefined;
    spriteMasks(css, (sprite) => ((given = sprite), "/x.svg"));
    expect(given).toBe(out.sprite);
  });

  it.each([
    ["one image", `.a{mask-image:url("${data(A)}")}`],
    ["the rule's own size written before its image", `.a{mask-size:100% 100%;mask-position:0 0;mask-image:url("${data(A)}")}`],
  ])("%s: the whole sprite is the one cell", (_name, input) => {
    const result = spriteMasks(input, URL_OF);
    expect(declarations(result.css).get(".a")).toEqual({ "mask-image": `url("${URL_OF()}")`, "mask-size": "100% 100% !important", "mask-position": "0 0% !important" });
  });

  it("keeps an icon's presentation attributes on its cell, not its namespaced ones (undeclared in the sprite)", () => {
    const icon = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 24 24" inkscape:version="1.0" fill="none" stroke="#000" xml:space="preserve"><path d="M0 0"/></svg>';
    const result = spriteMasks(`.a{mask-image:url("${data(icon)}")}`, URL_OF);
    expect(result.sprite).toContain('<svg y="0" width="24" height="24" viewBox="0 0 24 24" fill="none" stroke="#000" xml:space="preserve"><path d="M0 0"/></svg>');
  });

  it("gives an icon sized in pixels without viewBox its size as viewBox", () => {
    const result = spriteMasks(`.a{mask-image:url("${data(svg("M0 0", 'width="16" height="20px"'))}")}`, URL_OF);
    expect(result.sprite).toContain('<svg y="0" width="24" height="24" viewBox="0 0 16 20"><path d="M0 0"/></svg>');
  });

  it("reads a data: URL quoted either way, with the other quote inside, or not quoted", () => {
    const inner = "data:image/svg+xml;charset=utf8,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'%3E%3Cpath d='M0 0'/%3E%3C/svg%3E";
    const result = spriteMasks(`.a{mask-image:url("${inner}")}.b{mask-image:url('${inner.replaceAll("'", '"')}')}.c{mask-image:url(${data(A)})}`, URL_OF);
    expect(result.cells.map((c) => c.dataUrl)).toEqual([inner, inner.replaceAll("'", '"'), data(A)]);
    expect(result.sprite).toContain('<svg y="0" width="24" height="24" viewBox="0 0 24 24"><path d=\'M0 0\'/></svg>');
    for (const selector of [".a", ".b", ".c"]) expect(declarations(result.css).get(selector)!["mask-image"]).toBe(`url("${URL_OF()}")`);
  });

  it("leaves a stylesheet without SVG masks as it is", () => {
    const plain = `.a{color:red}.b{mask-image:none}.c{background:url("${data(A)}")}`;
    expect(spriteMasks(plain, URL_OF)).toEqual({ css: plain, sprite: undefined, cells: [] });
  });

  it.each([
    ["a raster mask", `.a{mask-image:url(/static/x/a.png)}`],
    ["a mask from a variable", `.a{mask-image:var(--icon)}`],
    ["two masks", `.a{mask-image:url("${data(A)}"),url("${data(C)}")}`],
    ["an icon with ids", `.a{mask-image:url("${data('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path id="p" d="M0 0"/></svg>')}")}`],
    ["an icon with a style", `.a{mask-image:url("${data('<svg viewBox="0 0 24 24"><style>path{fill:red}</style><path d="M0 0"/></svg>')}")}`],
    ["an icon without size", `.a{mask-image:url("${data('<svg><path d="M0 0"/></svg>')}")}`],
    ["an icon sized in ems", `.a{mask-image:url("${data('<svg width="1em" height="1em"><path d="M0 0"/></svg>')}")}`],
    ["an icon with a style attribute", `.a{mask-image:url("${data('<svg viewBox="0 0 24 24" style="fill:red"><path d="M0 0"/></svg>')}")}`],
    ["an icon with namespaced elements", `.a{mask-image:url("${data('<svg viewBox="0 0 24 24"><sodipodi:namedview/><path d="M0 0"/></svg>')}")}`],
    ["an icon with namespaced attributes", `.a{mask-image:url("${data('<svg viewBox="0 0 24 24"><path inkscape:label="x" d="M0 0"/></svg>')}")}`],
    ["a mask shorthand", `.a{mask-image:url("${data(A)}")}.b{mask:url("${data(C)}") 0 0/100% 100%}`],
    ["an important mask size elsewhere", `.a{mask-image:url("${data(A)}")}.a.b{mask-size:50% 50% !important}`],
    ["an important mask position elsewhere", `.a{mask-image:url("${data(A)}")}.a.b{-webkit-mask-position:0 0 !important}`],
    ["cascade layers", `@layer base{.a{mask-image:url("${data(A)}")}}`],
    ["not an SVG", `.a{mask-image:url("${data("<html></html>")}")}`],
  ])("refuses %s (the rule that wins the image would no longer win its position)", (_name, input) => {
    expect(() => spriteMasks(input, URL_OF)).toThrow(/icon sprite/);
  });
});
