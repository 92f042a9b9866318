import { execFileSync } from "node:child_process";
import type * as FsPromises from "node:fs/promises";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { motifInfo, type MotifInfo } from "../../src/domain/request/motifs.ts";
import { PIECE_TYPES, type PieceId } from "../../src/domain/request/pieces.ts";
import { sampleAdresse, sampleEtatCivil, sampleStep1 } from "../helpers/content.ts";
import { attestationDepot, attestationDroits, attestationInscription, depositFormPdf, receiptPdf, type SentRequest } from "../../src/services/pdf/index.ts";

/* ---- pdftotext (poppler-utils) reads the PDFs back as a user's tools would. ---- */

function hasPdftotext(): boolean {
  try {
    execFileSync("pdftotext", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

let dir = "";
let count = 0;

beforeAll(() => {
  if (!hasPdftotext()) {
    throw new Error("pdftotext is missing: these tests read the PDFs back with poppler-utils (apt-get install poppler-utils).");
  }
  dir = mkdtempSync(join(tmpdir(), "permis-pdf-"));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The text of the PDF, as `pdftotext -layout` lays it out. */
function textOf(pdf: Uint8Array): string {
  const file = join(dir, `document-${++count}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync("pdftotext", ["-layout", "-enc", "UTF-8", file, "-"], { encoding: "utf8" });
}

/** Text with runs of white space (layout columns, line ends) made single spaces. */
const flat = (text: string) => text.replace(/\s+/g, " ");

/* ---- Fixtures ---- */

const motif = (id: string): MotifInfo => {
  const info = motifInfo(id);
  if (!info) throw new Error(`unknown motif ${id}`);
  return info;
};

const piece = (id: PieceId, files: Array<{ name: string; pages: number }>) => ({
  id,
  ...PIECE_TYPES[id],
  reasons: ["pour toute demande"],
  files,
});

const PERTE: SentRequest = {
  number: "2026-1122-00042",
  sentAt: new Date("2026-11-22T09:15:00Z"), // 10:15 in Paris (winter time)
  beneficiaire: "moi",
  pour: "majeur",
  motif: motif("fabrication.perte"),
  step1: sampleStep1(["B"]),
  etatCivil: sampleEtatCivil(),
  adresse: sampleAdresse(),
  photo: { option: "classique" },
  pieces: [
    piece("identite", [{ name: "carte-identité-recto-verso.pdf", pages: 2 }]),
    piece("domicile", [{ name: "facture-électricité.jpg", pages: 1 }]),
    { id: "timbre", ...PIECE_TYPES.timbre, reasons: ["parce que le permis a été perdu"], files: [] },
  ],
  additional: [],
  stampNumber: "1234567890123456",
};

const INSCRIPTION_B: SentRequest = {
  ...PERTE,
  number: "2026-1122-00043",
  motif: motif("inscription.premier_permis"),
  step1: sampleStep1(["B"]),
  pieces: [...PERTE.pieces.slice(0, 2), piece("assr", [{ name: "assr2.png", pages: 1 }])],
  stampNumber: undefined,
};

const INSCRIPTION_A: SentRequest = { ...INSCRIPTION_B, number: "2026-1122-00044", step1: sampleStep1(["A1"]) };

/** Many uploaded files: the récapitulatif needs a second page. */
const LONG: SentRequest = {
  ...PERTE,
  number: "2026-1122-00045",
  pieces: [
    piece(
      "identite",
      Array.from({ length: 2 }, (_, i) => ({ name: `identité-${i + 1}.pdf`, pages: 1 })),
    ),
    piece(
      "domicile",
      Array.from({ length: 60 }, (_, i) => ({ name: `quittance-de-loyer-${String(i + 1).padStart(2, "0")}-résidence-des-Mûriers.pdf`, pages: 1 })),
    ),
  ],
  additional: Array.from({ length: 5 }, (_, i) => ({ label: "Attestation d'hébergement", name: `attestation-${i + 1}.pdf`, pages: 2 })),
};

/* ---- Tests ---- */

async function pageSizes(pdf: Uint8Array): Promise<Array<{ width: number; height: number }>> {
  const doc = await PDFDocument.load(pdf);
  return doc.getPages().map((p) => p.getSize());
}

describe("receiptPdf (récépissé de dépôt)", () => {
  it("is an A4 page in French with the request's number, deposit time and every section", async () => {
    const pdf = await receiptPdf(PERTE);
    expect(await pageSizes(pdf)).toEqual([{ width: 595.28, height: 841.89 }]);
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    expect(doc.getCreationDate()?.toISOString()).toBe("2026-11-22T09:15:00.000Z");
    expect(doc.getProducer()).toBe("Permis de conduire");
    // Set in Marianne, the State's font, embedded as subsets (Helvetica is only a fallback).
    const raw = Buffer.from(pdf).toString("latin1");
    expect(raw).toContain("/BaseFont /PCMREG+Marianne-Regular");
    expect(raw).toContain("/BaseFont /PCMBLD+Marianne-Bold");

    const text = flat(textOf(pdf));
    for (const expected of [
      "République Française",
      "Permis de conduire",
      "Récépissé de dépôt d'une demande de permis de conduire",
      "Numéro de demande : 2026-1122-00042",
      "le 22/11/2026 à 10:15",
      "Motif de la demande du titre",
      "État civil de la personne concernée par le titre",
      "Adresse de la personne concernée par le titre",
      "Coordonnées où l'on peut vous joindre",
      "Photo / signature de la personne concernée par le titre",
      "Pièces justificatives",
      "Motif : La demande du titre est effectuée à la suite de la perte du précédent titre.",
      "Nom de naissance : ŁASKI-DUPRÉ",
      "Prénom(s) : Hélène, Zoë, Ğülşen",
      "Date de naissance : 00/00/1990",
      "12 bis rue de l'Œuvre, Bâtiment « Les Mûriers », 29000 QUIMPER",
      "Timbre fiscal électronique de 25 € : Timbre n° 1234567890123456",
      "carte-identité-recto-verso.pdf (2 pages)",
      "Demande n° 2026-1122-00042 — page 1/1",
    ]) {
      expect(text).toContain(expected);
    }
  });

  it("closes with the notes that fit the motif", async () => {
    const deletion = "Votre demande sera supprimée 6 mois après sa création, quel que soit son état.";
    const learning = "Ce récépissé vous permet de commencer l'apprentissage de la conduite sur les voies ouvertes à la circulation publique.";
    const perte = "Dans l'attente de l'attestation de droits à conduire, vous n'êtes pas autorisé à conduire.";

    const perteText = flat(textOf(await receiptPdf(PERTE)));
    expect(perteText).toContain(perte);
    expect(perteText).toContain(deletion);
    expect(perteText).not.toContain(learning);

    const inscriptionB = flat(textOf(await receiptPdf(INSCRIPTION_B)));
    expect(inscriptionB).toContain(learning);
    expect(inscriptionB).toContain(deletion);
    expect(inscriptionB).not.toContain(perte);

    const inscriptionA = flat(textOf(await receiptPdf(INSCRIPTION_A)));
    expect(inscriptionA).not.toContain(learning);
    expect(inscriptionA).toContain(deletion);
  });

  it("flows onto a second page, numbered in the footer, without losing a row", async () => {
    const pdf = await receiptPdf(LONG);
    expect(await pageSizes(pdf)).toEqual([
      { width: 595.28, height: 841.89 },
      { width: 595.28, height: 841.89 },
    ]);
    const text = textOf(pdf);
    const pages = text.split("\f").filter((p) => p.trim() !== "");
    expect(pages).toHaveLength(2);
    expect(flat(pages[0] ?? "")).toContain("Demande n° 2026-1122-00045 — page 1/2");
    expect(flat(pages[1] ?? "")).toContain("Demande n° 2026-1122-00045 — page 2/2");
    const all = flat(text).replace(/ /g, "");
    for (let i = 1; i <= 60; i++) expect(all).toContain(`quittance-de-loyer-${String(i).padStart(2, "0")}-résidence-des-Mûriers.pdf`);
    expect(flat(pages[1] ?? "")).toContain("Votre demande sera supprimée 6 mois après sa création, quel que soit son état.");
  });

  it("is byte-identical when generated again from the same data", async () => {
    const [a, b] = [await receiptPdf(LONG), await receiptPdf(structuredClone(LONG))];
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const other = await receiptPdf({ ...LONG, sentAt: new Date("2026-11-22T09:16:00Z") });
    expect(Buffer.from(a).equals(Buffer.from(other))).toBe(false);
  });

  it("writes characters the font lacks in their nearest Latin form", async () => {
    const text = flat(textOf(await receiptPdf({ ...PERTE, etatCivil: { ...PERTE.etatCivil!, nomNaissance: "ǄUKIĆ-ИВАНОВ", prenoms: ["ﬁona"] } })));
    expect(text).toContain("Nom de naissance : DŽUKIĆ-??????");
    expect(text).toContain("Prénom(s) : fiona");
  });
});

describe("without the Marianne files", () => {
  it("falls back to Helvetica, writing the letters WinAnsi lacks without their accents", async () => {
    vi.resetModules();
    vi.doMock("node:fs/promises", async (original) => ({
      ...(await original<typeof FsPromises>()),
      readFile: () => Promise.reject(new Error("ENOENT: no such file")),
    }));
    try {
      const fresh = await import("../../src/services/pdf/index.ts");
      const pdf = await fresh.receiptPdf(PERTE);
      const raw = Buffer.from(pdf).toString("latin1");
      expect(raw).toContain("/BaseFont /Helvetica");
      expect(raw).not.toContain("Marianne");
      const text = flat(textOf(pdf));
      expect(text).toContain("Nom de naissance : LASKI-DUPRÉ");
      expect(text).toContain("Prénom(s) : Hélène, Zoë, Gülsen");
      expect(text).toContain("12 bis rue de l'Œuvre, Bâtiment « Les Mûriers », 29000 QUIMPER");
      expect(text).toContain("Timbre fiscal électronique de 25 €");
      expect(flat(textOf(await fresh.depositFormPdf(PERTE)))).toContain("Photo Couleur A COLLER sans agrafe");
    } finally {
      vi.doUnmock("node:fs/promises");
      vi.resetModules();
    }
  });
});

describe("depositFormPdf (formulaire de dépôt de photo et de signature)", () => {
  it("is an A4 page with the CTN address, the fields as entered, the photo and signature boxes", async () => {
    const pdf = await depositFormPdf(PERTE);
    expect(await pageSizes(pdf)).toEqual([{ width: 595.28, height: 841.89 }]);
    const layout = textOf(pdf);
    const text = flat(layout);
    for (const expected of [
      "Demande de permis de conduire",
      "Formulaire de dépôt de photo et de signature pour numérisation",
      "Récapitulatif de votre saisie",
      "Si vous raturez ce formulaire, la modification ne sera pas prise en compte et risque d'entraîner l'échec de votre demande.",
      "Ne joindre aucune pièce justificative à ce courrier.",
      "Numéro de demande : 2026-1122-00042",
      "Nom de naissance : ŁASKI-DUPRÉ",
      "Prénom(s) : Hélène, Zoë, Ğülşen",
      "Sexe : F",
      "Date de nais. : 00/00/1990",
      "Adresse : 12 bis rue de l'Œuvre",
      "Bâtiment « Les Mûriers »",
      "29000 QUIMPER",
      "Photo Couleur A COLLER sans agrafe",
      "J'atteste sur l'honneur que les informations fournies sont exactes",
      "SIGNATURE A L'ENCRE NOIRE",
      "Mettre ce document dans une enveloppe affranchie adressée à l'adresse figurant ci-dessus (celle-ci est placée afin de pouvoir insérer ce document dans une enveloppe à fenêtre).",
    ]) {
      expect(text).toContain(expected);
    }
    // The CTN block: three consecutive lines, in the right half of the page (the envelope's window).
    const lines = layout.split("\n");
    const ctn = lines.findIndex((l) => l.trim() === "CTN");
    expect(ctn).toBeGreaterThan(0);
    expect(lines.slice(ctn, ctn + 3).map((l) => l.trim())).toEqual(["CTN", "CS 80168", "53102 MAYENNE CEDEX"]);
    const column = (lines[ctn] ?? "").indexOf("CTN");
    expect(column).toBeGreaterThan((lines[ctn] ?? "").length / 2 - 10);
  });

  it("places the CTN address where a DL or C5 envelope's window shows it", async () => {
    const file = join(dir, "deposit.pdf");
    writeFileSync(file, await depositFormPdf(PERTE));
    const html = execFileSync("pdftotext", ["-bbox", file, "-"], { encoding: "utf8" });
    const box = (word: string) => {
      const m = new RegExp(`<word xMin="([\\d.]+)" yMin="([\\d.]+)" xMax="([\\d.]+)" yMax="([\\d.]+)">${word}</word>`).exec(html);
      if (!m) throw new Error(`${word} not found in ${html}`);
      return { x: Number(m[1]), top: Number(m[2]), right: Number(m[3]), bottom: Number(m[4]) };
    };
    const ctn = box("CTN");
    const city = box("MAYENNE");
    expect(ctn.x).toBeCloseTo(320, 0);
    // Window of 100 × 45 mm, 20 mm from the right edge, from about 40 to 90 mm from the top.
    expect(ctn.top).toBeGreaterThan(40 * (72 / 25.4));
    expect(box("CEDEX").right).toBeLessThan(595.28 - 20 * (72 / 25.4));
    expect(city.bottom).toBeLessThan(90 * (72 / 25.4));
  });

  it("stays on one page with the longest names and address", async () => {
    const long = "Jean-Christophe-Marie-Bartholomé-Emmanuel Hippolyte Alexandre de la Tour";
    const pdf = await depositFormPdf({
      ...PERTE,
      etatCivil: { ...PERTE.etatCivil!, nomNaissance: "Ä".repeat(80), prenoms: [long, long, long, long] },
      adresse: { ...PERTE.adresse!, nomVoie: "du Maréchal Jean Marie Gabriel de Lattre de Tassigny et de la Libération", complement: "Résidence des Chênes Verts, bâtiment B, escalier 4, appartement 1203" },
    });
    expect(await pageSizes(pdf)).toHaveLength(1);
    const text = flat(textOf(pdf));
    expect(text).toContain("SIGNATURE A L'ENCRE NOIRE");
    expect(text).toContain("Tassigny");
  });

  it("is byte-identical when generated again from the same data", async () => {
    const a = await depositFormPdf(PERTE);
    const b = await depositFormPdf(structuredClone(PERTE));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});

/* ---- Attestations (issue 9 §4) ---- */

const A4_PAGE = { width: 595.28, height: 841.89 };
const VALIDATED_AT = new Date("2026-12-01T10:00:00Z");
const NEPH = "260000000042";
const pagesOf = (pdf: Uint8Array) =>
  textOf(pdf)
    .split("\f")
    .filter((p) => p.trim() !== "")
    .map(flat);

describe("attestationInscription (attestation d'inscription au permis de conduire)", () => {
  const request: SentRequest = {
    ...INSCRIPTION_B,
    step1: { ...sampleStep1(["B", "A1"]), conduiteAccompagnee: true },
  };

  it("is one A4 sheet recto/verso: the NEPH, the candidate, the categories, the préfecture and the day on the recto", async () => {
    const pdf = await attestationInscription(request, NEPH, VALIDATED_AT);
    expect(await pageSizes(pdf)).toEqual([A4_PAGE, A4_PAGE]);
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    expect(doc.getTitle()).toBe("Attestation d'inscription au permis de conduire");
    expect(doc.getCreationDate()?.toISOString()).toBe("2026-12-01T10:00:00.000Z");
    const [recto, verso] = pagesOf(pdf);
    for (const expected of [
      "République Française",
      "Attestation d'inscription au permis de conduire",
      "Équivalent du Cerfa réf. 02 — à imprimer en recto/verso sur une seule feuille",
      "Numéro d'enregistrement préfectoral harmonisé (NEPH) 26 00000 00042",
      "Numéro de demande : 2026-1122-00043",
      "Motif : Il s'agit d'une inscription au permis de conduire pour un premier permis.",
      "Catégorie(s) de permis demandée(s) : B, A1",
      "Apprentissage anticipé de la conduite : Oui",
      "Préfecture de rattachement : Préfecture du Finistère",
      "Date de validation de l'inscription : 01/12/2026",
      "État civil du candidat",
      "Nom de naissance : ŁASKI-DUPRÉ",
      "Sexe : Femme",
      "Prénom(s) : Hélène, Zoë, Ğülşen",
      "Date de naissance : 00/00/1990",
      "Commune de naissance : Quimper",
      "Adresse : 12 bis rue de l'Œuvre, Bâtiment « Les Mûriers », 29000 QUIMPER",
      "Fait le 01/12/2026",
      "Pour le préfet et par délégation,",
      "recto (page 1/2)",
    ]) {
      expect(recto).toContain(expected);
    }
    for (const expected of [
      "Attestation d'inscription au permis de conduire (verso)",
      "NEPH 26 00000 00042 — Hélène Zoë Ğülşen ŁASKI-DUPRÉ",
      "Votre numéro NEPH est actif : il vous permet de vous inscrire à l'examen du code de la route",
      "Cette attestation vous permet de prendre des leçons de conduite auprès d'une école de conduite",
      "vous pouvez commencer l'apprentissage de la conduite sur les voies ouvertes à la circulation publique.",
      "Imprimez cette attestation en recto/verso sur une seule feuille. Présentez-la à l'inspecteur chargé de l'évaluation lors des épreuves du permis de conduire",
      "Cadre réservé aux épreuves du permis de conduire",
      "Épreuve théorique générale (code)",
      "Épreuve pratique",
      "verso (page 2/2)",
    ]) {
      expect(verso).toContain(expected);
    }
  });

  it("does not speak of learning on public roads without category B", async () => {
    const text = flat(textOf(await attestationInscription(INSCRIPTION_A, NEPH, VALIDATED_AT)));
    expect(text).toContain("Catégorie(s) de permis demandée(s) : A1");
    expect(text).not.toContain("voies ouvertes à la circulation publique");
  });

  it("dates the validation by the day in Paris", async () => {
    // 23:30 UTC on 31 December is already 1 January in Paris.
    const text = flat(textOf(await attestationInscription(request, "270000000043", new Date("2026-12-31T23:30:00Z"))));
    expect(text).toContain("Date de validation de l'inscription : 01/01/2027");
    expect(text).toContain("NEPH 27 00000 00043");
  });

  it("stays on two pages with the longest names, a legal representative and every category", async () => {
    const long = "Jean-Christophe-Marie-Bartholomé-Emmanuel Hippolyte Alexandre de la Tour";
    const pdf = await attestationInscription(
      {
        ...request,
        pour: "mineur",
        step1: { ...sampleStep1(["AM", "A1", "A2", "A", "B1", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE"]), categoriesDetenues: ["AM", "A1"], conduiteAccompagnee: true },
        etatCivil: {
          ...PERTE.etatCivil!,
          nomNaissance: "Ä".repeat(80),
          nomUsage: "Ö".repeat(80),
          prenoms: [long, long, long, long],
          representant: { nom: "Ü".repeat(80), prenom: long, qualite: "pere" },
        },
        adresse: {
          ...PERTE.adresse!,
          nomVoie: "du Maréchal Jean Marie Gabriel de Lattre de Tassigny et de la Libération",
          complement: "Résidence des Chênes Verts, bâtiment B, escalier 4, appartement 1203",
        },
      },
      NEPH,
      VALIDATED_AT,
    );
    expect(await pageSizes(pdf)).toEqual([A4_PAGE, A4_PAGE]);
    const [recto, verso] = pagesOf(pdf);
    expect(recto).toContain("Catégorie(s) déjà obtenue(s) : AM, A1");
    expect(recto).toContain("Tassigny");
    expect(recto).toContain("recto (page 1/2)");
    expect(verso).toContain("verso (page 2/2)");
  });

  it("is byte-identical when generated again from the same data", async () => {
    const a = await attestationInscription(request, NEPH, VALIDATED_AT);
    const b = await attestationInscription(structuredClone(request), NEPH, new Date(VALIDATED_AT.getTime()));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const other = await attestationInscription(request, "260000000043", VALIDATED_AT);
    expect(Buffer.from(a).equals(Buffer.from(other))).toBe(false);
  });
});

describe("attestationDroits (attestation de droits à conduire)", () => {
  const request: SentRequest = { ...PERTE, step1: { ...sampleStep1(["B", "A2"]), numeroPermis: "AB12345678" } };

  it("is an A4 page with the holder, the categories held, the request's number and how long it is valid", async () => {
    const pdf = await attestationDroits(request, VALIDATED_AT);
    expect(await pageSizes(pdf)).toEqual([A4_PAGE]);
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    expect(doc.getTitle()).toBe("Attestation de droits à conduire");
    expect(doc.getCreationDate()?.toISOString()).toBe("2026-12-01T10:00:00.000Z");
    const text = flat(textOf(pdf));
    for (const expected of [
      "République Française",
      "Attestation de droits à conduire",
      "Numéro de demande : 2026-1122-00042",
      "Attestation délivrée le 01/12/2026",
      "Après vérification par l'administration, la personne désignée ci-dessous est titulaire du droit de conduire les véhicules des catégories indiquées, à la suite de la perte de son permis de conduire.",
      "Nom de naissance : ŁASKI-DUPRÉ",
      "Prénom(s) : Hélène, Zoë, Ğülşen",
      "Date de naissance : 00/00/1990",
      "Adresse : 12 bis rue de l'Œuvre, Bâtiment « Les Mûriers », 29000 QUIMPER",
      "Catégorie(s) de permis détenue(s) : B, A2",
      "Numéro du permis de conduire perdu : AB12345678",
      "Numéro de la demande de nouveau permis : 2026-1122-00042",
      "Cette attestation vous autorise à conduire, en France, les véhicules des catégories indiquées ci-dessus jusqu'à la réception de votre nouveau permis de conduire, et au plus tard jusqu'au 01/02/2027.",
      "Présentez-la avec une pièce d'identité en cours de validité en cas de contrôle.",
      "Votre nouveau permis vous sera envoyé par courrier sécurisé dans les 15 jours ; en cas d'absence, il peut être retiré à La Poste pendant 15 jours.",
      "Valable jusqu'au 01/02/2027",
      "Fait le 01/12/2026",
      "Préfecture du Finistère",
      "Attestation de droits à conduire — demande n° 2026-1122-00042 — page 1/1",
    ]) {
      expect(text).toContain(expected);
    }
  });

  it("says where the categories are known from when the request gives none, and fits a theft", async () => {
    const text = flat(textOf(await attestationDroits({ ...PERTE, motif: motif("fabrication.vol"), step1: sampleStep1([]) }, VALIDATED_AT)));
    expect(text).toContain("Catégorie(s) de permis détenue(s) : celles du permis de conduire perdu, inscrites au fichier national des permis de conduire");
    expect(text).toContain("à la suite du vol de son permis de conduire");
    expect(text).not.toContain("Numéro du permis de conduire perdu");
  });

  it("ends its validity two calendar months later, on the last day of a shorter month", async () => {
    const text = flat(textOf(await attestationDroits(request, new Date("2026-12-31T10:00:00Z"))));
    expect(text).toContain("Valable jusqu'au 28/02/2027");
  });

  it("is byte-identical when generated again from the same data", async () => {
    const a = await attestationDroits(request, VALIDATED_AT);
    const b = await attestationDroits(structuredClone(request), new Date(VALIDATED_AT.getTime()));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});

describe("attestationDepot (attestation de dépôt d'une demande de permis international)", () => {
  const request: SentRequest = {
    ...PERTE,
    number: "2026-1122-00046",
    motif: motif("permis_international"),
    step1: { ...sampleStep1([]), numeroPermis: "AB12345678" },
    stampNumber: undefined,
  };

  it("is an A4 page, dated by the sending, to join to the paper request", async () => {
    const pdf = await attestationDepot(request);
    expect(await pageSizes(pdf)).toEqual([A4_PAGE]);
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    expect(doc.getCreationDate()?.toISOString()).toBe("2026-11-22T09:15:00.000Z");
    const text = flat(textOf(pdf));
    for (const expected of [
      "République Française",
      "Attestation de dépôt d'une demande de permis de conduire international",
      "Numéro de demande : 2026-1122-00046",
      "Demande déposée en ligne le 22/11/2026 à 10:15 (heure de Paris)",
      "À joindre à votre demande par courrier papier",
      "Imprimez cette attestation et joignez-la à votre demande de permis de conduire international envoyée par courrier papier.",
      "Nom de naissance : ŁASKI-DUPRÉ",
      "Prénom(s) : Hélène, Zoë, Ğülşen",
      "Adresse : 12 bis rue de l'Œuvre, Bâtiment « Les Mûriers », 29000 QUIMPER",
      "Préfecture de rattachement : Préfecture du Finistère",
      "Numéro de permis : AB12345678",
      "Elle n'est pas un permis de conduire international et ne permet pas de conduire à l'étranger.",
      "page 1/1",
    ]) {
      expect(text).toContain(expected);
    }
  });

  it("is byte-identical when generated again from the same data", async () => {
    const a = await attestationDepot(request);
    const b = await attestationDepot(structuredClone(request));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const other = await attestationDepot({ ...request, sentAt: new Date("2026-11-22T09:16:00Z") });
    expect(Buffer.from(a).equals(Buffer.from(other))).toBe(false);
  });
});
