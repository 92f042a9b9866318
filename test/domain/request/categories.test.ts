import { describe, expect, it } from "vitest";
import {
  CATEGORIES,
  isCategory,
  isHeavy,
  minimumAge,
  missingPrerequisites,
  prerequisitesOf,
  type Category,
} from "../../../src/domain/request/categories.ts";

describe("categories: reference list", () => {
  it("holds the 15 categories of SPEC §3 step 1, in the order of the form", () => {
    expect(CATEGORIES).toEqual(["AM", "A1", "A2", "A", "B1", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE"]);
  });

  it.each<{ value: string; expected: boolean }>([
    { value: "B", expected: true },
    { value: "C1E", expected: true },
    { value: "b", expected: false },
    { value: "B96", expected: false },
    { value: "E", expected: false },
    { value: "", expected: false },
  ])("isCategory($value) is $expected", ({ value, expected }) => {
    expect(isCategory(value)).toBe(expected);
  });
});

describe("prerequisitesOf (transitive)", () => {
  it.each<{ category: Category; expected: Category[]; heavy: boolean }>([
    { category: "AM", expected: [], heavy: false },
    { category: "A1", expected: [], heavy: false },
    { category: "A2", expected: [], heavy: false },
    { category: "A", expected: [], heavy: false },
    { category: "B1", expected: [], heavy: false },
    { category: "B", expected: [], heavy: false },
    { category: "BE", expected: ["B"], heavy: false },
    { category: "C1", expected: ["B"], heavy: true },
    { category: "C1E", expected: ["C1", "B"], heavy: true },
    { category: "C", expected: ["B"], heavy: true },
    { category: "CE", expected: ["C", "B"], heavy: true },
    { category: "D1", expected: ["B"], heavy: true },
    { category: "D1E", expected: ["D1", "B"], heavy: true },
    { category: "D", expected: ["B"], heavy: true },
    { category: "DE", expected: ["D", "B"], heavy: true },
  ])("$category requires $expected (heavy: $heavy)", ({ category, expected, heavy }) => {
    expect(prerequisitesOf(category)).toEqual(expected);
    expect(isHeavy(category)).toBe(heavy);
  });

  it("covers every category of the list", () => {
    for (const c of CATEGORIES) expect(Array.isArray(prerequisitesOf(c))).toBe(true);
  });
});

describe("missingPrerequisites", () => {
  it.each<{ name: string; requested: Category[]; held: Category[]; expected: string[] }>([
    { name: "CE alone names C and B", requested: ["CE"], held: [], expected: ["La catégorie CE nécessite les catégories C, B."] },
    { name: "CE with C and B held", requested: ["CE"], held: ["C", "B"], expected: [] },
    { name: "CE with C requested and B held", requested: ["C", "CE"], held: ["B"], expected: [] },
    { name: "CE with C held but not B", requested: ["CE"], held: ["C"], expected: ["La catégorie CE nécessite la catégorie B."] },
    { name: "C1E with C1 requested together and B held", requested: ["C1", "C1E"], held: ["B"], expected: [] },
    { name: "C1E with C1 requested but no B", requested: ["C1", "C1E"], held: [], expected: ["La catégorie C1 nécessite la catégorie B.", "La catégorie C1E nécessite la catégorie B."] },
    { name: "BE alone", requested: ["BE"], held: [], expected: ["La catégorie BE nécessite la catégorie B."] },
    { name: "B and BE together", requested: ["B", "BE"], held: [], expected: [] },
    { name: "DE alone", requested: ["DE"], held: [], expected: ["La catégorie DE nécessite les catégories D, B."] },
    { name: "D1E with D1 held only", requested: ["D1E"], held: ["D1"], expected: ["La catégorie D1E nécessite la catégorie B."] },
    { name: "categories without prerequisite", requested: ["AM", "A1", "A2", "A", "B1", "B"], held: [], expected: [] },
    { name: "nothing requested", requested: [], held: ["B"], expected: [] },
  ])("$name", ({ requested, held, expected }) => {
    expect(missingPrerequisites(requested, held)).toEqual(expected);
  });
});

describe("minimumAge", () => {
  it.each<{ category: Category; plain: number; qualified: number }>([
    { category: "AM", plain: 14, qualified: 14 },
    { category: "A1", plain: 16, qualified: 16 },
    { category: "A2", plain: 18, qualified: 18 },
    { category: "A", plain: 20, qualified: 20 },
    { category: "B1", plain: 16, qualified: 16 },
    { category: "B", plain: 17, qualified: 17 },
    { category: "BE", plain: 18, qualified: 18 },
    { category: "C1", plain: 18, qualified: 18 },
    { category: "C1E", plain: 18, qualified: 18 },
    { category: "C", plain: 21, qualified: 18 },
    { category: "CE", plain: 21, qualified: 18 },
    { category: "D1", plain: 21, qualified: 18 },
    { category: "D1E", plain: 21, qualified: 18 },
    { category: "D", plain: 24, qualified: 21 },
    { category: "DE", plain: 24, qualified: 21 },
  ])("$category: $plain, or $qualified with a professional qualification", ({ category, plain, qualified }) => {
    expect(minimumAge(category, false)).toBe(plain);
    expect(minimumAge(category, true)).toBe(qualified);
  });
});
