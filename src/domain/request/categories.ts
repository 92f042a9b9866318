/**
 * The 15 categories of the French driving licence, their prerequisites and minimum ages
 * (Code de la route, art. R221-4 and R221-5). Pure reference data.
 */
export const CATEGORIES = ["AM", "A1", "A2", "A", "B1", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE"] as const;
export type Category = (typeof CATEGORIES)[number];

export interface CategoryRule {
  /** Categories that must be held, or requested with it. */
  requires: readonly Category[];
  /** Minimum age to hold the category. */
  minAge: number;
  /** Minimum age with a professional qualification (FIMO, CAP/BEP/BAC PRO/TP), where it lowers it. */
  minAgeQualified?: number;
  /** "Poids lourds": a medical opinion is required (CERFA 14880*01). */
  heavy: boolean;
}

export const CATEGORY_RULES: Record<Category, CategoryRule> = {
  AM: { requires: [], minAge: 14, heavy: false },
  A1: { requires: [], minAge: 16, heavy: false },
  A2: { requires: [], minAge: 18, heavy: false },
  A: { requires: [], minAge: 20, heavy: false },
  B1: { requires: [], minAge: 16, heavy: false },
  B: { requires: [], minAge: 17, heavy: false },
  BE: { requires: ["B"], minAge: 18, heavy: false },
  C1: { requires: ["B"], minAge: 18, heavy: true },
  C1E: { requires: ["C1"], minAge: 18, heavy: true },
  C: { requires: ["B"], minAge: 21, minAgeQualified: 18, heavy: true },
  CE: { requires: ["C"], minAge: 21, minAgeQualified: 18, heavy: true },
  D1: { requires: ["B"], minAge: 21, minAgeQualified: 18, heavy: true },
  D1E: { requires: ["D1"], minAge: 21, minAgeQualified: 18, heavy: true },
  D: { requires: ["B"], minAge: 24, minAgeQualified: 21, heavy: true },
  DE: { requires: ["D"], minAge: 24, minAgeQualified: 21, heavy: true },
};

export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

export function isHeavy(category: Category): boolean {
  return CATEGORY_RULES[category].heavy;
}

/** Every prerequisite, transitively: CE needs C, which needs B. */
export function prerequisitesOf(category: Category): Category[] {
  const all = new Set<Category>();
  const visit = (c: Category) => {
    for (const r of CATEGORY_RULES[c].requires) {
      if (!all.has(r)) {
        all.add(r);
        visit(r);
      }
    }
  };
  visit(category);
  return [...all];
}

/**
 * French messages for requested categories whose prerequisites are neither held nor
 * requested at the same time, e.g. "La catégorie CE nécessite la catégorie C."
 */
export function missingPrerequisites(requested: readonly Category[], held: readonly Category[]): string[] {
  const have = new Set<Category>([...requested, ...held]);
  const messages: string[] = [];
  for (const category of requested) {
    const missing = prerequisitesOf(category).filter((p) => !have.has(p));
    if (missing.length > 0) {
      messages.push(
        `La catégorie ${category} nécessite ${missing.length === 1 ? "la catégorie" : "les catégories"} ${missing.join(", ")}.`,
      );
    }
  }
  return messages;
}

/** The minimum age for `category`, lowered by a professional qualification where the law allows it. */
export function minimumAge(category: Category, qualified: boolean): number {
  const rule = CATEGORY_RULES[category];
  return qualified && rule.minAgeQualified !== undefined ? rule.minAgeQualified : rule.minAge;
}
